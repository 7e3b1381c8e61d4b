// Under the strict Content-Security-Policy the README documents: the module page, the snippet page
// (its inline script allowed by hash) and the loader page run and send with only
// 'wasm-unsafe-eval' added; without it the SDK cannot compile, and says so, naming
// 'wasm-unsafe-eval', without throwing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startServer, launchBrowser, openPage, eventually, snippet } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

const STRICT = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'";
const NO_WASM = "default-src 'self'; script-src 'self'; connect-src 'self'";
const hash = (script) => `'sha256-${createHash('sha256').update(script).digest('base64')}'`;

const CALLS = "appboy.initialize('KEY'); appboy.openSession(); appboy.requestImmediateDataFlush();" +
  // The session id once the SDK has loaded and opened it, or null after 3 s.
  "const t0 = Date.now(); const poll = () => { const session = appboy.getSessionId(); " +
  "if (session || Date.now() - t0 > 3000) window.result = { session: session ?? null }; else setTimeout(poll, 50); }; poll();";
const snippetScript = (key) => snippet() + CALLS.replace('KEY', key);
const PAGES = {
  module: { path: '/tests/browser/fixtures/csp.html', policy: (p) => p },
  snippet: { path: '/csp-snippet.html', html: `<script>${snippetScript('key-csp-snippet')}</script>`, policy: (p) => p.replace("'self' 'wasm", `'self' ${hash(snippetScript('key-csp-snippet'))} 'wasm`).replace("script-src 'self';", `script-src 'self' ${hash(snippetScript('key-csp-snippet'))};`) },
  loader: { path: '/csp-loader.html', html: `<script src="/pkg/appboy-loader.js"></script><script src="/csp-calls.js"></script>`, policy: (p) => p },
};

async function underPolicy(shape, policy) {
  const { path, html, policy: withHashes } = PAGES[shape];
  if (html) server.pages.set(path, `<!doctype html><meta charset="utf-8">${html}`);
  server.pages.set('/csp-calls.js', CALLS.replace('KEY', 'key-csp-loader'));
  const context = await browser.newContext();
  const page = await openPage(context, `${server.url}${path}?csp=${encodeURIComponent(withHashes(policy))}`);
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 5000 });
  const result = await page.evaluate(() => window.result);
  const violations = page.logs.filter((l) => /Content.Security.Policy/i.test(l));
  const errors = page.errors;
  await context.close();
  return { result, violations, errors, logs: page.logs };
}

for (const shape of Object.keys(PAGES)) {
  test(`${shape} page under a strict policy with only 'wasm-unsafe-eval' added: the SDK runs and sends`, async () => {
    const { result, violations, errors } = await underPolicy(shape, STRICT);
    assert.match(result.session, /^[0-9a-f-]{36}$/);
    assert.deepEqual(violations, []);
    assert.deepEqual(errors, []);
    await eventually(() => assert.equal(server.stored('ss').filter((d) => d.session_id === result.session).length, 1));
  });

  test(`${shape} page without 'wasm-unsafe-eval': the SDK cannot compile, warns, and throws nothing`, async () => {
    const { result, errors, logs } = await underPolicy(shape, NO_WASM);
    assert.equal(result.session, null);
    if (shape === 'module') assert.equal(result.started, false);
    assert.deepEqual(errors, []);
    const warnings = logs.filter((l) => /^warning: Appboy: the SDK cannot run here/.test(l));
    assert.equal(warnings.length, 1, logs.join('\n'));
    // It names the fix, 'wasm-unsafe-eval', not the browser's 'unsafe-eval' (which allows eval),
    // and no other cause.
    assert.match(warnings[0], /add 'wasm-unsafe-eval' to the Content-Security-Policy's script-src/);
    assert.doesNotMatch(warnings[0], /(?<!wasm-)unsafe-eval|charset|failed to compile/);
  });
}
