//! Delivery policy (docs/design.md section 5): what waits in a tab's outbox, what one request carries,
//! when to try again and what an answer means. Pure, with explicit time, like the engine; the
//! browser side (`web::sdk`) carries it out.

mod outbox;
mod retry;

pub use outbox::{add, batch_len, orphaned, remove, MAX_BATCH_BYTES, MAX_BATCH_EVENTS, MAX_OUTBOX_BYTES, MAX_OUTBOX_EVENTS};
pub use retry::{classify, Backoff, Outcome, MAX_BACKOFF, MAX_RETRY_AFTER};
