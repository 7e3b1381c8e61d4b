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
// to the endpoint (docs/design.md section 5).
let inFlight = null;
export function post(url, body, request) {
  const controller = new AbortController();
  inFlight = controller;
  Promise.resolve()
    .then(() => fetch(url, { method: 'POST', body, headers: { 'Content-Type': 'application/json' }, signal: controller.signal }))
    .then((response) => {
      const header = response.headers.get('Retry-After');
      const wait = header === null ? -1 : /^\s*\d+\s*$/.test(header) ? header * 1000 : Date.parse(header) - Date.now();
      report(ANSWER, response.status, wait >= 0 ? wait : -1, request);
    }, () => report(ANSWER, 0, -1, request));
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

// Subscriptions to session updates (sdk.rs): the page's functions, by id.
const subscribers = new Map();
let subscriptionsMade = 0;
export function subscribe(f) {
  const id = String(++subscriptionsMade);
  subscribers.set(id, f);
  return id;
}
export function unsubscribe(id) {
  return subscribers.delete(id);
}
export function unsubscribeAll() {
  subscribers.clear();
}
// Gives each subscriber the open session, {id, startedAt, lastActivityAt, expiresAt} in Unix ms,
// or null when `id` is empty (none is open); what a subscriber throws is ignored.
export function notify(id, startedAt, lastActivityAt, expiresAt) {
  const session = id ? { id, startedAt, lastActivityAt, expiresAt } : null;
  for (const f of [...subscribers.values()]) call(f, session);
}

// Calls a function (a subscriber, the page listeners' detach) and ignores what it throws.
export function call(f, arg) {
  try { f(arg); } catch {}
}
// The SDK's log (log.rs): off unless enabled, to the console or to the page's logger. Each
// message, in the order of log.rs's `Message`: its console level, its text (%1 and %2 stand for
// its details), and whether it is shown even with logging off.
// (browser.js logs one of them itself: STORAGE_FAILED.)
const STORAGE_FAILED = 2;
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
