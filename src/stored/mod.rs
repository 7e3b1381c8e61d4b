//! The persisted formats (docs/design.md section 3), one file each: the value's storage name, its
//! record, how the record is written as JSON and read back, and what makes it trustworthy.
//! Storage names are namespaced by API key (`appboy.<apiKey>.<name>`) by `web::storage`.

mod cookie;
mod device;
mod outbox;
mod session;
mod value;

pub use cookie::{cookie_name, read_cookie, write_cookie, MAX_COOKIE};
pub use device::{read_device, write_device, DEVICE};
pub use outbox::{OutboxRecord, OUTBOXES};
pub use session::{read_state, write_state, Rejected, SESSION};
pub use value::Value;

/// The version of every record: one that reads another is discarded, not guessed at.
pub const VERSION: u32 = 1;
