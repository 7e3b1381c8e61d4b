// Compares two builds of the package page for page in one run, as docs/design.md section 8 asks of
// any before-and-after claim on this shared machine: the module page of bench/run.mjs (import,
// initialize, openSession) served from each build in turn, alternating, each in a fresh browser
// context, on loopback and on the emulated phone network. Prints medians (10th–90th percentile)
// and the ratio of the second build to the first; main-thread time is Chromium's task and script
// time (CDP Performance metrics) as read just after the session opens. Figures, not assertions: it
// fails only if a page does not open its session when openSession() returns.
//
//   node bench/compare.mjs <package dir A> <package dir B>   (each holding appboy_wasm.js)
//   COMPARE_SAMPLES  loopback pages per build (21); half as many, rounded up, on the phone network
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launchBrowser } from '../tests/browser/harness.mjs';
import { PHONE } from './network.mjs';
import { startBenchServer } from './server.mjs';
import { ms, quantile, stat } from './stats.mjs';

const builds = process.argv.slice(2, 4).map((dir) => resolve(dir));
if (builds.length !== 2 || !builds.every((dir) => existsSync(join(dir, 'appboy_wasm.js')))) {
  console.error('usage: node bench/compare.mjs <package dir A> <package dir B> (each holding appboy_wasm.js)');
  process.exit(2);
}
const SAMPLES = Math.max(1, Number(process.env.COMPARE_SAMPLES ?? 21));

const root = mkdtempSync(join(tmpdir(), 'appboy-compare-'));
for (const id of ['a', 'b']) {
  writeFileSync(join(root, `${id}.html`), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Compare ${id}</title><link rel="icon" href="data:,">
<script type="module">
  import { appboy } from '/${id}/appboy_wasm.js';
  appboy.initialize('compare-key', { baseUrl: location.origin });
  appboy.openSession();
  window.opened = performance.now();
  window.openedId = appboy.getSessionId();
</script></head><body><p>A page that tracks sessions.</p></body></html>
`);
}
const server = await startBenchServer({ root, mounts: { '/a/': builds[0], '/b/': builds[1] } });
const browser = await launchBrowser();
const results = { a: { loopback: [], phone: [], cpu: [], script: [] }, b: { loopback: [], phone: [], cpu: [], script: [] } };

async function measure(id, phone) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'threadTicks' });
    if (phone) {
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', PHONE);
    }
    await page.goto(`${server.url}/${id}.html`);
    await page.waitForFunction(() => window.opened !== undefined, null, { timeout: 20_000 });
    const { opened, openedId } = await page.evaluate(() => ({ opened: window.opened, openedId: window.openedId }));
    if (typeof openedId !== 'string') throw new Error(`${builds[id === 'a' ? 0 : 1]}: no session when openSession() returned`);
    const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
    const r = results[id];
    if (phone) r.phone.push(opened);
    else r.loopback.push(opened), r.cpu.push(metrics.TaskDuration * 1000), r.script.push(metrics.ScriptDuration * 1000);
  } finally {
    await context.close();
  }
}

for (const phone of [false, true]) {
  const pairs = phone ? Math.ceil(SAMPLES / 2) : SAMPLES;
  for (let i = 0; i < pairs; i++) for (const id of i % 2 ? ['b', 'a'] : ['a', 'b']) await measure(id, phone);
}
await browser.close();
await server.close();

console.log(`A: ${builds[0]}\nB: ${builds[1]}\n`);
console.log('| metric (module page) | A | B | B / A |\n| --- | --- | --- | --- |');
for (const [key, label] of [['loopback', 'navigation start → session open, loopback'], ['phone', 'navigation start → session open, phone network'],
  ['cpu', 'main-thread task time, loopback'], ['script', 'main-thread script time, loopback']]) {
  const [a, b] = [results.a[key], results.b[key]];
  console.log(`| ${label} | ${ms(stat(a))} | ${ms(stat(b))} | ${(quantile(b, 0.5) / quantile(a, 0.5)).toFixed(3)}x |`);
}
console.log(`\n${SAMPLES} loopback and ${Math.ceil(SAMPLES / 2)} phone-network pages per build, alternating.`);
