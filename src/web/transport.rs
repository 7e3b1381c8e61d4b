//! Sending a batch: `fetch` while the page lives, `navigator.sendBeacon` when it is being left.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// The promise `fetch` returns.
    type Pending;

    /// `fetch`, caught: a page may have replaced it with something that throws.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn fetch(url: &str, init: &JsValue) -> Result<Pending, JsValue>;

    /// `promise.then(onFulfilled, onRejected)` with plain functions.
    #[wasm_bindgen(method, js_name = then)]
    fn then_either(this: &Pending, fulfilled: &JsValue, rejected: &JsValue);
}

/// POSTs `body` as JSON; `done` gets the HTTP status, or `None` when the request failed.
pub fn post(url: &str, body: &str, done: impl FnOnce(Option<u16>) + 'static) {
    let init = js_sys::Object::new();
    let headers = js_sys::Object::new();
    set(&headers, "Content-Type", &"application/json".into());
    set(&init, "method", &"POST".into());
    set(&init, "body", &body.into());
    set(&init, "headers", &headers);
    // Lets the request outlive the page; browsers cap keepalive bodies at 64 KB.
    set(&init, "keepalive", &(body.len() < 60_000).into());
    let Ok(promise) = fetch(url, &init) else { return done(None) };
    // One function serves both outcomes, so it is called exactly once and frees itself: a
    // Response when the server answered, an error when the request failed.
    let settle = Closure::once_into_js(move |outcome: JsValue| done(outcome.dyn_ref::<web_sys::Response>().map(web_sys::Response::status)));
    promise.then_either(&settle, &settle);
}

/// Queues `body` with `navigator.sendBeacon` (sent as text/plain, so no CORS preflight);
/// whether the browser accepted it. There is no answer to wait for.
pub fn beacon(url: &str, body: &str) -> bool {
    let Some(window) = web_sys::window() else { return false };
    window.navigator().send_beacon_with_opt_str(url, Some(body)).unwrap_or(false)
}

fn set(target: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(target, &JsValue::from_str(key), value);
}
