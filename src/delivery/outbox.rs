//! A tab's outbox: bounded, oldest first, one entry per datapoint.

use crate::engine::{Datapoint, Millis};
use crate::json;
use crate::wire::write_datapoint;
use alloc::vec::Vec;

/// Bounds of one tab's outbox, so that an endpoint that never answers cannot fill localStorage.
pub const MAX_OUTBOX_EVENTS: usize = 1_000;
pub const MAX_OUTBOX_BYTES: usize = 200_000;
/// One request stays under the 64 KB that browsers allow a beacon or a keepalive fetch, with
/// room for the envelope around the events.
pub const MAX_BATCH_BYTES: usize = 60_000;
pub const MAX_BATCH_EVENTS: usize = 100;

fn size(dp: &Datapoint) -> usize {
    json::object(|o| write_datapoint(dp, o)).len() + 1
}

/// Adds `more` (each datapoint once), then drops the oldest while the outbox is over its bounds.
/// Returns how many were dropped.
pub fn add(events: &mut Vec<Datapoint>, more: impl IntoIterator<Item = Datapoint>) -> usize {
    for event in more {
        if !holds(events, &event) {
            events.push(event);
        }
    }
    let mut bytes = 0;
    for event in events.iter() {
        bytes += size(event);
    }
    let mut dropped = 0;
    while events.len() - dropped > MAX_OUTBOX_EVENTS || bytes > MAX_OUTBOX_BYTES {
        bytes -= events.get(dropped).map_or(0, size);
        dropped += 1;
    }
    events.drain(..dropped);
    dropped
}

/// How many events from the front go in the next request (at least one, when there are any).
pub fn batch_len(events: &[Datapoint]) -> usize {
    let mut bytes = 0;
    let mut count = 0;
    for event in events.iter().take(MAX_BATCH_EVENTS) {
        bytes += size(event);
        if bytes > MAX_BATCH_BYTES && count > 0 {
            break;
        }
        count += 1;
    }
    count
}

/// Removes the datapoints of `sent` from the outbox.
pub fn remove(events: &mut Vec<Datapoint>, sent: &[Datapoint]) {
    events.retain(|e| !holds(sent, e));
}

/// Whether `events` hold a version of `dp`.
pub fn holds(events: &[Datapoint], dp: &Datapoint) -> bool {
    events.iter().any(|e| e.same_datapoint(dp))
}

/// From when another tab's outbox is to be taken over and sent: at once when its page was left
/// (pagehide), else once it has not been written for three flush intervals (at least 30 s), as
/// when its tab crashed. A live tab taken for dead only causes a datapoint to be sent twice, which
/// the endpoint collapses; a dead tab taken for live would lose it.
pub fn orphaned_at(seen: Millis, left: bool, flush_interval: Millis) -> Millis {
    if left {
        0
    } else {
        seen.saturating_add(flush_interval.saturating_mul(3).max(30_000))
    }
}
