//! The device id, stored under `appboy.<apiKey>.device`.

use super::value::{version, Value};
use super::VERSION;
use crate::engine::Uuid;
use crate::json;
use alloc::string::String;

pub const DEVICE: &str = "device";

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

    pub fn read(value: &impl Value) -> Option<DeviceRecord> {
        Some(DeviceRecord { v: version(value)?, id: value.get("id").as_string()? })
    }

    /// The id, if this is a record of ours holding a v4 UUID.
    pub fn valid_id(&self) -> Option<Uuid> {
        Uuid::parse(&self.id).filter(|_| self.v == VERSION)
    }
}
