// The effects' byte stream, read by browser.js: tests/protocol/effects.json holds the bytes that
// Rust writes for one effect of each kind (tests/protocol.rs checks that it does), and here
// browser.js's `act` carries them out against a stubbed browser. Each effect must do what its kind
// means, with its fields read in the order Rust wrote them (docs/design.md section 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { act, keep, reportTo } from '../../src/web/browser.js';

const fixture = JSON.parse(readFileSync(new URL('./effects.json', import.meta.url), 'utf8'));
const bytes = Uint8Array.from(fixture.bytes.match(/../g), (h) => parseInt(h, 16));

test("browser.js carries out every effect as Rust wrote it, in order", async () => {
  const seen = [];
  const fetched = [];
  const reported = [];
  const listeners = { addEventListener: (name) => seen.push(['listen', name]), removeEventListener: (name) => seen.push(['unlisten', name]) };
  const stubs = {
    localStorage: { setItem: (k, v) => seen.push(['setItem', k, v]), removeItem: (k) => seen.push(['removeItem', k]), getItem: () => null },
    document: {
      ...listeners,
      visibilityState: 'visible',
      get cookie() { return ''; },
      set cookie(text) { if (!text.startsWith('ab._probe')) seen.push(['cookie', text]); },
    },
    self: listeners,
    location: { hostname: 'www.example.test', protocol: 'http:', origin: 'http://www.example.test' },
    navigator: { sendBeacon: (url, body) => seen.push(['sendBeacon', url, body]), cookieEnabled: true, userAgent: 'test' },
    AbortController: class { constructor() { this.signal = {}; } abort() { seen.push(['abort']); } },
    fetch: async (url, init) => {
      fetched.push([url, init.body, init.headers]);
      return { status: 204, headers: { get: () => null }, text: async () => '' };
    },
    setTimeout: (_, delay) => seen.push(['setTimeout', delay]),
    clearTimeout: () => seen.push(['clearTimeout']),
    console: Object.fromEntries(['log', 'info', 'warn', 'error'].map((level) => [level, (line) => seen.push([`console.${level}`, line])])),
  };
  const saved = {};
  const restore = (names) => {
    for (const name of names) {
      if (saved[name]) Object.defineProperty(globalThis, name, saved[name]);
      else delete globalThis[name];
    }
  };
  for (const [name, value] of Object.entries(stubs)) {
    saved[name] = Object.getOwnPropertyDescriptor(globalThis, name);
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  const functions = [1, 2, 3].map((n) => (value) => seen.push([`function ${n}`, value]));
  try {
    assert.deepEqual(functions.map((f) => keep(f)), [1, 2, 3]);
    reportTo((kind, status, retryAfter, body, request) => reported.push([kind, status, request]));
    act(bytes);
  } finally {
    restore(Object.keys(stubs).filter((name) => name !== 'fetch'));
  }
  // Requests go out after the call that asked for them, and once-only calls in a microtask.
  try {
    await new Promise((resolve) => setTimeout(resolve, 10));
  } finally {
    restore(['fetch']);
  }

  const expected = [];
  const forgotten = new Set();
  const requests = [];
  const later = [];
  for (const e of fixture.effects) {
    switch (e.kind) {
      case 'Store': expected.push(['setItem', e.key, e.value]); break;
      case 'Remove': expected.push(['removeItem', e.key]); break;
      case 'Cookie':
        expected.push(['cookie', `${e.name}=${encodeURIComponent(e.value ?? '')}; max-age=${e.days * 86400}; path=/; SameSite=Lax`]);
        break;
      case 'Fetch': {
        const headers = { 'Content-Type': 'application/json' };
        if (e.apiKey) headers['X-Braze-Api-Key'] = e.apiKey;
        if (e.signature) headers['X-Braze-Auth-Signature'] = e.signature;
        requests.push({ fetched: [e.url, e.body, headers], request: e.request });
        break;
      }
      case 'Abort': expected.push(['abort']); break;
      case 'Beacon': expected.push(['sendBeacon', e.url, e.body]); break;
      case 'Timer':
        expected.push(['clearTimeout']);
        if (e.delay !== null) expected.push(['setTimeout', e.delay]);
        break;
      case 'Listen':
        for (const name of ['pagehide', 'pageshow', 'visibilitychange', 'storage', 'pointerdown', 'keydown', 'scroll']) {
          expected.push([e.on ? 'listen' : 'unlisten', name]);
        }
        break;
      case 'Forget': forgotten.add(e.function); break;
      case 'Log': {
        const logger = e.logger !== null && !forgotten.has(e.logger) ? `function ${e.logger}` : null;
        const [to, line] = seen.find(([, text], i) => i >= expected.length && typeof text === 'string' && text.startsWith('Appboy: ')) ?? [];
        assert.ok(line?.includes(e.a) && line.includes(e.b), `message ${e.message} with ${e.a} and ${e.b}: ${line}`);
        if (logger) assert.equal(to, logger, `message ${e.message} goes to the page's logger`);
        else assert.match(to, /^console\./, `message ${e.message} goes to the console`);
        expected.push([to, line]);
        break;
      }
      case 'Call':
        (e.once ? later : expected).push([`function ${e.function}`, JSON.parse(e.json)]);
        break;
      default: assert.fail(`an effect of kind ${e.kind} that this test does not know`);
    }
  }
  assert.deepEqual(seen, [...expected, ...later]);
  assert.deepEqual(fetched, requests.map((r) => r.fetched));
  assert.deepEqual(reported.map(([, status, request]) => [status, request]), requests.map((r) => [204, r.request]));
});
