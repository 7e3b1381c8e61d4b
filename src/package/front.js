// The public `appboy` object (docs/design.md section 2): usable from the first line, anywhere.
// Each method forwards to the wasm SDK once that is instantiated: synchronously at import, from
// the bytes embedded in this module, wherever the engine allows it, else asynchronously. Calls
// made before that are kept in order, each with the time it was made, and replayed at that time.
// A page the browser prerenders has no visitor yet, and may never have one: its calls are kept
// the same way until it is activated, then carried out as of then (nothing is stored or sent for
// a page nobody opened).
// Outside a browser page or worker (server-side rendering) the SDK is never started: every call
// does nothing. Nothing here throws into the page.
import { handle, __wbg_get_imports as wasmImports, __wbg_finalize_init as adopt } from '@appboy/glue';
import { wasmBytes } from './wasm-bytes.js';
import { METHODS, reportTo } from '../web/browser.js';

// Methods by their number in `tab::Method` (tests/protocol.rs checks them).
const INITIALIZE = 0, REQUEST_IMMEDIATE_DATA_FLUSH = 3, IS_DISABLED = 15, IS_INITIALIZED = 18;
const LOADING = 0, READY = 1, OFF = 2;
let state = LOADING;
let queue = [];
let settle;
/** Resolves with whether the SDK runs here (false on a server, or where wasm cannot compile). */
export const ready = new Promise((resolve) => { settle = resolve; });

// Method number `i` with its arguments, as of `time`. The wasm is written not to trap; if it ever
// did, the page still sees nothing thrown.
const run = (i, args, time) => {
  try { return handle(i, args[0], args[1], undefined, undefined, time); } catch {}
};
// `[method, args, time]` calls, in order, each as of its time.
const replay = (calls) => {
  for (const [i, args, time] of calls) run(i, args, time);
};

// Where the SDK does not run: `initialize`, `isDisabled` and `isInitialized` say false, and a flush
// callback hears at once that nothing waits.
const off = (i, args) => {
  if (i === REQUEST_IMMEDIATE_DATA_FLUSH && typeof args[0] === 'function') queueMicrotask(() => { try { args[0](true); } catch {} });
  return i === INITIALIZE || i === IS_DISABLED || i === IS_INITIALIZED ? false : undefined;
};

// Before the SDK is ready every call returns undefined. Code written for Braze 4 and later calls
// it `braze`: the same object.
export const appboy = {};
METHODS.forEach((name, i) => {
  appboy[name] = (...args) =>
    state === READY ? run(i, args, Date.now()) : state === LOADING ? void queue.push([i, args, Date.now()]) : off(i, args);
});

/** Takes the calls that a loading snippet kept (`[name, args, time]`), as if they were made here. */
export function enqueue(calls) {
  const known = calls.map(([name, args, time]) => [METHODS.indexOf(name), args, time]).filter(([i]) => i >= 0);
  if (state === LOADING) queue.push(...known);
  else if (state === READY) replay(known);
}

const prerendering = () => { try { return document.prerendering === true; } catch { return false; } };

function settleWith(ok) {
  if (ok && prerendering()) {
    document.addEventListener('prerenderingchange', () => {
      const now = Date.now();
      queue = queue.map(([i, args]) => [i, args, now]);
      settleWith(true);
    }, { once: true });
    return;
  }
  state = ok ? READY : OFF;
  if (ok) reportTo(handle);
  const calls = queue;
  queue = null;
  if (ok) replay(calls);
  settle(ok);
}

// A page (document) or a worker; not Node, Deno or Bun rendering on a server.
if (typeof document === 'undefined' && typeof WorkerGlobalScope === 'undefined') {
  settleWith(false);
} else {
  const imports = wasmImports();
  try {
    const module = new WebAssembly.Module(wasmBytes());
    adopt(new WebAssembly.Instance(module, imports), module);
    settleWith(true);
  } catch {
    // An engine that refuses to compile on this thread: the same bytes, made with the joiner
    // compiled asynchronously too (wasm-bytes.js), and compiled so, inside a promise (so that a
    // browser with no WebAssembly at all throws nothing either).
    new Promise((resolve) => resolve(wasmBytes(true))).then((bytes) => WebAssembly.instantiate(bytes, imports)).then(({ instance, module }) => {
      adopt(instance, module);
      settleWith(true);
    }).catch((error) => {
      // What failed, for the page's developer. The browser's own CSP message suggests
      // 'unsafe-eval', which allows far more than WebAssembly.
      try {
        console.warn('Appboy: the SDK cannot run here: ' + (/Content.Security.Policy|CSP/i.test(error)
          ? "add 'wasm-unsafe-eval' to the Content-Security-Policy's script-src"
          : 'WebAssembly failed to compile or instantiate: ' + error));
      } catch {}
      settleWith(false);
    });
  }
}
