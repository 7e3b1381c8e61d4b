//! The Braze SDK data API of docs/design.md section 4.

use crate::engine::{Datapoint, Kind, Uuid};
use crate::json::{self, Object};
use alloc::string::String;

pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A datapoint as the wire (and the outbox) writes it: `time` in seconds with the milliseconds as
/// the fraction, the duration `d` of an `se` likewise.
pub fn write_datapoint(dp: &Datapoint, o: &mut Object) {
    o.str("name", dp.name()).seconds("time", dp.time).id("session_id", &dp.session_id);
    o.object("data", |o| {
        if let Kind::End { duration } = dp.kind {
            o.seconds("d", duration);
        }
    });
    o.opt_str("user_id", dp.user_id.as_deref());
}

/// Who the datapoints are from: the envelope of every batch.
pub struct Sender<'a> {
    pub api_key: &'a str,
    pub device_id: &'a Uuid,
    pub user_id: Option<&'a str>,
}

/// The body of `POST {base}/data/`.
pub struct Batch<'a> {
    pub sender: &'a Sender<'a>,
    /// Unix ms.
    pub time: u64,
    pub events: &'a [Datapoint],
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
                .id("device_id", self.sender.device_id)
                .opt_str("user_id", user_id)
                .array("events", self.events, |item, dp| item.object(|o| write_datapoint(dp, o)));
        })
    }
}

/// Whether `base_url` can be a `baseUrl`: a host, with a port and a path if need be, and an http or
/// https scheme if any (`sdk.example.com`, `https://sdk.example.com:8443/api/v3`); no spaces or
/// control characters. Empty means the page's origin.
pub fn is_base_url(base_url: &str) -> bool {
    let text = base_url.trim_ascii().as_bytes();
    let rest = match scheme_end(text) {
        Some(i) if text[..i - 3].eq_ignore_ascii_case(b"https") || text[..i - 3].eq_ignore_ascii_case(b"http") => &text[i..],
        Some(_) => return false,
        None => text,
    };
    let host = rest.split(|b| *b == b'/').next().unwrap_or_default();
    // `matches!`, not `contains`: byte-slice search links memchr.
    let host_byte = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b':' | b'[' | b']') || *b > 0x7f;
    text.is_empty() || (!host.is_empty() && host.iter().all(host_byte) && rest.iter().all(|b| *b > b' ' && *b != 0x7f))
}

/// Where a URL's `://` ends, if it has one. (A byte scan rather than `str` pattern search, which
/// would add kilobytes to the wasm.)
fn scheme_end(url: &[u8]) -> Option<usize> {
    url.windows(3).position(|w| w == b"://").map(|i| i + 3)
}

/// The data endpoint for a `baseUrl` option: `https://` is added when no scheme is given and
/// `/api/v3` when the path is empty or `/`; without one, the page's own origin.
pub fn data_url(base_url: Option<&str>, page_origin: &str) -> String {
    let mut base = base_url.map(str::trim_ascii).filter(|b| !b.is_empty()).unwrap_or(page_origin);
    while let Some(shorter) = base.strip_suffix("/") {
        base = shorter;
    }
    let scheme_end = scheme_end(base.as_bytes());
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
