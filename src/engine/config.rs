//! The session timeout option, read as docs/design.md section 1 says.

use super::Millis;

pub const DEFAULT_TIMEOUT_SECONDS: f64 = 1800.0;
pub const MIN_TIMEOUT_SECONDS: f64 = 1.0;

/// What happened to the timeout a caller asked for, so the adapter can log it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum TimeoutChoice {
    /// No value given: the default.
    Default,
    /// Used as given.
    Given,
    /// Below the minimum: raised to it.
    Raised,
    /// Not a finite number: the default.
    Invalid,
}

/// The session timeout in milliseconds for an option value (`None` when missing or not a number).
pub fn session_timeout(seconds: Option<f64>) -> (Millis, TimeoutChoice) {
    let (seconds, choice) = match seconds {
        None => (DEFAULT_TIMEOUT_SECONDS, TimeoutChoice::Default),
        Some(s) if !s.is_finite() => (DEFAULT_TIMEOUT_SECONDS, TimeoutChoice::Invalid),
        Some(s) if s < MIN_TIMEOUT_SECONDS => (MIN_TIMEOUT_SECONDS, TimeoutChoice::Raised),
        Some(s) => (s, TimeoutChoice::Given),
    };
    // Finite and at least 1 here; `as` saturates the absurdly large.
    ((seconds * 1000.0 + 0.5) as Millis, choice)
}
