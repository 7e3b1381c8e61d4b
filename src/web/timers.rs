//! One-shot timers on `setTimeout`: dropping a `Timer` cancels it.

use crate::engine::Millis;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    // Ids are numbers of any size (fake clocks start at 1e12), so they stay f64.
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: i32) -> f64;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: f64);
}

/// `setTimeout` fires at once for delays past 2^31 - 1 ms: longer waits are cut to that, and the
/// engine asks again when the early timer fires.
const LONGEST: Millis = 0x7fff_ffff;

pub struct Timer {
    pub at: Millis,
    id: f64,
    _handler: Closure<dyn FnMut()>,
}

impl Timer {
    /// Calls `fire` at `at`. A plain `fn` keeps the generated glue to one closure shape.
    pub fn at(at: Millis, now: Millis, fire: fn()) -> Timer {
        let handler = Closure::<dyn FnMut()>::new(fire);
        let id = set_timeout(handler.as_ref().unchecked_ref(), at.saturating_sub(now).min(LONGEST) as i32);
        Timer { at, id, _handler: handler }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(self.id);
    }
}
