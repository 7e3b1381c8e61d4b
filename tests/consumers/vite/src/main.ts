// What an npm user writes: the package imported by name, typed, bundled by Vite, and called at the
// top level right after the import, with no `await init()`.
import { appboy, type InitializationOptions, type SessionUpdate } from 'appboy-wasm';

declare global {
  interface Window { consumer?: { sessionId?: string; update?: SessionUpdate | null; error?: string } }
}

const params = new URLSearchParams(location.search);
const options: InitializationOptions = { baseUrl: location.origin, sessionTimeoutInSeconds: 900, enableLogging: true };

try {
  const ok: boolean = appboy.initialize(params.get('key') ?? 'consumer-key', options);
  let update: SessionUpdate | null = null;
  const subscription: string | undefined = appboy.subscribeToSessionUpdates((s) => { update = s; });
  appboy.openSession();
  appboy.requestImmediateDataFlush();
  const sessionId: string | undefined = appboy.getSessionId();
  if (subscription) appboy.removeSubscription(subscription);
  window.consumer = ok ? { sessionId, update } : { error: 'initialize returned false' };
} catch (error) {
  window.consumer = { error: String(error) };
}
