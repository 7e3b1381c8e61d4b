// The package's entry (`import { appboy } from 'appboy-wasm'`, or `braze` as Braze 4 and later
// name it): the SDK, ready from the first line. `await init()` (or `ready`) is never needed; it
// stays for pages that want to await it.
import { appboy, ready } from './front.js';

export { appboy, appboy as braze, ready };
/** Resolves once the SDK has started (with whether it runs here); never rejects. */
export default function init() {
  return ready;
}
