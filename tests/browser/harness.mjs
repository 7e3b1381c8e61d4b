// Shared by the browser suites: a loopback server that serves the repository (www/, pkg/, these
// fixtures) and records what reaches the data endpoint, and headless Chromium via playwright-core.
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.css': 'text/css' };

// An endpoint that stores each datapoint once by (api_key, name, session_id), as docs/design.md
// section 4 asks of any endpoint. `respond(request, body)` may return a status to answer instead.
// `pages` maps paths to HTML served as is (pages made by a test); `hold` maps paths to a delay in
// ms before they are served (a slow script). Every request's path is kept in `requests`.
export async function startServer({ respond } = {}) {
  const endpoint = { posts: [], attempts: [], datapoints: new Map(), respond, pages: new Map(), hold: new Map(), requests: [] };
  const server = createServer(async (req, res) => {
    const pathname = new URL(req.url, 'http://x').pathname;
    endpoint.requests.push(pathname);
    if (endpoint.hold.has(pathname)) await new Promise((resolve) => setTimeout(resolve, endpoint.hold.get(pathname)));
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Content-Type');
    if (req.method === 'OPTIONS') return res.writeHead(204).end();
    // The data API; Braze's own SDK, given a bare origin as baseUrl, posts to {origin}/data/.
    if (req.method === 'POST' && /\/data\/?$/.test(new URL(req.url, 'http://x').pathname)) {
      let body = '';
      for await (const chunk of req) body += chunk;
      endpoint.attempts.push({ at: Date.now(), contentType: req.headers['content-type'], body });
      // A failure to inject: a status, { status, headers }, { delay } before a normal answer, or
      // { hang: true }.
      let forced = endpoint.respond?.(req, body);
      // `{ hang: true }`: the request is accepted and never answered (until the page gives up).
      if (forced?.hang) return;
      if (forced?.delay) {
        await new Promise((resolve) => setTimeout(resolve, forced.delay));
        forced = null;
      }
      if (forced) {
        const { status, headers = {} } = typeof forced === 'number' ? { status: forced } : forced;
        return res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end('{}');
      }
      let batch;
      try { batch = JSON.parse(body); } catch { return res.writeHead(400).end('{"error":"malformed"}'); }
      endpoint.posts.push({ contentType: req.headers['content-type'], batch });
      for (const event of batch.events ?? []) {
        const key = `${batch.api_key} ${event.name} ${event.session_id}`;
        if (!endpoint.datapoints.has(key)) endpoint.datapoints.set(key, { ...event, device_id: batch.device_id });
      }
      return res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    }
    const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    const file = join(ROOT, path.endsWith('/') ? path + 'index.html' : path);
    // ?csp=... serves the page under that Content-Security-Policy.
    const csp = new URL(req.url, 'http://x').searchParams.get('csp');
    if (csp) res.setHeader('Content-Security-Policy', csp);
    if (endpoint.pages.has(pathname)) return res.writeHead(200, { 'Content-Type': TYPES[extname(pathname)] ?? 'text/html' }).end(endpoint.pages.get(pathname));
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://127.0.0.1:${server.address().port}`;
  endpoint.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); });
  endpoint.stored = (name) => [...endpoint.datapoints.values()].filter((d) => !name || d.name === name);
  return endpoint;
}

// `args`: more Chromium switches.
export async function launchBrowser(args = []) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run', ...args],
  });
}

// A page at `url`, every uncaught error and console message recorded in `page.errors` /
// `page.logs` ("type: text").
export async function openPage(context, url) {
  const page = await context.newPage();
  page.errors = [];
  page.logs = [];
  page.on('pageerror', (error) => page.errors.push(error.message));
  page.on('console', (message) => page.logs.push(`${message.type()}: ${message.text()}`));
  await page.goto(url);
  return page;
}

// A page on fixtures/sdk.html, with the SDK loaded and `window.appboy` set.
export async function openSdkPage(context, server, query = '') {
  const page = await openPage(context, `${server.url}/tests/browser/fixtures/sdk.html${query}`);
  await page.waitForFunction(() => window.sdkReady === true);
  return page;
}

export const MINUTE = 60_000;

// The inline snippet of the package (pkg/appboy-snippet.js), loading the SDK from `src`.
export function snippet(src = '/pkg/appboy-loader.js') {
  const text = readFileSync(join(ROOT, 'pkg/appboy-snippet.js'), 'utf8');
  if (!text.includes(SNIPPET_SRC)) throw new Error('the snippet has no placeholder for the SDK URL');
  return text.replace(SNIPPET_SRC, src);
}
const SNIPPET_SRC = 'https://YOUR-SITE/appboy-loader.js';

// Hides or shows the page as switching tabs does: visibilityState and a visibilitychange event.
export async function setVisibility(page, state) {
  await page.evaluate((state) => {
    Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
}

// Waits (in real time) until `check()` holds, for what the SDK sends after a short delay.
export async function eventually(check, { timeout = 5000 } = {}) {
  const until = Date.now() + timeout;
  for (;;) {
    try { return await check(); } catch (error) { if (Date.now() > until) throw error; }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// The real collector (cargo build --release -p collector) on a free port with a fresh database
// (a SQLite file, unless `args` has a --db), and the admin token its reads need (`token`; the
// dashboard takes it as `#token=`). `args`: more of its flags.
export async function startCollector(args = []) {
  const { spawn } = await import('node:child_process');
  const { mkdtempSync, existsSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const binary = join(ROOT, 'target/release/collector');
  if (!existsSync(binary)) throw new Error('build the collector first: cargo build --release -p collector');
  const db = join(mkdtempSync(join(tmpdir(), 'collector-')), 'test.db');
  const token = `test-token-${Math.random().toString(36).slice(2)}${Date.now()}`;
  const child = spawn(binary, ['--port', '0', ...(args.includes('--db') ? [] : ['--db', db]), '--root', ROOT, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, COLLECTOR_ADMIN_TOKEN: token },
  });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = out.match(/listening on (http:\/\/\S+)/);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`the collector exited with ${code}`)));
  });
  child.stderr.resume();
  return { url, token, close: () => new Promise((resolve) => { child.once('exit', resolve); child.kill(); }) };
}

// A throwaway PostgreSQL server (scripts/lib/setup.sh's start_postgres): `url` without a database
// name; `database(name)` creates one and gives its URL; `down()` and `up()` stop it and start it
// again on the same port and data, as an outage does; `close()` removes it.
export async function startPostgres() {
  const { execFileSync } = await import('node:child_process');
  const sh = (script, dir) => execFileSync('bash', ['-c', `source "${ROOT}/scripts/lib/setup.sh" && ${script}`], {
    env: { ...process.env, PG_DIR: dir ?? '' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [url, dir] = sh('start_postgres >/dev/null && echo "$PG_URL $PG_DIR"').trim().split(' ');
  return {
    url,
    database: (name) => { sh(`psql "${url}/postgres" -qc "CREATE DATABASE ${name}"`, dir); return `${url}/${name}`; },
    down: () => sh('postgres_down', dir),
    up: () => sh('postgres_up', dir),
    close: () => sh('stop_postgres', dir),
  };
}
