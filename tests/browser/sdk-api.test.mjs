// The rest of Braze's session API (docs/design.md section 2): the flush callback, opt-out with
// disableSDK/enableSDK/isDisabled, and the `braze` name for the same object.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, openSdkPage, eventually, snippet } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); server.respond = null; });

// Calls requestImmediateDataFlush in the page; resolves with what its callback got, and whether
// it was called before the call returned.
const flush = (page) => page.evaluate(() => new Promise((resolve) => {
  let returned = false;
  appboy.requestImmediateDataFlush((ok) => resolve({ ok, synchronous: !returned }));
  returned = true;
}));
const sessionsOf = (key) => server.posts.filter((p) => p.batch.api_key === key).flatMap((p) => p.batch.events);

test('flush callback: true once what waited is accepted, false when the request fails, true when nothing waits', async () => {
  const context = await browser.newContext();
  const page = await openSdkPage(context, server);
  assert.deepEqual(await flush(page), { ok: true, synchronous: false }, 'before initialize nothing waits: true, and later');
  await page.evaluate(() => { appboy.initialize('key-flush'); appboy.changeUser('flusher'); appboy.openSession(); });
  const id = await page.evaluate(() => appboy.getSessionId());
  assert.deepEqual(await flush(page), { ok: true, synchronous: false });
  assert.equal(server.stored('ss').filter((d) => d.session_id === id).length, 1, 'delivered before the callback said so');
  assert.deepEqual(await flush(page), { ok: true, synchronous: false }, 'nothing waits any more');

  // The endpoint fails: false, and the data stays for a later flush.
  server.respond = (req, body) => (JSON.parse(body).api_key === 'key-flush' ? 503 : null);
  await page.evaluate(() => appboy.changeUser('second'));
  const second = await page.evaluate(() => appboy.getSessionId());
  assert.deepEqual(await flush(page), { ok: false, synchronous: false });
  assert.equal(server.stored('ss').filter((d) => d.session_id === second).length, 0);
  server.respond = null;
  assert.deepEqual(await flush(page), { ok: true, synchronous: false });
  assert.equal(server.stored('ss').filter((d) => d.session_id === second).length, 1, 'sent with the next flush');
  assert.equal(server.stored('se').filter((d) => d.session_id === id).length, 1);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('flush callback: one that throws is caught and logged; anything but a function is ignored', async () => {
  const context = await browser.newContext();
  const page = await openSdkPage(context, server);
  await page.evaluate(() => {
    appboy.initialize('key-flush-throws');
    appboy.openSession();
    appboy.requestImmediateDataFlush(() => { window.called = true; throw new Error('the page failed'); });
    appboy.requestImmediateDataFlush('not a function');
    appboy.requestImmediateDataFlush(null);
  });
  await page.waitForFunction(() => window.called === true);
  await eventually(() => assert.ok(page.logs.some((l) => l.startsWith('error: Appboy: the requestImmediateDataFlush() callback threw: Error: the page failed')), page.logs.join('\n')));
  assert.deepEqual(page.errors, [], 'nothing thrown into the page');
  await context.close();
});

test('disableSDK before initialize: nothing is recorded, stored or sent, on this page and the next, until enableSDK', async () => {
  const context = await browser.newContext();
  let page = await openSdkPage(context, server);
  const before = await page.evaluate(() => Object.keys(localStorage).length);
  const answers = await page.evaluate(() => {
    appboy.disableSDK();
    return [appboy.isDisabled(), appboy.initialize('key-optout'), appboy.openSession(), appboy.getSessionId(), appboy.getDeviceId()];
  });
  assert.deepEqual(answers, [true, false, undefined, undefined, undefined]);
  assert.deepEqual(await flush(page), { ok: true, synchronous: false }, 'a flush callback still hears back');
  const cookies = await context.cookies();
  assert.equal(cookies.filter((c) => c.name === 'ab.optOut').length, 1, "Braze's own opt-out cookie");
  assert.deepEqual([before, await page.evaluate(() => Object.keys(localStorage))], [0, []], 'nothing stored but the cookie');

  // A later page of the site: still disabled.
  page = await openSdkPage(context, server);
  const later = await page.evaluate(() => [appboy.isDisabled(), appboy.initialize('key-optout'), appboy.openSession(), appboy.getSessionId()]);
  assert.deepEqual(later, [true, false, undefined, undefined]);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.deepEqual(sessionsOf('key-optout'), [], 'nothing sent');

  // Lifted: it does not initialize by itself; the page does.
  const lifted = await page.evaluate(() => {
    appboy.enableSDK();
    return [appboy.isDisabled(), appboy.getSessionId(), appboy.initialize('key-optout')];
  });
  assert.deepEqual(lifted, [false, undefined, true]);
  const id = await page.evaluate(() => { appboy.openSession(); return appboy.getSessionId(); });
  assert.deepEqual(await flush(page), { ok: true, synchronous: false });
  assert.equal(server.stored('ss').filter((d) => d.session_id === id).length, 1);
  assert.equal((await context.cookies()).filter((c) => c.name === 'ab.optOut').length, 0);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('disableSDK mid-session: what was recorded before is sent; later calls record nothing', async () => {
  const context = await browser.newContext();
  const page = await openSdkPage(context, server);
  const id = await page.evaluate(() => {
    appboy.initialize('key-disable-late');
    appboy.changeUser('consented');
    appboy.openSession();
    const id = appboy.getSessionId();
    appboy.disableSDK();
    appboy.changeUser('after-opt-out');
    appboy.openSession();
    return id;
  });
  await eventually(() => assert.equal(server.stored('ss').filter((d) => d.session_id === id).length, 1), { timeout: 3000 });
  const state = await page.evaluate(() => [appboy.isDisabled(), appboy.getUserId(), appboy.getSessionId()]);
  assert.deepEqual(state, [true, undefined, undefined]);
  // Activity and time pass: nothing more is recorded or sent.
  await page.mouse.click(5, 5);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.deepEqual(sessionsOf('key-disable-late').map((e) => `${e.name} ${e.user_id}`), ['ss consented']);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('braze: the package exports the same object as appboy, and the loader and snippet define both globals', async () => {
  const context = await browser.newContext();
  const page = await openSdkPage(context, server);
  assert.equal(await page.evaluate(async () => (await import('/pkg/appboy_wasm.js')).braze === appboy), true);
  server.pages.set('/braze-loader.html', `<!doctype html><script src="/pkg/appboy-loader.js"></script>
    <script>window.same = braze === appboy; braze.initialize('key-braze'); braze.openSession(); window.id = appboy.getSessionId();</script>`);
  const loader = await openPage(context, `${server.url}/braze-loader.html`);
  assert.deepEqual(await loader.evaluate(() => [window.same, typeof window.id]), [true, 'string']);
  server.pages.set('/braze-snippet.html', `<!doctype html><script>${snippet()}
    braze.initialize('key-braze-snippet'); braze.changeUser('via-braze'); braze.openSession();</script>`);
  const stub = await openPage(context, `${server.url}/braze-snippet.html`);
  await stub.waitForFunction(() => window.appboy.getUserId() === 'via-braze');
  assert.equal(await stub.evaluate(() => window.braze.getSessionId() === window.appboy.getSessionId()), true);
  assert.deepEqual([...page.errors, ...loader.errors, ...stub.errors], []);
  await context.close();
});
