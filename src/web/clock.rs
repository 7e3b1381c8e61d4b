//! The wall clock the session rule runs on.

use crate::engine::Millis;

/// `Date.now()`; a clock set before 1970 reads as 0.
pub fn now() -> Millis {
    let ms = js_sys::Date::now();
    if ms.is_finite() && ms > 0.0 {
        ms as Millis
    } else {
        0
    }
}
