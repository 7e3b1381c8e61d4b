/** Options of `appboy.initialize`. Unknown options are ignored with a logged warning. */
export interface InitializationOptions {
  /** Inactivity, in seconds, after which a session ends. Default 1800; below 1 is raised to 1. */
  sessionTimeoutInSeconds?: number;
  /** Where datapoints go: `https://` is added without a scheme, `/api/v3` without a path. Default: the page's origin. */
  baseUrl?: string;
  /** Log to the console (or to `setLogger`'s function). Default false. */
  enableLogging?: boolean;
  /** Seconds between retries while datapoints wait to be sent. Default 10, at least 1. */
  flushIntervalInSeconds?: number;
  /**
   * SDK authentication: each request carries its user's signature (a JWT your server signs) in
   * `X-Braze-Auth-Signature`, and the API key in `X-Braze-Api-Key`. Default false.
   */
  enableSdkAuthentication?: boolean;
  /**
   * Keep everything in localStorage, per origin, and write no cookie at all (`disableSDK`'s
   * opt-out included). By default the device id and the session are also kept in one small
   * first-party cookie on the site's domain, so that its subdomains share them.
   */
  noCookies?: boolean;
  /**
   * Track visitors whose user agent is a known crawler's (Googlebot, Bingbot, link previews...).
   * Default false: `initialize` returns `false` for them, and nothing is stored or sent.
   */
  allowCrawlerActivity?: boolean;
  /** Days the shared cookie lasts, renewed as it is written. Default 400 (the most browsers keep). */
  cookieExpiryInDays?: number;
  /**
   * The device id to use instead of the stored or a new one: a UUID. Anything else is ignored
   * with a logged error.
   */
  deviceId?: string;
}

/** What `subscribeToSdkAuthenticationFailures` callbacks receive: the endpoint's refusal. */
export interface SdkAuthenticationError {
  /** The signature that was refused (`undefined` when none was sent). */
  signature?: string;
  /** The endpoint's code (Braze's: 10 expiration required, 20 decoding error, 21 subject mismatch, 22 expired, ...). */
  errorCode: number;
  reason?: string;
  /** The user whose datapoints the request carried. */
  userId?: string;
}

/** The open session, as `subscribeToSessionUpdates` reports it; times are Unix milliseconds. */
export interface SessionUpdate {
  id: string;
  startedAt: number;
  lastActivityAt: number;
  /** When the session ends unless there is activity before. */
  expiresAt: number;
}

/**
 * The SDK. Every method may be called from the first line after the import, anywhere: no call
 * ever throws. Calls made before the SDK is ready (it starts synchronously at import wherever the
 * engine allows, else within milliseconds) are kept in order and carried out as of when they were
 * made; until then every method returns `undefined`. A page the browser prerenders keeps its
 * calls the same way until it is activated (shown to the visitor), and carries them out as of then.
 * On a server (Node, Deno, Bun) nothing is stored or sent: `initialize` returns `false` and getters
 * `undefined`.
 */
export interface Appboy {
  /**
   * Initializes the SDK with the app's API key and options (or the session timeout in seconds).
   * Returns whether the SDK is initialized (`undefined` before the SDK is ready); a second call
   * keeps the first configuration. A known crawler's visit returns `false` (see
   * `allowCrawlerActivity`).
   */
  initialize(apiKey: string, options?: InitializationOptions | number): boolean | undefined;
  /** Starts a session, or continues the open one: call it on every page load. */
  openSession(): void;
  /**
   * Sets the user. A different user than before ends the session now and starts a new one for the
   * new user; the same user changes nothing. `signature`: the user's, with SDK authentication.
   */
  changeUser(userId: string, signature?: string): void;
  /**
   * Sends the datapoints waiting in the outbox now. `callback` is called once: with `true` when
   * everything that waited has been accepted by the endpoint (or nothing waited), with `false`
   * when a request failed, or datapoints were refused or dropped (what remains goes with a later
   * flush). Without an SDK to flush (not initialized, disabled, on a server) it is called with
   * `true`: nothing of this page waits. It is never called synchronously, and what it throws is
   * logged, never thrown into the page.
   */
  requestImmediateDataFlush(callback?: (success: boolean) => void): void;
  /** The device's id (a UUID kept in localStorage), or `undefined` before `initialize`. */
  getDeviceId(): string | undefined;
  /** The user set with `changeUser`, if any. */
  getUserId(): string | undefined;
  /** The open session's id, or `undefined` when no session is open. */
  getSessionId(): string | undefined;
  /**
   * Calls `callback` when a session starts or ends (with `null`), and at most once a second as
   * activity extends it. Returns the subscription's id for `removeSubscription`.
   */
  subscribeToSessionUpdates(callback: (session: SessionUpdate | null) => void): string | undefined;
  /** Stops the callbacks of a subscription. */
  removeSubscription(id: string): void;
  /** Turns logging on or off. */
  toggleLogging(): void;
  /** Sends log messages to `logger(message)` instead of the console; `null` restores the console. */
  setLogger(logger: ((message: string) => void) | null): void;
  /**
   * Deletes everything the SDK stored for this API key (device id, user, session, unsent
   * datapoints) and starts afresh: a new device id, no session until `openSession`.
   */
  wipeData(): void;
  /** Stops the SDK: timers, listeners and subscriptions go; `initialize` may be called again. */
  destroy(): void;
  /**
   * Opts the visitor out (GDPR, CCPA): what was recorded before is sent, then every other call is
   * ignored, on this page and on the site's later pages (a cookie on the site's domain, Braze's
   * own `ab.optOut`), until `enableSDK`. Works before `initialize`.
   */
  disableSDK(): void;
  /** Lifts `disableSDK`. It does not initialize: call `initialize` (and `openSession`) again. */
  enableSDK(): void;
  /** Whether `disableSDK` holds. */
  isDisabled(): boolean | undefined;
  /**
   * SDK authentication: the current user's new signature. Requests held since a refusal are sent
   * again with it. The SDK never parses it.
   */
  setSdkAuthenticationSignature(signature: string): void;
  /**
   * Calls `callback` when the endpoint refuses a request's signature; the request's data stays and
   * goes again once `setSdkAuthenticationSignature` gives a new one. Returns the subscription's id
   * for `removeSubscription`.
   */
  subscribeToSdkAuthenticationFailures(callback: (error: SdkAuthenticationError) => void): string | undefined;
  /** Whether the SDK is initialized and running (not stopped by `disableSDK` or `destroy`). */
  isInitialized(): boolean | undefined;
  /**
   * Wipes everything the SDK stored (as `wipeData`, without a new device id) and disables it (as
   * `disableSDK`), then calls `success`. `error` is never called here (Braze calls it when a push
   * token cannot be removed; this SDK keeps none). Does nothing before `initialize`.
   */
  logout(success?: () => void, error?: () => void): void;
}

export const appboy: Appboy;
/** The same object as `appboy`, by the name Braze's SDK 4 and later use. */
export const braze: Appboy;

/**
 * Resolves once the SDK has started, with whether it runs here: `false` on a server (Node, Deno,
 * Bun) or where WebAssembly may not compile (a Content-Security-Policy without
 * 'wasm-unsafe-eval'). Never rejects. Awaiting it is never needed.
 */
export const ready: Promise<boolean>;

/** The same promise as `ready`, for code written as `await init()`. */
export default function init(): Promise<boolean>;
