//! One initialized SDK: the engine (`tracker`) and delivery (`courier`) wired to storage, the page
//! and the subscribers. It routes each façade call and each report from the page to them.

use super::cookie::SharedCookie;
use super::courier::Courier;
use super::lifecycle::{Lifecycle, Report};
use super::log::{self, Message};
use super::options::Options;
use super::storage::Storage;
use super::subscribers::{Heard, Update};
use super::timers::TimerId;
use super::tracker::Tracker;
use super::{browser, clock, device, random};
use crate::delivery::Input as Delivery;
use crate::engine::{Input, Millis, Output, State};
use crate::stored::{OutboxRecord, DEVICE, SESSION};
use crate::wire::{self, Sender};
use alloc::string::String;
use wasm_bindgen::JsValue;

/// Interaction counts as activity at most this often.
const INTERACTION_THROTTLE: Millis = 1_000;

pub struct Sdk {
    api_key: String,
    tracker: Tracker,
    store: Storage,
    /// Hyphenated, as the wire and `getDeviceId()` give it.
    device_id: String,
    courier: Courier,
    /// The page's listeners; `None` once `disableSDK()` stopped the recording.
    lifecycle: Option<Lifecycle>,
    heard: Heard,
    /// The cookie the site's subdomains share, unless `noCookies`.
    cookie: Option<SharedCookie>,
}

pub enum Call<'a> {
    Open,
    /// With the new user's signature, if given (SDK authentication).
    ChangeUser(&'a str, Option<String>),
    /// `setSdkAuthenticationSignature`: the current user's.
    Signature(String),
    /// With the callback's number, if any.
    Flush(Option<u32>),
    DeviceId,
    UserId,
    SessionId,
    /// To session updates, or (`true`) to SDK-authentication failures.
    Subscribe(JsValue, bool),
    Unsubscribe(&'a str),
    Wipe,
    /// `disableSDK()`.
    Disable,
    Report(Report),
}

impl Sdk {
    pub fn new(api_key: String, options: Options) -> Sdk {
        let store = Storage::open(&api_key);
        let url = wire::data_url(options.base_url.as_deref(), &browser::origin());
        let mut cookie = (!options.no_cookies).then(|| SharedCookie::open(&api_key));
        let device = device::load(&store, cookie.as_ref().and_then(|c| c.read(&State::default())).map(|shared| shared.device));
        if let Some(cookie) = &mut cookie {
            cookie.set_device(device);
        }
        let mut sdk = Sdk {
            tracker: Tracker::new(options.timeout, random::bytes()),
            api_key,
            device_id: device.to_hyphenated(),
            cookie,
            store,
            courier: Courier::new(url, options.flush_interval, options.signed),
            lifecycle: Some(Lifecycle::attach(INTERACTION_THROTTLE)),
            heard: Heard::default(),
        };
        sdk.sync();
        // Datapoints left by earlier pages are taken over and sent soon.
        sdk.deliver(Delivery::LeftBehind);
        log::say_with(Message::Initialized, sdk.courier.url(), "");
        sdk
    }

    /// `disableSDK()` stopped it: nothing more is recorded (the page's calls are refused before
    /// they reach it, no page event or session timer comes), and what was recorded before goes on
    /// being delivered.
    pub fn is_disabled(&self) -> bool {
        self.lifecycle.is_none()
    }

    pub fn run(&mut self, call: Call) -> Option<String> {
        match call {
            Call::Open => self.feed(Input::Open),
            Call::ChangeUser(user, signature) => {
                if let Some(signature) = signature {
                    self.courier.sign(user, &signature);
                }
                self.feed(Input::ChangeUser(user));
            }
            Call::Signature(signature) => {
                // Anonymous datapoints need none.
                if let Some(user) = &self.tracker.engine.state().user_id {
                    self.courier.sign(user, &signature);
                    self.deliver(Delivery::Signed);
                }
            }
            Call::Flush(callback) => {
                self.feed(Input::Activity);
                let (store, sender) = (&self.store, sender(&self.api_key, &self.device_id, &self.tracker));
                self.courier.flush(store, &sender, clock::now(), callback);
            }
            Call::DeviceId => return Some(self.device_id.clone()),
            Call::UserId => return self.tracker.engine.state().user_id.clone(),
            Call::SessionId => return self.tracker.engine.session().map(|s| s.id.to_hyphenated()),
            Call::Subscribe(callback, auth) => return Some(browser::subscribe(&callback, auth)),
            Call::Unsubscribe(id) => return browser::unsubscribe(id).then(|| id.into()),
            Call::Wipe => self.wipe(),
            Call::Disable => {
                self.run(Call::Flush(None));
                self.lifecycle = None;
                self.tracker.stop();
            }
            Call::Report(report) => self.on_report(report),
        }
        None
    }

    /// The open session (or none), when subscribers have not heard of it yet.
    pub fn news(&mut self) -> Option<Option<Update>> {
        self.heard.news(&self.tracker.engine)
    }

    /// Hands an input to the engine; its datapoints go to the outbox before its state is stored.
    fn feed(&mut self, input: Input) {
        let now = clock::now();
        let Output { datapoints, persist, timer, rival } = self.tracker.engine.handle(now, input);
        if !datapoints.is_empty() {
            self.deliver(Delivery::Queue(datapoints));
        }
        if !rival.is_empty() {
            self.deliver(Delivery::Withdraw(rival));
        }
        self.tracker.settle(&self.store, now, persist, timer);
        if let Some(cookie) = self.cookie.as_mut().filter(|c| persist || c.held_back) {
            cookie.write(self.tracker.engine.state(), now);
        }
    }

    /// Takes in what storage holds now (another tab, or a tab on another subdomain of the site,
    /// may have moved on).
    fn sync(&mut self) {
        if let Some(input) = Tracker::stored(&self.store) {
            self.feed(input);
        }
        if let Some(shared) = self.cookie.as_ref().and_then(|c| c.read(self.tracker.engine.state())) {
            self.feed(Input::Restore(shared.state));
        }
    }

    fn deliver(&mut self, input: Delivery) {
        let sender = sender(&self.api_key, &self.device_id, &self.tracker);
        self.courier.handle(&self.store, &sender, clock::now(), input);
    }

    fn on_report(&mut self, report: Report) {
        match report {
            Report::Timer(TimerId::Session) => {
                self.tracker.timer_fired();
                self.sync();
                self.feed(Input::TimerFired);
            }
            Report::Timer(TimerId::Flush) => {
                let sender = sender(&self.api_key, &self.device_id, &self.tracker);
                self.courier.timer_fired(&self.store, &sender, clock::now());
            }
            Report::Answer(answer) => self.deliver(Delivery::Answer(answer)),
            Report::SignatureRefused(request) => self.deliver(Delivery::SignatureRefused(request)),
            Report::Hidden => {
                self.feed(Input::Hidden);
                self.deliver(Delivery::Hidden);
            }
            Report::Left => {
                self.feed(Input::Hidden);
                self.deliver(Delivery::Left);
            }
            Report::Shown => {
                self.sync();
                self.deliver(Delivery::Shown);
                self.feed(Input::Shown);
            }
            Report::Interaction => self.feed(Input::Activity),
            Report::Storage { key, value } => match self.store.name_of(&key) {
                Some(SESSION) => {
                    if let Some(input) = value.as_deref().and_then(|v| Tracker::written(&self.store, v)) {
                        self.feed(input);
                    }
                }
                // Another tab left datapoints behind: take them over and send them.
                Some(name) if OutboxRecord::left_behind(name, value.as_deref()) => self.deliver(Delivery::LeftBehind),
                _ => {}
            },
        }
    }

    /// Forgets everything stored for this API key and starts afresh (a new device id, no user,
    /// no session until `openSession`).
    fn wipe(&mut self) {
        for name in [SESSION, DEVICE] {
            self.store.remove(name);
        }
        let sender = sender(&self.api_key, &self.device_id, &self.tracker);
        self.courier.wipe(&self.store, &sender, clock::now());
        self.tracker.reset(random::bytes());
        let device = device::load(&self.store, None);
        if let Some(cookie) = &mut self.cookie {
            cookie.remove();
            cookie.set_device(device);
        }
        self.device_id = device.to_hyphenated();
    }
}

/// The envelope of this SDK's batches. (A free function: it borrows the fields it needs while
/// the courier is borrowed mutably.)
fn sender<'a>(api_key: &'a str, device_id: &'a str, tracker: &'a Tracker) -> Sender<'a> {
    Sender { api_key, device_id, user_id: tracker.engine.state().user_id.as_deref() }
}
