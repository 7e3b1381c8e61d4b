//! What an answer from the endpoint means, and when to try again after a failure.

use crate::engine::Millis;

/// The longest wait between attempts that the backoff itself imposes.
pub const MAX_BACKOFF: Millis = 5 * 60_000;
/// The longest `Retry-After` honoured: a misconfigured server cannot park the data for days.
pub const MAX_RETRY_AFTER: Millis = 60 * 60_000;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Outcome {
    /// 2xx: the batch leaves the outbox.
    Delivered,
    /// No answer, 408, 429 or 5xx: the batch stays and is sent again later.
    Retry,
    /// Any other status: the endpoint will never take this batch; it is dropped.
    Rejected,
}

/// `status`: the HTTP status, `None` when the request failed (network error, refused).
pub fn classify(status: Option<u16>) -> Outcome {
    match status {
        Some(200..=299) => Outcome::Delivered,
        None | Some(408 | 429 | 500..=599) => Outcome::Retry,
        Some(_) => Outcome::Rejected,
    }
}

/// Exponential backoff with jitter.
#[derive(Default, Debug)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// After an attempt at `now` failed: when to try again. The wait doubles from
    /// `interval` with each failure up to `MAX_BACKOFF`, half of it fixed and half random
    /// (`jitter` in [0, 1)) so that clients cut off together do not return together, and never
    /// shorter than the server's `Retry-After` (itself capped at `MAX_RETRY_AFTER`).
    pub fn failed(&mut self, now: Millis, interval: Millis, retry_after: Option<Millis>, jitter: f64) -> Millis {
        self.failures = self.failures.saturating_add(1);
        let doublings = (self.failures - 1).min(20);
        let wait = interval.max(1).saturating_mul(1 << doublings).min(MAX_BACKOFF);
        let jitter = if jitter.is_finite() { jitter.clamp(0.0, 1.0) } else { 0.0 };
        let wait = wait / 2 + ((wait / 2) as f64 * jitter) as Millis;
        now.saturating_add(wait.max(retry_after.unwrap_or(0).min(MAX_RETRY_AFTER)))
    }

    pub fn succeeded(&mut self) {
        self.failures = 0;
    }
}
