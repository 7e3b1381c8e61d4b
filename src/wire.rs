//! The Braze SDK data API of docs/design.md section 4.

use crate::engine::{Datapoint, Kind};
use crate::json::{self, Object};
use alloc::string::String;

pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// One datapoint on the wire, and as it waits in the outbox.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Event {
    /// `ss` or `se`.
    pub name: String,
    /// Unix time in milliseconds; on the wire, seconds with the milliseconds as the fraction.
    pub time: u64,
    pub session_id: String,
    pub data: EventData,
    pub user_id: Option<String>,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug, Default)]
pub struct EventData {
    /// The session's duration in milliseconds, on `se`; on the wire `d`, in seconds.
    pub d: Option<u64>,
}

impl Event {
    /// What identifies a datapoint at the endpoint: a session has one `ss` and at most one `se`.
    pub fn same_datapoint(&self, other: &Event) -> bool {
        self.name == other.name && self.session_id == other.session_id
    }

    pub fn write(&self, o: &mut Object) {
        o.str("name", &self.name).seconds("time", self.time).str("session_id", &self.session_id);
        o.object("data", |o| {
            if let Some(d) = self.data.d {
                o.seconds("d", d);
            }
        });
        o.opt_str("user_id", self.user_id.as_deref());
    }
}

impl From<&Datapoint> for Event {
    fn from(dp: &Datapoint) -> Event {
        let d = match dp.kind {
            Kind::Start => None,
            Kind::End { duration } => Some(duration),
        };
        Event {
            name: dp.name().into(),
            time: dp.time,
            session_id: dp.session_id.to_hyphenated(),
            data: EventData { d },
            user_id: dp.user_id.clone(),
        }
    }
}

/// Who the datapoints are from: the envelope of every batch.
pub struct Sender<'a> {
    pub api_key: &'a str,
    pub device_id: &'a str,
    pub user_id: Option<&'a str>,
}

/// The body of `POST {base}/data/`.
pub struct Batch<'a> {
    pub sender: &'a Sender<'a>,
    /// Unix ms.
    pub time: u64,
    pub events: &'a [Event],
}

impl Batch<'_> {
    pub fn to_json(&self) -> String {
        // The batch names a user only when every datapoint in it is that user's: an endpoint may
        // credit datapoints without a user to the batch's (anonymous ones queued before a
        // `changeUser` would go to the new user).
        let user_id = self.sender.user_id.filter(|u| self.events.iter().all(|e| e.user_id.as_deref() == Some(*u)));
        json::object(|o| {
            o.str("api_key", self.sender.api_key)
                .seconds("time", self.time)
                .str("sdk_version", SDK_VERSION)
                .str("device_id", self.sender.device_id)
                .opt_str("user_id", user_id)
                .array("events", self.events, |item, e| item.object(|o| e.write(o)));
        })
    }
}

/// The data endpoint for a `baseUrl` option: `https://` is added when no scheme is given and
/// `/api/v3` when the path is empty or `/`; without one, the page's own origin.
pub fn data_url(base_url: Option<&str>, page_origin: &str) -> String {
    let mut base = base_url.map(str::trim_ascii).filter(|b| !b.is_empty()).unwrap_or(page_origin);
    while let Some(shorter) = base.strip_suffix("/") {
        base = shorter;
    }
    // Byte scans rather than `str` pattern search, which would add kilobytes to the wasm.
    let scheme_end = base.as_bytes().windows(3).position(|w| w == b"://").map(|i| i + 3);
    let mut url = String::new();
    if scheme_end.is_none() {
        url.push_str("https://");
    }
    url.push_str(base);
    let host_start = url.len() - base.len() + scheme_end.unwrap_or(0);
    if !url.bytes().skip(host_start).any(|b| b == b'/') {
        url.push_str("/api/v3");
    }
    url.push_str("/data/");
    url
}
