// The browser side of the adapters in src/web/: each function makes one kind of browser call and
// catches what it may throw, so that nothing the SDK does raises an exception in the host page.
// Written in JavaScript because a handful of lines here replace dozens of generated bindings.

// localStorage (storage.rs). `undefined` means the call failed; `null`, that the key is absent.
export function storageGet(key) {
  try { return localStorage.getItem(key); } catch { return undefined; }
}
export function storageSet(key, value) {
  try { localStorage.setItem(key, value); return true; } catch { return false; }
}
export function storageRemove(key) {
  try { localStorage.removeItem(key); } catch {}
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

// Page lifecycle (lifecycle.rs): handler(kind, key, value) with kind 0 hidden, 1 shown (visible
// again, or back from the back/forward cache), 2 interaction (throttled), 3 storage (another tab
// wrote `key`), 4 left (pagehide).
// Returns a function that removes the listeners.
export function listen(handler, throttleMs) {
  let lastInteraction = -Infinity;
  const on = (e) => {
    let kind = 2;
    switch (e.type) {
      case 'pagehide': kind = 4; break;
      case 'pageshow': if (!e.persisted) return; kind = 1; break;
      case 'visibilitychange': kind = document.visibilityState === 'hidden' ? 0 : 1; break;
      case 'storage': if (e.key === null) return; kind = 3; break;
      default: {
        const now = Date.now();
        if (Math.abs(now - lastInteraction) < throttleMs) return;
        lastInteraction = now;
      }
    }
    handler(kind, e.key, e.newValue);
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
  return () => { for (const [target, name] of targets) try { target.removeEventListener(name, on, true); } catch {} };
}

// Transport (transport.rs). done(status, retryAfterMs) is called once, later: status 0 when the
// request failed, retryAfterMs -1 without a Retry-After header (seconds or an HTTP date).
export function post(url, body, done) {
  Promise.resolve()
    .then(() => fetch(url, {
      method: 'POST', body, headers: { 'Content-Type': 'application/json' },
      // Lets the request outlive the page; browsers cap keepalive bodies at 64 KB.
      keepalive: body.length < 60000,
    }))
    .then((response) => {
      const header = response.headers.get('Retry-After');
      let wait = header === null ? -1 : /^\s*\d+\s*$/.test(header) ? header * 1000 : Date.parse(header) - Date.now();
      done(response.status, wait >= 0 ? wait : -1);
    }, () => done(0, -1));
}
// sendBeacon sends text/plain, so no CORS preflight; whether the browser took it.
export function beacon(url, body) {
  try { return navigator.sendBeacon(url, body); } catch { return false; }
}
export function origin() {
  try { return location.origin; } catch { return ''; }
}

// Calls a function the page gave (logger, subscriber) and ignores what it throws.
export function call(f, arg) {
  try { f(arg); } catch {}
}
// The console, or the page's logger; level is 'log', 'warn' or 'error'.
export function log(level, message, sink) {
  try { if (sink) sink(message); else console[level](message); } catch {}
}
