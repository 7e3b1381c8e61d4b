// Braze's own Web SDKs as real clients of the collector (issue 13): each, on a site of another
// origin, opens a session, names its user and logs a custom event, and the collector stores and
// serves all of it (docs/design.md section 6).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchBrowser, startCollector, openPage, eventually, ROOT } from './harness.mjs';

const SDKS = {
  'appboy-web-sdk 3.5.1': { global: 'appboy', script: readFileSync(join(ROOT, 'node_modules/appboy-web-sdk/appboy.no-amd.min.js')) },
  '@braze/web-sdk 6.13.0': { global: 'braze', script: null },
};

let collector, browser, site;
before(async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'braze-')), 'braze6.js');
  execFileSync(join(ROOT, 'node_modules/.bin/esbuild'), [join(ROOT, 'tests/browser/fixtures/braze6-entry.js'), '--bundle', '--minify',
    '--format=iife', `--outfile=${out}`, '--log-level=warning']);
  SDKS['@braze/web-sdk 6.13.0'].script = readFileSync(out);
  collector = await startCollector();
  // The site: its own origin (site.example.test), the SDK's script and a page that uses it.
  site = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url, 'http://x').searchParams.get('sdk') ?? '');
    const sdk = SDKS[name];
    if (!sdk) return res.writeHead(404).end();
    if (req.url.startsWith('/sdk.js')) return res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(sdk.script);
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<!doctype html>
<script src="/sdk.js?sdk=${encodeURIComponent(name)}"></script>
<script>
  const sdk = window.${sdk.global};
  sdk.initialize(${JSON.stringify(`key-${sdk.global}`)}, { baseUrl: ${JSON.stringify(`${collector.url}/api/v3`)} });
  sdk.openSession();
  sdk.changeUser('user-7');
  sdk.logCustomEvent('clicked', { color: 'red' });
  setTimeout(() => sdk.requestImmediateDataFlush(), 200);
</script>`);
  });
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  browser = await launchBrowser(['--host-resolver-rules=MAP *.example.test 127.0.0.1']);
});
after(async () => { await browser?.close(); await collector?.close(); site?.close(); });

const read = async (path) => {
  const response = await fetch(`${collector.url}${path}`, { headers: { Authorization: `Bearer ${collector.token}` } });
  assert.equal(response.status, 200, path);
  return response.json();
};

for (const [name, sdk] of Object.entries(SDKS)) {
  test(`${name} on another origin: its named user's session and custom event are stored and served`, async () => {
    const context = await browser.newContext();
    const page = await openPage(context, `http://site.example.test:${site.address().port}/?sdk=${encodeURIComponent(name)}`);
    const key = `key-${sdk.global}`;
    await eventually(async () => {
      const sessions = await read(`/api/v3/sessions?api_key=${key}&user_id=user-7`);
      assert.equal(sessions.length, 1, JSON.stringify(sessions));
      assert.equal(sessions[0].open, true);
      const events = await read(`/api/v3/events?api_key=${key}&user_id=user-7`);
      assert.deepEqual(events.map((e) => [e.name, e.data.n, e.data.p, e.session_id]), [['ce', 'clicked', { color: 'red' }, sessions[0].session_id]]);
    }, { timeout: 15_000 });
    // The anonymous session before changeUser, ended by it.
    const all = await read(`/api/v3/sessions?api_key=${key}`);
    assert.equal(all.length, 2, JSON.stringify(all));
    assert.deepEqual(page.errors, []);
    await context.close();
  });
}
