//! A tab's outbox, stored under `appboy.<apiKey>.outbox.<tab>`: the datapoints of one page load
//! not yet acknowledged by the endpoint, as they go on the wire. Only that tab writes it, so tabs
//! never overwrite each other's datapoints; another tab takes it over when it is orphaned
//! (`delivery::orphaned_at`).

use super::value::{version, Value};
use super::VERSION;
use crate::engine::{Datapoint, Kind, Millis, Uuid};
use crate::json;
use crate::wire::write_datapoint;
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
    pub events: Vec<Datapoint>,
}

const UNREADABLE: &str = "unreadable";

/// How `"left":true` appears in the JSON that `to_json` writes.
const LEFT: &[u8] = b"\"left\":true";

impl OutboxRecord {
    /// The JSON of a record of ours with these fields (the events borrowed from the delivery
    /// machine, not copied into a record).
    pub fn write(events: &[Datapoint], seen: Millis, left: bool) -> String {
        json::object(|o| {
            o.uint("v", VERSION.into()).uint("seen", seen).bool("left", left);
            o.array("events", events, |item, dp| item.object(|o| write_datapoint(dp, o)));
        })
    }

    /// Reads a record back, unless it is not a record of ours whose events are all datapoints.
    pub fn read(value: &impl Value) -> Result<OutboxRecord, &'static str> {
        if version(value) != Some(VERSION) {
            return Err("not an outbox of this version");
        }
        let (seen, left) = (value.get("seen"), value.get("left"));
        let seen = if seen.is_absent() { Some(0) } else { seen.as_f64().filter(|s| *s >= 0.0).map(|s| s as u64) }.ok_or(UNREADABLE)?;
        let left = if left.is_absent() { Some(false) } else { left.as_bool() }.ok_or(UNREADABLE)?;
        // The events last: every early return before them would free them.
        let items = value.get("events");
        let mut events = Vec::new();
        for index in 0..items.length().ok_or(UNREADABLE)? {
            events.push(event(&items.item(index)).ok_or(UNREADABLE)?);
        }
        Ok(OutboxRecord { v: VERSION, seen, left, events })
    }

    /// Whether a write of `value` under `name` (a `storage` event) says a tab left datapoints
    /// behind, without parsing it.
    pub fn left_behind(name: &str, value: Option<&str>) -> bool {
        // Byte windows: `str::contains` would link str searching and its panic messages.
        name.starts_with(OUTBOXES) && value.is_some_and(|v| v.as_bytes().windows(LEFT.len()).any(|w| w == LEFT))
    }
}

fn event(value: &impl Value) -> Option<Datapoint> {
    let d = value.get("data").get("d");
    let user = value.get("user_id");
    let kind = match value.get("name").as_string()?.as_str() {
        "ss" => Kind::Start,
        "se" => Kind::End { duration: millis(d.as_f64()?)? },
        _ => return None,
    };
    Some(Datapoint {
        kind,
        time: millis(value.get("time").as_f64()?)?,
        session_id: Uuid::parse(&value.get("session_id").as_string()?)?,
        user_id: if user.is_absent() { None } else { Some(user.as_string()?) },
    })
}

/// Seconds, as the wire writes them, back to whole milliseconds.
fn millis(seconds: f64) -> Option<u64> {
    (seconds.is_finite() && seconds >= 0.0).then_some((seconds * 1000.0 + 0.5) as u64)
}
