//! The datapoints the engine emits, with the fields of the Braze data API (docs/design.md section 4)
//! as Rust data; the JSON is made at the browser edge.

use super::{Millis, Uuid};
use alloc::string::String;

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Kind {
    /// `ss`: the session started at `time`.
    Start,
    /// `se`: the session ended at `time`, its last activity, after lasting `duration` ms (`d`).
    End { duration: Millis },
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Datapoint {
    pub kind: Kind,
    /// Unix time in milliseconds.
    pub time: Millis,
    pub session_id: Uuid,
    pub user_id: Option<String>,
}

impl Datapoint {
    /// The wire name: `ss` or `se`. With the session id it identifies the datapoint.
    pub fn name(&self) -> &'static str {
        match self.kind {
            Kind::Start => "ss",
            Kind::End { .. } => "se",
        }
    }
}
