//! One initialized SDK: the engine wired to storage, timers, the page and the transport. It lives
//! in a static cell, and every entry point (façade call, timer, page event, response) reaches it
//! as a `Call` through `call`, which tells subscribers about session changes once the cell is
//! released, so a subscriber or logger that calls back into `appboy` finds the SDK free. (One
//! enum rather than a closure per caller: the wasm carries one dispatch instead of a dozen shims.)

use super::courier::{Courier, Flush, Sender, FLUSH_SOON};
use super::lifecycle::{Lifecycle, Report};
use super::options::Options;
use super::storage::{self, Storage};
use super::timers::{Timer, TimerId};
use super::log::{self, Message};
use super::{browser, clock, decode, random, Local};
use crate::engine::{decode_state, encode_state, Engine, Input, Millis, Output, State, StateRecord, Uuid, PERSIST_GRANULARITY};
use crate::stored::DeviceRecord;
use crate::wire::{self, Event};
use alloc::string::String;
use core::cell::RefCell;
use wasm_bindgen::JsValue;

const SESSION: &str = "session";
const DEVICE: &str = "device";
/// Interaction counts as activity at most this often.
const INTERACTION_THROTTLE: Millis = 1_000;

static SDK: Local<RefCell<Option<Sdk>>> = Local(RefCell::new(None));

pub struct Sdk {
    api_key: String,
    engine: Engine,
    store: Storage,
    device_id: Uuid,
    courier: Courier,
    session_timer: Option<Timer>,
    _lifecycle: Lifecycle,
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
    Subscribe(JsValue),
    Unsubscribe(&'a str),
    Wipe,
    Report(Report),
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
    // The subscribers (kept by browser.js) hear of the open session, in Unix ms, or of none.
    match update {
        Some(Some((id, start, last, expires))) => browser::notify(&id.to_hyphenated(), start as f64, last as f64, expires as f64),
        Some(None) => browser::notify("", 0.0, 0.0, 0.0),
        None => {}
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
    if sdk.is_some() {
        browser::unsubscribe_all();
    }
    sdk.is_some()
}

impl Sdk {
    fn new(api_key: String, options: Options) -> Sdk {
        let store = Storage::open(&api_key);
        let device_id = load_device(&store);
        let url = wire::data_url(options.base_url.as_deref(), &browser::origin());
        let mut sdk = Sdk {
            engine: Engine::new(options.timeout, random::bytes()),
            api_key,
            store,
            device_id,
            courier: Courier::new(url, options.flush_interval),
            session_timer: None,
            _lifecycle: Lifecycle::attach(INTERACTION_THROTTLE),
            notified: None,
        };
        sdk.sync();
        // Datapoints left by earlier pages are taken over and sent soon.
        sdk.courier.schedule(clock::now() + FLUSH_SOON);
        log::say_with(Message::Initialized, sdk.courier.url(), "");
        sdk
    }

    fn run(&mut self, call: Call) -> Option<String> {
        match call {
            Call::Open => self.feed(Input::Open),
            Call::ChangeUser(user) => self.feed(Input::ChangeUser(user)),
            Call::Flush => {
                self.feed(Input::Activity);
                self.flush(Flush::Requested);
            }
            Call::DeviceId => return Some(self.device_id.to_hyphenated()),
            Call::UserId => return self.engine.state().user_id.clone(),
            Call::SessionId => return self.engine.session().map(|s| s.id.to_hyphenated()),
            Call::Subscribe(callback) => return Some(browser::subscribe(&callback)),
            Call::Unsubscribe(id) => return browser::unsubscribe(id).then(|| id.into()),
            Call::Wipe => self.wipe(),
            Call::Report(report) => self.on_report(report),
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
            self.courier.queue(&self.store, now, out.datapoints.iter().map(Event::from));
        }
        match out.timer {
            None => self.session_timer = None,
            // A timer that fires early is harmless (the engine asks again), so an armed one
            // is kept rather than re-armed on every activity.
            Some(at) if self.session_timer.as_ref().is_some_and(|t| t.at <= at) => {}
            Some(at) => self.session_timer = Some(Timer::at(at, now, TimerId::Session)),
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

    fn flush(&mut self, how: Flush) {
        let device_id = self.device_id.to_hyphenated();
        let sender = Sender { api_key: &self.api_key, device_id: &device_id, user_id: self.engine.state().user_id.as_deref() };
        self.courier.flush(&self.store, &sender, clock::now(), how);
    }

    fn on_report(&mut self, report: Report) {
        match report {
            Report::Timer(TimerId::Session) => {
                self.session_timer = None;
                self.sync();
                self.feed(Input::TimerFired);
            }
            Report::Timer(TimerId::Flush) => {
                self.courier.timer = None;
                self.flush(Flush::Due);
            }
            Report::Answer { status, retry_after } => self.courier.answered(&self.store, clock::now(), status, retry_after),
            Report::Hidden => {
                self.feed(Input::Hidden);
                self.flush(Flush::Hiding);
            }
            Report::Left => {
                self.feed(Input::Hidden);
                self.flush(Flush::Leaving);
            }
            Report::Shown => {
                self.sync();
                self.courier.returned(&self.store, clock::now());
                self.feed(Input::Shown);
            }
            Report::Interaction => self.feed(Input::Activity),
            Report::Storage { key, value } => match self.store.name_of(&key) {
                Some(SESSION) => {
                    let state = value.and_then(|v| storage::parse(&v, decode::state_record)).and_then(|r| self.decode(r));
                    if let Some(state) = state {
                        self.feed(Input::Restore(state));
                    }
                }
                // Another tab left datapoints behind: take them over and send them.
                Some(name) if Courier::left_behind(name, value.as_deref()) => self.courier.schedule(clock::now() + FLUSH_SOON),
                _ => {}
            },
        }
    }

    // Subscriptions to session changes.

    /// The session (id, start, last activity, expiry) or none, when it changed since the
    /// subscribers last heard.
    fn session_update(&mut self) -> Option<Option<(Uuid, Millis, Millis, Millis)>> {
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
        Some(session.map(|(id, start, last)| (id, start, last, last.saturating_add(self.engine.timeout()))))
    }

    /// Forgets everything stored for this API key and starts afresh (a new device id, no user,
    /// no session until `openSession`).
    fn wipe(&mut self) {
        for name in [SESSION, DEVICE] {
            self.store.remove(name);
        }
        self.courier.wipe(&self.store);
        self.engine = Engine::new(self.engine.timeout(), random::bytes());
        self.session_timer = None;
        self.device_id = load_device(&self.store);
    }
}

/// Takes what browser.js reports (`lifecycle::report`); with no SDK running, nothing.
pub fn report(report: Report) {
    let _ = call(Call::Report(report));
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
