// The npm consumer (tests/consumers/vite, built from the packed tarball by tests/consumers/build.sh)
// runs in Chromium: it initializes, opens a session and delivers an `ss`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, openPage, eventually, ROOT } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

test('the Vite-built consumer of the npm tarball opens a session and delivers its ss', async () => {
  assert.ok(existsSync(join(ROOT, 'tests/consumers/vite/dist/index.html')), 'run tests/consumers/build.sh first (scripts/test.sh does)');
  const context = await browser.newContext();
  const page = await openPage(context, `${server.url}/tests/consumers/vite/dist/index.html?key=key-vite`);
  await page.waitForFunction(() => window.consumer !== undefined);
  const result = await page.evaluate(() => window.consumer);
  assert.equal(result.error, undefined);
  assert.match(result.sessionId, /^[0-9a-f-]{36}$/);
  assert.equal(result.update.id, result.sessionId);
  assert.equal(result.update.expiresAt - result.update.lastActivityAt, 900_000);
  await eventually(() => assert.equal(server.stored('ss').filter((d) => d.session_id === result.sessionId).length, 1));
  assert.deepEqual(page.errors, []);
  await context.close();
});
