//! The other persisted records (docs/design.md section 3): the device id and the outbox. The session
//! state's record lives with the engine (`engine::StateRecord`).

use crate::engine::{Millis, Uuid};
use crate::json;
use crate::wire::Event;
use alloc::string::String;
use alloc::vec::Vec;

pub const VERSION: u32 = 1;

/// Stored under `appboy.<apiKey>.device`.
pub struct DeviceRecord {
    pub v: u32,
    pub id: String,
}

impl DeviceRecord {
    pub fn new(id: Uuid) -> DeviceRecord {
        DeviceRecord { v: VERSION, id: id.to_hyphenated() }
    }

    pub fn to_json(&self) -> String {
        json::object(|o| {
            o.uint("v", self.v.into()).str("id", &self.id);
        })
    }

    /// The id, if this is a record of ours holding a v4 UUID.
    pub fn valid_id(&self) -> Option<Uuid> {
        Uuid::parse(&self.id).filter(|_| self.v == VERSION)
    }
}

/// Stored under `appboy.<apiKey>.outbox.<tab>`: the datapoints of one tab (page load) not yet
/// acknowledged by the endpoint. Only that tab writes it, so tabs never overwrite each other's
/// datapoints; another tab takes it over when it is orphaned (`delivery::orphaned`).
#[derive(Default)]
pub struct OutboxRecord {
    pub v: u32,
    /// When its tab last wrote it (Unix ms).
    pub seen: Millis,
    /// Its tab's page was left (pagehide).
    pub left: bool,
    pub events: Vec<Event>,
}

impl OutboxRecord {
    pub fn new(events: Vec<Event>, seen: Millis, left: bool) -> OutboxRecord {
        OutboxRecord { v: VERSION, seen, left, events }
    }

    pub fn to_json(&self) -> String {
        json::object(|o| {
            o.uint("v", self.v.into()).uint("seen", self.seen).bool("left", self.left);
            o.array("events", &self.events, |item, e| item.object(|o| e.write(o)));
        })
    }

    /// Whether this is a record of ours whose events all look like datapoints.
    pub fn is_valid(&self) -> bool {
        self.v == VERSION && self.events.iter().all(|e| matches!(e.name.as_str(), "ss" | "se") && Uuid::parse(&e.session_id).is_some())
    }
}
