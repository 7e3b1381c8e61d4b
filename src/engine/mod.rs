//! The session engine: pure and synchronous, with no browser in it (the sans-IO style of
//! quinn-proto). The adapters feed it the time and what happened; it answers with the datapoints
//! to send, whether to persist its state, and when it next needs to be woken.

mod config;
mod datapoint;
mod machine;
mod state;
mod uuid;

pub use config::{session_timeout, TimeoutChoice, DEFAULT_TIMEOUT_SECONDS, MIN_TIMEOUT_SECONDS};
pub use datapoint::{Datapoint, Kind};
pub use machine::{Engine, Input, Output};
pub use state::{Session, State, ANCESTORS};
pub use uuid::Uuid;

/// Unix time in milliseconds, as `Date.now()` gives it.
pub type Millis = u64;
