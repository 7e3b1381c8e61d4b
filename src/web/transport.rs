//! Sending a batch: `fetch` while the page lives, `navigator.sendBeacon` when it is being left.

use super::browser;
use wasm_bindgen::prelude::*;

/// POSTs `body` as JSON; `done` gets the HTTP status later, or `None` when the request failed.
pub fn post(url: &str, body: &str, done: impl FnOnce(Option<u16>) + 'static) {
    // browser.js calls it exactly once, so it frees itself.
    let done = Closure::once_into_js(move |status: u16| done(Some(status).filter(|s| *s != 0)));
    browser::post(url, body, done);
}

/// Queues `body` with `navigator.sendBeacon`; whether the browser took it. No answer comes back.
pub fn beacon(url: &str, body: &str) -> bool {
    browser::beacon(url, body)
}
