//! Page lifecycle and interaction (design.md section 1), as `browser.js` reports them. The
//! listeners are removed when the `Lifecycle` is dropped (`destroy()`).

use super::browser;
use crate::engine::Millis;
use alloc::boxed::Box;
use alloc::string::String;
use wasm_bindgen::prelude::*;

pub enum PageEvent {
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
    Storage { key: String, value: Option<String> },
}

pub struct Lifecycle {
    detach: js_sys::Function,
    _handler: Closure<dyn FnMut(u8, Option<String>, Option<String>)>,
}

impl Lifecycle {
    pub fn attach(handle: fn(PageEvent), interaction_throttle: Millis) -> Lifecycle {
        let handler: Closure<dyn FnMut(u8, Option<String>, Option<String>)> = Closure::wrap(Box::new(move |kind, key, value| {
            handle(match (kind, key) {
                (0, _) => PageEvent::Hidden,
                (4, _) => PageEvent::Left,
                (1, _) => PageEvent::Shown,
                (3, Some(key)) => PageEvent::Storage { key, value },
                _ => PageEvent::Interaction,
            })
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
