// The browser side of the adapters in src/web/: each function makes one kind of browser call and
// catches what it may throw, so that nothing the SDK does raises an exception in the host page.
// Written in JavaScript because a handful of lines here replace dozens of generated bindings.

// localStorage (storage.rs), or once it has failed on this page (private modes, disabled storage,
// quota exceeded), a Map of what the page writes from then on, read before localStorage. `null`:
// the key is absent.
let memory = null;
function degrade(what) {
  if (memory) return;
  memory = new Map();
  log(STORAGE_FAILED, what, '');
}
export function storageGet(key) {
  if (!memory) {
    try { return localStorage.getItem(key); } catch { degrade('reading'); }
  }
  if (memory.has(key)) return memory.get(key);
  try { return localStorage.getItem(key); } catch { return null; }
}
export function storageSet(key, value) {
  if (!memory) {
    try { return localStorage.setItem(key, value); } catch { degrade('writing'); }
  }
  memory.set(key, value);
}
export function storageRemove(key) {
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
// The domain is found without a public suffix list: the shortest parent domain of this host on
// which the browser keeps a cookie (it refuses `com`, `co.uk`, `github.io`...); none for an IP
// address or a one-label host, whose cookies stay host-only.
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
export function cookieGet(name) {
  try {
    for (const pair of document.cookie.split('; ')) {
      if (pair.startsWith(name + '=')) return decodeURIComponent(pair.slice(name.length + 1));
    }
  } catch {}
  return null;
}
// Writes (or, with `null`, removes) a cookie of the site for `days`.
export function cookieSet(name, value, days) {
  try {
    const domain = siteDomain();
    const secure = location.protocol === 'https:' ? '; Secure' : '';
    const age = value === null ? 0 : Math.round(days * 86400);
    document.cookie = `${name}=${encodeURIComponent(value ?? '')}; max-age=${age}; path=/; SameSite=Lax${domain ? '; domain=' + domain : ''}${secure}`;
  } catch {}
}

// The cookie a site's subdomains share (cookie.rs; docs/design.md section 3), named after the API
// key's FNV-1a hash: `1~<device>~<session>~<root>~<seq>~<start ms>~<last ms>~<0|1>[~<user>]`,
// within 200 bytes. Written from the session record's JSON (stored/session.rs) and read back in
// that record's shape, with `device`, so that Rust checks it as it checks storage. The user goes
// only when it is short and needs no escaping; an empty user field says it was left out. It is
// written when its session (id and end) or device changes, and for activity alone at most once a
// second: `shareSet` says when it held a write back, and is called again.
export function shareName(apiKey) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(apiKey)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return 'ab.' + hash;
}
// What the cookie held when last read or written: [value, its session's key], and when written.
let shared = null;
let sharedAt = 0;
const sessionKey = (f) => f.slice(0, 3).join('~') + f[7];
export function shareGet(name) {
  const text = cookieGet(name);
  const f = text?.split('~');
  if (!f || f[0] !== '1' || (f.length !== 2 && f.length < 8)) return null;
  shared = [text, sessionKey(f)];
  const record = { v: 1, device: f[1] };
  if (f.length > 2) {
    record.session = { id: f[2], root: f[3], seq: +f[4], start: +f[5], last: +f[6], ended: f[7] === '1' };
    const user = f.slice(8).join('~');
    if (user) record.user = user;
    record.leftOut = f.length > 8 && !user;
  }
  return record;
}
export function shareSet(name, device, stateJson, days, now) {
  const { user, session: s } = parse(stateJson) ?? {};
  let value = '1~' + device;
  if (s) {
    value += `~${s.id}~${s.root}~${s.seq}~${s.start}~${s.last}~${s.ended ? 1 : 0}`;
    if (user !== undefined) value += '~' + (/^[\w.!*'()-]{1,32}$/.test(user) ? user : '');
  }
  const key = sessionKey(value.split('~'));
  if (shared?.[0] === value) return false;
  if (shared?.[1] === key && now - sharedAt < 1000) return true;
  cookieSet(name, value, days);
  shared = [value, key];
  sharedAt = now;
  return false;
}
// Forgets what it knew (wipeData: the cookie is removed and rewritten for a new device).
export function shareForget(name) {
  cookieSet(name, null, 0);
  shared = null;
}

// The opt-out (appboy.rs): Braze's own `ab.optOut` cookie, so that a visitor who opted out under
// Braze's SDK stays out; in localStorage only where cookies are refused (then per origin: a
// localStorage copy beside the cookie could not be lifted from another subdomain). Asked on every
// call: read once a page (an opt-out in another tab holds from its next page), and quietly, so
// that a failing localStorage is reported (by `degrade`) once logging is set up.
const OPT_OUT = 'ab.optOut';
const cookies = () => { try { return navigator.cookieEnabled && typeof document !== 'undefined'; } catch { return false; } };
let optOut = null;
export function optedOut() {
  if (optOut === null) {
    try { optOut = cookies() ? cookieGet(OPT_OUT) !== null : localStorage.getItem(OPT_OUT) !== null; } catch { optOut = false; }
  }
  return optOut;
}
export function setOptedOut(on) {
  optOut = on;
  if (cookies()) cookieSet(OPT_OUT, on ? 'This-cookie-will-expire-in-3650-days' : null, 3650);
  else if (on) storageSet(OPT_OUT, '1');
  else storageRemove(OPT_OUT);
}

// The clock (clock.rs): now, or the time a replayed call was made (see `at`).
let pinned = null;
export function now() {
  return pinned ?? Date.now();
}
// Runs `f` with the clock reading `time`: a call kept before the SDK was ready (src/package/)
// is carried out as of when it was made.
export function at(time, f) {
  pinned = time;
  try { return f(); } finally { pinned = null; }
}

// Everything the browser reports back goes to one function, the wasm's `report` export
// (lifecycle.rs), which src/package/front.js gives to `reportTo` once the wasm runs:
// report(kind, a, b, c), kind one of these (the same names are in lifecycle.rs).
const HIDDEN = 0; // visibilitychange to hidden
const SHOWN = 1; // visible again, or back from the back/forward cache
const INTERACTION = 2; // pointer, key or scroll, throttled
const STORAGE = 3; // another tab wrote key a, now b
const LEFT = 4; // pagehide
const TIMER = 5; // timer a fired
const ANSWER = 6; // request c answered with status a (0: it failed) and Retry-After b ms (-1: none)
const REFUSED = 7; // request a's SDK-authentication signature was refused
let handler = null;
export function reportTo(h) {
  handler = h;
}
const report = (kind, a = null, b = null, c = null) => {
  try { if (handler) handler(kind, a, b, c); } catch {}
};

// Listens to the page; returns a function that stops it.
export function listen(throttleMs) {
  let lastInteraction = -Infinity;
  const on = (e) => {
    switch (e.type) {
      case 'pagehide': return report(LEFT);
      case 'pageshow': return e.persisted && report(SHOWN);
      case 'visibilitychange': return report(document.visibilityState === 'hidden' ? HIDDEN : SHOWN);
      case 'storage': return e.key !== null && report(STORAGE, e.key, e.newValue);
      default: {
        const now = Date.now();
        if (Math.abs(now - lastInteraction) < throttleMs) return;
        lastInteraction = now;
        report(INTERACTION);
      }
    }
  };
  const targets = [];
  try {
    for (const name of ['pagehide', 'pageshow', 'visibilitychange', 'storage', 'pointerdown', 'keydown', 'scroll']) {
      const target = name === 'visibilitychange' ? document : window;
      // Capture, so that scrolls of any element count; passive, so that scrolling never waits.
      target.addEventListener(name, on, { capture: true, passive: true });
      targets.push([target, name]);
    }
  } catch {}
  return () => {
    for (const [target, name] of targets) try { target.removeEventListener(name, on, true); } catch {}
  };
}

// Timers (timers.rs): reports TIMER with `which` after `ms`; returns the id to cancel it.
export function schedule(ms, which) {
  return setTimeout(() => report(TIMER, which), ms);
}
export function cancel(id) {
  clearTimeout(id);
}

// Sending a batch (courier.rs): fetch while the page lives, its answer reported as ANSWER with
// the request's number; sendBeacon when it is being left. Requests are not `keepalive`: Chromium
// does not let go of an abandoned keepalive request, and a few hung ones stall every later request
// to the endpoint (docs/design.md section 5). With SDK authentication (`apiKey` given), the API
// key and `userId`'s signature go as Braze's headers; a 401 whose body is Braze's `auth_error`
// is reported as REFUSED, after the page's subscribers hear of it.
let inFlight = null;
// The signatures the page gave, by user: the last four users' (a page rarely has two).
const signatures = new Map();
export function sign(userId, signature) {
  signatures.delete(userId);
  signatures.set(userId, signature);
  if (signatures.size > 4) signatures.delete(signatures.keys().next().value);
}
export function post(url, body, request, apiKey, userId) {
  const signature = apiKey && userId ? signatures.get(userId) : undefined;
  const controller = new AbortController();
  inFlight = controller;
  const headers = { 'Content-Type': 'application/json' };
  if (apiKey) headers['X-Braze-Api-Key'] = apiKey;
  if (signature) headers['X-Braze-Auth-Signature'] = signature;
  Promise.resolve()
    .then(() => fetch(url, { method: 'POST', body, headers, signal: controller.signal }))
    .then(async (response) => {
      const refusal = apiKey && response.status === 401 ? (await response.json().catch(() => null))?.auth_error : null;
      if (refusal) {
        const failure = { signature: signature ?? undefined, errorCode: refusal.error_code, reason: refusal.reason, userId: userId ?? undefined };
        log(SIGNATURE_REFUSED, failure.reason ?? failure.errorCode, '');
        for (const f of [...authSubscribers.values()]) call(f, failure);
        return report(REFUSED, request);
      }
      const header = response.headers.get('Retry-After');
      const wait = header === null ? -1 : /^\s*\d+\s*$/.test(header) ? header * 1000 : Date.parse(header) - Date.now();
      report(ANSWER, response.status, wait >= 0 ? wait : -1, request);
    }).catch(() => report(ANSWER, 0, -1, request));
}
// The request in flight had no answer in time (the machine's deadline): it is given up.
export function abort() {
  try { inFlight?.abort(); } catch {}
}
// sendBeacon sends text/plain, so no CORS preflight; whether the browser took it.
export function beacon(url, body) {
  try { return navigator.sendBeacon(url, body); } catch { return false; }
}
export function origin() {
  try { return location.origin; } catch { return ''; }
}

// Values the page gave or storage held, read without trusting them: getters and proxies may throw.
export function field(o, key) {
  try { return typeof o === 'object' && o !== null ? o[key] : undefined; } catch { return undefined; }
}
export function unknownKeys(o, known) {
  try { return Object.keys(o).filter((key) => !known.split(',').includes(key)).join(', '); } catch { return ''; }
}
export function parse(text) {
  try { return JSON.parse(text); } catch { return undefined; }
}
// crypto.getRandomValues, or Math.random where a host lacks it: ids must still be made.
export function randomFill(bytes) {
  try { crypto.getRandomValues(bytes); } catch { for (let i = 0; i < bytes.length; i++) bytes[i] = Math.random() * 256; }
}

// Subscriptions to session updates and to SDK-authentication failures (sdk.rs): the page's
// functions, by id, one series of ids for both (`removeSubscription` takes either).
const subscribers = new Map();
const authSubscribers = new Map();
let subscriptionsMade = 0;
export function subscribe(f, auth) {
  const id = String(++subscriptionsMade);
  (auth ? authSubscribers : subscribers).set(id, f);
  return id;
}
export function unsubscribe(id) {
  return subscribers.delete(id) || authSubscribers.delete(id);
}
export function unsubscribeAll() {
  subscribers.clear();
  authSubscribers.clear();
}
// Gives each subscriber the open session, {id, startedAt, lastActivityAt, expiresAt} in Unix ms,
// or null when `id` is empty (none is open); what a subscriber throws is ignored.
export function notify(id, startedAt, lastActivityAt, expiresAt) {
  const session = id ? { id, startedAt, lastActivityAt, expiresAt } : null;
  for (const f of [...subscribers.values()]) call(f, session);
}

// Flush callbacks (courier.rs): the page's functions, by number. Each is called once, later than
// the call that gave it (a microtask), so that it may call the SDK again; what it throws is logged.
const flushCallbacks = new Map();
let flushesAsked = 0;
export function awaitFlush(f) {
  flushCallbacks.set(++flushesAsked, f);
  return flushesAsked;
}
export function flushed(n, ok) {
  const f = flushCallbacks.get(n);
  flushCallbacks.delete(n);
  if (f) queueMicrotask(() => { try { f(ok); } catch (e) { log(CALLBACK_THREW, e, ''); } });
}
// The SDK is gone (destroy): what it still waited for will not be delivered by it.
export function abandonFlushes() {
  for (const n of [...flushCallbacks.keys()]) flushed(n, false);
}

// Calls a function (a subscriber, the page listeners' detach) and ignores what it throws.
export function call(f, arg) {
  try { f(arg); } catch {}
}
// The SDK's log (log.rs): off unless enabled, to the console or to the page's logger. Each
// message, in the order of log.rs's `Message`: its console level, its text (%1 and %2 stand for
// its details), and whether it is shown even with logging off.
// (browser.js logs three of them itself: STORAGE_FAILED, CALLBACK_THREW and SIGNATURE_REFUSED.)
const STORAGE_FAILED = 2;
const CALLBACK_THREW = 22;
const SIGNATURE_REFUSED = 24;
const MESSAGES = [
  ['log', 'initialized; sending to %1'],
  ['warn', 'discarding stored %1 (%2)'],
  ['warn', 'localStorage failed %1; keeping state in memory for this page'],
  ['warn', 'ignoring unknown option %1'],
  ['warn', 'options are neither an object nor a number; ignoring them'],
  ['warn', 'sessionTimeoutInSeconds is below 1; using 1'],
  ['warn', 'sessionTimeoutInSeconds is not a number; using 1800'],
  ['warn', 'baseUrl is not a string; using this origin'],
  ['warn', 'flushIntervalInSeconds is not a number of at least 1; using 10'],
  ['warn', 'the outbox is full; dropped the %1 oldest datapoints'],
  ['warn', 'sending failed; will try again'],
  ['error', 'the endpoint refused a batch; dropped its %1 datapoints'],
  ['log', 'logging enabled'],
  ['warn', '%1 was called before initialize(); ignoring it'],
  ['warn', '%1 was called from inside an SDK callback; ignoring it'],
  ['warn', 'initialize() again: the first configuration stays'],
  ['error', 'initialize() needs the API key as a non-empty string', true],
  ['error', 'changeUser() needs a non-empty string of at most 997 bytes'],
  ['error', 'subscribeToSessionUpdates() needs a function'],
  ['warn', 'removeSubscription(): no subscription %1'],
  ['error', 'setLogger() needs a function or null'],
  ['warn', 'requestImmediateDataFlush() needs a function or nothing; ignoring what it was given'],
  ['error', 'the requestImmediateDataFlush() callback threw: %1', true],
  ['log', 'the SDK is disabled (disableSDK()); ignoring calls until enableSDK()'],
  ['error', 'the endpoint refused the SDK authentication signature (%1); waiting for a new one'],
  ['error', 'subscribeToSdkAuthenticationFailures() needs a function'],
];
let loggingOn = false;
let logger = null;
export function logging() {
  return loggingOn;
}
export function setLogging(on) {
  loggingOn = on;
}
export function setLogger(f) {
  logger = f;
}
export function log(message, a, b) {
  const [level, text, always] = MESSAGES[message];
  if (!loggingOn && !always) return;
  const line = 'Appboy: ' + text.replace('%1', a).replace('%2', b);
  try { if (logger) logger(line); else console[level](line); } catch {}
}
