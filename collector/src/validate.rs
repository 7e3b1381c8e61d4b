//! The body of `POST /api/v3/data/` checked field by field, so that every refusal names the
//! field at fault (`events[2].session_id is not a UUID`) and the SDK's author can fix it.

use serde_json::{Map, Value};

/// Braze's own limit on datapoints per request.
const MAX_EVENTS: usize = 1000;

/// A batch as stored: what is not stored (`sdk_version`, the batch's `time`) is only checked.
pub struct Batch {
    pub api_key: String,
    pub device_id: String,
    pub events: Vec<Event>,
}

pub struct Event {
    pub kind: Kind,
    /// Unix seconds.
    pub time: f64,
    /// Lowercase: UUIDs are case-insensitive, and one session must be one row per name.
    pub session_id: String,
    /// The event's own, else the batch's.
    pub user_id: Option<String>,
}

pub enum Kind {
    Start,
    /// `duration` in seconds.
    End {
        duration: f64,
    },
}

impl Kind {
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Start => "ss",
            Kind::End { .. } => "se",
        }
    }

    pub fn duration(&self) -> Option<f64> {
        match self {
            Kind::Start => None,
            Kind::End { duration } => Some(*duration),
        }
    }
}

/// The API key alone, read first so that a sender whose key is not served is refused before it
/// learns anything else about its body.
pub fn api_key(body: &Value) -> Result<&str, String> {
    let top = body.as_object().ok_or("the body is not a JSON object")?;
    required_string(top, "api_key", "api_key")
}

pub fn batch(body: &Value) -> Result<Batch, String> {
    let top = body.as_object().ok_or("the body is not a JSON object")?;
    let api_key = required_string(top, "api_key", "api_key")?.to_owned();
    let device_id = required_string(top, "device_id", "device_id")?.to_owned();
    let user_id = optional_string(top, "user_id", "user_id")?;
    optional_string(top, "sdk_version", "sdk_version")?;
    if let Some(time) = present(top, "time") {
        time.as_f64().ok_or("time is not a number")?;
    }
    let events = match top.get("events") {
        None => return Err("events is missing".into()),
        Some(Value::Array(events)) => events,
        Some(_) => return Err("events is not an array".into()),
    };
    if events.len() > MAX_EVENTS {
        return Err(format!("events has {} items, more than {MAX_EVENTS}", events.len()));
    }
    let events =
        events.iter().enumerate().map(|(i, event)| self::event(event, &format!("events[{i}]"), user_id)).collect::<Result<_, _>>()?;
    Ok(Batch { api_key, device_id, events })
}

fn event(value: &Value, path: &str, batch_user: Option<&str>) -> Result<Event, String> {
    let event = value.as_object().ok_or_else(|| format!("{path} is not an object"))?;
    let name = required_string(event, "name", &format!("{path}.name"))?;
    let time = seconds(event, "time", &format!("{path}.time"))?;
    let session_id = required_string(event, "session_id", &format!("{path}.session_id"))?;
    if !is_uuid(session_id) {
        return Err(format!("{path}.session_id is not a UUID"));
    }
    let data = match event.get("data") {
        None => return Err(format!("{path}.data is missing")),
        Some(Value::Object(data)) => data,
        Some(_) => return Err(format!("{path}.data is not an object")),
    };
    let kind = match name {
        "ss" => Kind::Start,
        "se" => Kind::End { duration: seconds(data, "d", &format!("{path}.data.d"))? },
        _ => return Err(format!("{path}.name is not \"ss\" or \"se\"")),
    };
    let user_id = optional_string(event, "user_id", &format!("{path}.user_id"))?.or(batch_user);
    Ok(Event { kind, time, session_id: session_id.to_ascii_lowercase(), user_id: user_id.map(str::to_owned) })
}

/// The field, unless it is absent or `null`: optional fields may be sent either way.
fn present<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|v| !v.is_null())
}

fn required_string<'a>(object: &'a Map<String, Value>, key: &str, path: &str) -> Result<&'a str, String> {
    match optional_string(object, key, path)? {
        None => Err(format!("{path} is missing")),
        Some("") => Err(format!("{path} is empty")),
        Some(s) => Ok(s),
    }
}

fn optional_string<'a>(object: &'a Map<String, Value>, key: &str, path: &str) -> Result<Option<&'a str>, String> {
    match present(object, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("{path} is not a string")),
    }
}

/// A required time or duration: a finite number of seconds, not negative.
fn seconds(object: &Map<String, Value>, key: &str, path: &str) -> Result<f64, String> {
    let value = present(object, key).ok_or_else(|| format!("{path} is missing"))?;
    match value.as_f64() {
        Some(s) if s.is_finite() && s >= 0.0 => Ok(s),
        Some(_) => Err(format!("{path} is not a finite number >= 0")),
        None => Err(format!("{path} is not a number")),
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
        assert!(!is_uuid("0f8fad5b-d9cb-469f-a165-70867728950g"));
        assert!(!is_uuid("{f8fad5b-d9cb-469f-a165-70867728950e}"));
        assert!(!is_uuid("0f8fad5b-d9cb-469f-a165-70867728950é"));
    }

    #[test]
    fn event_user_falls_back_to_the_batch() {
        let sid = "0f8fad5b-d9cb-469f-a165-70867728950e";
        let body = json!({ "api_key": "k", "device_id": "d", "user_id": "batch", "events": [
            { "name": "ss", "time": 1, "session_id": sid, "data": {} },
            { "name": "se", "time": 2, "session_id": sid, "data": { "d": 1 }, "user_id": "own" } ] });
        let batch = batch(&body).unwrap();
        let users: Vec<_> = batch.events.iter().map(|e| e.user_id.as_deref()).collect();
        assert_eq!(users, [Some("batch"), Some("own")]);
    }

    #[test]
    fn nulls_count_as_absent_for_optional_fields_only() {
        let body = json!({ "api_key": "k", "device_id": "d", "user_id": null, "time": null, "events": [] });
        assert!(batch(&body).is_ok());
        let body = json!({ "api_key": "k", "device_id": null, "events": [] });
        assert_eq!(batch(&body).err().unwrap(), "device_id is missing");
    }
}
