// One device and one session across a site's subdomains (docs/design.md section 3): a first-party
// cookie on the registrable domain, found without a public suffix list. Real subdomains on
// loopback (www.example.test, shop.example.test) through Chromium's host resolver rules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, eventually, MINUTE } from './harness.mjs';

const T0 = Date.parse('2026-01-01T00:00:00Z');
let server, browser, port;
before(async () => {
  server = await startServer();
  port = new URL(server.url).port;
  browser = await launchBrowser(['--host-resolver-rules=MAP *.example.test 127.0.0.1']);
});
after(async () => { await browser?.close(); await server?.close(); });

// The test page on `host` (www or shop), the SDK initialized and the session opened.
async function visit(context, host, key, options = {}) {
  const page = await openPage(context, `http://${host}.example.test:${port}/tests/browser/fixtures/sdk.html`);
  await page.waitForFunction(() => window.sdkReady === true);
  const ids = await page.evaluate(({ key, options }) => {
    appboy.initialize(key, { sessionTimeoutInSeconds: 60, baseUrl: location.origin, ...options });
    appboy.openSession();
    return { session: appboy.getSessionId(), device: appboy.getDeviceId() };
  }, { key, options });
  return { page, ...ids };
}
const stored = (name, session) => server.stored(name).filter((d) => d.session_id === session);

test('www then shop: one device and one session, in one small cookie on the site domain', async () => {
  const context = await browser.newContext();
  const www = await visit(context, 'www', 'key-sub');
  const [cookie, ...others] = (await context.cookies()).filter((c) => c.name.startsWith('ab.'));
  assert.deepEqual(others, []);
  assert.equal(cookie.domain, '.example.test', 'the registrable domain: `test` is refused as a public suffix');
  assert.equal(cookie.sameSite, 'Lax');
  assert.ok(cookie.name.length + 1 + cookie.value.length <= 200, `${cookie.name}=${cookie.value}`);
  assert.ok(cookie.expires * 1000 > Date.now() + 300 * 24 * 3600 * 1000, 'a long expiry');
  const shop = await visit(context, 'shop', 'key-sub');
  assert.deepEqual([shop.session, shop.device], [www.session, www.device]);
  assert.deepEqual([...www.page.errors, ...shop.page.errors], []);
  await context.close();
});

test('a return after the timeout on the other subdomain: the old session ends once, a new one starts once', async () => {
  const context = await browser.newContext();
  await context.clock.install({ time: T0 });
  const www = await visit(context, 'www', 'key-sub-return');
  await www.page.evaluate(() => appboy.requestImmediateDataFlush());
  await www.page.close();
  await context.clock.fastForward(5 * MINUTE);
  const shop = await visit(context, 'shop', 'key-sub-return');
  assert.notEqual(shop.session, www.session);
  assert.equal(shop.device, www.device);
  await shop.page.evaluate(() => appboy.requestImmediateDataFlush());
  await eventually(() => {
    assert.equal(stored('se', www.session).length, 1);
    assert.equal(stored('ss', shop.session).length, 1);
  });
  const [start] = stored('ss', www.session);
  const [end] = stored('se', www.session);
  assert.ok(end.time >= start.time && end.time - start.time < 2, `ended at its last activity on www (${end.time - start.time} s after its start), not at the return`);
  assert.deepEqual(shop.page.errors, []);
  await context.close();
});

test('tabs on two subdomains at once: activity on one keeps the session open in the other', async () => {
  const context = await browser.newContext();
  await context.clock.install({ time: T0 });
  const www = await visit(context, 'www', 'key-sub-tabs');
  const shop = await visit(context, 'shop', 'key-sub-tabs');
  assert.equal(shop.session, www.session);
  // Two minutes of activity on shop only, every 20 s; www's own timer would end it after 60 s.
  for (let i = 0; i < 6; i++) {
    await context.clock.runFor(20_000);
    await shop.page.mouse.click(5, 5);
  }
  await context.clock.runFor(1_000);
  assert.deepEqual(await Promise.all([www.page, shop.page].map((p) => p.evaluate(() => appboy.getSessionId()))), [www.session, www.session]);
  await shop.page.evaluate(() => appboy.requestImmediateDataFlush());
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(stored('se', www.session).length, 0, 'not ended');
  assert.deepEqual([...www.page.errors, ...shop.page.errors], []);
  await context.close();
});

test('noCookies: each subdomain keeps its own device and session, and no cookie is written', async () => {
  const context = await browser.newContext();
  const www = await visit(context, 'www', 'key-sub-none', { noCookies: true });
  const shop = await visit(context, 'shop', 'key-sub-none', { noCookies: true });
  assert.notEqual(shop.session, www.session);
  assert.notEqual(shop.device, www.device);
  assert.deepEqual((await context.cookies()).filter((c) => c.name.startsWith('ab.')), []);
  await context.close();
});

test('the cookie is written when the session changes, and for activity at most once a second', async () => {
  const context = await browser.newContext();
  // Counts the page's writes of the SDK's cookie.
  await context.addInitScript(() => {
    const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
    window.cookieWrites = [];
    Object.defineProperty(Document.prototype, 'cookie', {
      get() { return cookie.get.call(this); },
      set(value) { if (/^ab\.\d+=/.test(value)) window.cookieWrites.push(Date.now()); cookie.set.call(this, value); },
    });
  });
  const www = await visit(context, 'www', 'key-sub-writes');
  const writes = await www.page.evaluate(async () => {
    const before = window.cookieWrites.length;
    // 40 calls that touch the session over two seconds.
    for (let i = 0; i < 40; i++) {
      appboy.openSession();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const during = window.cookieWrites.slice(before);
    appboy.changeUser('someone');  // a new session: written at once
    return { during, afterChange: window.cookieWrites.length - before - during.length };
  });
  assert.ok(writes.during.length >= 1 && writes.during.length <= 3, `${writes.during.length} writes in 2 s`);
  // A second apart on the SDK's clock, read when each input arrives; the page's own reading at
  // each write may be a millisecond later than the SDK's, and so a millisecond short of it.
  for (let i = 1; i < writes.during.length; i++) assert.ok(writes.during[i] - writes.during[i - 1] >= 995, `${writes.during[i] - writes.during[i - 1]} ms apart`);
  assert.equal(writes.afterChange, 1);
  await context.close();
});

test('the cookie: a long or unusual user id is left out and each subdomain keeps its own; a cookie not ours is replaced', async () => {
  const context = await browser.newContext();
  await context.addCookies([{ name: 'ab.0', value: 'x', domain: '.example.test', path: '/' }]);
  const www = await visit(context, 'www', 'key-sub-user');
  const name = (await context.cookies()).find((c) => c.name.startsWith('ab.') && c.name !== 'ab.0').name;
  // Not this SDK's: replaced, and nothing thrown.
  await context.addCookies([{ name, value: '1~garbage', domain: '.example.test', path: '/' }]);
  const long = 'user-'.repeat(40);
  await www.page.evaluate((long) => { appboy.openSession(); appboy.changeUser(long); }, long);
  const cookie = (await context.cookies()).find((c) => c.name === name);
  assert.ok(cookie.name.length + 1 + cookie.value.length <= 200, `${cookie.value.length} bytes`);
  assert.match(decodeURIComponent(cookie.value), /^1~[0-9a-f-]{36}(~[0-9a-f-]{36}){2}~\d+~\d+~\d+~0~$/, 'the user field empty: left out');
  const shop = await visit(context, 'shop', 'key-sub-user');
  const session = await www.page.evaluate(() => appboy.getSessionId());
  assert.equal(shop.session, session, 'the session is shared');
  assert.equal(await shop.page.evaluate(() => appboy.getUserId()), undefined, "shop's own user (none), not a guess");
  await shop.page.evaluate(() => appboy.changeUser('short-id'));
  assert.match(decodeURIComponent((await context.cookies()).find((c) => c.name === name).value), /~short-id$/);
  assert.deepEqual([...www.page.errors, ...shop.page.errors], []);
  await context.close();
});

test('an opt-out on one subdomain holds on the others', async () => {
  const context = await browser.newContext();
  const www = await visit(context, 'www', 'key-sub-optout');
  await www.page.evaluate(() => appboy.disableSDK());
  const page = await openPage(context, `http://shop.example.test:${port}/tests/browser/fixtures/sdk.html`);
  await page.waitForFunction(() => window.sdkReady === true);
  assert.deepEqual(await page.evaluate(() => [appboy.isDisabled(), appboy.initialize('key-sub-optout')]), [true, false]);
  await page.evaluate(() => appboy.enableSDK());
  const again = await openPage(context, `http://www.example.test:${port}/tests/browser/fixtures/sdk.html`);
  await again.waitForFunction(() => window.sdkReady === true);
  assert.equal(await again.evaluate(() => appboy.isDisabled()), false, 'lifted on every subdomain');
  await context.close();
});
