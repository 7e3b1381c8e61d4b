//! One-shot timers: `browser.js` reports them through the page handler (`lifecycle.rs`).
//! Dropping a `Timer` cancels it.

use super::browser;
use crate::engine::Millis;

/// The SDK's two timers.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TimerId {
    /// The open session's expiry.
    Session = 0,
    /// The next flush of the outbox.
    Flush = 1,
}

/// `setTimeout` fires at once for delays past 2^31 - 1 ms: longer waits are cut to that, and the
/// engine asks again when the early timer fires.
const LONGEST: Millis = 0x7fff_ffff;

pub struct Timer {
    pub at: Millis,
    /// Timer ids are numbers of any size (fake clocks start at 1e12): kept as f64.
    id: f64,
}

impl Timer {
    pub fn at(at: Millis, now: Millis, which: TimerId) -> Timer {
        Timer { at, id: browser::schedule(at.saturating_sub(now).min(LONGEST) as f64, which as u8) }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        browser::cancel(self.id);
    }
}
