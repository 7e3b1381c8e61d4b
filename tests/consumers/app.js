// The app that webpack, esbuild, Rollup and Parcel each build (build.sh copies it into each
// project's src/): what an npm user coming from Braze writes, the package imported by name and
// called at the top level right after the import, with no `await init()`.
import { appboy } from 'appboy-wasm';

try {
  const params = new URLSearchParams(location.search);
  appboy.initialize(params.get('key') ?? 'consumer-key', { baseUrl: location.origin, sessionTimeoutInSeconds: 900 });
  appboy.openSession();
  appboy.requestImmediateDataFlush();
  window.consumer = { sessionId: appboy.getSessionId() };
} catch (e) {
  window.consumer = { error: String(e) };
}
