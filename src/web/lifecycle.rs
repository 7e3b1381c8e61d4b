//! What `browser.js` reports back, through one exported function, `report`: the page lifecycle
//! and interaction (docs/design.md section 1), other tabs' storage writes, timers and the endpoint's
//! answers. An export rather than a closure: no closure machinery in the wasm or the glue. The
//! page listeners go when the `Lifecycle` is dropped (`destroy()`); a report that arrives with no
//! SDK to take it is ignored.

use super::timers::TimerId;
use super::{browser, slot};
use crate::delivery::Answer;
use crate::engine::Millis;
use alloc::string::String;
use wasm_bindgen::prelude::*;

// The kinds of report, as browser.js names them.
const HIDDEN: u8 = 0;
const SHOWN: u8 = 1;
const INTERACTION: u8 = 2;
const STORAGE: u8 = 3;
const LEFT: u8 = 4;
const TIMER: u8 = 5;
const ANSWER: u8 = 6;
const REFUSED: u8 = 7;

pub enum Report {
    /// visibilitychange to hidden: the user switched away.
    Hidden,
    /// pagehide: the user navigated away or closed the page (it may come back from the
    /// back/forward cache).
    Left,
    /// visibilitychange to visible, or pageshow from the back/forward cache: a return.
    Shown,
    /// Pointer, key or scroll, at most once a throttle period.
    Interaction,
    /// Another tab wrote localStorage.
    Storage {
        key: String,
        value: Option<String>,
    },
    Timer(TimerId),
    /// The endpoint's answer to a request.
    Answer(Answer),
    /// The endpoint refused a request's SDK-authentication signature.
    SignatureRefused(u32),
}

/// What browser.js reports: `kind` with its values `a`, `b` and `c`.
#[wasm_bindgen]
pub fn report(kind: u8, a: JsValue, b: JsValue, c: JsValue) {
    let report = match kind {
        HIDDEN => Report::Hidden,
        SHOWN => Report::Shown,
        INTERACTION => Report::Interaction,
        STORAGE => match a.as_string() {
            Some(key) => Report::Storage { key, value: b.as_string() },
            None => return,
        },
        LEFT => Report::Left,
        TIMER => Report::Timer(if a.as_f64() == Some(TimerId::Flush as u8 as f64) { TimerId::Flush } else { TimerId::Session }),
        ANSWER => {
            let status = a.as_f64().filter(|s| *s >= 1.0 && *s < 1000.0).map(|s| s as u16);
            let retry_after = b.as_f64().filter(|w| *w >= 0.0).map(|w| w as Millis);
            Report::Answer(Answer { request: c.as_f64().unwrap_or_default() as u32, status, retry_after })
        }
        REFUSED => Report::SignatureRefused(a.as_f64().unwrap_or_default() as u32),
        _ => return,
    };
    slot::report(report);
}

/// The page's listeners, while the SDK runs.
pub struct Lifecycle {
    detach: js_sys::Function,
}

impl Lifecycle {
    pub fn attach(interaction_throttle: Millis) -> Lifecycle {
        Lifecycle { detach: browser::listen(interaction_throttle as f64) }
    }
}

impl Drop for Lifecycle {
    fn drop(&mut self) {
        browser::call(&self.detach, &JsValue::UNDEFINED);
    }
}
