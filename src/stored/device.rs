//! The device id, stored under `appboy.<apiKey>.device`: `{"v":1,"id":"<uuid v4>"}`.

use super::value::{version, Value};
use super::VERSION;
use crate::engine::Uuid;
use crate::json;
use alloc::string::String;

pub const DEVICE: &str = "device";

pub fn write_device(id: Uuid) -> String {
    json::object(|o| {
        o.uint("v", VERSION.into()).id("id", &id);
    })
}

/// The id back from storage, or why it cannot be trusted.
pub fn read_device(value: &impl Value) -> Result<Uuid, &'static str> {
    let id = value.get("id").as_string().filter(|_| version(value) == Some(VERSION));
    id.as_deref().and_then(Uuid::parse).ok_or("not a device id of this version")
}
