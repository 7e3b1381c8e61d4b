//! The body of `POST /api/v3/data/`, read liberally: what a Braze SDK sends is kept. A body that is
//! not a batch at all (not a JSON object, no API key, no `events` array) is refused whole; any
//! other fault is one datapoint's, which is left out and named with its index and reason while
//! the good ones beside it are stored.

use serde::Serialize;
use serde_json::{Map, Value};

/// Braze's own limit on datapoints per request: those past it are left out.
const MAX_EVENTS: usize = 1000;

/// A batch as stored: what is not stored (`sdk_version`, the batch's `time`, Braze's `device`
/// and `respond_with`) is not read.
pub struct Batch {
    pub api_key: String,
    /// Empty when the batch has none.
    pub device_id: String,
    pub events: Vec<Event>,
    pub rejected: Vec<Rejected>,
}

impl Batch {
    /// The named users of its datapoints, each once.
    pub fn users(&self) -> Vec<&str> {
        let mut users: Vec<&str> = self.events.iter().filter_map(|e| e.user_id.as_deref()).collect();
        users.sort_unstable();
        users.dedup();
        users
    }
}

pub struct Event {
    pub name: String,
    /// Unix seconds.
    pub time: f64,
    /// Required for `ss` and `se`; any non-empty string (Braze's are not always UUIDs).
    pub session_id: Option<String>,
    /// The event's own, else the batch's.
    pub user_id: Option<String>,
    /// `se`: the session's duration in seconds.
    pub duration: Option<f64>,
    /// Its `data` object, as it came.
    pub data: Map<String, Value>,
}

impl Event {
    /// A session datapoint (`ss`, `se`), as opposed to any other (custom events and the like).
    pub fn is_session(&self) -> bool {
        matches!(self.name.as_str(), "ss" | "se")
    }

    /// An `ss` or `se` as `datapoints` holds it.
    pub fn stored(name: String, time: f64, duration: Option<f64>, user_id: Option<String>) -> Event {
        Event { name, time, session_id: None, user_id, duration, data: Map::new() }
    }

    /// Its `data`, as it is stored.
    pub fn data_json(&self) -> String {
        Value::Object(self.data.clone()).to_string()
    }
}

/// A datapoint left out, and why.
#[derive(Serialize, Debug, PartialEq)]
pub struct Rejected {
    pub index: usize,
    pub reason: String,
}

/// The API key: the body's, else the `X-Braze-Api-Key` header's (Braze's SDKs send both). Read
/// first so that a sender whose key is not served is refused before it learns anything else.
pub fn api_key<'a>(body: &'a Value, header: Option<&'a str>) -> Result<&'a str, String> {
    let top = body.as_object().ok_or("the body is not a JSON object")?;
    match present(top, "api_key").and_then(Value::as_str).or(header) {
        Some("") => Err("api_key is empty".into()),
        Some(key) => Ok(key),
        None => Err("api_key is missing".into()),
    }
}

/// `oldest`: with a retention, the first time it keeps (Unix seconds). A datapoint from before
/// is refused, as pruning would remove it: an `se` by its session's start (its time less its
/// duration), so that the end of a session already pruned does not come back as a session alone.
pub fn batch(body: &Value, api_key: &str, oldest: Option<f64>) -> Result<Batch, String> {
    let top = body.as_object().ok_or("the body is not a JSON object")?;
    let device_id = present(top, "device_id").and_then(Value::as_str).unwrap_or_default().to_owned();
    let user_id = present(top, "user_id").and_then(Value::as_str).filter(|u| !u.is_empty());
    let items = match top.get("events") {
        None => return Err("events is missing".into()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err("events is not an array".into()),
    };
    let mut events = Vec::new();
    let mut rejected = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let event = if index < MAX_EVENTS { event(item, user_id) } else { Err(format!("more than {MAX_EVENTS} datapoints in one batch")) };
        let event = event.and_then(|e| match oldest {
            Some(oldest) if e.time - e.duration.unwrap_or(0.0) < oldest => Err("older than the collector's retention".into()),
            _ => Ok(e),
        });
        match event {
            Ok(event) => events.push(event),
            Err(reason) => rejected.push(Rejected { index, reason }),
        }
    }
    Ok(Batch { api_key: api_key.to_owned(), device_id, events, rejected })
}

fn event(value: &Value, batch_user: Option<&str>) -> Result<Event, String> {
    let event = value.as_object().ok_or("not an object")?;
    let name = non_empty(event, "name")?.ok_or("name is missing")?.to_owned();
    let time = seconds(event.get("time"), "time")?;
    // A UUID in either case is one session; any other id is kept as it came.
    let session_id = non_empty(event, "session_id")?.map(|id| if is_uuid(id) { id.to_ascii_lowercase() } else { id.to_owned() });
    let data = match present(event, "data") {
        None => Map::new(),
        Some(Value::Object(data)) => data.clone(),
        Some(_) => return Err("data is not an object".into()),
    };
    let duration = match name.as_str() {
        "se" => Some(seconds(data.get("d"), "data.d")?),
        _ => None,
    };
    if session_id.is_none() && matches!(name.as_str(), "ss" | "se") {
        return Err("session_id is missing".into());
    }
    let user_id = non_empty(event, "user_id")?.or(batch_user).map(str::to_owned);
    Ok(Event { name, time, session_id, user_id, duration, data })
}

/// The field, unless it is absent or `null`: optional fields may be sent either way.
fn present<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|v| !v.is_null())
}

/// An optional string field; an empty one counts as absent.
fn non_empty<'a>(object: &'a Map<String, Value>, key: &str) -> Result<Option<&'a str>, String> {
    match present(object, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str()).filter(|s| !s.is_empty())),
        Some(_) => Err(format!("{key} is not a string")),
    }
}

/// The canonical 8-4-4-4-12 form, hex digits in either case.
fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// A required time or duration: a finite number of seconds, not negative.
fn seconds(value: Option<&Value>, name: &str) -> Result<f64, String> {
    match value.filter(|v| !v.is_null()).map(Value::as_f64) {
        None => Err(format!("{name} is missing")),
        Some(Some(s)) if s.is_finite() && s >= 0.0 => Ok(s),
        Some(Some(_)) => Err(format!("{name} is not a finite number >= 0")),
        Some(None) => Err(format!("{name} is not a number")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn uuids() {
        assert!(is_uuid("0f8fad5b-d9cb-469f-a165-70867728950e"));
        assert!(is_uuid("0F8FAD5B-D9CB-469F-A165-70867728950E"));
        assert!(!is_uuid("0f8fad5bd9cb469fa16570867728950e"));
        assert!(!is_uuid("0f8fad5b-d9cb-469f-a165-70867728950"));
        assert!(!is_uuid("0f8fad5b-d9cb-469f-a165-70867728950é"));
    }

    #[test]
    fn event_user_falls_back_to_the_batch() {
        let body = json!({ "api_key": "k", "device_id": "d", "user_id": "batch", "events": [
            { "name": "ss", "time": 1, "session_id": "s", "data": {} },
            { "name": "se", "time": 2, "session_id": "s", "data": { "d": 1 }, "user_id": "own" } ] });
        let batch = batch(&body, "k", None).unwrap();
        let users: Vec<_> = batch.events.iter().map(|e| e.user_id.as_deref()).collect();
        assert_eq!(users, [Some("batch"), Some("own")]);
    }

    #[test]
    fn the_key_comes_from_the_body_else_the_header() {
        assert_eq!(api_key(&json!({ "api_key": "body" }), Some("header")), Ok("body"));
        assert_eq!(api_key(&json!({ "events": [] }), Some("header")), Ok("header"));
        assert_eq!(api_key(&json!({ "api_key": null }), None), Err("api_key is missing".into()));
        assert_eq!(api_key(&json!({ "api_key": "" }), None), Err("api_key is empty".into()));
        assert_eq!(api_key(&json!([]), Some("header")), Err("the body is not a JSON object".into()));
    }

    #[test]
    fn nulls_count_as_absent() {
        let body = json!({ "api_key": "k", "device_id": null, "user_id": null, "time": null, "events": [
            { "name": "ce", "time": 1, "session_id": null, "user_id": null, "data": null } ] });
        let batch = batch(&body, "k", None).unwrap();
        assert_eq!((batch.device_id.as_str(), batch.events.len(), batch.rejected.len()), ("", 1, 0));
    }

    #[test]
    fn datapoints_before_the_retention_are_refused_an_se_by_its_start() {
        let body = json!({ "api_key": "k", "device_id": "d", "events": [
            { "name": "ss", "time": 99, "session_id": "s", "data": {} },
            { "name": "se", "time": 105, "session_id": "s", "data": { "d": 6 } },
            { "name": "se", "time": 105, "session_id": "t", "data": { "d": 5 } },
            { "name": "ce", "time": 100, "data": {} } ] });
        let batch = batch(&body, "k", Some(100.0)).unwrap();
        let refused: Vec<usize> = batch.rejected.iter().map(|r| r.index).collect();
        assert_eq!((refused, batch.events.len()), (vec![0, 1], 2));
        assert_eq!(batch.rejected[0].reason, "older than the collector's retention");
    }
}
