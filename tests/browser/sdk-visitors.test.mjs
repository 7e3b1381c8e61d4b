// People, not machines (docs/design.md section 2): a known crawler's visit is not tracked, a page
// the browser prerenders counts only once it is shown, and `noCookies` writes no cookie at all;
// with them, the rest of Braze's session options: isInitialized(), logout(), cookieExpiryInDays
// and deviceId.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openSdkPage, eventually } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const sent = (key) => server.posts.filter((p) => p.batch.api_key === key).flatMap((p) => p.batch.events);
const stored = (page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('appboy.') || k.startsWith('ab.')));
const flush = (page) => page.evaluate(() => new Promise((resolve) => appboy.requestImmediateDataFlush(resolve)));

// Real user agents, as these crawlers send them.
const CRAWLERS = {
  'Googlebot smartphone': 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) '
    + 'Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  Bingbot: 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) '
    + 'Chrome/116.0.1938.76 Safari/537.36',
  'Slack link preview': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)',
  'Facebook link preview': 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
};
const VISITOR = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

for (const [name, userAgent] of Object.entries(CRAWLERS)) {
  test(`a crawler (${name}) is not tracked: initialize is false, nothing is stored, sent or thrown`, async () => {
    const context = await browser.newContext({ userAgent });
    const page = await openSdkPage(context, server);
    const key = `key-crawler-${name.replace(/\W/g, '')}`;
    const result = await page.evaluate(({ key, baseUrl }) => {
      const logs = [];
      appboy.setLogger((line) => logs.push(line));
      appboy.toggleLogging();
      const initialized = appboy.initialize(key, { baseUrl });
      appboy.openSession();
      appboy.changeUser('someone');
      return { initialized, isInitialized: appboy.isInitialized(), session: appboy.getSessionId() ?? null, logs };
    }, { key, baseUrl: server.url });
    assert.equal(result.initialized, false);
    assert.equal(result.isInitialized, false);
    assert.equal(result.session, null);
    assert.ok(result.logs.some((l) => l.includes('ignoring activity from crawler bot') && l.includes(userAgent)), result.logs.join('\n'));
    assert.equal(result.logs.length, 2, `logging enabled and the crawler, then quiet: ${result.logs.join('\n')}`);
    assert.equal(await flush(page), true, 'nothing waits');
    assert.deepEqual(await stored(page), []);
    assert.equal(await page.evaluate(() => document.cookie), '');
    assert.deepEqual(sent(key), []);
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test('allowCrawlerActivity tracks a crawler as anyone, and a visitor is tracked', async () => {
  for (const [userAgent, options, key] of [
    [CRAWLERS.Bingbot, { allowCrawlerActivity: true }, 'key-crawler-allowed'],
    [VISITOR, {}, 'key-visitor'],
  ]) {
    const context = await browser.newContext({ userAgent });
    const page = await openSdkPage(context, server);
    assert.equal(await page.evaluate(({ key, options }) => appboy.initialize(key, options), { key, options: { ...options, baseUrl: server.url } }), true);
    await page.evaluate(() => appboy.openSession());
    assert.equal(await flush(page), true);
    assert.equal(sent(key).filter((e) => e.name === 'ss').length, 1, key);
    await context.close();
  }
});

// A page that prerenders /prerendered.html, which loads the SDK, initializes it and opens a
// session at once, as a site's page does; the test page notes whether it was prerendering then.
const PRERENDERED = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module">
  localStorage.setItem('test.prerendering-at-load', String(document.prerendering === true));
  const { appboy } = await import('/pkg/appboy_wasm.js');
  window.appboy = appboy;
  appboy.initialize('key-prerender', { baseUrl: location.origin });
  appboy.openSession();
  window.sdkReady = true;
</script>`;
const START = `<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">
<script type="speculationrules">{"prerender": [{"source": "list", "urls": ["/prerendered.html"]}]}</script>
<a href="/prerendered.html">next</a>`;

test('a prerendered page stores and sends nothing until it is shown, and its session starts then', async () => {
  server.pages.set('/prerendered.html', PRERENDERED);
  server.pages.set('/start.html', START);
  const context = await browser.newContext();
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(e.message));
  await page.goto(`${server.url}/start.html`);
  // Chromium prerenders where it can; a headless Chromium may decline (its heuristics, or no
  // support in this build). Then the page is loaded with the flag set and the event sent as the
  // browser would, and the test says which it did.
  const real = await eventually(async () => {
    assert.equal(await page.evaluate(() => localStorage.getItem('test.prerendering-at-load')), 'true');
    return true;
  }, { timeout: 3000 }).catch(() => false);
  console.log(`# prerendering: ${real ? "Chromium's own, from Speculation Rules" : 'emulated (this Chromium declined to prerender)'}`);
  let activated;
  if (real) {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(await stored(page), [], 'nothing stored while prerendered');
    assert.deepEqual(sent('key-prerender'), [], 'nothing sent while prerendered');
    activated = Date.now();
    await page.click('a');
    await page.waitForFunction(() => window.sdkReady === true && document.prerendering === false);
  } else {
    await page.addInitScript(() => {
      let prerendering = true;
      Object.defineProperty(Document.prototype, 'prerendering', { get: () => prerendering, configurable: true });
      window.activate = () => { prerendering = false; document.dispatchEvent(new Event('prerenderingchange')); };
    });
    await page.goto(`${server.url}/prerendered.html`);
    await page.waitForFunction(() => window.sdkReady === true);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(await stored(page), [], 'nothing stored while prerendered');
    assert.equal(await page.evaluate(() => appboy.getSessionId()), undefined, 'no session while prerendered');
    assert.deepEqual(sent('key-prerender'), [], 'nothing sent while prerendered');
    activated = Date.now();
    await page.evaluate(() => window.activate());
  }
  const id = await page.evaluate(() => appboy.getSessionId());
  assert.ok(id, 'the session opened at activation');
  assert.equal(await flush(page), true);
  const start = sent('key-prerender').find((e) => e.name === 'ss' && e.session_id === id);
  assert.ok(start.time * 1000 >= activated - 50, `dated at activation (${start.time * 1000} >= ${activated})`);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a prerendered page that is never shown stores and sends nothing', async () => {
  const before = sent('key-prerender').length;
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => Object.defineProperty(Document.prototype, 'prerendering', { get: () => true, configurable: true }));
  server.pages.set('/prerendered.html', PRERENDERED);
  await page.goto(`${server.url}/prerendered.html`);
  await page.waitForFunction(() => window.sdkReady === true);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.deepEqual(await stored(page), []);
  assert.equal(await page.evaluate(() => appboy.getSessionId()), undefined);
  await context.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(sent('key-prerender').length, before, 'nothing sent, not even as the page goes');
});

test('noCookies: document.cookie stays empty after every call, disableSDK included, across reloads', async () => {
  const context = await browser.newContext();
  const page = await openSdkPage(context, server);
  const options = { baseUrl: server.url, noCookies: true };
  const cookieAfter = async (call) => { await page.evaluate(call, options); return page.evaluate(() => document.cookie); };
  const calls = [
    (o) => appboy.initialize('key-nocookies', o), () => appboy.openSession(), () => appboy.changeUser('nobody'),
    () => new Promise((resolve) => appboy.requestImmediateDataFlush(resolve)), () => appboy.wipeData(), () => appboy.disableSDK(),
  ];
  for (const call of calls) assert.equal(await cookieAfter(call), '', String(call));
  assert.ok((await stored(page)).includes('ab.optOut'), 'the opt-out is kept in localStorage');
  await page.reload();
  await page.waitForFunction(() => window.sdkReady === true);
  assert.equal(await page.evaluate((o) => appboy.initialize('key-nocookies', o), options), false, 'still opted out');
  for (const call of [() => appboy.enableSDK(), (o) => appboy.initialize('key-nocookies', o), () => appboy.openSession(), () => appboy.logout()]) {
    assert.equal(await cookieAfter(call), '', String(call));
  }
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('isInitialized, logout, cookieExpiryInDays and deviceId as Braze has them', async () => {
  const context = await browser.newContext();
  const page = await openSdkPage(context, server);
  const device = '0f8fad5b-d9cb-469f-a165-70867728950e';
  assert.equal(await page.evaluate(() => appboy.isInitialized()), false);
  const initialized = await page.evaluate(({ baseUrl, device }) => {
    appboy.initialize('key-options', { baseUrl, cookieExpiryInDays: 30, deviceId: device });
    appboy.openSession();
    return appboy.isInitialized();
  }, { baseUrl: server.url, device });
  assert.equal(initialized, true);
  assert.equal(await page.evaluate(() => appboy.getDeviceId()), device);
  assert.equal(await flush(page), true);
  assert.deepEqual([...new Set(server.posts.filter((p) => p.batch.api_key === 'key-options').map((p) => p.batch.device_id))], [device]);
  const shared = (await context.cookies()).find((c) => c.name.startsWith('ab.') && c.name !== 'ab.optOut');
  const days = (shared.expires * 1000 - Date.now()) / 86_400_000;
  assert.ok(days > 29.9 && days <= 30, `the shared cookie lasts 30 days (${days})`);

  // A device id that is not one is refused with a log, not thrown.
  const bad = await openSdkPage(await browser.newContext(), server);
  const refused = await bad.evaluate(() => {
    const logs = [];
    appboy.setLogger((line) => logs.push(line));
    const ok = appboy.initialize('key-bad-device', { deviceId: 'my-own-id', enableLogging: true });
    return { ok, logs, device: appboy.getDeviceId() };
  });
  assert.equal(refused.ok, true);
  assert.ok(refused.logs.some((l) => l.includes('deviceId is not a UUID')), refused.logs.join('\n'));
  assert.notEqual(refused.device, 'my-own-id');
  assert.deepEqual(bad.errors, []);

  // logout(): wiped, disabled, then success.
  const outcome = await page.evaluate(() => new Promise((resolve) => {
    appboy.logout(() => resolve({
      isInitialized: appboy.isInitialized(), isDisabled: appboy.isDisabled(),
      stored: Object.keys(localStorage).filter((k) => k.startsWith('appboy.')),
    }), () => resolve('error'));
  }));
  assert.deepEqual(outcome, { isInitialized: false, isDisabled: true, stored: [] });
  assert.deepEqual(page.errors, []);
  await context.close();
});
