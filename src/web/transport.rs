//! Sending a batch: `fetch` while the page lives, `navigator.sendBeacon` when it is being left.

use super::browser;
use crate::engine::Millis;
use wasm_bindgen::prelude::*;

/// POSTs `body` as JSON; `done` gets the HTTP status later (`None` when the request failed) and
/// the wait the server asked for with `Retry-After`, in ms.
pub fn post(url: &str, body: &str, done: impl FnOnce(Option<u16>, Option<Millis>) + 'static) {
    // browser.js calls it exactly once, so it frees itself.
    let done = Closure::once_into_js(move |status: u16, retry_after: f64| {
        done(Some(status).filter(|s| *s != 0), (retry_after >= 0.0).then_some(retry_after as Millis))
    });
    browser::post(url, body, done);
}

/// Queues `body` with `navigator.sendBeacon`; whether the browser took it. No answer comes back.
pub fn beacon(url: &str, body: &str) -> bool {
    browser::beacon(url, body)
}
