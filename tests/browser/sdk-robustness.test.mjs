// Nothing the page does with `appboy` throws into it, and broken storage costs nothing but
// persistence (docs/design.md sections 2 and 3).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openSdkPage, setVisibility, eventually, MINUTE } from './harness.mjs';

const T0 = Date.parse('2026-01-01T00:00:00Z');
let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const stored = (name, sessionId) => server.stored(name).filter((d) => d.session_id === sessionId);

// Every function with wrong types and missing arguments; what each returned, and what was thrown.
async function callEverything(page) {
  return page.evaluate(() => {
    const hostile = new Proxy({}, { get() { throw new Error('get'); }, ownKeys() { throw new Error('ownKeys'); }, has() { throw new Error('has'); } });
    const getter = { get sessionTimeoutInSeconds() { throw new Error('getter'); } };
    const weird = [undefined, null, 0, -1, NaN, '', 'x', {}, [], () => 1, Symbol('s'), 10n, new Date(), { sessionTimeoutInSeconds: {} }, hostile, getter];
    const thrown = [];
    const results = {};
    for (const name of ['initialize', 'openSession', 'changeUser', 'requestImmediateDataFlush', 'getDeviceId', 'getUserId',
      'getSessionId', 'subscribeToSessionUpdates', 'removeSubscription', 'toggleLogging', 'setLogger', 'wipeData', 'destroy']) {
      try { results[name] = typeof appboy[name](); } catch (e) { thrown.push(`${name}(): ${e}`); }
      if (name === 'destroy' || name === 'initialize') continue;
      for (const a of weird) for (const b of weird.slice(0, 4)) {
        try { appboy[name](a, b); } catch (e) { thrown.push(`${name}(${String(a)}): ${e}`); }
      }
    }
    for (const a of weird) for (const b of weird) {
      try { appboy.initialize(a, b); appboy.destroy(); } catch (e) { thrown.push(`initialize(${String(a)}): ${e}`); }
    }
    return { thrown, results };
  });
}

test('every function, with any arguments, before initialize, after it and after destroy, throws nothing', async () => {
  const context = await browser.newContext();
  const page = await openSdkPage(context, server);
  const before = await callEverything(page);
  assert.deepEqual(before.thrown, []);
  assert.equal(before.results.getSessionId, 'undefined');
  assert.equal(await page.evaluate(() => appboy.initialize('key-robust', { enableLogging: true })), true);
  assert.equal(await page.evaluate(() => appboy.initialize('key-robust')), true, 'a second initialize keeps the first');
  await page.evaluate(() => appboy.openSession());
  const during = await callEverything(page);
  assert.deepEqual(during.thrown, []);
  const after = await callEverything(page);
  assert.deepEqual(after.thrown, []);
  assert.deepEqual(page.errors, []);
  // And it still works afterwards.
  const id = await page.evaluate(() => { appboy.initialize('key-robust-2'); appboy.openSession(); return appboy.getSessionId(); });
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  await context.close();
});

test('bad API keys are refused with a logged error', async () => {
  const context = await browser.newContext();
  const page = await openSdkPage(context, server);
  for (const key of [undefined, '', '   ', 42, {}, null]) {
    assert.equal(await page.evaluate((key) => appboy.initialize(key), key), false);
  }
  assert.ok(page.logs.some((l) => l.startsWith('error: Appboy: initialize() needs the API key')), page.logs.join('\n'));
  assert.equal(await page.evaluate(() => appboy.getSessionId()), undefined);
  await context.close();
});

test('loggers and subscribers that throw or call back into appboy do no harm', async () => {
  const context = await browser.newContext();
  const page = await openSdkPage(context, server);
  const seen = await page.evaluate(() => {
    const seen = [];
    appboy.setLogger(() => { throw new Error('logger'); });
    appboy.initialize('key-callbacks', { enableLogging: true, bogus: 1 });
    appboy.subscribeToSessionUpdates(() => { throw new Error('subscriber'); });
    appboy.subscribeToSessionUpdates((s) => { seen.push(s && s.id); appboy.openSession(); appboy.getSessionId(); });
    appboy.openSession();
    appboy.changeUser('u1');
    return seen;
  });
  assert.equal(seen.length, 2, 'told of the first session and of the one changeUser opened');
  assert.notEqual(seen[0], seen[1]);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('subscriptions can be removed, and go with destroy(); unknown options are ignored with a warning', async () => {
  const context = await browser.newContext();
  const page = await openSdkPage(context, server);
  const [calls, beforeDestroy, afterDestroy] = await page.evaluate(() => {
    let calls = 0;
    appboy.initialize('key-subs', { enableLogging: true, colour: 'red' });
    const id = appboy.subscribeToSessionUpdates(() => calls++);
    appboy.openSession();
    appboy.removeSubscription(id);
    appboy.changeUser('someone');
    // A subscription left in place is dropped by destroy(): a new SDK does not call it.
    let kept = 0;
    appboy.subscribeToSessionUpdates(() => kept++);
    appboy.changeUser('someone else');
    const beforeDestroy = kept;
    appboy.destroy();
    appboy.initialize('key-subs');
    appboy.changeUser('a third');
    return [calls, beforeDestroy, kept];
  });
  assert.equal(calls, 1);
  assert.equal(beforeDestroy, 1);
  assert.equal(afterDestroy, 1, 'no call after destroy()');
  assert.ok(page.logs.some((l) => l.includes('ignoring unknown option colour')), page.logs.join('\n'));
  await context.close();
});

// Pages whose localStorage throws on every call, or on writes only (quota exceeded).
const BROKEN_STORAGE = {
  throwing: () => {
    for (const m of ['getItem', 'setItem', 'removeItem', 'key', 'clear']) {
      Storage.prototype[m] = () => { throw new DOMException('The operation is insecure.', 'SecurityError'); };
    }
  },
  missing: () => {
    Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('denied', 'SecurityError'); } });
  },
  full: () => {
    Storage.prototype.setItem = () => { throw new DOMException('quota', 'QuotaExceededError'); };
  },
};

for (const [kind, breakIt] of Object.entries(BROKEN_STORAGE)) {
  test(`localStorage ${kind}: sessions are still tracked in memory, nothing is thrown`, async () => {
    const context = await browser.newContext();
    await context.clock.install({ time: T0 });
    await context.addInitScript(breakIt);
    const page = await openSdkPage(context, server);
    const first = await page.evaluate(() => {
      appboy.initialize(`key-broken`, { enableLogging: true });
      appboy.openSession();
      return appboy.getSessionId();
    });
    assert.ok(first);
    await setVisibility(page, 'hidden');
    await page.clock.setSystemTime(T0 + 40 * MINUTE);
    await setVisibility(page, 'visible');
    const second = await page.evaluate(() => { appboy.requestImmediateDataFlush(); return appboy.getSessionId(); });
    assert.ok(second && second !== first);
    await eventually(() => assert.equal(stored('ss', second).length, 1));
    assert.equal(stored('se', first).length, 1);
    assert.ok(page.logs.some((l) => l.includes('in memory for this page')), page.logs.join('\n'));
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}

test('corrupt stored values are ignored, logged and replaced', async () => {
  const context = await browser.newContext();
  const page = await openSdkPage(context, server);
  const stateAfter = await page.evaluate(() => {
    localStorage.setItem('appboy.key-corrupt.session', '{"v":1,"session":{"id":"not-a-uuid"}}');
    localStorage.setItem('appboy.key-corrupt.device', '[1,2,3');
    localStorage.setItem('appboy.key-corrupt.outbox', '{"v":7,"events":"no"}');
    appboy.initialize('key-corrupt', { enableLogging: true });
    appboy.openSession();
    return {
      session: JSON.parse(localStorage.getItem('appboy.key-corrupt.session')),
      device: JSON.parse(localStorage.getItem('appboy.key-corrupt.device')),
      sessionId: appboy.getSessionId(),
      deviceId: appboy.getDeviceId(),
    };
  });
  assert.equal(stateAfter.session.v, 1);
  assert.equal(stateAfter.session.session.id, stateAfter.sessionId);
  assert.equal(stateAfter.device.id, stateAfter.deviceId);
  for (const what of ['session', 'device']) {
    assert.ok(page.logs.some((l) => l.includes(`discarding stored ${what}`)), page.logs.join('\n'));
  }
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the device id persists across page loads; wipeData forgets it and the session', async () => {
  const context = await browser.newContext();
  const page = await openSdkPage(context, server);
  const first = await page.evaluate(() => { appboy.initialize('key-device'); appboy.openSession(); return [appboy.getDeviceId(), appboy.getSessionId()]; });
  await page.reload();
  await page.waitForFunction(() => window.sdkReady === true);
  const again = await page.evaluate(() => { appboy.initialize('key-device'); return appboy.getDeviceId(); });
  assert.equal(again, first[0]);
  const wiped = await page.evaluate(() => { appboy.wipeData(); return [appboy.getDeviceId(), appboy.getSessionId(), Object.keys(localStorage).filter((k) => k.startsWith('appboy.key-device.'))]; });
  assert.notEqual(wiped[0], first[0]);
  assert.equal(wiped[1], undefined);
  assert.deepEqual(wiped[2], ['appboy.key-device.device']);
  await context.close();
});
