// The public `appboy` object (docs/design.md section 2): usable from the first line, anywhere.
// Each method forwards to the wasm SDK once that is instantiated: synchronously at import, from
// the bytes embedded in this module, wherever the engine allows it, else asynchronously. Calls
// made before that are kept in order, each with the time it was made, and replayed at that time.
// Outside a browser page or worker (server-side rendering) the SDK is never started: every call
// does nothing. Nothing here throws into the page.
import { dispatch, report, __wbg_get_imports as wasmImports, __wbg_finalize_init as adopt } from '@appboy/glue';
import { wasmBytes } from './wasm-bytes.js';
import { at, reportTo } from '../web/browser.js';

// The methods of `appboy`, numbered as `Method` in src/web/appboy.rs.
const METHODS = ['initialize', 'openSession', 'changeUser', 'requestImmediateDataFlush', 'getDeviceId', 'getUserId',
  'getSessionId', 'subscribeToSessionUpdates', 'removeSubscription', 'toggleLogging', 'setLogger', 'wipeData', 'destroy',
  'disableSDK', 'enableSDK', 'isDisabled', 'setSdkAuthenticationSignature', 'subscribeToSdkAuthenticationFailures'];
const INITIALIZE = 0, FLUSH = 3, IS_DISABLED = 15;
const LOADING = 0, READY = 1, OFF = 2;
let state = LOADING;
let queue = [];
let settle;
/** Resolves with whether the SDK runs here (false on a server, or where wasm cannot compile). */
export const ready = new Promise((resolve) => { settle = resolve; });

// Method number `i` with its arguments. The wasm is written not to trap; if it ever did, the page
// still sees nothing thrown.
const run = (i, args) => {
  try { return dispatch(i, args[0], args[1]); } catch {}
};
// `[method, args, time]` calls, in order, each as of its time.
const replay = (calls) => {
  for (const [i, args, time] of calls) at(time, () => run(i, args));
};

// Where the SDK does not run: `initialize` and `isDisabled` say false, and a flush callback hears
// at once that nothing waits.
const off = (i, args) => {
  if (i === FLUSH && typeof args[0] === 'function') queueMicrotask(() => { try { args[0](true); } catch {} });
  return i === INITIALIZE || i === IS_DISABLED ? false : undefined;
};

// Before the SDK is ready every call returns undefined. Code written for Braze 4 and later calls
// it `braze`: the same object.
export const appboy = {};
METHODS.forEach((name, i) => {
  appboy[name] = (...args) =>
    state === READY ? run(i, args) : state === LOADING ? void queue.push([i, args, Date.now()]) : off(i, args);
});

/** Takes the calls that a loading snippet kept (`[name, args, time]`), as if they were made here. */
export function enqueue(calls) {
  const known = calls.map(([name, args, time]) => [METHODS.indexOf(name), args, time]).filter(([i]) => i >= 0);
  if (state === LOADING) queue.push(...known);
  else if (state === READY) replay(known);
}

function settleWith(ok) {
  state = ok ? READY : OFF;
  if (ok) reportTo(report);
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
    // An engine that refuses to compile on this thread: the same bytes, asynchronously.
    WebAssembly.instantiate(wasmBytes(), imports).then(({ instance, module }) => {
      adopt(instance, module);
      settleWith(true);
    }).catch((error) => {
      try { console.warn('Appboy: the SDK cannot run here (is WebAssembly allowed by the Content-Security-Policy?)', error); } catch {}
      settleWith(false);
    });
  }
}
