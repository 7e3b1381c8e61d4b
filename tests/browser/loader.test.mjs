// Plain pages: the inline snippet (pkg/appboy-snippet.js), which defines `appboy` at once, keeps
// the calls and loads the SDK with one request; and the loader (pkg/appboy-loader.js), the whole
// SDK as one classic script.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, eventually, snippet } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

// A page at `path` made of `html`, opened in a fresh context.
async function pageOf(path, html) {
  server.pages.set(path, `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">${html}`);
  const context = await browser.newContext();
  return { context, page: await openPage(context, `${server.url}${path}`) };
}

const EARLY_CALLS = `
  window.early = [typeof appboy.initialize, appboy.getSessionId(), typeof appboy.then];
  window.calledAt = Date.now();
  appboy.initialize('KEY', { enableLogging: true });
  appboy.changeUser('early-user');
  appboy.openSession();
  window.kept = appboy;`;

test('snippet: calls are kept and carried out in order, dated when they were made; one request loads the SDK', async () => {
  // The SDK arrives 1.5 s after the page called it: the session must start at the call.
  server.hold.set('/pkg/appboy-loader.js', 1500);
  const before = server.requests.length;
  const { context, page } = await pageOf('/snippet.html', `<script>${snippet()}${EARLY_CALLS.replace('KEY', 'key-snippet')}</script>`);
  assert.deepEqual(await page.evaluate(() => window.early), ['function', undefined, 'undefined'], 'methods at once; no thenable');
  await page.waitForFunction(() => window.appboy.getSessionId() !== undefined);
  const state = await page.evaluate(() => ({ user: appboy.getUserId(), session: appboy.getSessionId(), viaStub: window.kept.getSessionId(), calledAt: window.calledAt }));
  assert.equal(state.user, 'early-user', 'changeUser was carried out before openSession');
  assert.equal(state.viaStub, state.session, 'the stub forwards to the SDK once it is there');
  await page.evaluate(() => appboy.requestImmediateDataFlush());
  await eventually(() => assert.equal(server.stored('ss').filter((d) => d.session_id === state.session).length, 1));
  const [start] = server.stored('ss').filter((d) => d.session_id === state.session);
  assert.equal(start.user_id, 'early-user');
  assert.ok(Math.abs(start.time * 1000 - state.calledAt) < 50, `ss at ${start.time * 1000}, called at ${state.calledAt}`);
  const sdkRequests = server.requests.slice(before).filter((p) => p.startsWith('/pkg/'));
  assert.deepEqual(sdkRequests, ['/pkg/appboy-loader.js'], 'one request for the SDK');
  assert.deepEqual(page.errors, []);
  server.hold.delete('/pkg/appboy-loader.js');
  await context.close();
});

test('snippet: an SDK that cannot be loaded leaves a stub that accepts every call and throws nothing', async () => {
  const { context, page } = await pageOf('/snippet-broken.html', `<script>${snippet('/pkg/missing.js')}
    appboy.initialize('key-broken'); appboy.openSession(); appboy.changeUser('u'); appboy.anything(1, 2);
    setTimeout(() => { appboy.openSession(); window.done = appboy.getSessionId() === undefined; }, 500);</script>`);
  await page.waitForFunction(() => window.done !== undefined);
  assert.equal(await page.evaluate(() => window.done), true);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('loader script: appboy works from the next script on, with one request', async () => {
  const before = server.requests.length;
  const { context, page } = await pageOf('/loader.html', `<script src="/pkg/appboy-loader.js"></script>
    <script>appboy.initialize('key-loader'); appboy.changeUser('loader-user'); appboy.openSession();
      window.sessionId = appboy.getSessionId(); appboy.requestImmediateDataFlush();</script>`);
  const sessionId = await page.evaluate(() => window.sessionId);
  assert.match(sessionId, /^[0-9a-f-]{36}$/, 'a session at once, synchronously');
  await eventually(() => assert.equal(server.stored('ss').filter((d) => d.session_id === sessionId && d.user_id === 'loader-user').length, 1));
  assert.deepEqual(server.requests.slice(before).filter((p) => p.startsWith('/pkg/')), ['/pkg/appboy-loader.js']);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('snippet and loader on one page: the loader takes over the calls the snippet kept', async () => {
  const { context, page } = await pageOf('/both.html', `<script>${snippet()}${EARLY_CALLS.replace('KEY', 'key-both')}</script>
    <script src="/pkg/appboy-loader.js"></script><script>window.after = appboy.getUserId();</script>`);
  await page.waitForFunction(() => window.after !== undefined);
  assert.equal(await page.evaluate(() => window.after), 'early-user');
  assert.deepEqual(page.errors, []);
  await context.close();
});
