//! One initialized SDK: the engine wired to storage, timers, the page and the transport. It lives
//! in a static cell, and every entry point (façade call, timer, page event, response) reaches it
//! as a `Call` through `call`, which tells subscribers about session changes once the cell is
//! released, so a subscriber or logger that calls back into `appboy` finds the SDK free. (One
//! enum rather than a closure per caller: the wasm carries one dispatch instead of a dozen shims.)

use super::lifecycle::{Lifecycle, PageEvent};
use super::options::Options;
use super::storage::{self, Storage};
use super::timers::Timer;
use super::{browser, clock, decode, log, random, transport, Local};
use crate::engine::{decode_state, encode_state, Engine, Input, Millis, Output, State, StateRecord, Uuid, PERSIST_GRANULARITY};
use crate::stored::{DeviceRecord, OutboxRecord};
use crate::json;
use crate::wire::{self, merge_events, Batch, Event};
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::RefCell;
use wasm_bindgen::JsValue;

const SESSION: &str = "session";
const DEVICE: &str = "device";
const OUTBOX: &str = "outbox";
/// A flush follows new datapoints by this much, so that tabs racing to emit the same datapoint
/// find it already in the outbox.
const FLUSH_SOON: Millis = 1_000;
/// Interaction counts as activity at most this often.
const INTERACTION_THROTTLE: Millis = 1_000;
const MAX_BATCH: usize = 100;

static SDK: Local<RefCell<Option<Sdk>>> = Local(RefCell::new(None));

pub struct Sdk {
    api_key: String,
    engine: Engine,
    store: Storage,
    device_id: Uuid,
    data_url: String,
    flush_interval: Millis,
    in_flight: bool,
    session_timer: Option<Timer>,
    flush_timer: Option<Timer>,
    _lifecycle: Lifecycle,
    subscribers: Vec<(String, js_sys::Function)>,
    subscriptions_made: u32,
    /// The session as subscribers last heard of it: (id, start, last activity).
    notified: Option<(Uuid, Millis, Millis)>,
}

pub enum Call<'a> {
    Open,
    ChangeUser(&'a str),
    Flush,
    DeviceId,
    UserId,
    SessionId,
    Subscribe(js_sys::Function),
    Unsubscribe(&'a str),
    Wipe,
    SessionTimer,
    FlushTimer,
    Page(PageEvent),
    Sent(Vec<Event>, Option<u16>),
}

/// Why a call found no SDK to run on.
pub enum Unavailable {
    NotInitialized,
    /// Called from a logger or subscriber while the SDK was running.
    Busy,
}

pub fn is_initialized() -> bool {
    SDK.0.try_borrow().map_or(true, |sdk| sdk.is_some())
}

/// Runs `call` on the SDK; its answer is an id for the calls that ask for one.
pub fn call(call: Call) -> Result<Option<String>, Unavailable> {
    let (answer, update) = {
        let Ok(mut slot) = SDK.0.try_borrow_mut() else { return Err(Unavailable::Busy) };
        let sdk = slot.as_mut().ok_or(Unavailable::NotInitialized)?;
        let answer = sdk.run(call);
        (answer, sdk.session_update())
    };
    if let Some((subscribers, view)) = update {
        for subscriber in subscribers {
            browser::call(&subscriber, &view);
        }
    }
    Ok(answer)
}

/// Creates the SDK; `false` if one already exists.
pub fn install(api_key: String, options: &JsValue) -> bool {
    let Ok(mut slot) = SDK.0.try_borrow_mut() else { return false };
    if slot.is_some() {
        return false;
    }
    *slot = Some(Sdk::new(api_key, Options::read(options)));
    true
}

/// Drops the SDK: its timers are cancelled and its listeners removed.
pub fn uninstall() -> bool {
    let sdk = SDK.0.try_borrow_mut().ok().and_then(|mut slot| slot.take());
    sdk.is_some()
}

impl Sdk {
    fn new(api_key: String, options: Options) -> Sdk {
        let store = Storage::open(&api_key);
        let device_id = load_device(&store);
        let data_url = wire::data_url(options.base_url.as_deref(), &browser::origin());
        let mut sdk = Sdk {
            engine: Engine::new(options.timeout, random::bytes()),
            api_key,
            store,
            device_id,
            data_url,
            flush_interval: options.flush_interval,
            in_flight: false,
            session_timer: None,
            flush_timer: None,
            _lifecycle: Lifecycle::attach(on_page_event, INTERACTION_THROTTLE),
            subscribers: Vec::new(),
            subscriptions_made: 0,
            notified: None,
        };
        sdk.sync();
        if !sdk.outbox().is_empty() {
            // Left by an earlier page: send it soon.
            sdk.schedule_flush(clock::now() + FLUSH_SOON);
        }
        log::info(&["initialized; sending to ", &sdk.data_url]);
        sdk
    }

    fn run(&mut self, call: Call) -> Option<String> {
        match call {
            Call::Open => self.feed(Input::Open),
            Call::ChangeUser(user) => self.feed(Input::ChangeUser(user)),
            Call::Flush => {
                self.feed(Input::Activity);
                self.flush(false);
            }
            Call::DeviceId => return Some(self.device_id.to_hyphenated()),
            Call::UserId => return self.engine.state().user_id.clone(),
            Call::SessionId => return self.engine.session().map(|s| s.id.to_hyphenated()),
            Call::Subscribe(callback) => return Some(self.subscribe(callback)),
            Call::Unsubscribe(id) => return self.unsubscribe(id),
            Call::Wipe => self.wipe(),
            Call::SessionTimer => {
                self.session_timer = None;
                self.sync();
                self.feed(Input::TimerFired);
            }
            Call::FlushTimer => {
                self.flush_timer = None;
                self.flush(false);
            }
            Call::Page(event) => self.on_page_event(event),
            Call::Sent(batch, status) => self.sent(batch, status),
        }
        None
    }

    /// Hands an input to the engine and carries out what it answers.
    fn feed(&mut self, input: Input) {
        let now = clock::now();
        let out = self.engine.handle(now, input);
        self.apply(now, out);
    }

    fn apply(&mut self, now: Millis, out: Output) {
        if out.persist {
            self.store.set(SESSION, &encode_state(self.engine.state()).to_json());
        }
        if !out.datapoints.is_empty() {
            let mut events = self.outbox();
            merge_events(&mut events, out.datapoints.iter().map(Event::from));
            self.save_outbox(events);
            self.schedule_flush(now + FLUSH_SOON);
        }
        match out.timer {
            None => self.session_timer = None,
            // A timer that fires early is harmless (the engine asks again), so an armed one
            // is kept rather than re-armed on every activity.
            Some(at) if self.session_timer.as_ref().is_some_and(|t| t.at <= at) => {}
            Some(at) => self.session_timer = Some(Timer::at(at, now, || drop(call(Call::SessionTimer)))),
        }
    }

    /// Takes in what storage holds now (another tab may have moved on).
    fn sync(&mut self) {
        if let Some(state) = self.stored_state() {
            self.feed(Input::Restore(state));
        }
    }

    fn stored_state(&self) -> Option<State> {
        let record = self.store.load(SESSION, decode::state_record)?;
        self.decode(record)
    }

    fn decode(&self, record: StateRecord) -> Option<State> {
        match decode_state(record) {
            Ok(state) => Some(state),
            Err(why) => {
                self.store.discard(SESSION, why.reason());
                None
            }
        }
    }

    fn on_page_event(&mut self, event: PageEvent) {
        match event {
            PageEvent::Hidden => {
                self.feed(Input::Hidden);
                self.flush(true);
            }
            PageEvent::Shown => {
                self.sync();
                self.feed(Input::Shown);
            }
            PageEvent::Interaction => self.feed(Input::Activity),
            PageEvent::Storage { key, value } => {
                if self.store.name_of(&key) != Some(SESSION) {
                    return;
                }
                let state = value.and_then(|v| storage::parse(&v, decode::state_record)).and_then(|r| self.decode(r));
                if let Some(state) = state {
                    self.feed(Input::Restore(state));
                }
            }
        }
    }

    // The outbox. Every datapoint is written here before it is sent, and leaves only after a 2xx.

    fn outbox(&self) -> Vec<Event> {
        let record = self.store.load(OUTBOX, decode::outbox_record);
        match record.map(OutboxRecord::valid_events) {
            Some(Some(events)) => events,
            Some(None) => {
                self.store.discard(OUTBOX, "not an outbox of this version");
                Vec::new()
            }
            None => Vec::new(),
        }
    }

    fn save_outbox(&self, events: Vec<Event>) {
        if events.is_empty() {
            self.store.remove(OUTBOX);
        } else {
            self.store.set(OUTBOX, &OutboxRecord::new(events).to_json());
        }
    }

    fn schedule_flush(&mut self, at: Millis) {
        if self.flush_timer.as_ref().is_some_and(|t| t.at <= at) {
            return;
        }
        self.flush_timer = Some(Timer::at(at, clock::now(), || drop(call(Call::FlushTimer))));
    }

    /// Sends the oldest waiting datapoints; with `leaving`, by beacon.
    fn flush(&mut self, leaving: bool) {
        let events = self.outbox();
        if events.is_empty() || (self.in_flight && !leaving) {
            return;
        }
        let batch: Vec<Event> = events.into_iter().take(MAX_BATCH).collect();
        let user_id = self.engine.state().user_id.clone();
        let device_id = self.device_id.to_hyphenated();
        let body = Batch { api_key: &self.api_key, time: clock::now(), device_id: &device_id, user_id: user_id.as_deref(), events: &batch }.to_json();
        if leaving {
            // No answer comes back: the datapoints stay in the outbox, and a later flush sends
            // them again; the endpoint keeps one of each.
            transport::beacon(&self.data_url, &body);
            return;
        }
        self.in_flight = true;
        transport::post(&self.data_url, &body, move |status| drop(call(Call::Sent(batch, status))));
    }

    fn sent(&mut self, batch: Vec<Event>, status: Option<u16>) {
        self.in_flight = false;
        let delivered = matches!(status, Some(200..=299));
        let retry = matches!(status, None | Some(408 | 429 | 500..=599));
        if retry {
            log::warn(&["sending failed; will retry"]);
            self.schedule_flush(clock::now() + self.flush_interval);
            return;
        }
        if !delivered {
            log::error(&["the endpoint refused a batch; dropping it"]);
        }
        let mut events = self.outbox();
        events.retain(|e| !batch.iter().any(|b| b.same_datapoint(e)));
        let more = !events.is_empty();
        self.save_outbox(events);
        if more {
            self.schedule_flush(clock::now());
        }
    }

    // Subscriptions to session changes.

    fn subscribe(&mut self, callback: js_sys::Function) -> String {
        self.subscriptions_made += 1;
        let id = decimal(self.subscriptions_made);
        self.subscribers.push((id.clone(), callback));
        id
    }

    /// The id, if there was such a subscription.
    fn unsubscribe(&mut self, id: &str) -> Option<String> {
        let at = self.subscribers.iter().position(|(sid, _)| sid == id)?;
        Some(self.subscribers.remove(at).0)
    }

    /// The subscribers and what to give them, when the session changed since they last heard.
    fn session_update(&mut self) -> Option<(Vec<js_sys::Function>, JsValue)> {
        let session = self.engine.session().map(|s| (s.id, s.started_at, s.last_activity));
        // Activity alone is news once a second, like its persistence: a subscriber that calls
        // back into the SDK cannot recurse, and scrolling does not flood subscribers.
        let news = match (session, self.notified) {
            (Some((id, start, last)), Some((was_id, was_start, was_last))) => {
                id != was_id || start != was_start || last >= was_last + PERSIST_GRANULARITY
            }
            (now, was) => now != was,
        };
        if !news {
            return None;
        }
        self.notified = session;
        if self.subscribers.is_empty() {
            return None;
        }
        // `{id, startedAt, lastActivityAt, expiresAt}` in Unix ms, or `null` when no session is open.
        let view = match session {
            Some((id, start, last)) => {
                let text = json::object(|o| {
                    o.str("id", &id.to_hyphenated())
                        .uint("startedAt", start)
                        .uint("lastActivityAt", last)
                        .uint("expiresAt", last.saturating_add(self.engine.timeout()));
                });
                js_sys::JSON::parse(&text).unwrap_or(JsValue::NULL)
            }
            None => JsValue::NULL,
        };
        Some((self.subscribers.iter().map(|(_, f)| f.clone()).collect(), view))
    }

    /// Forgets everything stored for this API key and starts afresh (a new device id, no user,
    /// no session until `openSession`).
    fn wipe(&mut self) {
        for name in [SESSION, DEVICE, OUTBOX] {
            self.store.remove(name);
        }
        self.engine = Engine::new(self.engine.timeout(), random::bytes());
        self.session_timer = None;
        self.flush_timer = None;
        self.device_id = load_device(&self.store);
    }
}

fn on_page_event(event: PageEvent) {
    let _ = call(Call::Page(event));
}

fn load_device(store: &Storage) -> Uuid {
    let stored = store.load(DEVICE, decode::device_record);
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

/// `n` in decimal, without `core::fmt`.
fn decimal(mut n: u32) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().map(|&d| d as char).collect()
}
