//! Delivery in the browser (docs/design.md section 5): the adapter around `crate::delivery`'s
//! machine. It reads the other tabs' outboxes when the machine is to be given them, and carries
//! out each step: storage writes, `fetch` and `sendBeacon`, the timer and the log.

use super::log::{self, Message};
use super::storage::Storage;
use super::timers::{Timer, TimerId};
use super::{browser, random};
use crate::delivery::{Delivery, Input, Send, Step, Theirs};
use crate::engine::{Millis, Uuid};
use crate::json;
use crate::stored::{OutboxRecord, OUTBOXES};
use crate::wire::{Batch, Sender};
use alloc::string::String;
use alloc::vec::Vec;

pub struct Courier {
    url: String,
    machine: Delivery,
    timer: Option<Timer>,
    /// SDK authentication: requests carry their user's signature (kept by `browser.js`).
    signed: bool,
}

impl Courier {
    pub fn new(url: String, interval: Millis, signed: bool) -> Courier {
        let mut name = String::from(OUTBOXES);
        name.push_str(&Uuid::from_random(random::bytes()).to_hyphenated());
        let seed = u64::from_le_bytes(random::bytes()[..8].try_into().unwrap_or_default());
        let mut machine = Delivery::new(name, interval, seed);
        if signed {
            machine.require_signatures();
        }
        Courier { url, machine, timer: None, signed }
    }

    /// `user`'s signature (SDK authentication); ignored without it.
    pub fn sign(&self, user: &str, signature: &str) {
        if self.signed {
            browser::sign(user, signature);
        }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The flush timer went off: the timer is spent before the machine arms another.
    pub fn timer_fired(&mut self, store: &Storage, sender: &Sender, now: Millis) {
        self.timer = None;
        let theirs = self.theirs(store);
        self.handle(store, sender, now, Input::Timer(theirs));
    }

    /// `requestImmediateDataFlush(callback)`, with the callback's number from `browser::await_flush`.
    pub fn flush(&mut self, store: &Storage, sender: &Sender, now: Millis, callback: Option<u32>) {
        let theirs = self.theirs(store);
        self.handle(store, sender, now, Input::Flush(theirs, callback));
    }

    /// `wipeData()`: every outbox of this API key goes.
    pub fn wipe(&mut self, store: &Storage, sender: &Sender, now: Millis) {
        let names = store.names(OUTBOXES);
        self.handle(store, sender, now, Input::Wipe(names));
    }

    /// Hands an input to the machine and carries out its step, in the order `Step` gives.
    pub fn handle(&mut self, store: &Storage, sender: &Sender, now: Millis, input: Input) {
        let step: Step = self.machine.handle(now, input);
        if step.dropped > 0 {
            log::say_with(Message::OutboxFull, &json::number(step.dropped as u64), "");
        }
        if step.refused > 0 {
            log::say_with(Message::BatchRefused, &json::number(step.refused as u64), "");
        }
        if step.save {
            match self.machine.outbox() {
                Some(record) => store.set(self.machine.name(), &record),
                None => store.remove(self.machine.name()),
            }
        }
        for name in &step.remove {
            store.remove(name);
        }
        if step.abort {
            browser::abort();
        }
        match step.send {
            Some(Send::Fetch { request, events }) => {
                let body = Batch { sender, time: now, events: &events }.to_json();
                if self.signed {
                    // The machine puts one named user's datapoints in a request.
                    let user = events.iter().find_map(|e| e.user_id.as_deref());
                    browser::post(&self.url, &body, request, Some(sender.api_key), user);
                } else {
                    browser::post(&self.url, &body, request, None, None);
                }
            }
            Some(Send::Beacon(events)) => {
                browser::beacon(&self.url, &Batch { sender, time: now, events: &events }.to_json());
            }
            None => {}
        }
        if step.failed {
            log::say(Message::SendFailed);
        }
        for (callback, ok) in step.settled {
            browser::flushed(callback, ok);
        }
        match step.timer {
            None => self.timer = None,
            Some(at) if self.timer.as_ref().is_some_and(|t| t.at == at) => {}
            Some(at) => self.timer = Some(Timer::at(at, now, TimerId::Flush)),
        }
    }
}

impl Drop for Courier {
    /// Destroyed with flushes pending: this SDK will not deliver what they wait for.
    fn drop(&mut self) {
        browser::abandon_flushes();
    }
}

impl Courier {
    /// The other tabs' outboxes in storage (none when it lives in memory: there are no other
    /// tabs' to see); one that cannot be read is discarded. This tab's own, the largest, is not
    /// parsed again: the machine holds it.
    fn theirs(&self, store: &Storage) -> Vec<Theirs> {
        let mut theirs = Vec::new();
        if !store.is_degraded() {
            for name in store.names(OUTBOXES) {
                if name == self.machine.name() {
                    continue;
                }
                if let Some(record) = store.load(&name, OutboxRecord::read) {
                    theirs.push(Theirs { name, record });
                }
            }
        }
        theirs
    }
}
