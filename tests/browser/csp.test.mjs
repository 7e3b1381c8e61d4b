// The package works on a page whose Content-Security-Policy allows 'wasm-unsafe-eval' and no
// 'unsafe-eval' or inline script; without 'wasm-unsafe-eval' it cannot compile (as the README says).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launchBrowser, openPage, eventually } from './harness.mjs';

let server, browser;
before(async () => { server = await startServer(); browser = await launchBrowser(); });
after(async () => { await browser?.close(); await server?.close(); });

async function underPolicy(policy) {
  const context = await browser.newContext();
  const page = await openPage(context, `${server.url}/tests/browser/fixtures/csp.html?csp=${encodeURIComponent(policy)}`);
  await page.waitForFunction(() => window.result !== undefined, null, { timeout: 5000 });
  const result = await page.evaluate(() => window.result);
  const violations = page.logs.filter((l) => /Content.Security.Policy/i.test(l));
  await context.close();
  return { result, violations };
}

test("a strict policy with only 'wasm-unsafe-eval' added: the SDK runs and sends", async () => {
  const { result, violations } = await underPolicy("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'");
  assert.match(result, /^[0-9a-f-]{36}$/);
  assert.deepEqual(violations, []);
  await eventually(() => assert.equal(server.stored('ss').filter((d) => d.session_id === result).length, 1));
});

test("without 'wasm-unsafe-eval' the browser refuses to compile the module", async () => {
  const { result } = await underPolicy("default-src 'self'; script-src 'self'; connect-src 'self'");
  assert.match(result, /^failed: .*(CompileError|Content Security Policy|unsafe-eval)/i);
});
