//! Bindings to `browser.js`, the JavaScript half of the adapters.

use alloc::string::String;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/browser.js")]
extern "C" {
    /// `None` when absent.
    #[wasm_bindgen(js_name = storageGet)]
    pub fn storage_get(key: &str) -> Option<String>;
    #[wasm_bindgen(js_name = storageSet)]
    pub fn storage_set(key: &str, value: &str);
    #[wasm_bindgen(js_name = storageRemove)]
    pub fn storage_remove(key: &str);
    /// Whether localStorage failed on this page, and values live in memory.
    #[wasm_bindgen(js_name = storageDegraded)]
    pub fn storage_degraded() -> bool;
    #[wasm_bindgen(js_name = storageKeys)]
    pub fn storage_keys(prefix: &str) -> js_sys::Array;

    pub fn listen(throttle_ms: f64) -> js_sys::Function;
    pub fn schedule(ms: f64, which: u8) -> f64;
    pub fn cancel(id: f64);

    /// Sends a batch; its answer is reported with `request`. With SDK authentication, `api_key`
    /// and `user`'s signature (see `sign`) go as headers.
    pub fn post(url: &str, body: &str, request: u32, api_key: Option<&str>, user: Option<&str>);
    /// Keeps `user`'s signature (SDK authentication) for the requests of their datapoints.
    pub fn sign(user: &str, signature: &str);
    pub fn abort();
    pub fn beacon(url: &str, body: &str) -> bool;
    pub fn origin() -> String;

    pub fn now() -> f64;

    /// The name of the cookie the site's subdomains share, for this API key.
    #[wasm_bindgen(js_name = shareName)]
    pub fn share_name(api_key: &str) -> String;
    /// That cookie, in the session record's shape with its `device`; `null` when absent.
    #[wasm_bindgen(js_name = shareGet)]
    pub fn share_get(name: &str) -> JsValue;
    /// Writes it from the session record's JSON, for `days`, unless it holds that already; `true`:
    /// held back (activity alone, within a second of the last write).
    #[wasm_bindgen(js_name = shareSet)]
    pub fn share_set(name: &str, device: &str, state: &str, days: f64, now: f64) -> bool;
    /// Removes it, and forgets what it held.
    #[wasm_bindgen(js_name = shareForget)]
    pub fn share_forget(name: &str);

    /// Whether `disableSDK()` holds, on this site.
    #[wasm_bindgen(js_name = optedOut)]
    pub fn opted_out() -> bool;
    #[wasm_bindgen(js_name = setOptedOut)]
    pub fn set_opted_out(on: bool);

    pub fn field(o: &JsValue, key: &str) -> JsValue;
    /// The keys of `o` that are not among `known` (comma-separated), joined by ", ".
    #[wasm_bindgen(js_name = unknownKeys)]
    pub fn unknown_keys(o: &JsValue, known: &str) -> String;
    pub fn parse(text: &str) -> JsValue;
    #[wasm_bindgen(js_name = randomFill)]
    pub fn random_fill(bytes: &mut [u8]);

    /// A subscription to session updates, or (`auth`) to SDK-authentication failures; its id.
    pub fn subscribe(f: &JsValue, auth: bool) -> String;
    /// Whether there was such a subscription.
    pub fn unsubscribe(id: &str) -> bool;
    #[wasm_bindgen(js_name = unsubscribeAll)]
    pub fn unsubscribe_all();
    /// Tells the subscribers of the open session (`id` empty: of none).
    pub fn notify(id: &str, started_at: f64, last_activity_at: f64, expires_at: f64);

    /// Keeps a flush callback; its number, for `flushed`.
    #[wasm_bindgen(js_name = awaitFlush)]
    pub fn await_flush(f: &JsValue) -> u32;
    /// Calls flush callback `n` with `ok`, soon.
    pub fn flushed(n: u32, ok: bool);
    /// Calls every flush callback not called yet with `false`.
    #[wasm_bindgen(js_name = abandonFlushes)]
    pub fn abandon_flushes();

    pub fn call(f: &JsValue, arg: &JsValue);
    /// Message number `message` of log.rs, with its details.
    pub fn log(message: u8, a: &str, b: &str);
    pub fn logging() -> bool;
    #[wasm_bindgen(js_name = setLogging)]
    pub fn set_logging(on: bool);
    #[wasm_bindgen(js_name = setLogger)]
    pub fn set_logger(logger: &JsValue);
}
