// Measures what a user of appboy-wasm gets, beside the Braze Web SDK 3.5.1 (whose API it follows)
// and the current Braze Web SDK, in headless Chromium: fresh pages (a new browser context each,
// so a cold cache), served gzip-compressed by bench/server.mjs, alternating page by page between
// the page shapes, on loopback and on an emulated slow phone network. Prints a markdown table,
// the ratios and the targets, and writes them to bench/RESULTS.md. Figures, not assertions: it
// fails only if a page does not work (a page error, or no open session within 20 s).
//
//   BENCH_SAMPLES        loopback pages per shape (15)
//   BENCH_PHONE_SAMPLES  pages per shape on the phone network (9)
//   BENCH_TRACE_SAMPLES  traced loopback pages per shape, for main-thread time (9)
//   BENCH_WARM_SAMPLES   loopback pages per SDK on which 10,000 warm openSession() are timed (3)
//   BENCH_PKG            the package directory served as /pkg/ (pkg/)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { launchBrowser, ROOT } from '../tests/browser/harness.mjs';
import { PHONE } from './network.mjs';
import { compress, startBenchServer } from './server.mjs';
import { ms, quantile, stat } from './stats.mjs';

const env = (name, fallback) => Math.max(1, Number(process.env[name] ?? fallback));
const SAMPLES = env('BENCH_SAMPLES', 15);
const PHONE_SAMPLES = env('BENCH_PHONE_SAMPLES', 9);
const TRACE_SAMPLES = env('BENCH_TRACE_SAMPLES', 9);
const WARM_SAMPLES = env('BENCH_WARM_SAMPLES', 3);
const WARM_CALLS = 10_000;
const OPEN_TIMEOUT = 20_000;
const PKG = resolve(process.env.BENCH_PKG ?? join(ROOT, 'pkg'));
const here = (p) => join(ROOT, 'bench', p);
const log = (...args) => console.error(...args);

// ---- What the pages load ----------------------------------------------------------------------
for (const file of ['appboy_wasm.js', 'appboy-loader.js']) {
  if (!existsSync(join(PKG, file))) throw new Error(`${join(PKG, file)} is missing: build the package first (scripts/build.sh)`);
}
mkdirSync(here('dist/pages'), { recursive: true });
const esbuild = join(ROOT, 'node_modules/.bin/esbuild');
// The current Braze SDK as a page would bundle it for session tracking.
execFileSync(esbuild, [here('braze-6-entry.js'), '--bundle', '--minify', '--format=iife', `--outfile=${here('dist/braze-6.js')}`, '--log-level=warning']);
// The inline snippet: the package's minified copy, or src/loader/snippet.js minified here.
let snippet = existsSync(join(PKG, 'appboy-snippet.js'))
  ? readFileSync(join(PKG, 'appboy-snippet.js'), 'utf8')
  : execFileSync(esbuild, [join(ROOT, 'src/loader/snippet.js'), '--minify', '--legal-comments=none', '--log-level=warning']).toString();
const snippetSource = existsSync(join(PKG, 'appboy-snippet.js')) ? 'pkg/appboy-snippet.js' : 'src/loader/snippet.js minified with esbuild';
snippet = snippet.trim().replace(/^<script>|<\/script>$/g, '').trim();
if (!/(['"`])https:\/\/YOUR-SITE\/appboy-loader\.js\1/.test(snippet)) throw new Error('the snippet has no https://YOUR-SITE/appboy-loader.js placeholder');
snippet = snippet.replace(/(['"`])https:\/\/YOUR-SITE\/appboy-loader\.js\1/, '"/pkg/appboy-loader.js"');
const snippetGzipped = compress(Buffer.from(snippet)).length;
const version = (pkg) => JSON.parse(readFileSync(here(`node_modules/${pkg}/package.json`), 'utf8')).version;

// ---- The pages --------------------------------------------------------------------------------
const page = (body) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Benchmark page</title>
<link rel="icon" href="data:,">
${body.trim()}
</head>
<body>
<h1>Benchmark page</h1>
<p>A page that tracks sessions.</p>
</body>
</html>
`;
// ?timeout=1 for the wire measurement (a session that ends after a second).
const OPTIONS = "{ baseUrl: location.origin, sessionTimeoutInSeconds: Number(new URLSearchParams(location.search).get('timeout') || 1800) }";
const SUBSCRIBE = 'appboy.subscribeToSessionUpdates(function (s) { if (s && window.opened === undefined) window.opened = performance.now(); });';
const brazePage = (src, global) => page(`
<script src="${src}"></script>
<script>
  ${global}.initialize('bench-key', ${OPTIONS});
  ${global}.openSession();
  window.opened = performance.now();
  window.sdk = ${global};
</script>`);

// kind: 'appboy' (its session id is checked), 'braze', or 'floor' (no SDK: no warm call, no wire).
const SHAPES = [
  {
    id: 'module', kind: 'appboy', floor: 'floor-module', label: 'appboy-wasm module page',
    html: page(`
<script type="module">
  import { appboy } from '/pkg/appboy_wasm.js';
  appboy.initialize('bench-key', ${OPTIONS});
  appboy.openSession();
  window.opened = performance.now();
  window.openedId = appboy.getSessionId();  // after the timing: was the session open then?
  window.sdk = appboy;
</script>`),
  },
  {
    id: 'snippet', kind: 'appboy', floor: 'floor-async', label: 'appboy-wasm snippet page', inline: snippetGzipped,
    html: page(`
<script>${snippet}</script>
<script>
  appboy.initialize('bench-key', ${OPTIONS});
  ${SUBSCRIBE}
  appboy.openSession();
  window.sdk = appboy;
</script>`),
  },
  {
    id: 'loader', kind: 'appboy', floor: 'floor-classic', label: 'appboy-wasm loader page',
    html: page(`
<script src="/pkg/appboy-loader.js"></script>
<script>
  appboy.initialize('bench-key', ${OPTIONS});
  ${SUBSCRIBE}
  appboy.openSession();
  if (window.opened === undefined && typeof appboy.getSessionId() === 'string') window.opened = performance.now();
  window.sdk = appboy;
</script>`),
  },
  {
    id: 'braze-3.5.1', kind: 'braze', floor: 'floor-classic', label: `Braze ${version('appboy-web-sdk')} (appboy-web-sdk core)`,
    html: brazePage('/bench/node_modules/appboy-web-sdk/appboy.no-amd.core.min.js', 'appboy'),
  },
  {
    id: 'braze-6', kind: 'braze', floor: 'floor-classic', label: `@braze/web-sdk ${version('@braze/web-sdk')} (session API, bundled)`,
    html: brazePage('/bench/dist/braze-6.js', 'braze'),
  },
  {
    id: 'floor-classic', kind: 'floor', label: 'floor: empty classic script',
    html: page(`
<script src="/bench/floor/empty.js"></script>
<script>window.opened = performance.now();</script>`),
  },
  {
    // The snippet's shape: the page finishes parsing (and may paint) before an async script runs.
    id: 'floor-async', kind: 'floor', label: 'floor: empty async script',
    html: page(`
<script>
  var s = document.createElement('script');
  s.async = true;
  s.src = '/bench/floor/empty.js';
  s.onload = function () { window.opened = performance.now(); };
  (document.head || document.documentElement).appendChild(s);
</script>`),
  },
  {
    // The module page's shape: an inline module that imports a module (which instantiates an empty
    // wasm module embedded in it, synchronously). Inline only, without the import, it would leave
    // out the fetch and the paint that happens meanwhile, some 20 ms of main-thread time here.
    id: 'floor-module', kind: 'floor', label: 'floor: module importing an empty wasm module',
    html: page(`
<script type="module">
  import '/bench/floor/empty-wasm.js';
  window.opened = performance.now();
</script>`),
  },
];
const byId = Object.fromEntries(SHAPES.map((s) => [s.id, s]));
for (const shape of SHAPES) {
  writeFileSync(here(`dist/pages/${shape.id}.html`), shape.html);
  Object.assign(shape, { loopback: [], phone: [], wall: [], cpu: [], warm: [], bytes: [], requests: [], notes: new Set() });
}

// ---- One fresh page ---------------------------------------------------------------------------
const server = await startBenchServer({ root: ROOT, mounts: { '/pkg/': PKG } });
const browser = await launchBrowser();
const isData = (url) => /\/data\/?$/.test(new URL(url).pathname);

// Loads a shape's page in a new context; returns when its session is open (window.opened set).
// phone: emulate the slow network; trace: record the main thread until the session is open;
// warm: time WARM_CALLS openSession() afterwards; then(page): more to do before the page closes.
async function visit(shape, { phone = false, trace = false, warm = false, query = '', then } = {}) {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const errors = [];
  tab.on('pageerror', (error) => errors.push(error.message));
  tab.on('console', (message) => { if (['error', 'warning'].includes(message.type())) shape.notes.add(`console ${message.type()}: ${message.text()}`); });
  const cdp = await context.newCDPSession(tab);
  await cdp.send('Network.enable');
  if (phone) await cdp.send('Network.emulateNetworkConditions', PHONE);
  const requests = new Map();
  cdp.on('Network.requestWillBeSent', (e) => { if (!requests.has(e.requestId)) requests.set(e.requestId, { url: e.request.url, type: e.type, done: false }); });
  cdp.on('Network.responseReceived', (e) => { if (e.response.status >= 400) shape.notes.add(`HTTP ${e.response.status} for ${new URL(e.response.url).pathname}`); });
  cdp.on('Network.loadingFinished', (e) => { const r = requests.get(e.requestId); if (r) Object.assign(r, { done: true, bytes: e.encodedDataLength }); });
  cdp.on('Network.loadingFailed', (e) => { const r = requests.get(e.requestId); if (r) Object.assign(r, { done: true, bytes: 0, failed: e.errorText }); });
  const events = [];
  let traced;
  if (trace) {
    cdp.on('Tracing.dataCollected', (e) => { for (const event of e.value) events.push(event); });
    traced = new Promise((done) => cdp.once('Tracing.tracingComplete', done));
    await cdp.send('Tracing.start', { traceConfig: { includedCategories: ['toplevel', 'blink.user_timing', '__metadata'] }, transferMode: 'ReportEvents' });
  }
  const url = `${server.url}/bench/dist/pages/${shape.id}.html${query}`;
  const fail = (why) => { throw new Error(`${shape.label}${phone ? ' (phone network)' : ''}: ${why}`); };
  try {
    await tab.goto(url, { waitUntil: 'commit' });
    await tab.waitForFunction(() => window.opened !== undefined, null, { timeout: OPEN_TIMEOUT });
  } catch (error) {
    fail(errors.length ? errors.join('; ') : `the session was not open within ${OPEN_TIMEOUT / 1000} s (${error.message.split('\n')[0]})`);
  }
  if (errors.length) fail(errors.join('; '));
  const result = { opened: await tab.evaluate(() => window.opened) };
  if (trace) {
    await cdp.send('Tracing.end');
    await traced;
    Object.assign(result, mainThread(events, url, result.opened));
  }
  // On the module page the session must be open when openSession() returns, not later.
  const id = await tab.evaluate(() => ('openedId' in window ? window.openedId : window.sdk?.getSessionId?.()));
  if (shape.kind === 'appboy' && typeof id !== 'string') fail(`no session id when the session was reported open${shape.notes.size ? ` (${[...shape.notes].join('; ')})` : ''}`);
  // What the page downloaded besides its HTML and the data posts, once every such request is done.
  const until = Date.now() + 10_000;
  const sdkRequests = () => [...requests.values()].filter((r) => r.type !== 'Document' && !isData(r.url));
  while (sdkRequests().some((r) => !r.done) && Date.now() < until) await new Promise((done) => setTimeout(done, 20));
  for (const r of sdkRequests()) if (r.failed) shape.notes.add(`request failed: ${r.url} (${r.failed})`);
  result.bytes = sdkRequests().reduce((sum, r) => sum + (r.bytes ?? 0), 0);
  result.requests = sdkRequests().length;
  if (warm) {
    result.warm = await tab.evaluate((n) => {
      const start = performance.now();
      for (let i = 0; i < n; i++) window.sdk.openSession();
      return ((performance.now() - start) / n) * 1000;
    }, WARM_CALLS);
  }
  if (then) await then(tab);
  if (errors.length) fail(errors.join('; '));
  await context.close();
  return result;
}

// Main-thread time from navigation start until the session was open, from the renderer main
// thread's top-level tasks in the trace, clipped to [navigationStart, navigationStart + opened]:
// wall, the time the thread was busy; cpu, the thread time those tasks took (less sensitive to
// other processes taking the CPU; a clipped task counts in proportion).
function mainThread(events, url, opened) {
  const nav = events.find((e) => e.name === 'navigationStart' && e.args?.data?.documentLoaderURL === url);
  if (!nav) throw new Error(`no navigationStart for ${url} in the trace`);
  const thread = events.find((e) => e.name === 'thread_name' && e.pid === nav.pid && e.args?.name === 'CrRendererMain');
  const start = nav.ts;
  const end = nav.ts + opened * 1000;
  const tasks = events
    .filter((e) => e.ph === 'X' && e.pid === nav.pid && e.tid === (thread?.tid ?? nav.tid) && e.cat.split(',').includes('toplevel'))
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  let wall = 0;
  let cpu = 0;
  let reached = -Infinity;
  for (const task of tasks) {
    const taskEnd = task.ts + (task.dur ?? 0);
    if (taskEnd <= reached) continue;  // inside one already counted
    const from = Math.max(task.ts, start, reached);
    const to = Math.min(taskEnd, end);
    const outermost = task.ts >= reached;
    reached = taskEnd;
    if (to <= from) continue;
    wall += to - from;
    if (outermost && task.dur > 0) cpu += (task.tdur ?? task.dur) * ((to - from) / task.dur);
  }
  return { wall: wall / 1000, cpu: cpu / 1000 };
}

// Bytes posted to the data endpoint for a session's start, its end and the next start (the page's
// posts, told apart by their Referer).
async function wire(shape) {
  const query = `?timeout=1&wire=${shape.id}`;
  await visit(shape, {
    query,
    then: async (tab) => {
      await tab.evaluate(() => window.sdk.requestImmediateDataFlush());
      await tab.waitForTimeout(1500);
      await tab.evaluate(() => { window.sdk.openSession(); window.sdk.requestImmediateDataFlush(); });
      await tab.waitForTimeout(2500);
    },
  });
  return server.posts.filter((p) => p.referer.endsWith(query)).reduce((sum, p) => sum + p.bytes, 0);
}

// ---- The runs: round-robin over the shapes, page by page --------------------------------------
const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
const sdks = SHAPES.filter((s) => s.kind !== 'floor');
const chromium = browser.version();
try {
  // One page of each shape first, not counted: the server compresses each file once, Chromium warms up.
  for (const shape of SHAPES) await visit(shape);
  log(`loopback: ${SAMPLES} pages per shape (warm openSession on the first ${WARM_SAMPLES})`);
  for (let i = 0; i < SAMPLES; i++) {
    for (const shape of SHAPES) {
      const r = await visit(shape, { warm: shape.kind !== 'floor' && i < WARM_SAMPLES });
      shape.loopback.push(r.opened);
      shape.bytes.push(r.bytes);
      shape.requests.push(r.requests);
      if (r.warm !== undefined) shape.warm.push(r.warm);
    }
  }
  log(`  done at ${elapsed()}; phone network: ${PHONE_SAMPLES} pages per shape`);
  for (let i = 0; i < PHONE_SAMPLES; i++) {
    for (const shape of SHAPES) {
      const r = await visit(shape, { phone: true });
      shape.phone.push(r.opened);
      if (r.bytes !== shape.bytes[0]) shape.notes.add(`SDK bytes on the phone network ${r.bytes} B, on loopback ${shape.bytes[0]} B`);
    }
  }
  log(`  done at ${elapsed()}; traced loopback: ${TRACE_SAMPLES} pages per shape`);
  for (let i = 0; i < TRACE_SAMPLES; i++) {
    for (const shape of SHAPES) {
      const r = await visit(shape, { trace: true });
      shape.wall.push(r.wall);
      shape.cpu.push(r.cpu);
    }
  }
  log(`  done at ${elapsed()}; bytes posted`);
  for (const shape of sdks) shape.wire = await wire(shape);  // one at a time: batching depends on timing
  log(`  done at ${elapsed()}`);
} finally {
  await browser.close();
  await server.close();
}

// ---- The table --------------------------------------------------------------------------------
const grouped = (n) => Math.round(n).toLocaleString('en-US');
for (const s of SHAPES) {
  s.stats = {
    loopback: stat(s.loopback), phone: stat(s.phone), wall: stat(s.wall), cpu: stat(s.cpu), warm: stat(s.warm),
    bytes: { median: quantile(s.bytes, 0.5) + (s.inline ?? 0) }, wire: s.wire === undefined ? null : { median: s.wire },
  };
}
for (const s of SHAPES) {
  const floor = s.floor && byId[s.floor].stats;
  s.stats.wallAbove = floor ? { median: s.stats.wall.median - floor.wall.median } : null;
  s.stats.cpuAbove = floor ? { median: s.stats.cpu.median - floor.cpu.median } : null;
}
const METRICS = [
  { key: 'loopback', name: 'time to session open, loopback', show: (v) => ms(v) },
  { key: 'phone', name: 'time to session open, phone network', show: (v) => ms(v) },
  { key: 'wall', name: 'main thread busy until open (trace, loopback)', show: (v) => ms(v) },
  { key: 'wallAbove', name: 'main thread busy until open, above its floor', show: (v) => `${v.median.toFixed(1)} ms` },
  { key: 'cpu', name: 'main-thread CPU until open (trace, loopback)', show: (v) => ms(v) },
  { key: 'cpuAbove', name: 'main-thread CPU until open, above its floor', show: (v) => `${v.median.toFixed(1)} ms` },
  {
    key: 'bytes', name: 'SDK bytes downloaded (gzip, headers included)',
    show: (v, s) => `${grouped(v.median)} B in ${quantile(s.requests, 0.5)} req.${s.inline ? ` (incl. ${grouped(s.inline)} B inline)` : ''}`,
  },
  { key: 'warm', name: `warm openSession() (${grouped(WARM_CALLS)} calls)`, show: (v) => `${v.median.toFixed(2)} µs (${v.low.toFixed(2)}–${v.high.toFixed(2)})` },
  { key: 'wire', name: 'bytes posted: start, end, next start', show: (v) => `${grouped(v.median)} B` },
];
const cell = (s, m) => (s.stats[m.key] ? m.show(s.stats[m.key], s) : '—');
const row = (cells) => `| ${cells.join(' | ')} |\n`;
let table = row(['metric', ...SHAPES.map((s) => s.label)]) + row(['---', ...SHAPES.map(() => '---')]);
for (const m of METRICS) table += row([m.name, ...SHAPES.map((s) => cell(s, m))]);

const ours = SHAPES.filter((s) => s.kind === 'appboy');
const peers = SHAPES.filter((s) => s.kind === 'braze');
const ratio = (a, b) => {
  if (!a || !b) return null;
  const r = a.median / b.median;
  return Number.isFinite(r) ? r : null;
};
const fmtRatio = (r) => (r === null ? '—' : `${Math.abs(r) < 0.01 ? r.toPrecision(2) : r.toFixed(3)}x`);
const pairs = peers.flatMap((p) => ours.map((o) => [o, p]));
let ratios = row(['metric (medians)', ...pairs.map(([o, p]) => `${o.id} / ${p.id}`)]) + row(['---', ...pairs.map(() => '---')]);
for (const m of METRICS) ratios += row([m.name, ...pairs.map(([o, p]) => fmtRatio(ratio(o.stats[m.key], p.stats[m.key])))]);

const braze = byId['braze-3.5.1'];
const targets = [];
const target = (what, value, limit, shown) => targets.push(`${value <= limit ? 'MET   ' : 'MISSED'} ${what}: ${shown}`);
const timeRatio = (s, net) => ratio(s.stats[net], braze.stats[net]);
target('module page, time to session open on loopback ≤ 0.8x Braze 3.5.1', timeRatio(byId.module, 'loopback'), 0.8,
  `${fmtRatio(timeRatio(byId.module, 'loopback'))} (${byId.module.stats.loopback.median.toFixed(1)} ms vs ${braze.stats.loopback.median.toFixed(1)} ms)`);
for (const [id, limit] of [['module', 0.9], ['snippet', 0.9], ['loader', 1.0]]) {
  target(`${id} page, time to session open on the phone network ≤ ${limit.toFixed(1)}x Braze 3.5.1`, timeRatio(byId[id], 'phone'), limit,
    `${fmtRatio(timeRatio(byId[id], 'phone'))} (${byId[id].stats.phone.median.toFixed(1)} ms vs ${braze.stats.phone.median.toFixed(1)} ms)`);
}
for (const s of ours) {
  for (const [key, what] of [['wallAbove', 'busy'], ['cpuAbove', 'CPU']]) {
    const r = ratio(s.stats[key], braze.stats[key]);
    target(`${s.id} page, main thread ${what} until open above its floor ≤ 0.5x Braze 3.5.1's`, r ?? Infinity, 0.5,
      `${fmtRatio(r)} (${s.stats[key].median.toFixed(1)} ms vs ${braze.stats[key].median.toFixed(1)} ms)`);
  }
}
for (const s of ours) target(`${s.id} page, warm openSession() ≤ 10 µs`, s.stats.warm.median, 10, `${s.stats.warm.median.toFixed(2)} µs`);
for (const s of ours) target(`${s.id} page, SDK bytes ≤ 20,480`, s.stats.bytes.median, 20_480, `${grouped(s.stats.bytes.median)} B`);

const header = `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
  `headless Chromium ${chromium}; median (10th–90th percentile) of ${SAMPLES} fresh pages per shape on loopback and ` +
  `${PHONE_SAMPLES} on the phone network (${PHONE.latency} ms round trip, 1.6 Mbit/s down, 750 kbit/s up), ${TRACE_SAMPLES} traced ` +
  `loopback pages for main-thread time, warm openSession() on ${WARM_SAMPLES} pages; pages alternate between shapes, each in a ` +
  `new browser context (cold cache); scripts, wasm and HTML served gzipped over HTTP/1.1; times from navigation start. ` +
  `Snippet: ${snippetSource}.`;
const method = 'Time to session open: `performance.now()` (from navigation start) when `openSession()` has returned with the ' +
  'session open (module and Braze pages) or when the first session update arrives (snippet and loader pages). Main ' +
  'thread: from a Chromium trace, the renderer main thread\'s top-level tasks between navigation start and that moment, ' +
  'as wall time (busy) and as thread CPU time (CPU: less sensitive to other load on the machine); above its floor: ' +
  'minus the median of the floor page of the same shape (module page: a module importing an empty wasm module; ' +
  'snippet page: empty async script; the others: empty classic script). SDK bytes: `encodedDataLength` of every ' +
  'request but the HTML and the data posts, as the network counts them (gzip body and response headers), plus the ' +
  'inline snippet gzipped on its own. Bytes posted: request bodies for a session start, its end (1 s timeout) and the ' +
  'next start. Ratios divide medians.';
const notes = SHAPES.filter((s) => s.notes.size).map((s) => `- ${s.label}: ${[...s.notes].slice(0, 5).join('; ')}`).join('\n');
const report = `${header}\n\n${method}\n\n${table}\nRatios, appboy-wasm page over Braze:\n\n${ratios}\nTargets:\n\n\`\`\`\n${targets.join('\n')}\n\`\`\`\n` +
  (notes ? `\nNotes:\n\n${notes}\n` : '');
writeFileSync(here('RESULTS.md'), report);
console.log(report);
