// The package's entry module (pkg/appboy_wasm.js) works from its first line: no `await init()`,
// the wasm embedded in the module (no second request), calls made before the SDK is ready carried
// out as of when they were made, and in a Web Worker as well as in a page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, eventually } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

async function modulePage(context, path, body) {
  server.pages.set(path, `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module">${body}</script>`);
  return openPage(context, `${server.url}${path}`);
}

const CALLS = (key) => `
  window.calledAt = Date.now();
  appboy.initialize('${key}');
  appboy.openSession();
  window.atOnce = { session: appboy.getSessionId(), device: appboy.getDeviceId() };
  appboy.requestImmediateDataFlush();`;

test('called right after the import, with no init(): the session is open at once and its start arrives, dated at the call', async () => {
  const context = await browser.newContext();
  const before = server.requests.length;
  const page = await modulePage(context, '/first-line.html', `import { appboy } from '/pkg/appboy_wasm.js';${CALLS('key-first-line')}`);
  await page.waitForFunction(() => window.atOnce !== undefined);
  const { atOnce, calledAt } = await page.evaluate(() => ({ atOnce: window.atOnce, calledAt: window.calledAt }));
  assert.match(atOnce.session, /^[0-9a-f-]{36}$/);
  assert.match(atOnce.device, /^[0-9a-f-]{36}$/);
  await eventually(() => assert.equal(server.stored('ss').filter((d) => d.session_id === atOnce.session).length, 1));
  const [start] = server.stored('ss').filter((d) => d.session_id === atOnce.session);
  assert.ok(Math.abs(start.time * 1000 - calledAt) < 50, `ss at ${start.time * 1000}, called at ${calledAt}`);
  assert.deepEqual(server.requests.slice(before).filter((p) => p.startsWith('/pkg/')), ['/pkg/appboy_wasm.js'], 'no second request for a .wasm');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('without TextEncoder.encodeInto (Safari 14.0): the session opens at once, and a user id beyond ASCII arrives intact', async () => {
  const context = await browser.newContext();
  await context.addInitScript(() => { delete TextEncoder.prototype.encodeInto; });
  const page = await modulePage(context, '/no-encode-into.html', `import { appboy } from '/pkg/appboy_wasm.js';
    window.hasEncodeInto = 'encodeInto' in TextEncoder.prototype;
    ${CALLS('key-no-encode-into')}
    appboy.changeUser('Zoë 東京');
    window.after = appboy.getSessionId();
    appboy.requestImmediateDataFlush();`);
  await page.waitForFunction(() => window.after !== undefined);
  const r = await page.evaluate(() => ({ has: window.hasEncodeInto, atOnce: window.atOnce, after: window.after }));
  assert.equal(r.has, false);
  assert.match(r.atOnce.session, /^[0-9a-f-]{36}$/);
  await eventually(() => assert.equal(server.stored('ss').filter((d) => d.session_id === r.after && d.user_id === 'Zoë 東京').length, 1));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('where the engine refuses to compile on the main thread: calls wait for the async start, then run as of when they were made', async () => {
  const context = await browser.newContext();
  // An engine with a limit on synchronous compilation (as Chrome once had at 4 KB).
  await context.addInitScript(() => {
    const Module = WebAssembly.Module;
    WebAssembly.Module = function () { throw new RangeError('WebAssembly.Module is disallowed on the main thread'); };
    WebAssembly.Module.prototype = Module.prototype;
  });
  const page = await modulePage(context, '/async.html', `import init, { appboy, ready } from '/pkg/appboy_wasm.js';
    ${CALLS('key-async')}
    window.beforeReady = appboy.getSessionId();
    const started = await ready;
    window.readyAt = Date.now();
    window.after = { started, session: appboy.getSessionId(), viaInit: await init() };`);
  await page.waitForFunction(() => window.after !== undefined);
  const r = await page.evaluate(() => ({ atOnce: window.atOnce, beforeReady: window.beforeReady, after: window.after, calledAt: window.calledAt, readyAt: window.readyAt }));
  assert.equal(r.atOnce.session, undefined, 'getters are undefined before the SDK is ready');
  assert.equal(r.beforeReady, undefined);
  assert.deepEqual([r.after.started, r.after.viaInit], [true, true]);
  assert.match(r.after.session, /^[0-9a-f-]{36}$/);
  await eventually(() => assert.equal(server.stored('ss').filter((d) => d.session_id === r.after.session).length, 1));
  const [start] = server.stored('ss').filter((d) => d.session_id === r.after.session);
  assert.ok(Math.abs(start.time * 1000 - r.calledAt) < 50, `ss at ${start.time * 1000}, called at ${r.calledAt}, ready at ${r.readyAt}`);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('in a Web Worker (no document, no localStorage): every call works or does nothing, nothing thrown, the start is sent', async () => {
  const context = await browser.newContext();
  server.pages.set('/worker.js', `import { appboy, ready } from '/pkg/appboy_wasm.js';
    const results = {};
    try {
      results.initialize = appboy.initialize('key-worker', { enableLogging: true });
      appboy.setLogger(() => {});
      const sub = appboy.subscribeToSessionUpdates(() => {});
      appboy.openSession();
      appboy.changeUser('worker-user');
      results.session = appboy.getSessionId();
      results.user = appboy.getUserId();
      results.device = appboy.getDeviceId();
      appboy.removeSubscription(sub);
      appboy.toggleLogging();
      appboy.requestImmediateDataFlush();
      results.ready = await ready;
    } catch (error) { results.error = String(error); }
    postMessage(results);`);
  const page = await openPage(context, `${server.url}/tests/browser/fixtures/blank.html`);
  const results = await page.evaluate(() => new Promise((resolve) => {
    const worker = new Worker('/worker.js', { type: 'module' });
    worker.onmessage = (e) => resolve(e.data);
    worker.onerror = (e) => resolve({ error: e.message ?? 'worker error' });
  }));
  assert.equal(results.error, undefined);
  assert.equal(results.initialize, true);
  assert.equal(results.ready, true);
  assert.equal(results.user, 'worker-user');
  assert.match(results.session, /^[0-9a-f-]{36}$/);
  assert.match(results.device, /^[0-9a-f-]{36}$/);
  await eventually(() => assert.equal(server.stored('ss').filter((d) => d.session_id === results.session && d.user_id === 'worker-user').length, 1));
  assert.deepEqual(page.errors, []);
  await context.close();
});
