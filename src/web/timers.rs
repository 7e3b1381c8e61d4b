//! One-shot timers on gloo-timers: dropping a `Timer` cancels it.

use crate::engine::Millis;
use gloo_timers::callback::Timeout;

/// `setTimeout` fires at once for delays past 2^31 - 1 ms: longer waits are cut to that, and the
/// engine asks again when the early timer fires.
const LONGEST: Millis = 0x7fff_ffff;

pub struct Timer {
    pub at: Millis,
    _timeout: Timeout,
}

impl Timer {
    pub fn at(at: Millis, now: Millis, fire: impl FnOnce() + 'static) -> Timer {
        let delay = at.saturating_sub(now).min(LONGEST) as u32;
        Timer { at, _timeout: Timeout::new(delay, fire) }
    }
}
