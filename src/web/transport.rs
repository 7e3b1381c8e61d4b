//! Sending a batch: `fetch` while the page lives (the answer comes back as `Report::Answer`),
//! `navigator.sendBeacon` when it is being left.

use super::browser;

pub fn post(url: &str, body: &str) {
    browser::post(url, body);
}

/// Queues `body` with `navigator.sendBeacon`; whether the browser took it. No answer comes back.
pub fn beacon(url: &str, body: &str) -> bool {
    browser::beacon(url, body)
}
