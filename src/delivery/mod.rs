//! Delivery (docs/design.md section 5): what waits in a tab's outbox, what one request carries,
//! when to try again and what an answer means, as a pure machine with explicit time, like the
//! engine. The browser side (`web::courier`) reads and writes storage and does what it is told.

mod machine;
mod outbox;
mod retry;

pub use machine::{Answer, Delivery, Input, Send, Step, Theirs, FLUSH_SOON, REQUEST_TIMEOUT, WITHDRAW_WINDOW};
pub use outbox::{add, batch_len, orphaned_at, remove, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_OUTBOX_BYTES, MAX_OUTBOX_EVENTS};
pub use retry::{classify, Backoff, Outcome, MAX_BACKOFF, MAX_RETRY_AFTER};
