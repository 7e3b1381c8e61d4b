//! This browser's device id (docs/design.md section 3), made once and kept in storage.

use super::random;
use super::storage::Storage;
use crate::engine::Uuid;
use crate::stored::{read_device, write_device, DEVICE};

/// The stored device id, or a new one, stored.
pub fn load(store: &Storage) -> Uuid {
    store.load(DEVICE, read_device).unwrap_or_else(|| {
        let id = Uuid::from_random(random::bytes());
        store.set(DEVICE, &write_device(id));
        id
    })
}
