//! A tab's outbox, stored under `appboy.<apiKey>.outbox.<tab>`: the datapoints of one page load
//! not yet acknowledged by the endpoint, as they go on the wire. Only that tab writes it, so tabs
//! never overwrite each other's datapoints; another tab takes it over when it is orphaned
//! (`delivery::orphaned_at`).

use super::value::{array, optional, version, Value};
use super::VERSION;
use crate::engine::{Millis, Uuid};
use crate::json;
use crate::wire::{Event, EventData};
use alloc::string::String;
use alloc::vec::Vec;

/// The storage names of outboxes start with this; the tab's random id follows.
pub const OUTBOXES: &str = "outbox.";

#[derive(Clone, Debug, Default, PartialEq)]
pub struct OutboxRecord {
    pub v: u32,
    /// When its tab last wrote it (Unix ms).
    pub seen: Millis,
    /// Its tab's page was left (pagehide).
    pub left: bool,
    pub events: Vec<Event>,
}

/// How `"left":true` appears in the JSON that `to_json` writes.
const LEFT: &[u8] = b"\"left\":true";

impl OutboxRecord {
    /// The JSON of a record of ours with these fields (the events borrowed from the delivery
    /// machine, not copied into a record).
    pub fn write(events: &[Event], seen: Millis, left: bool) -> String {
        json::object(|o| {
            o.uint("v", VERSION.into()).uint("seen", seen).bool("left", left);
            o.array("events", events, |item, e| item.object(|o| e.write(o)));
        })
    }

    /// Reads a record back; `None` unless it is a record of ours whose events all look like
    /// datapoints.
    pub fn read(value: &impl Value) -> Option<OutboxRecord> {
        let record = OutboxRecord {
            v: version(value)?,
            seen: optional(value.get("seen"), |s| s.as_f64().filter(|s| *s >= 0.0).map(|s| s as u64))?.unwrap_or(0),
            left: optional(value.get("left"), Value::as_bool)?.unwrap_or(false),
            events: array(&value.get("events"), event)?,
        };
        let valid = record.v == VERSION
            && record.events.iter().all(|e| matches!(e.name.as_str(), "ss" | "se") && Uuid::parse(&e.session_id).is_some());
        valid.then_some(record)
    }

    /// Whether a write of `value` under `name` (a `storage` event) says a tab left datapoints
    /// behind, without parsing it.
    pub fn left_behind(name: &str, value: Option<&str>) -> bool {
        // Byte windows: `str::contains` would link str searching and its panic messages.
        name.starts_with(OUTBOXES) && value.is_some_and(|v| v.as_bytes().windows(LEFT.len()).any(|w| w == LEFT))
    }
}

fn event(value: &impl Value) -> Option<Event> {
    Some(Event {
        name: value.get("name").as_string()?,
        time: millis(value.get("time").as_f64()?)?,
        session_id: value.get("session_id").as_string()?,
        data: EventData { d: optional(value.get("data").get("d"), |d| millis(d.as_f64()?))? },
        user_id: optional(value.get("user_id"), Value::as_string)?,
    })
}

/// Seconds, as the wire writes them, back to whole milliseconds.
fn millis(seconds: f64) -> Option<u64> {
    (seconds.is_finite() && seconds >= 0.0).then_some((seconds * 1000.0 + 0.5) as u64)
}
