//! The delivery machine (docs/design.md section 5): one tab's outbox and the requests that empty
//! it, as a pure state machine in the sans-IO style of quinn-proto's `Connection`.

use super::outbox::{self, orphaned_at};
use super::retry::{classify, Backoff, Outcome};
use crate::engine::{Datapoint, Millis, Uuid};
use crate::stored::OutboxRecord;
use alloc::string::String;
use alloc::vec::Vec;

/// A flush follows new datapoints by this much, so that tabs racing to emit the same datapoint
/// find it already sent or queued, and a start and an end close together go in one request.
pub const FLUSH_SOON: Millis = 1_000;
/// How long after its start a session that lost to another tab's can be withdrawn: tabs hear of
/// each other's sessions within milliseconds, and no other tab can have ended it by then (the
/// shortest session timeout is a second).
pub const WITHDRAW_WINDOW: Millis = 500;
/// A request with no answer by then (an endpoint or proxy that accepts the connection and hangs)
/// is abandoned and counts as a failure.
pub const REQUEST_TIMEOUT: Millis = 30_000;

/// An outbox as storage holds it now (the machine passes over its own).
#[derive(Clone, Debug)]
pub struct Theirs {
    pub name: String,
    pub record: OutboxRecord,
}

/// What happened, as the adapter tells it.
#[derive(Debug)]
pub enum Input {
    /// New datapoints (from the engine): written to the outbox, sent soon.
    Queue(Vec<Datapoint>),
    /// The timer of the last step went off; with the outboxes in storage.
    Timer(Vec<Theirs>),
    /// `requestImmediateDataFlush()`: a request now, backoff or not; with the outboxes in storage,
    /// and the number of the page's callback, if it gave one (`Step::settled` answers it).
    Flush(Vec<Theirs>, Option<u32>),
    /// The page is being hidden: a beacon, which no answer follows.
    Hidden,
    /// The page is being left (pagehide): a beacon, and the outbox says it was left behind.
    Left,
    /// The page is back (from the back/forward cache): its outbox is alive again.
    Shown,
    /// The endpoint answered a request, or the request failed.
    Answer(Answer),
    /// A tab or an earlier page may have left datapoints behind (a `storage` event saying so, or
    /// start-up): look soon.
    LeftBehind,
    /// Sessions this tab started lost to another tab's (the engine's `Output::rival`, by id): those
    /// whose start has not left the tab are taken out of the outbox, start and end.
    Withdraw(Vec<Uuid>),
    /// `wipeData()`: forget this outbox and remove these (every outbox of this API key).
    Wipe(Vec<String>),
    /// SDK authentication: the endpoint refused this request's signature. Its datapoints stay,
    /// and nothing more is sent until `Signed`.
    SignatureRefused(u32),
    /// The page gave a new signature.
    Signed,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Answer {
    /// The `Send::Fetch` it answers: a late answer to a request abandoned or wiped is ignored.
    pub request: u32,
    /// The HTTP status; `None`: the request failed (network error, refused, aborted).
    pub status: Option<u16>,
    /// The wait asked for with `Retry-After`.
    pub retry_after: Option<Millis>,
}

/// What to do, in this order: log what was dropped (first, so that no crash makes a drop
/// silent), save, remove, abort, send, log a failure, arm `timer`.
#[must_use = "a step's writes and request are lost unless carried out"]
#[derive(Debug, Default, PartialEq)]
pub struct Step {
    /// This tab's outbox is to be stored now, as `Delivery::outbox` gives it.
    pub save: bool,
    /// Other tabs' outboxes to remove, once `save` is written (so a crash between duplicates
    /// their datapoints and never loses them).
    pub remove: Vec<String>,
    /// Abandon the request in flight: no answer came in time.
    pub abort: bool,
    pub send: Option<Send>,
    /// When to be woken with `Input::Timer` (replacing any timer armed before); `None`: never.
    pub timer: Option<Millis>,
    /// How many of the oldest datapoints were dropped to keep the outbox within its bounds: to
    /// be logged.
    pub dropped: usize,
    /// How many datapoints of a batch the endpoint refused (a 4xx other than 408 and 429: it will
    /// never take them) were dropped: to be logged.
    pub refused: usize,
    /// A request failed and will be tried again at `timer`: to be logged.
    pub failed: bool,
    /// Flush callbacks to call, by number, with whether everything that waited when each flush
    /// was asked for has been delivered (`false`: a request failed, or datapoints were refused or
    /// dropped; what remains stays for a later flush).
    pub settled: Vec<(u32, bool)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Send {
    /// A `fetch` whose answer is to come back as `Input::Answer` with this `request`.
    Fetch { request: u32, events: Vec<Datapoint> },
    /// A `navigator.sendBeacon`: no answer, the datapoints stay in the outbox.
    Beacon(Vec<Datapoint>),
}

/// A flush callback, with the datapoints that waited when it was asked for and are not delivered
/// yet.
#[derive(Debug)]
struct Waiter {
    callback: u32,
    waiting: Vec<Datapoint>,
}

#[derive(Debug)]
struct InFlight {
    request: u32,
    events: Vec<Datapoint>,
    deadline: Millis,
}

/// One tab's delivery.
///
/// Contract: every input goes through `handle(now, input)`, which returns the `Step` to carry out
/// at once and in full, in the order its fields say. `now` is Unix ms (`Date.now()`); time only
/// moves forward inside the machine: a reading earlier than the last is a clock change, and every
/// pending wait keeps the length it had left. The adapter arms one timer, for `Step::timer`
/// measured from the `now` it passed, and feeds `Input::Timer` when it goes off; an early or
/// late timer is harmless. `Input::Timer` and `Input::Flush` carry the other tabs' outboxes as
/// storage holds them then; nothing else is read. The machine keeps this tab's outbox in memory
/// (no other tab writes it) and says when to write it.
#[derive(Debug)]
pub struct Delivery {
    /// This tab's outbox's storage name.
    name: String,
    /// The flush interval: the first backoff step, and a third of the silence after which an
    /// outbox is taken for orphaned.
    interval: Millis,
    events: Vec<Datapoint>,
    /// The sessions whose start this tab queued (and when) and has not sent, by beacon or
    /// fetch, nor let another tab take: within `WITHDRAW_WINDOW` they can still be withdrawn.
    fresh: Vec<(Uuid, Millis)>,
    /// The page was left (pagehide) and has not come back.
    left: bool,
    in_flight: Option<InFlight>,
    requests: u32,
    backoff: Backoff,
    /// No scheduled request before this (backoff, `Retry-After`).
    not_before: Millis,
    /// A request is wanted from this instant.
    due: Option<Millis>,
    now: Millis,
    /// State of the jitter's generator.
    random: u64,
    waiters: Vec<Waiter>,
    /// SDK authentication (`require_signatures`): requests carry one user's signature, so each
    /// holds one named user's datapoints, and no beacon (which cannot carry it) is sent.
    signed: bool,
    /// A signature was refused: nothing is sent until a new one is given (or a flush is asked).
    held: bool,
}

impl Delivery {
    /// `name`: this tab's outbox in storage; `seed`: entropy for the backoff's jitter.
    pub fn new(name: String, interval: Millis, seed: u64) -> Delivery {
        Delivery {
            name,
            interval,
            events: Vec::new(),
            fresh: Vec::new(),
            left: false,
            in_flight: None,
            requests: 0,
            backoff: Backoff::default(),
            not_before: 0,
            due: None,
            now: 0,
            random: seed,
            waiters: Vec::new(),
            signed: false,
            held: false,
        }
    }

    /// SDK authentication is on: see `signed`.
    pub fn require_signatures(&mut self) {
        self.signed = true;
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// This tab's outbox as it is to be stored: its JSON record, or `None` when it is empty and
    /// is to be removed.
    pub fn outbox(&self) -> Option<String> {
        (!self.events.is_empty()).then(|| OutboxRecord::write(&self.events, self.now, self.left))
    }

    pub fn handle(&mut self, now: Millis, input: Input) -> Step {
        self.advance(now);
        let now = self.now;
        let mut step = Step::default();
        match input {
            Input::Queue(more) => {
                for dp in &more {
                    if dp.is_start() {
                        self.fresh.push((dp.session_id, now));
                    }
                }
                self.add(more, &mut step);
                self.save(&mut step);
                self.want(now + FLUSH_SOON);
            }
            Input::LeftBehind => self.want(now + FLUSH_SOON),
            Input::Timer(theirs) => {
                if self.in_flight.as_ref().is_some_and(|r| now >= r.deadline) {
                    step.abort = true;
                    self.in_flight = None;
                    self.failed(None, &mut step);
                }
                if !self.held && self.due.is_some_and(|due| now >= due.max(self.not_before)) {
                    self.post(theirs, &mut step);
                }
            }
            Input::Flush(theirs, callback) => {
                // Asked for: tried even with the signature that was refused.
                self.held = false;
                self.due = Some(now);
                self.post(theirs, &mut step);
                if let Some(callback) = callback {
                    self.waiters.push(Waiter { callback, waiting: self.events.clone() });
                    settle(&mut self.waiters, &mut step, &|_| None);
                }
            }
            Input::Hidden | Input::Left => {
                if matches!(input, Input::Left) {
                    // Other tabs may take the outbox over now.
                    self.left = true;
                    self.fresh.clear();
                }
                self.save(&mut step);
                // Signed datapoints wait in the outbox for the next page rather than go unsigned.
                if !self.events.is_empty() && !self.signed {
                    step.send = Some(Send::Beacon(self.batch()));
                }
            }
            Input::Shown => {
                if self.left {
                    self.left = false;
                    self.save(&mut step);
                }
            }
            Input::Answer(answer) => self.answered(answer, &mut step),
            Input::Withdraw(sessions) => {
                for session in sessions {
                    if self.fresh.iter().any(|(s, at)| *s == session && now.saturating_sub(*at) < WITHDRAW_WINDOW) {
                        self.fresh.retain(|(s, _)| *s != session);
                        self.events.retain(|dp| dp.session_id != session);
                        self.save(&mut step);
                        // Withdrawn on purpose: no longer waited for.
                        for w in &mut self.waiters {
                            w.waiting.retain(|dp| dp.session_id != session);
                        }
                    }
                }
                settle(&mut self.waiters, &mut step, &|_| None);
            }
            Input::Wipe(names) => {
                // The request counter goes on: a late answer to a wiped request is not taken for
                // the answer to a new one.
                self.events.clear();
                self.fresh.clear();
                self.left = false;
                self.in_flight = None;
                self.backoff.succeeded();
                self.not_before = 0;
                self.due = None;
                self.save(&mut step);
                step.remove = names;
                settle(&mut self.waiters, &mut step, &|_| Some(false));
            }
            Input::SignatureRefused(request) => {
                if self.in_flight.take_if(|r| r.request == request).is_some() {
                    self.held = true;
                    settle(&mut self.waiters, &mut step, &|_| Some(false));
                }
            }
            Input::Signed => {
                if self.held {
                    self.held = false;
                    self.want(now);
                }
            }
        }
        step.timer = match &self.in_flight {
            Some(request) => Some(request.deadline),
            None if self.held => None,
            None => self.due.map(|due| due.max(self.not_before)),
        };
        step
    }

    /// Takes in the time: a reading before the last one moves every pending instant back with it.
    fn advance(&mut self, now: Millis) {
        let back = self.now.saturating_sub(now);
        if back > 0 {
            self.not_before = self.not_before.saturating_sub(back);
            self.due = self.due.map(|due| due.saturating_sub(back));
            if let Some(request) = &mut self.in_flight {
                request.deadline = request.deadline.saturating_sub(back);
            }
        }
        self.now = now;
    }

    fn want(&mut self, at: Millis) {
        self.due = Some(self.due.map_or(at, |due| due.min(at)));
    }

    fn add(&mut self, more: Vec<Datapoint>, step: &mut Step) {
        let dropped = outbox::add(&mut self.events, more);
        step.dropped += dropped;
        if dropped > 0 {
            self.settle_lost(step);
        }
    }

    /// Calls back with `false` the flushes some of whose datapoints left the outbox undelivered
    /// (dropped or refused): what a flush waits for is always in the outbox until then.
    fn settle_lost(&mut self, step: &mut Step) {
        let events = &self.events;
        settle(&mut self.waiters, step, &|w| w.waiting.iter().any(|dp| !outbox::holds(events, dp)).then_some(false));
    }

    fn save(&self, step: &mut Step) {
        step.save = true;
    }

    /// The oldest waiting datapoints, as many as one request carries: from now on they may
    /// reach the endpoint.
    fn batch(&mut self) -> Vec<Datapoint> {
        let mut len = outbox::batch_len(&self.events);
        if self.signed {
            // Up to the first datapoint of another named user than the first one's.
            let events = &self.events[..len];
            if let Some(user) = events.iter().find_map(|dp| dp.user_id.as_ref()) {
                len = events.iter().position(|dp| dp.user_id.as_ref().is_some_and(|u| u != user)).unwrap_or(len);
            }
        }
        let batch = self.events[..len].to_vec();
        self.fresh.retain(|(s, _)| !batch.iter().any(|dp| dp.session_id == *s));
        batch
    }

    /// Takes over the outboxes of tabs that are gone, then sends a request unless one is in flight
    /// (its answer decides what follows). An outbox of another tab not yet orphaned is looked at
    /// again when it would be: a tab that crashed leaves no other reminder.
    fn post(&mut self, theirs: Vec<Theirs>, step: &mut Step) {
        let mut again = None;
        for outbox in theirs {
            let at = orphaned_at(outbox.record.seen, outbox.record.left, self.interval);
            if outbox.name == self.name || outbox.record.events.is_empty() {
                continue;
            } else if self.now >= at {
                self.add(outbox.record.events, step);
                step.remove.push(outbox.name);
            } else {
                again = Some(again.map_or(at, |again: Millis| again.min(at)));
            }
        }
        if !step.remove.is_empty() {
            self.save(step);
        }
        if self.in_flight.is_some() {
            return;
        }
        self.due = again;
        if self.events.is_empty() {
            return;
        }
        // A written outbox tells other tabs this one is alive.
        self.save(step);
        let events = self.batch();
        self.requests = self.requests.wrapping_add(1);
        step.send = Some(Send::Fetch { request: self.requests, events: events.clone() });
        self.in_flight = Some(InFlight { request: self.requests, events, deadline: self.now.saturating_add(REQUEST_TIMEOUT) });
    }

    fn answered(&mut self, answer: Answer, step: &mut Step) {
        let Some(request) = self.in_flight.take_if(|r| r.request == answer.request) else { return };
        match classify(answer.status) {
            Outcome::Retry => self.failed(answer.retry_after, step),
            outcome => {
                if outcome == Outcome::Rejected {
                    step.refused = request.events.len();
                } else {
                    for w in &mut self.waiters {
                        outbox::remove(&mut w.waiting, &request.events);
                    }
                }
                self.backoff.succeeded();
                self.not_before = 0;
                outbox::remove(&mut self.events, &request.events);
                // Delivered, they no longer wait; refused, they left the outbox undelivered.
                self.settle_lost(step);
                self.save(step);
                if !self.events.is_empty() {
                    self.want(self.now);
                }
            }
        }
    }

    /// The request in flight failed: try again after the backoff.
    fn failed(&mut self, retry_after: Option<Millis>, step: &mut Step) {
        let jitter = self.jitter();
        self.not_before = self.backoff.failed(self.now, self.interval, retry_after, jitter);
        self.want(self.now);
        step.failed = true;
        settle(&mut self.waiters, step, &|_| Some(false));
    }

    /// A number in [0, 1) from splitmix64: the machine stays deterministic for a given seed.
    fn jitter(&mut self) -> f64 {
        self.random = self.random.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.random;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Calls back the flushes that `outcome` decides, and those with nothing left to wait for. (`dyn`:
/// one copy in the wasm for all its callers.)
fn settle(waiters: &mut Vec<Waiter>, step: &mut Step, outcome: &dyn Fn(&Waiter) -> Option<bool>) {
    waiters.retain(|w| match outcome(w).or(w.waiting.is_empty().then_some(true)) {
        Some(ok) => {
            step.settled.push((w.callback, ok));
            false
        }
        None => true,
    });
}
