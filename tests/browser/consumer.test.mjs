// The npm consumers (tests/consumers/*, each the packed tarball installed into a minimal project
// and built by one bundler with its default configuration, by tests/consumers/build.sh) run in
// Chromium: each calls the SDK at the top level right after importing it, with no `await init()`,
// opens a session and delivers its `ss`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, openPage, eventually, ROOT } from './harness.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// The page of each consumer: Vite and Parcel build their index.html into dist/; webpack, esbuild
// and Rollup build only the JavaScript, which the project's own index.html loads from dist/.
const CONSUMERS = {
  vite: 'dist/index.html',
  webpack: 'index.html',
  esbuild: 'index.html',
  rollup: 'index.html',
  parcel: 'dist/index.html',
};

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

// Opens the consumer's page with ?key=key-<bundler>, checks what it recorded in window.consumer
// and that exactly one `ss` with its session id reached the endpoint; returns that record.
async function runConsumer(bundler) {
  const dir = join(ROOT, 'tests/consumers', bundler);
  assert.ok(existsSync(join(dir, 'dist')), `tests/consumers/${bundler}/dist is missing: run tests/consumers/build.sh first (scripts/test.sh does)`);
  const context = await browser.newContext();
  try {
    const page = await openPage(context, `${server.url}/tests/consumers/${bundler}/${CONSUMERS[bundler]}?key=key-${bundler}`);
    await page.waitForFunction(() => window.consumer !== undefined, null, { timeout: 10_000 }).catch((error) => {
      throw new Error(`window.consumer never set (${error.message.split('\n')[0]}); page errors: ${JSON.stringify(page.errors)}; console: ${JSON.stringify(page.logs)}`);
    });
    const result = await page.evaluate(() => window.consumer);
    assert.equal(result.error, undefined, `the consumer caught: ${result.error}`);
    assert.match(result.sessionId ?? '', UUID);
    await eventually(() => assert.equal(server.stored('ss').filter((d) => d.session_id === result.sessionId).length, 1));
    assert.deepEqual(page.errors, []);
    return result;
  } finally {
    await context.close();
  }
}

test('the Vite-built consumer (typed, strict) opens a session and delivers its ss', async () => {
  const result = await runConsumer('vite');
  // Its subscription saw the session start, with the timeout it asked for.
  assert.equal(result.update?.id, result.sessionId);
  assert.equal(result.update.expiresAt - result.update.lastActivityAt, 900_000);
});

for (const bundler of ['webpack', 'esbuild', 'rollup', 'parcel']) {
  test(`the ${bundler}-built consumer opens a session and delivers its ss`, async () => {
    await runConsumer(bundler);
  });
}
