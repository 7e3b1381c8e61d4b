//! The wall clock the session rule runs on.

use super::browser;
use crate::engine::Millis;

/// `Date.now()`, or the time a replayed call was made (`browser.js`'s `at`); a clock set before
/// 1970 reads as 0.
pub fn now() -> Millis {
    let ms = browser::now();
    if ms.is_finite() && ms > 0.0 {
        ms as Millis
    } else {
        0
    }
}
