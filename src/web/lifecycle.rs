//! What `browser.js` reports back, through one handler: the page lifecycle and interaction
//! (design.md section 1), other tabs' storage writes, timers and the endpoint's answers. One
//! handler for all of it keeps the generated glue to one closure. It is removed, with the page
//! listeners, when the `Lifecycle` is dropped (`destroy()`).

use super::browser;
use super::timers::TimerId;
use crate::engine::Millis;
use alloc::boxed::Box;
use alloc::string::String;
use wasm_bindgen::prelude::*;

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
    /// The endpoint's answer to the request in flight: its status (`None`: the request failed)
    /// and the wait it asked for with `Retry-After`.
    Answer {
        status: Option<u16>,
        retry_after: Option<Millis>,
    },
}

pub struct Lifecycle {
    detach: js_sys::Function,
    _handler: Closure<dyn FnMut(u8, JsValue, JsValue)>,
}

impl Lifecycle {
    pub fn attach(handle: fn(Report), interaction_throttle: Millis) -> Lifecycle {
        let handler: Closure<dyn FnMut(u8, JsValue, JsValue)> = Closure::wrap(Box::new(move |kind, a: JsValue, b: JsValue| {
            let report = match kind {
                0 => Report::Hidden,
                1 => Report::Shown,
                2 => Report::Interaction,
                3 => match a.as_string() {
                    Some(key) => Report::Storage { key, value: b.as_string() },
                    None => return,
                },
                4 => Report::Left,
                5 => Report::Timer(if a.as_f64() == Some(1.0) { TimerId::Flush } else { TimerId::Session }),
                _ => {
                    let status = a.as_f64().filter(|s| *s >= 1.0 && *s < 1000.0).map(|s| s as u16);
                    let retry_after = b.as_f64().filter(|w| *w >= 0.0).map(|w| w as Millis);
                    Report::Answer { status, retry_after }
                }
            };
            handle(report);
        }));
        let detach = browser::listen(&handler, interaction_throttle as f64);
        Lifecycle { detach, _handler: handler }
    }
}

impl Drop for Lifecycle {
    fn drop(&mut self) {
        browser::call(&self.detach, &JsValue::UNDEFINED);
    }
}
