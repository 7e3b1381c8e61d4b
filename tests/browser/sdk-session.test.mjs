// The `appboy` SDK in headless Chromium with a fake clock: the session rule of docs/design.md
// section 1 across returns, timeouts, user changes and the page lifecycle.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openSdkPage, setVisibility, eventually, MINUTE } from './harness.mjs';

const T0 = Date.parse('2026-01-01T00:00:00Z');
let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

// A fresh context (own localStorage) with the fake clock at T0, and one page with the SDK.
// `opened`: the page's clock when the session opened (T0 plus the time the page took to load).
async function setup(apiKey, options = {}) {
  const context = await browser.newContext();
  await context.clock.install({ time: T0 });
  const page = await openSdkPage(context, server);
  const opened = await page.evaluate(([key, options]) => { appboy.initialize(key, options); appboy.openSession(); return Date.now(); }, [apiKey, options]);
  return { context, page, opened, sessionId: await page.evaluate(() => appboy.getSessionId()) };
}

const flush = (page) => page.evaluate(() => appboy.requestImmediateDataFlush());
const stored = (name, sessionId) => server.stored(name).filter((d) => d.session_id === sessionId);
const now = (page) => page.evaluate(() => Date.now());

test('a return within the timeout continues the session; after it, the end is dated when the user left', async () => {
  const { context, page, opened, sessionId } = await setup('key-return');
  await page.clock.runFor(5 * MINUTE);
  await setVisibility(page, 'hidden');
  const left = await now(page);
  await page.clock.fastForward(29 * MINUTE);
  await setVisibility(page, 'visible');
  assert.equal(await page.evaluate(() => appboy.getSessionId()), sessionId, 'same session after 29 minutes');
  await flush(page);
  await eventually(() => assert.equal(stored('ss', sessionId).length, 1));
  assert.equal(stored('se', sessionId).length, 0, 'no end after 29 minutes');

  await setVisibility(page, 'hidden');
  const leftAgain = await now(page);
  await page.clock.fastForward(31 * MINUTE);
  await setVisibility(page, 'visible');
  const back = await now(page);
  const newId = await page.evaluate(() => appboy.getSessionId());
  assert.notEqual(newId, sessionId);
  await flush(page);
  await eventually(() => assert.equal(stored('ss', newId).length, 1));
  const [end] = stored('se', sessionId);
  assert.ok(Math.abs(end.time * 1000 - leftAgain) <= 1000, `se at ${end.time * 1000}, left at ${leftAgain}`);
  assert.ok(Math.abs(end.data.d * 1000 - (leftAgain - opened)) <= 1000, `d = ${end.data.d}`);
  assert.ok(Math.abs(stored('ss', newId)[0].time * 1000 - back) <= 1000);
  assert.ok(left < leftAgain);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a single-visit session that expires is back-dated (Braze 3.5.1 stamps it at the return)', async () => {
  const { context, page, opened, sessionId } = await setup('key-single');
  await setVisibility(page, 'hidden');
  // A frozen page (back/forward cache) runs no timers: the clock moves, nothing fires.
  await page.clock.setSystemTime(T0 + 45 * MINUTE);
  await setVisibility(page, 'visible');
  await flush(page);
  await eventually(() => assert.equal(stored('se', sessionId).length, 1));
  const [end] = stored('se', sessionId);
  assert.ok(Math.abs(end.time * 1000 - opened) <= 1000, `se at ${end.time}, opened at ${opened}`);
  assert.ok(end.data.d >= 0 && end.data.d <= 1, `d = ${end.data.d}`);
  await context.close();
});

test('the timeout option: an object, a bare number, and values below the minimum or not numbers', async () => {
  const cases = [
    [{ sessionTimeoutInSeconds: 900 }, 900], [900, 900], [{ sessionTimeoutInSeconds: 0.2 }, 1],
    [{ sessionTimeoutInSeconds: 0 }, 1], [{ sessionTimeoutInSeconds: -5 }, 1], [-5, 1],
    [{ sessionTimeoutInSeconds: NaN }, 1800], [{ sessionTimeoutInSeconds: 'abc' }, 1800],
    [{ sessionTimeoutInSeconds: '900' }, 1800], [{}, 1800], [undefined, 1800],
  ];
  for (const [options, seconds] of cases) {
    const context = await browser.newContext();
    const page = await openSdkPage(context, server);
    const view = await page.evaluate((options) => {
      let last = null;
      appboy.initialize('key-timeout', options);
      appboy.subscribeToSessionUpdates((s) => { last = s; });
      appboy.openSession();
      return last;
    }, options);
    assert.equal(view.expiresAt - view.lastActivityAt, seconds * 1000, `options ${JSON.stringify(options)}`);
    assert.deepEqual(page.errors, []);
    await context.close();
  }
});

test('a timeout raised to 1 second closes the session on time, dated at the last activity', async () => {
  const { context, page, sessionId } = await setup('key-fast', { sessionTimeoutInSeconds: 0.2 });
  await page.clock.runFor(1500);
  assert.equal(await page.evaluate(() => appboy.getSessionId()), undefined, 'closed by the timer');
  await page.clock.runFor(2000);
  await eventually(() => assert.equal(stored('se', sessionId).length, 1));
  // Its only activity was the openSession call: the end is dated exactly there, with d = 0.
  await eventually(() => assert.equal(stored('ss', sessionId).length, 1));
  assert.equal(stored('se', sessionId)[0].time, stored('ss', sessionId)[0].time);
  assert.equal(stored('se', sessionId)[0].data.d, 0);
  // The next activity opens a new session.
  await page.mouse.click(5, 5);
  const next = await page.evaluate(() => appboy.getSessionId());
  assert.ok(next && next !== sessionId);
  await context.close();
});

test('changeUser to a new id forces a new session; to the same id it does nothing', async () => {
  const { context, page, opened, sessionId } = await setup('key-user');
  await page.clock.runFor(MINUTE);
  await page.evaluate(() => appboy.changeUser('user-42'));
  const second = await page.evaluate(() => appboy.getSessionId());
  assert.notEqual(second, sessionId);
  await page.evaluate(() => appboy.changeUser('user-42'));
  assert.equal(await page.evaluate(() => appboy.getSessionId()), second);
  assert.equal(await page.evaluate(() => appboy.getUserId()), 'user-42');
  await flush(page);
  await eventually(() => assert.equal(stored('ss', second).length, 1));
  const [end] = stored('se', sessionId);
  assert.equal(end.user_id, undefined, 'the old session ends as the old (anonymous) user');
  const carrying = server.posts.filter((p) => p.batch.events.some((e) => e.session_id === sessionId));
  assert.ok(carrying.length > 0 && carrying.every((p) => p.batch.user_id === undefined), 'no batch credits it to the new user');
  assert.ok(Math.abs(end.time * 1000 - (opened + MINUTE)) <= 1000, 'ended at the change');
  assert.equal(stored('ss', second)[0].user_id, 'user-42');
  await context.close();
});

test('hidden for longer than the timeout, then visible: one end, one start', async () => {
  const { context, page, opened, sessionId } = await setup('key-hidden');
  await setVisibility(page, 'hidden');
  await page.clock.fastForward(2 * 60 * MINUTE);
  await setVisibility(page, 'visible');
  const next = await page.evaluate(() => appboy.getSessionId());
  await flush(page);
  await eventually(() => assert.equal(stored('ss', next).length, 1));
  assert.equal(stored('se', sessionId).length, 1);
  assert.ok(Math.abs(stored('se', sessionId)[0].time * 1000 - opened) <= 1000);
  await context.close();
});

test('a return from the back/forward cache runs the rule', async () => {
  const { context, page, sessionId } = await setup('key-bfcache');
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: true })));
  await page.clock.setSystemTime(T0 + 40 * MINUTE);
  await page.evaluate(() => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true })));
  const next = await page.evaluate(() => appboy.getSessionId());
  assert.notEqual(next, sessionId);
  await flush(page);
  await eventually(() => assert.equal(stored('se', sessionId).length, 1));
  await context.close();
});

test('a new page load within the timeout continues the session, after it starts a new one', async () => {
  const { context, page, sessionId } = await setup('key-reload');
  await page.goto(`${server.url}/tests/browser/fixtures/sdk.html`);
  await page.waitForFunction(() => window.sdkReady === true);
  await page.clock.fastForward(10 * MINUTE);
  const [continued, lastActivity] = await page.evaluate(() => { appboy.initialize('key-reload'); appboy.openSession(); return [appboy.getSessionId(), Date.now()]; });
  assert.equal(continued, sessionId);
  await page.goto('about:blank');
  await page.clock.setSystemTime(T0 + 50 * MINUTE);
  await page.goto(`${server.url}/tests/browser/fixtures/sdk.html`);
  await page.waitForFunction(() => window.sdkReady === true);
  const next = await page.evaluate(() => { appboy.initialize('key-reload'); appboy.openSession(); appboy.requestImmediateDataFlush(); return appboy.getSessionId(); });
  assert.notEqual(next, sessionId);
  await eventually(() => assert.equal(stored('se', sessionId).length, 1));
  assert.ok(Math.abs(stored('se', sessionId)[0].time * 1000 - lastActivity) <= 1000, 'dated at the last activity of the earlier page');
  await context.close();
});
