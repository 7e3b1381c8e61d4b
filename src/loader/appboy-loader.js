// appboy-loader.js: the whole SDK as one classic script, for plain pages (docs/design.md section
// 2). With a plain `<script src>` it defines `appboy`, and `braze` as the same object, before the
// next script runs. Loaded by the
// inline snippet (snippet.js), it takes over the snippet's stub: the calls the stub kept are
// carried out in order, each at the time it was made, and the stub forwards to the SDK from then
// on, so a page that kept a reference to it keeps working.
import { appboy, enqueue } from '../package/front.js';

const stub = globalThis.appboy;
if (!stub || stub.q) {
  globalThis.appboy = globalThis.braze = appboy;
  if (stub) {
    enqueue(stub.q);
    stub.s = appboy;
  }
}
