//! This browser's device id (docs/design.md section 3), made once and kept in storage.

use super::random;
use super::storage::Storage;
use crate::engine::Uuid;
use crate::stored::{read_device, write_device, DEVICE};

/// The device id the site's subdomains share (`shared`, from their cookie), else the stored one,
/// else a new one; stored.
pub fn load(store: &Storage, shared: Option<Uuid>) -> Uuid {
    let stored = store.load(DEVICE, read_device);
    let id = shared.or(stored).unwrap_or_else(|| Uuid::from_random(random::bytes()));
    if stored != Some(id) {
        store.set(DEVICE, &write_device(id));
    }
    id
}
