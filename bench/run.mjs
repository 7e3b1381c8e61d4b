// Measures appboy-wasm beside the Braze Web SDK 3.5.1 (whose API it follows) and the current
// Braze Web SDK, on fresh pages in headless Chromium, alternating between SDKs. Prints a markdown
// table with ratios and writes it to bench/RESULTS.md. Figures, not assertions: it fails only if
// a page does not work.
import { execFileSync, execSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startServer, ROOT } from '../tests/browser/harness.mjs';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 15);
const WARM_CALLS = 10_000;
const here = (p) => join(ROOT, 'bench', p);

// What each SDK ships to a page that tracks sessions.
mkdirSync(here('dist'), { recursive: true });
execFileSync(join(ROOT, 'node_modules/.bin/esbuild'), [here('braze-6-entry.js'), '--bundle', '--minify', '--format=iife', `--outfile=${here('dist/braze-6.js')}`, '--log-level=warning']);
// The Braze pages: the SDK's script, then initialize and openSession, timed from the first script.
const brazePage = (src, global) => `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<script>window.t0 = performance.now();</script>
<script src="${src}"></script>
<script>
  var timeout = Number(new URLSearchParams(location.search).get('timeout') || 1800);
  ${global}.initialize('bench-key', { baseUrl: location.origin, sessionTimeoutInSeconds: timeout });
  ${global}.openSession();
  window.opened = performance.now() - window.t0;
  window.sdk = ${global};
</script>
`;
writeFileSync(here('dist/braze-3.5.1.html'), brazePage('/bench/node_modules/appboy-web-sdk/appboy.no-amd.core.min.js', 'appboy'));
writeFileSync(here('dist/braze-6.html'), brazePage('/bench/dist/braze-6.js', 'braze'));
const gz = (file) => gzipSync(readFileSync(join(ROOT, file)), { level: 9 }).length;
const SDKS = [
  { name: 'appboy-wasm', page: 'pages/appboy-wasm.html', files: ['pkg/appboy_wasm.js', 'pkg/appboy_wasm_bg.wasm'] },
  { name: 'braze-3.5.1', page: 'dist/braze-3.5.1.html', label: 'appboy-web-sdk 3.5.1 (core)', files: ['bench/node_modules/appboy-web-sdk/appboy.no-amd.core.min.js'] },
  { name: 'braze-6', page: 'dist/braze-6.html', label: '@braze/web-sdk 6.13.0 (bundled, session API only)', files: ['bench/dist/braze-6.js'] },
];
for (const sdk of SDKS) sdk.gzipped = sdk.files.reduce((sum, f) => sum + gz(f), 0);

const server = await startServer({ respond: () => null });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--enable-precise-memory-info', '--js-flags=--expose-gc'],
});

async function fresh(sdk, query = '') {
  const context = await browser.newContext();  // empty cache and storage
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/bench/${sdk.page}${query}`);
  await page.waitForFunction(() => window.opened !== undefined, null, { timeout: 10_000 });
  if (errors.length) throw new Error(`${sdk.name}: ${errors.join('; ')}`);
  return { context, page };
}

// One fresh page: time to a returned openSession, heap after it, cost of a warm openSession.
async function sample(sdk) {
  const { context, page } = await fresh(sdk);
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  const result = await page.evaluate((n) => {
    const start = performance.now();
    for (let i = 0; i < n; i++) window.sdk.openSession();
    return { opened: window.opened, warm: ((performance.now() - start) / n) * 1000, wasm: window.wasmBytes ?? 0 };
  }, WARM_CALLS);
  await context.close();
  return { ...result, heap: usedSize + result.wasm };
}

// Bytes posted to the data endpoint for a session's start, its end and the next start.
async function wire(sdk) {
  const before = server.attempts.length;
  const { context, page } = await fresh(sdk, '?timeout=1');
  await page.evaluate(() => window.sdk.requestImmediateDataFlush());
  await page.waitForTimeout(1500);
  await page.evaluate(() => { window.sdk.openSession(); window.sdk.requestImmediateDataFlush(); });
  await page.waitForTimeout(2500);
  await context.close();
  return server.attempts.slice(before).reduce((sum, a) => sum + Buffer.byteLength(a.body), 0);
}

for (const sdk of SDKS) sdk.samples = [];
for (let i = 0; i < SAMPLES; i++) for (const sdk of SDKS) sdk.samples.push(await sample(sdk));  // alternating
for (const sdk of SDKS) sdk.wire = await wire(sdk);
await browser.close();
await server.close();

const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]; };
const stat = (sdk, key) => { const xs = sdk.samples.map((s) => s[key]); return { median: quantile(xs, 0.5), low: quantile(xs, 0.1), high: quantile(xs, 0.9) }; };
const fmt = (n, digits = 1) => n.toFixed(digits);
const metrics = [
  ['gzipped bytes shipped', (s) => ({ median: s.gzipped }), (v) => `${(v.median / 1024).toFixed(1)} KB`],
  ['first script → openSession() returned', (s) => stat(s, 'opened'), (v) => `${fmt(v.median)} ms (${fmt(v.low)}–${fmt(v.high)})`],
  ['warm openSession()', (s) => stat(s, 'warm'), (v) => `${fmt(v.median, 2)} µs (${fmt(v.low, 2)}–${fmt(v.high, 2)})`],
  ['bytes posted: start, end, next start', (s) => ({ median: s.wire }), (v) => `${v.median} B`],
  ['heap after initialization (JS + wasm memory)', (s) => stat(s, 'heap'), (v) => `${(v.median / 1024).toFixed(0)} KB (${(v.low / 1024).toFixed(0)}–${(v.high / 1024).toFixed(0)})`],
];
const [ours, ...peers] = SDKS;
const chrome = execSync(`${process.env.CHROMIUM ?? '/usr/bin/chromium'} --version 2>/dev/null`).toString().trim();
let table = `| metric | ${SDKS.map((s) => s.label ?? s.name).join(' | ')} | ${peers.map((p) => `appboy-wasm / ${p.name}`).join(' | ')} |\n`;
table += `| --- | ${SDKS.map(() => '---').join(' | ')} | ${peers.map(() => '---').join(' | ')} |\n`;
for (const [name, get, show] of metrics) {
  const ratio = (r) => `${r < 0.01 ? r.toPrecision(2) : r.toFixed(3)}x`;
  table += `| ${name} | ${SDKS.map((s) => show(get(s))).join(' | ')} | ${peers.map((p) => ratio(get(ours).median / get(p).median)).join(' | ')} |\n`;
}
const header = `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${chrome}; ` +
  `median (10th–90th percentile) of ${SAMPLES} fresh pages per SDK, alternating; warm openSession over ${WARM_CALLS} calls.\n\n`;
writeFileSync(here('RESULTS.md'), header + table);
console.log(header + table);
