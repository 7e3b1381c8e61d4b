// What server-side rendering does with the package (run by runtimes.test.mjs under Node, Deno and
// Bun): import it and call every function, with good and bad arguments. Prints what happened as
// JSON: what was thrown, what was answered, and whether anything was fetched or stored.
import init, { appboy, braze, ready } from 'appboy-wasm';

let fetches = 0;
globalThis.fetch = () => { fetches++; return Promise.reject(new Error('no network in this test')); };
const storageBefore = typeof localStorage === 'undefined' ? null : localStorage.length;
const thrown = [];
const answers = {};
const attempt = (name, ...args) => {
  try { return appboy[name](...args); } catch (error) { thrown.push(`${name}: ${error}`); }
};

answers.initialize = attempt('initialize', 'key-ssr', { enableLogging: true, sessionTimeoutInSeconds: 60 });
attempt('openSession');
attempt('changeUser', 'user-ssr');
attempt('requestImmediateDataFlush');
// The flush callback hears, later than the call, that nothing waits.
let returned = false;
const flushed = new Promise((resolve) => attempt('requestImmediateDataFlush', (ok) => resolve([ok, returned])));
returned = true;
answers.flushed = await flushed;
answers.braze = braze === appboy;
answers.isDisabled = attempt('isDisabled');
answers.ids = [attempt('getDeviceId'), attempt('getUserId'), attempt('getSessionId')];
const subscription = attempt('subscribeToSessionUpdates', () => {});
attempt('removeSubscription', subscription);
attempt('setLogger', () => {});
attempt('setLogger', null);
attempt('toggleLogging');
// Every function, also with missing and wrong arguments.
answers.functions = Object.keys(appboy).sort();
for (const name of answers.functions) {
  for (const args of [[], [undefined], [null], [42], ['x', {}], [() => {}], [{ get x() { throw new Error('getter'); } }]]) attempt(name, ...args);
}
attempt('wipeData');
attempt('destroy');
answers.ready = await ready;
answers.init = await init();
await new Promise((resolve) => setTimeout(resolve, 200));
const stored = typeof localStorage === 'undefined' ? null : localStorage.length - storageBefore;
console.log(JSON.stringify({ thrown, answers, fetches, stored }));
