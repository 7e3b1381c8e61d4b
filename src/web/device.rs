//! This browser's device id (docs/design.md section 3), made once and kept in storage.

use super::random;
use super::storage::Storage;
use crate::engine::Uuid;
use crate::stored::{DeviceRecord, DEVICE};

/// The stored device id, or a new one, stored.
pub fn load(store: &Storage) -> Uuid {
    let stored = store.load(DEVICE, DeviceRecord::read);
    if let Some(id) = stored.as_ref().and_then(DeviceRecord::valid_id) {
        return id;
    }
    if stored.is_some() {
        store.discard(DEVICE, "not a device id");
    }
    let id = Uuid::from_random(random::bytes());
    store.set(DEVICE, &DeviceRecord::new(id).to_json());
    id
}
