// The browser side of the adapter (docs/design.md section 2): what the core reads (storage,
// cookies, randomness), one function, `act`, that carries out each effect the core returns, and
// the page's events reported back. Everything is decided in Rust (src/tab/); here each browser
// call is made and what it may throw is caught, so that nothing the SDK does raises an exception
// in the host page. The numbering shared with Rust is checked by tests/protocol.rs.

// The methods of `appboy`, in the order of `tab::Method`.
export const METHODS = ['initialize', 'openSession', 'changeUser', 'requestImmediateDataFlush', 'getDeviceId', 'getUserId',
  'getSessionId', 'subscribeToSessionUpdates', 'removeSubscription', 'toggleLogging', 'setLogger', 'wipeData', 'destroy',
  'disableSDK', 'enableSDK', 'isDisabled', 'setSdkAuthenticationSignature', 'subscribeToSdkAuthenticationFailures',
  'isInitialized', 'logout'];

// What the browser reports, numbered after the methods (`tab::ReportKind`).
const HIDDEN = 20;
const SHOWN = 21;
const INTERACTION = 22;
const STORAGE = 23;
const LEFT = 24;
const TIMER = 25;
const ANSWER = 26;
const THREW = 27;
const STORAGE_FAILED = 28;

// Everything reported goes to one function, the wasm's `handle` export, which src/package/front.js
// gives to `reportTo` once the wasm runs.
let handler = null;
export function reportTo(h) {
  handler = h;
}
const report = (kind, a = null, b = null, c = null, d = null) => {
  try { if (handler) handler(kind, a, b, c, d, Date.now()); } catch {}
};

// localStorage, or once it has failed on this page (private modes, disabled storage, quota
// exceeded), a Map of what the page writes from then on, read before localStorage. `null`: the key
// is absent. The failure is reported after the call that met it, which may be a read of the core's.
let memory = null;
function degrade(reading) {
  if (memory) return;
  memory = new Map();
  queueMicrotask(() => report(STORAGE_FAILED, reading));
}
export function storageGet(key) {
  if (!memory) {
    try { return localStorage.getItem(key); } catch { degrade(true); }
  }
  if (memory.has(key)) return memory.get(key);
  try { return localStorage.getItem(key); } catch { return null; }
}
function storageSet(key, value) {
  if (!memory) {
    try { return localStorage.setItem(key, value); } catch { degrade(false); }
  }
  memory.set(key, value);
}
function storageRemove(key) {
  try { localStorage.removeItem(key); } catch {}
  memory?.delete(key);
}
export function storageDegraded() {
  return memory !== null;
}
// The keys that start with `prefix`.
export function storageKeys(prefix) {
  const keys = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key !== null && key.startsWith(prefix)) keys.push(key);
    }
  } catch {}
  return keys;
}

// Cookies on the site's registrable domain, shared by its subdomains (docs/design.md section 3).
// The domain is a fact about the browser, found without a public suffix list: the shortest parent
// domain of this host on which the browser keeps a cookie (it refuses `com`, `co.uk`,
// `github.io`...); none for an IP address or a one-label host, whose cookies stay host-only.
let site;
function siteDomain() {
  if (site !== undefined) return site;
  site = '';
  try {
    const labels = location.hostname.split('.');
    for (let i = labels.length - 2; i >= 0 && !site; i--) {
      const candidate = labels.slice(i).join('.');
      document.cookie = `ab._probe=1; domain=${candidate}; path=/; SameSite=Lax`;
      if (document.cookie.split('; ').includes('ab._probe=1')) {
        site = candidate;
        document.cookie = `ab._probe=; domain=${candidate}; path=/; max-age=0`;
      }
    }
  } catch {}
  return site;
}
export function cookiesEnabled() {
  try { return navigator.cookieEnabled && typeof document !== 'undefined'; } catch { return false; }
}
export function cookieGet(name) {
  try {
    for (const pair of document.cookie.split('; ')) {
      if (pair.startsWith(name + '=')) return decodeURIComponent(pair.slice(name.length + 1));
    }
  } catch {}
  return null;
}
// Writes cookie `name` for `days`; 0 days removes it.
function cookieSet(name, value, days) {
  try {
    const domain = siteDomain();
    const secure = location.protocol === 'https:' ? '; Secure' : '';
    document.cookie = `${name}=${encodeURIComponent(value)}; max-age=${Math.round(days * 86400)}; path=/; SameSite=Lax${domain ? '; domain=' + domain : ''}${secure}`;
  } catch {}
}

export function origin() {
  try { return location.origin; } catch { return ''; }
}
export function userAgent() {
  try { return navigator.userAgent; } catch { return ''; }
}
// crypto.getRandomValues, or Math.random where a host lacks it: ids must still be made.
export function randomFill(bytes) {
  try { crypto.getRandomValues(bytes); } catch { for (let i = 0; i < bytes.length; i++) bytes[i] = Math.random() * 256; }
}

// Values the page gave or storage held, read without trusting them: getters and proxies may throw.
export function parse(text) {
  try { return JSON.parse(text); } catch { return undefined; }
}
export function field(o, key) {
  try { return typeof o === 'object' && o !== null ? o[key] : undefined; } catch { return undefined; }
}
// Arrays made here or by JSON.parse: the length (-1 for anything else), an item.
export function length(o) {
  return Array.isArray(o) ? o.length : -1;
}
export function item(o, index) {
  return o[index];
}
export function entries(o) {
  try { return Object.keys(o).flatMap((key) => [key, field(o, key)]); } catch { return []; }
}

// The page's functions (subscribers, callbacks, the logger), by handle, until the core lets go.
const functions = new Map();
let kept = 0;
export function keep(f) {
  functions.set(++kept, f);
  return kept;
}

// The page's events, while the core listens.
const LISTENED = ['pagehide', 'pageshow', 'visibilitychange', 'storage', 'pointerdown', 'keydown', 'scroll'];
function on(e) {
  switch (e.type) {
    case 'pagehide': return report(LEFT);
    case 'pageshow': return e.persisted && report(SHOWN);
    case 'visibilitychange': return report(document.visibilityState === 'hidden' ? HIDDEN : SHOWN);
    case 'storage': return e.key !== null && report(STORAGE, e.key, e.newValue);
    default: return report(INTERACTION);
  }
}
function listen(start) {
  for (const name of LISTENED) {
    try {
      const target = name === 'visibilitychange' ? document : self;
      // Capture, so that scrolls of any element count; passive, so that scrolling never waits.
      if (start) target.addEventListener(name, on, { capture: true, passive: true });
      else target.removeEventListener(name, on, true);
    } catch {}
  }
}

let timer;
// Requests are not `keepalive`: Chromium does not let go of an abandoned keepalive request, and a
// few hung ones stall every later request to the endpoint (docs/design.md section 5).
let inFlight = null;
function post(request, url, body, apiKey, signature) {
  const controller = new AbortController();
  inFlight = controller;
  const headers = { 'Content-Type': 'application/json' };
  if (apiKey) headers['X-Braze-Api-Key'] = apiKey;
  if (signature) headers['X-Braze-Auth-Signature'] = signature;
  Promise.resolve()
    .then(() => fetch(url, { method: 'POST', body, headers, signal: controller.signal }))
    .then(async (response) => report(ANSWER, response.status, response.headers.get('Retry-After'), await response.text().catch(() => null), request))
    .catch(() => report(ANSWER, 0, null, null, request));
}

// The texts of the log (`tab::Message`, in its order): console level, text (%1 and %2 stand for
// its details, %m for the method numbered %1).
const MESSAGES = [
  ['log', 'initialized; sending to %1'], // Initialized
  ['warn', 'discarding stored %1 (%2)'], // Discarding
  ['warn', 'localStorage failed %1; keeping state in memory for this page'], // StorageFailed
  ['warn', 'ignoring unknown option %1'], // UnknownOption
  ['warn', 'options are neither an object nor a number; ignoring them'], // OptionsNotObject
  ['warn', 'sessionTimeoutInSeconds is below 1; using 1'], // TimeoutRaised
  ['warn', 'sessionTimeoutInSeconds is not a number; using 1800'], // TimeoutNotNumber
  ['warn', 'baseUrl is not a string; using this origin'], // BaseUrlNotString
  ['warn', 'flushIntervalInSeconds is not a number of at least 1; using 10'], // FlushIntervalInvalid
  ['warn', 'the outbox is full; dropped the %1 oldest datapoints'], // OutboxFull
  ['warn', 'sending to %1 failed: the endpoint answered %2; will try again'], // SendFailed
  ['error', 'the endpoint refused a batch; dropped its %1 datapoints'], // BatchRefused
  ['log', 'logging enabled'], // LoggingEnabled
  ['warn', '%m was called before initialize(): ignoring it (call appboy.initialize(apiKey, options) first; said once a page)'], // NotInitialized
  ['warn', 'initialize() again: the first configuration stays'], // InitializedAgain
  ['error', 'initialize() needs the API key as a non-empty string'], // NoApiKey
  ['error', 'changeUser() needs a non-empty string of at most 997 bytes'], // BadUserId
  ['error', 'subscribeToSessionUpdates() needs a function'], // SubscriberNotFunction
  ['warn', 'removeSubscription(): no subscription %1'], // NoSubscription
  ['error', 'setLogger() needs a function or null'], // LoggerNotFunction
  ['warn', 'requestImmediateDataFlush() needs a function or nothing; ignoring what it was given'], // FlushCallbackNotFunction
  ['error', 'the requestImmediateDataFlush() callback threw: %1'], // CallbackThrew
  ['log', 'the SDK is disabled (disableSDK()); ignoring calls until enableSDK()'], // Disabled
  ['error', 'the endpoint refused the SDK authentication signature (%1); waiting for a new one'], // SignatureRefused
  ['error', 'subscribeToSdkAuthenticationFailures() needs a function'], // AuthSubscriberNotFunction
  ['info', 'ignoring activity from crawler bot %1 (allowCrawlerActivity: true tracks it)'], // Crawler
  ['error', 'deviceId is not a UUID; ignoring it'], // BadDeviceId
  ['warn', 'cookieExpiryInDays is not a positive number; using 400'], // CookieExpiryInvalid
  ['error', 'initialize(): baseUrl "%1" is not an address (a host such as sdk.example.com, or an https:// URL); not initialized'], // BaseUrlInvalid
  ['warn', 'sending to %1 failed: a network error (offline, the host not found, the connection refused, or CORS); will try again'], // SendFailedNetwork
  ['warn', 'sending to %1 failed: no answer within 30 s; will try again'], // SendFailedNoAnswer
];

// Carries out the effects the core wrote (`tab::Effects::bytes`, whose format src/tab/effects.rs
// gives): each its kind (`tab::EffectKind`) as a byte, then its fields, numbers as four bytes
// little-endian and texts as their length and their UTF-8. The bytes are copied first: a page's
// function called here may call the SDK again, and the wasm's memory may move.
const utf8 = new TextDecoder();
const NONE = 0xffffffff;
export function act(effects) {
  const bytes = effects.slice();
  let at = 0;
  const number = () => (bytes[at++] | bytes[at++] << 8 | bytes[at++] << 16 | bytes[at++] << 24) >>> 0;
  const text = () => {
    const length = number();
    return utf8.decode(bytes.subarray(at, at += length));
  };
  while (at < bytes.length) {
    switch (bytes[at++]) {
      case 0: // Store
        storageSet(text(), text());
        break;
      case 1: // Remove
        storageRemove(text());
        break;
      case 2: // Cookie
        cookieSet(text(), text(), number());
        break;
      case 3: // Fetch
        post(number(), text(), text(), text(), text());
        break;
      case 4: { // Beacon
        const [url, body] = [text(), text()];
        // sendBeacon sends text/plain, so no CORS preflight.
        try { navigator.sendBeacon(url, body); } catch {}
        break;
      }
      case 5: // Abort
        try { inFlight?.abort(); } catch {}
        break;
      case 6: { // Timer
        const delay = number();
        clearTimeout(timer);
        if (delay !== NONE) timer = setTimeout(() => report(TIMER), delay);
        break;
      }
      case 7: // Listen
        listen(number());
        break;
      case 8: { // Call
        const [n, json, once] = [number(), text(), number()];
        const f = functions.get(n);
        const value = JSON.parse(json);
        if (!once) {
          try { f(value); } catch {}
          break;
        }
        functions.delete(n);
        // Later than the call that gave it, so that it may call the SDK again; what it throws is reported.
        queueMicrotask(() => { try { f(value); } catch (e) { report(THREW, String(e)); } });
        break;
      }
      case 9: // Forget
        functions.delete(number());
        break;
      case 10: { // Log
        const [n, a, b, logger] = [number(), text(), text(), functions.get(number())];
        const [level, line] = MESSAGES[n];
        const said = 'Appboy: ' + line.replace('%m', METHODS[a] + '()').replace('%1', a).replace('%2', b);
        try { if (logger) logger(said); else console[level](said); } catch {}
      }
    }
  }
}
