// Any charset: a webpack 5 production bundle of the consumer app (tests/consumers/webpack, built by
// tests/consumers/build.sh) keeps the embedded wasm's characters above 0x7f raw. Served with
// `Content-Type: text/javascript` and no charset, as a classic script on a page that declares
// none, Chromium decodes it as windows-1252, each of those characters as two: the SDK undoes that
// (src/package/wasm-bytes.js) and runs as beside a `<meta charset="utf-8">`, and so in another
// charset of one byte a character (windows-1251). A charset it cannot undo (GBK) starts nothing,
// throws nothing, and its warning names the charset and the fix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launchBrowser, openPage, eventually, ROOT } from './harness.mjs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BUNDLE = '/tests/consumers/webpack/dist/main.js';

let server, browser;
before(async () => {
  const file = join(ROOT, BUNDLE);
  assert.ok(existsSync(file), `${BUNDLE} is missing: run tests/consumers/build.sh first (scripts/test.sh does)`);
  // Without raw characters above 0x7f the bundle would not meet the problem at all.
  assert.ok(readFileSync(file).some((byte) => byte > 0x7f), `${BUNDLE} has no byte above 0x7f: the test would prove nothing`);
  server = await startServer();
  browser = await launchBrowser();
});
after(async () => { await browser?.close(); await server?.close(); });

// The consumer app on a page with `head` (a <meta charset>, or nothing), served as text/html
// with no charset, the bundle loaded by a classic <script src>. Returns what the app recorded in
// window.consumer (null if it never did), the page's charset, its warnings and its errors.
async function consumerPage(name, head) {
  const path = `/charset-${name}.html`;
  server.pages.set(path, `<!doctype html>${head}<link rel="icon" href="data:,"><title>charset</title><script src="${BUNDLE}"></script>`);
  const context = await browser.newContext();
  try {
    const page = await openPage(context, `${server.url}${path}?key=key-charset-${name}`);
    const consumer = await page.waitForFunction(() => window.consumer, null, { timeout: 10_000 }).then((handle) => handle.jsonValue(), () => null);
    const charset = await page.evaluate(() => document.characterSet);
    // A failure is only known once the asynchronous compile has failed too.
    if (!UUID.test(consumer?.sessionId ?? '')) await eventually(() => assert.ok(page.logs.some((l) => l.startsWith('warning: Appboy')))).catch(() => {});
    return { consumer, charset, warnings: page.logs.filter((l) => l.startsWith('warning:')), errors: page.errors };
  } finally {
    await context.close();
  }
}

test('the page and the bundle are served with no charset (text/html, text/javascript)', async () => {
  server.pages.set('/charset-headers.html', '<!doctype html>');
  assert.equal((await fetch(`${server.url}/charset-headers.html`)).headers.get('content-type'), 'text/html');
  assert.equal((await fetch(`${server.url}${BUNDLE}`)).headers.get('content-type'), 'text/javascript');
});

for (const [name, head, charset] of [
  ['none', '', 'windows-1252'],
  ['utf8', '<meta charset="utf-8">', 'UTF-8'],
  ['cyrillic', '<meta charset="windows-1251">', 'windows-1251'],
]) {
  test(`the webpack bundle on a page ${head ? `with ${head}` : 'that declares no charset'}: decoded as ${charset}, the SDK runs and delivers its ss`, async () => {
    const result = await consumerPage(name, head);
    assert.equal(result.charset, charset);
    assert.equal(result.consumer?.error, undefined, `the consumer caught: ${result.consumer?.error}`);
    assert.match(result.consumer?.sessionId ?? '', UUID, `no session; warnings: ${JSON.stringify(result.warnings)}`);
    await eventually(() => assert.equal(server.stored('ss').filter((d) => d.session_id === result.consumer.sessionId).length, 1));
    assert.deepEqual(result.warnings, []);
    assert.deepEqual(result.errors, []);
  });
}

test('the webpack bundle on a GBK page, which cannot be undone: nothing runs or throws, and the warning names the charset and the fix', async () => {
  const result = await consumerPage('gbk', '<meta charset="gbk">');
  assert.equal(result.charset, 'GBK');
  assert.equal(result.consumer?.error, undefined, `the consumer caught: ${result.consumer?.error}`);
  assert.equal(result.consumer?.sessionId, undefined);
  assert.deepEqual(result.errors, []);
  assert.equal(result.warnings.length, 1, JSON.stringify(result.warnings));
  const [warning] = result.warnings;
  assert.match(warning, /^warning: Appboy: the SDK cannot run here: this script was decoded as GBK/);
  assert.match(warning, /charset=utf-8/);
  assert.match(warning, /<meta charset="utf-8">/);
  // Not garbage handed to WebAssembly, nor the old guess at the Content-Security-Policy.
  assert.doesNotMatch(warning, /magic|CompileError|Content.Security.Policy/i);
});
