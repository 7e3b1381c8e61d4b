// Any charset: a webpack 5 production bundle of the consumer app (tests/consumers/webpack, built by
// tests/consumers/build.sh), served with `Content-Type: text/javascript` and no charset, as a
// classic script on a page that declares none, is decoded as windows-1252, or as whatever the page
// declares. The embedded wasm is printable ASCII (scripts/lib/wasm-text.mjs), which every one of
// those charsets reads alike, those of several bytes a character included: the SDK runs in each as
// beside a `<meta charset="utf-8">`. (When the wasm's text had characters above 0x7f, webpack left
// them raw: windows-1252 made two characters of each, which the SDK had to undo, and GBK could not
// be undone.)
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
  // What makes every charset read it alike: no byte above 0x7f, and no control character (ISO-2022-JP
  // takes ESC for a switch of character set).
  assert.ok(readFileSync(file).every((byte) => (byte >= 0x20 && byte < 0x7f) || byte === 0x0a), `${BUNDLE} has bytes other than printable ASCII`);
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
  ['gbk', '<meta charset="gbk">', 'GBK'],
  ['shift-jis', '<meta charset="shift_jis">', 'Shift_JIS'],
  ['iso-2022-jp', '<meta charset="iso-2022-jp">', 'ISO-2022-JP'],
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
