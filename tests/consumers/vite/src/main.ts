// What an npm user writes: the package imported by name, typed, bundled by Vite, and called at the
// top level right after the import, with no `await init()`.
import init, { appboy, ready, type Appboy, type InitializationOptions, type SessionUpdate } from 'appboy-wasm';

declare global {
  interface Window { consumer?: { sessionId?: string; update?: SessionUpdate | null; error?: string } }
}

const params = new URLSearchParams(location.search);
const options: InitializationOptions = { baseUrl: location.origin, sessionTimeoutInSeconds: 900, enableLogging: true };

try {
  // `undefined` only before the SDK is ready, which in a browser is at once.
  const ok: boolean | undefined = appboy.initialize(params.get('key') ?? 'consumer-key', options);
  let update: SessionUpdate | null = null;
  const subscription: string | undefined = appboy.subscribeToSessionUpdates((s) => { update = s; });
  appboy.openSession();
  appboy.requestImmediateDataFlush();
  const sessionId: string | undefined = appboy.getSessionId();
  if (subscription) appboy.removeSubscription(subscription);
  // Never needed, but typed and kept: both promises say whether the SDK runs.
  const sdk: Appboy = appboy;
  const started: boolean[] = await Promise.all([ready, init()]);
  window.consumer = ok && started.every(Boolean) ? { sessionId, update } : { error: `initialize ${ok}, started ${started} (${typeof sdk})` };
} catch (error) {
  window.consumer = { error: String(error) };
}
