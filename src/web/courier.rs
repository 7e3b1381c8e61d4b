//! Delivery in the browser (docs/design.md section 5): this tab's outbox in localStorage, the outboxes
//! of tabs that are gone taken over, and batches sent with fetch or sendBeacon, on the policy of
//! `crate::delivery`.

use super::storage::Storage;
use super::timers::{Timer, TimerId};
use super::log::{self, Message};
use super::{browser, decode, random};
use crate::delivery::{self, classify, Backoff, Outcome};
use crate::engine::{Millis, Uuid};
use crate::stored::OutboxRecord;
use crate::wire::{Batch, Event};
use alloc::string::String;
use alloc::vec::Vec;

const OUTBOXES: &str = "outbox.";
/// A flush follows new datapoints by this much, so that tabs racing to emit the same datapoint
/// find it already sent or queued, and a start and an end close together go in one request.
pub const FLUSH_SOON: Millis = 1_000;

/// Who the datapoints are from: the body's envelope.
pub struct Sender<'a> {
    pub api_key: &'a str,
    pub device_id: &'a str,
    pub user_id: Option<&'a str>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Flush {
    /// A scheduled attempt: waits for any backoff.
    Due,
    /// `requestImmediateDataFlush()`: now, backoff or not.
    Requested,
    /// The page is being hidden: by beacon, which no answer follows.
    Hiding,
    /// The page is being left (pagehide): by beacon, and the outbox is marked as left behind.
    Leaving,
}

pub struct Courier {
    url: String,
    interval: Millis,
    /// `outbox.<tab>`: written by this tab only.
    name: String,
    /// The batch whose answer is awaited.
    in_flight: Option<Vec<Event>>,
    backoff: Backoff,
    /// No due attempt before this (backoff, `Retry-After`).
    not_before: Millis,
    /// The page was left (pagehide) and has not come back: the outbox says so to other tabs.
    left: bool,
    pub timer: Option<Timer>,
}

impl Courier {
    pub fn new(url: String, interval: Millis) -> Courier {
        let mut name = String::from(OUTBOXES);
        name.push_str(&Uuid::from_random(random::bytes()).to_hyphenated());
        Courier { url, interval, name, in_flight: None, backoff: Backoff::default(), not_before: 0, left: false, timer: None }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// This tab's waiting datapoints, oldest first.
    pub fn events(&self, store: &Storage) -> Vec<Event> {
        read(store, &self.name).map_or_else(Vec::new, |r| r.events)
    }

    fn save(&self, store: &Storage, events: Vec<Event>, now: Millis) {
        if events.is_empty() {
            store.remove(&self.name);
        } else {
            store.set(&self.name, &OutboxRecord::new(events, now, self.left).to_json());
        }
    }

    /// Writes new datapoints to the outbox (before anything is sent) and schedules a flush.
    pub fn queue(&mut self, store: &Storage, now: Millis, more: impl IntoIterator<Item = Event>) {
        let mut events = self.events(store);
        if delivery::add(&mut events, more) > 0 {
            log::say(Message::OutboxFull);
        }
        self.save(store, events, now);
        self.schedule(now + FLUSH_SOON);
    }

    /// Arms the flush timer for `at`, or for the end of a backoff if that is later.
    pub fn schedule(&mut self, at: Millis) {
        let at = at.max(self.not_before);
        if self.timer.as_ref().is_some_and(|t| t.at <= at) {
            return;
        }
        self.timer = Some(Timer::at(at, super::clock::now(), TimerId::Flush));
    }

    /// Takes over the outboxes of tabs that are gone: their datapoints are written to this tab's
    /// outbox first, and only then is theirs removed, so a crash in between duplicates and never
    /// loses.
    fn adopt(&mut self, store: &Storage, now: Millis) {
        if store.is_degraded() {
            return;
        }
        for name in store.names(OUTBOXES) {
            if name == self.name {
                continue;
            }
            let Some(theirs) = read(store, &name) else { continue };
            if delivery::orphaned(theirs.seen, theirs.left, now, self.interval) {
                let mut mine = self.events(store);
                delivery::add(&mut mine, theirs.events);
                self.save(store, mine, now);
                store.remove(&name);
            }
        }
    }

    /// Sends the oldest waiting datapoints.
    pub fn flush(&mut self, store: &Storage, sender: &Sender, now: Millis, how: Flush) {
        let beacon = matches!(how, Flush::Hiding | Flush::Leaving);
        if !beacon {
            self.adopt(store, now);
        }
        let events = self.events(store);
        if events.is_empty() {
            return;
        }
        let batch: Vec<Event> = events.iter().take(delivery::batch_len(&events)).cloned().collect();
        // The batch names a user only when every datapoint in it is that user's: an endpoint may
        // credit datapoints without a user to the batch's (anonymous ones queued before a
        // `changeUser` would go to the new user).
        let user_id = sender.user_id.filter(|u| batch.iter().all(|e| e.user_id.as_deref() == Some(*u)));
        let body = Batch { api_key: sender.api_key, time: now, device_id: sender.device_id, user_id, events: &batch }.to_json();
        if beacon {
            // No answer comes back: the datapoints stay, for this tab, another or the next page
            // to send again (the endpoint keeps one of each); a page being left says so.
            browser::beacon(&self.url, &body);
            self.left |= how == Flush::Leaving;
            self.save(store, events, now);
            return;
        }
        if self.in_flight.is_some() {
            // Its answer schedules what follows (re-arming here would spin until it came).
            return;
        }
        if how == Flush::Due && now < self.not_before {
            self.schedule(self.not_before);
            return;
        }
        // A written outbox tells other tabs this one is alive.
        self.save(store, events, now);
        browser::post(&self.url, &body);
        self.in_flight = Some(batch);
    }

    /// The answer to the request in flight.
    pub fn answered(&mut self, store: &Storage, now: Millis, status: Option<u16>, retry_after: Option<Millis>) {
        // An answer to a request of an SDK since destroyed has no batch here.
        let Some(batch) = self.in_flight.take() else { return };
        match classify(status) {
            Outcome::Retry => {
                self.not_before = self.backoff.failed(now, self.interval, retry_after, js_sys::Math::random());
                log::say(Message::SendFailed);
                self.schedule(self.not_before);
            }
            outcome => {
                if outcome == Outcome::Rejected {
                    log::say(Message::BatchRefused);
                }
                self.backoff.succeeded();
                self.not_before = 0;
                let mut events = self.events(store);
                delivery::remove(&mut events, &batch);
                let more = !events.is_empty();
                self.save(store, events, now);
                if more {
                    self.schedule(now);
                }
            }
        }
    }

    /// Back from the back/forward cache: this tab's outbox, if still there, is alive again.
    pub fn returned(&mut self, store: &Storage, now: Millis) {
        if self.left {
            self.left = false;
            let events = self.events(store);
            self.save(store, events, now);
        }
    }

    /// Whether a `storage` event about `name` says a tab left datapoints behind.
    pub fn left_behind(name: &str, value: Option<&str>) -> bool {
        // Byte windows: `str::contains` would link str searching and its panic messages.
        let marker = b"\"left\":true";
        name.starts_with(OUTBOXES) && value.is_some_and(|v| v.as_bytes().windows(marker.len()).any(|w| w == marker))
    }

    /// Removes every outbox of this API key (`wipeData`).
    pub fn wipe(&mut self, store: &Storage) {
        for name in store.names(OUTBOXES) {
            store.remove(&name);
        }
        self.timer = None;
    }
}

fn read(store: &Storage, name: &str) -> Option<OutboxRecord> {
    let record = store.load(name, decode::outbox_record)?;
    if !record.is_valid() {
        store.discard(name, "not an outbox of this version");
        return None;
    }
    Some(record)
}
