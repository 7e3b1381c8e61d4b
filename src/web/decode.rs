//! Values read back from storage (parsed by the browser's `JSON`), turned into the records by
//! hand: serde-wasm-bindgen's deserializer and its error messages would double the module's
//! size. Anything of the wrong shape is `None`; what the values mean is checked by the records.

use crate::engine::{StateRecord, StoredSession};
use crate::stored::{DeviceRecord, OutboxRecord};
use crate::wire::{Event, EventData};
use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::{JsCast, JsValue};

fn get(object: &JsValue, key: &str) -> JsValue {
    super::browser::field(object, key)
}

fn absent(value: &JsValue) -> bool {
    value.is_undefined() || value.is_null()
}

/// `Some(None)` when absent, `None` when present but not of the type.
fn optional<T>(value: JsValue, read: impl FnOnce(&JsValue) -> Option<T>) -> Option<Option<T>> {
    if absent(&value) {
        Some(None)
    } else {
        read(&value).map(Some)
    }
}

fn string(object: &JsValue, key: &str) -> Option<String> {
    get(object, key).as_string()
}

fn number(object: &JsValue, key: &str) -> Option<f64> {
    get(object, key).as_f64()
}

/// Seconds on the wire (and in the outbox) back to whole milliseconds.
fn millis(seconds: f64) -> Option<u64> {
    (seconds.is_finite() && seconds >= 0.0).then_some((seconds * 1000.0 + 0.5) as u64)
}

fn version(object: &JsValue) -> Option<u32> {
    number(object, "v").filter(|v| *v >= 0.0 && *v <= u32::MAX as f64).map(|v| v as u32)
}

fn array<T>(value: &JsValue, read: impl Fn(&JsValue) -> Option<T>) -> Option<Vec<T>> {
    let array = value.dyn_ref::<js_sys::Array>()?;
    let mut items = Vec::new();
    for item in array.iter() {
        items.push(read(&item)?);
    }
    Some(items)
}

pub fn state_record(value: &JsValue) -> Option<StateRecord> {
    Some(StateRecord {
        v: version(value)?,
        user: optional(get(value, "user"), JsValue::as_string)?,
        session: optional(get(value, "session"), stored_session)?,
    })
}

fn stored_session(value: &JsValue) -> Option<StoredSession> {
    Some(StoredSession {
        id: string(value, "id")?,
        root: string(value, "root")?,
        seq: number(value, "seq").filter(|s| *s >= 0.0 && *s <= u32::MAX as f64)? as u32,
        prev: optional(get(value, "prev"), |p| array(p, JsValue::as_string))?.unwrap_or_default(),
        start: number(value, "start")?,
        last: number(value, "last")?,
        ended: optional(get(value, "ended"), JsValue::as_bool)?.unwrap_or(false),
    })
}

pub fn device_record(value: &JsValue) -> Option<DeviceRecord> {
    Some(DeviceRecord { v: version(value)?, id: string(value, "id")? })
}

pub fn outbox_record(value: &JsValue) -> Option<OutboxRecord> {
    Some(OutboxRecord {
        v: version(value)?,
        seen: optional(get(value, "seen"), |s| s.as_f64().filter(|s| *s >= 0.0).map(|s| s as u64))?.unwrap_or(0),
        left: optional(get(value, "left"), JsValue::as_bool)?.unwrap_or(false),
        events: array(&get(value, "events"), event)?,
    })
}

fn event(value: &JsValue) -> Option<Event> {
    let data = get(value, "data");
    Some(Event {
        name: string(value, "name")?,
        time: millis(number(value, "time")?)?,
        session_id: string(value, "session_id")?,
        data: EventData { d: optional(get(&data, "d"), |d| millis(d.as_f64()?))? },
        user_id: optional(get(value, "user_id"), JsValue::as_string)?,
    })
}
