// Tabs of one origin share one session (docs/design.md section 1): tabs that return together after
// the timeout leave the endpoint with exactly one end of the old session and one new start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openSdkPage, setVisibility, eventually, MINUTE } from './harness.mjs';

const T0 = Date.parse('2026-01-01T00:00:00Z');
let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

async function openTabs(context, apiKey, count) {
  const tabs = [];
  for (let i = 0; i < count; i++) {
    const tab = await openSdkPage(context, server);
    await tab.evaluate((key) => { appboy.initialize(key); appboy.openSession(); }, apiKey);
    tabs.push(tab);
  }
  return tabs;
}

for (const count of [2, 4]) {
  for (const how of ['with their timers running', 'frozen (no timer ran)']) {
    test(`${count} tabs returning at once after the timeout, ${how}: one se and one ss arrive`, async () => {
      const apiKey = `key-tabs-${count}-${how.length}`;
      const context = await browser.newContext();
      await context.clock.install({ time: T0 });
      const tabs = await openTabs(context, apiKey, count);
      const ids = await Promise.all(tabs.map((t) => t.evaluate(() => appboy.getSessionId())));
      assert.equal(new Set(ids).size, 1, 'the tabs share one session');
      const old = ids[0];
      for (const tab of tabs) await setVisibility(tab, 'hidden');
      if (how.startsWith('with')) await tabs[0].clock.fastForward(45 * MINUTE);
      else await tabs[0].clock.setSystemTime(T0 + 45 * MINUTE);
      // All at once: no tab waits for another.
      await Promise.all(tabs.map((tab) => setVisibility(tab, 'visible')));
      await Promise.all(tabs.map((tab) => tab.evaluate(() => appboy.requestImmediateDataFlush())));
      const now = await Promise.all(tabs.map((t) => t.evaluate(() => appboy.getSessionId())));
      assert.equal(new Set(now).size, 1, `the tabs agree on the new session: ${now}`);
      assert.notEqual(now[0], old);
      await tabs[0].clock.runFor(3000);
      await eventually(() => {
        const mine = server.stored().filter((d) => d.session_id === old || d.session_id === now[0]);
        assert.deepEqual(mine.map((d) => `${d.name} ${d.session_id === old ? 'old' : 'new'}`).sort(), ['se old', 'ss new', 'ss old']);
      });
      const sessions = new Set(server.stored().filter((d) => server.posts.some((p) => p.batch.api_key === apiKey && p.batch.events.some((e) => e.session_id === d.session_id))).map((d) => d.session_id));
      assert.equal(sessions.size, 2, 'no other session was made');
      for (const tab of tabs) assert.deepEqual(tab.errors, []);
      await context.close();
    });
  }
}
