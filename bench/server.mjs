// The benchmark's web server: the repository's files as a CDN would serve them (gzip-compressed
// ahead of time, with Content-Length, ETag, Last-Modified, Cache-Control, Vary and
// CORS headers), and a data endpoint that answers every POST to /api/v3/data/ (appboy-wasm) or
// /data/ (Braze) with 200 {} and records the body. HTTP/1.1 on loopback.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';

// As a CDN serving precompressed files (nginx gzip_static, say) would: `gzip -9 -n`; zlib at level
// 9 where there is no gzip command.
export function compress(raw) {
  try {
    return execFileSync('gzip', ['-9', '-n', '-c'], { input: raw, maxBuffer: 64 << 20 });
  } catch {
    return gzipSync(raw, { level: 9 });
  }
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
};

// `mounts` maps a URL prefix ('/pkg/') to a directory; any other path is looked up under `root`.
export async function startBenchServer({ root, mounts = {} }) {
  const posts = [];
  const cache = new Map();  // path -> { mtimeMs, size, raw, gzipped, etag, modified }
  async function load(file) {
    const info = await stat(file);
    if (!info.isFile()) throw new Error('not a file');
    const hit = cache.get(file);
    if (hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) return hit;
    const raw = await readFile(file);
    const entry = {
      mtimeMs: info.mtimeMs, size: info.size, raw, gzipped: compress(raw),
      etag: `"${createHash('sha1').update(raw).digest('hex').slice(0, 16)}"`, modified: info.mtime.toUTCString(),
    };
    cache.set(file, entry);
    return entry;
  }
  const resolve = (pathname) => {
    const clean = normalize(decodeURIComponent(pathname)).replace(/^(\.\.[/\\])+/, '');
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (clean.startsWith(prefix)) return join(dir, clean.slice(prefix.length));
    }
    const file = join(root, clean);
    return file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : null;
  };

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Timing-Allow-Origin', '*');
    if (req.method === 'OPTIONS') {
      return res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, POST', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '86400' }).end();
    }
    if (req.method === 'POST' && /^(\/api\/v3)?\/data\/?$/.test(url.pathname)) {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      posts.push({ at: Date.now(), path: url.pathname, referer: req.headers.referer ?? '', bytes: Buffer.concat(chunks).length });
      return res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end('{}');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return res.writeHead(405).end();
    const file = resolve(url.pathname.endsWith('/') ? url.pathname + 'index.html' : url.pathname);
    let entry;
    try { entry = file && await load(file); } catch { entry = null; }
    if (!entry) return res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    const headers = {
      'Content-Type': type,
      'Cache-Control': type.startsWith('text/html') ? 'no-cache' : 'public, max-age=3600',
      'ETag': entry.etag,
      'Last-Modified': entry.modified,
      'Vary': 'Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
    };
    if (req.headers['if-none-match'] === entry.etag) return res.writeHead(304, headers).end();
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
    const body = gzip ? entry.gzipped : entry.raw;
    if (gzip) headers['Content-Encoding'] = 'gzip';
    headers['Content-Length'] = body.length;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    posts,
    close: () => new Promise((done) => { server.closeAllConnections(); server.close(done); }),
  };
}
