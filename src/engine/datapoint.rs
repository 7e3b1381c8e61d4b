//! The datapoints, with the fields of the Braze data API (docs/design.md section 4) as Rust data;
//! their JSON is written by `crate::wire`.

use super::{Millis, Uuid};
use alloc::string::String;

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Kind {
    /// `ss`: the session started at `time`.
    Start,
    /// `se`: the session ended at `time`, its last activity, after lasting `duration` ms (`d`).
    End { duration: Millis },
}

/// One datapoint, as the engine emits it, as it waits in an outbox and as it goes on the wire
/// (`crate::wire`).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
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

    /// What identifies a datapoint at the endpoint: a session has one `ss` and at most one `se`.
    pub fn same_datapoint(&self, other: &Datapoint) -> bool {
        self.session_id == other.session_id && self.is_start() == other.is_start()
    }

    pub fn is_start(&self) -> bool {
        self.kind == Kind::Start
    }
}
