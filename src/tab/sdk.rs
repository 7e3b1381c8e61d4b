//! One initialized SDK: the session engine and the delivery machine wired to storage, the shared
//! cookie, the page's events and its subscribers (docs/design.md sections 1, 3 and 5). Every
//! decision of a running SDK is here; `Tab` routes the façade's calls to it.

use super::answer::{self, Reported};
use super::cookie::SharedCookie;
use super::effects::Out;
use super::host::Host;
use super::options::Options;
use super::protocol::Message;
use super::subscribers::{Heard, Subscription, Update};
use crate::delivery::{Delivery, Input as Deliver, Send, Theirs};
use crate::engine::{Engine, Input, Millis, Output, Uuid};
use crate::json;
use crate::stored::{read_device, read_state, write_device, write_state, OutboxRecord, Value, DEVICE, OUTBOXES, SESSION};
use crate::wire::{data_url, Batch, Sender};
use alloc::string::String;
use alloc::vec::Vec;

/// Interaction counts as activity at most this often.
pub const INTERACTION_THROTTLE: Millis = 1_000;
/// `setTimeout` fires at once for delays past 2^31 - 1 ms: longer waits are cut to that, and the
/// machines ask again when the early timer fires.
const LONGEST_TIMER: Millis = 0x7fff_ffff;
/// How many users' signatures a page keeps (a page rarely has two).
const SIGNATURES: usize = 4;

pub struct Sdk {
    api_key: String,
    /// `appboy.<apiKey>.`: the localStorage keys of this API key start with it.
    prefix: String,
    url: String,
    device: Uuid,
    pub engine: Engine,
    pub delivery: Delivery,
    signed: bool,
    /// The page's signatures, by user, the newest last.
    signatures: Vec<(String, String)>,
    /// The last request sent: its number, and the signature it carried.
    last_request: (u32, Option<String>),
    cookie: Option<SharedCookie>,
    /// Recording: `false` once `disableSDK()` stopped it (delivery goes on).
    pub listening: bool,
    heard: Heard,
    pub subscriptions: Vec<Subscription>,
    /// Flush callbacks not called yet.
    waiting: Vec<u32>,
    /// When the engine and the delivery machine want to be woken, and the instant the one timer is
    /// armed for.
    engine_timer: Option<Millis>,
    delivery_timer: Option<Millis>,
    armed: Option<Millis>,
    last_interaction: Option<Millis>,
    /// Taking in the cookie as the page is hidden or left: its write is not held back.
    leaving: bool,
    /// Taking in storage and the cookie: the cookie is written after both.
    taking_in: bool,
    /// The sessions that lost to a rival in the last input (what the simulation watches).
    #[cfg(feature = "std")]
    pub rivals: Vec<Uuid>,
}

impl Sdk {
    pub fn new(now: Millis, api_key: String, options: Options, host: &impl Host, out: &mut Out) -> Sdk {
        let mut prefix = String::from("appboy.");
        prefix.push_str(&api_key);
        crate::ascii::push(&mut prefix, b'.');
        let mut cookie = (!options.no_cookies).then(|| SharedCookie::new(&api_key, options.cookie_days));
        let shared = cookie.as_mut().and_then(|c| c.read(host.cookie(&c.name), None)).map(|(device, _)| device);
        // The delivery machine knows its outbox by its storage key.
        let mut outbox = prefix.clone();
        outbox.push_str(OUTBOXES);
        Uuid::from_random(host.random()).push_to(&mut outbox);
        let seed = u64::from_le_bytes(host.random()[..8].try_into().unwrap_or_default());
        let mut delivery = Delivery::new(outbox, options.flush_interval, seed);
        if options.signed {
            delivery.require_signatures();
        }
        let mut sdk = Sdk {
            url: data_url(options.base_url.as_deref(), &host.origin()),
            api_key,
            prefix,
            device: Uuid::from_random([0; 16]),
            engine: Engine::new(options.timeout, host.random()),
            delivery,
            signed: options.signed,
            signatures: Vec::new(),
            last_request: (0, None),
            cookie,
            listening: true,
            heard: Heard::default(),
            subscriptions: Vec::new(),
            waiting: Vec::new(),
            engine_timer: None,
            delivery_timer: None,
            armed: None,
            last_interaction: None,
            leaving: false,
            taking_in: false,
            #[cfg(feature = "std")]
            rivals: Vec::new(),
        };
        // The device id the site gives, else the one its subdomains share, else the stored one,
        // else a new one.
        let stored = sdk.load(&sdk.key(DEVICE), host, out, read_device);
        sdk.device = options.device.or(shared).or(stored).unwrap_or_else(|| Uuid::from_random(host.random()));
        if stored != Some(sdk.device) {
            out.store_at(&sdk.prefix, DEVICE, &write_device(sdk.device));
        }
        out.listen(true);
        sdk.take_in(now, host, out);
        // Datapoints left by earlier pages are taken over and sent soon.
        sdk.deliver(now, Deliver::LeftBehind, out);
        out.say_with(Message::Initialized, &sdk.url, "");
        sdk
    }

    pub fn device_id(&self) -> String {
        self.device.to_hyphenated()
    }

    fn key(&self, name: &str) -> String {
        let mut key = self.prefix.clone();
        key.push_str(name);
        key
    }

    /// A record stored under `name`; one that cannot be trusted is logged, removed and taken as
    /// absent.
    fn load<T, V: Value>(
        &self,
        key: &str,
        host: &impl Host<Value = V>,
        out: &mut Out,
        read: fn(&V) -> Result<T, &'static str>,
    ) -> Option<T> {
        let text = host.get(key)?;
        self.trust(key, &text, host, out, read)
    }

    /// The record `text` stored under `key`, read, or discarded.
    fn trust<T, V: Value>(
        &self,
        key: &str,
        text: &str,
        host: &impl Host<Value = V>,
        out: &mut Out,
        read: fn(&V) -> Result<T, &'static str>,
    ) -> Option<T> {
        let record = read(&host.parse(text));
        if let Err(why) = record {
            self.discard(key, why, out);
        }
        record.ok()
    }

    /// A record that cannot be trusted is logged (by its name) and removed. (Not generic: one
    /// copy in the wasm for every kind of record.)
    fn discard(&self, key: &str, why: &str, out: &mut Out) {
        out.say_with(Message::Discarding, key.strip_prefix(self.prefix.as_str()).unwrap_or(key), why);
        out.remove(key);
    }

    /// Hands an input to the engine; its datapoints go to the outbox before its state is stored.
    /// Whether a session of this tab lost to a rival.
    pub fn feed(&mut self, now: Millis, input: Input, host: &impl Host, out: &mut Out) -> bool {
        // A page hidden or left may never act again: what it holds back goes now.
        let last_chance = matches!(input, Input::Hidden) || self.leaving;
        let Output { datapoints, persist, timer, rival } = self.engine.handle(now, input);
        if !datapoints.is_empty() {
            self.deliver(now, Deliver::Queue(datapoints), out);
        }
        let lost = !rival.is_empty();
        if lost {
            #[cfg(feature = "std")]
            self.rivals.extend_from_slice(&rival);
            self.deliver(now, Deliver::Withdraw(rival), out);
        }
        if persist {
            out.store_at(&self.prefix, SESSION, &write_state(self.engine.state()));
        }
        self.engine_timer = timer;
        if persist || self.cookie.as_ref().is_some_and(|c| c.held_back) {
            self.share(now, last_chance, host, out);
        }
        lost
    }

    /// Writes the shared cookie as the state calls for. What a tab on another subdomain wrote
    /// since this tab last read or wrote it is taken in first, so that no write loses what
    /// another tab knew.
    fn share(&mut self, now: Millis, now_or_never: bool, host: &impl Host, out: &mut Out) {
        let Some(cookie) = self.cookie.as_mut().filter(|_| !self.taking_in && self.listening) else { return };
        if cookie.hold(&self.device, self.engine.state(), now, now_or_never) {
            return;
        }
        let text = host.cookie(&cookie.name);
        if cookie.changed(text.as_deref()) {
            // Activity another tab wrote for this same session is taken in, and the write offered
            // again with it (at once, if the page is being left). Another session is left to the
            // next time this tab takes in storage: judging rivals from the cookie, which carries
            // no predecessors, would take a tab's own chain for a rival's. But a later session of
            // this tab's own chain (its successor, which this tab has not heard of yet) is not
            // written over: its activity would be lost.
            let ours = self.engine.state().session.as_ref().map(|s| (s.id, s.root, s.seq));
            let user = self.engine.state().user_id.clone();
            let Some((_, state)) = cookie.read(text, user.as_deref()) else { return self.write_cookie(now, out) };
            let theirs = state.session.as_ref().map(|s| (s.id, s.root, s.seq));
            if let (Some((_, root, seq)), Some((_, their_root, their_seq))) = (ours, theirs) {
                if root == their_root && their_seq > seq {
                    // Not taken in: read again before any write, or this tab, once it joins that
                    // session with older activity, would write it over the newer.
                    cookie.unread();
                    return;
                }
            }
            if theirs.map(|t| t.0) == ours.map(|o| o.0) {
                self.leaving = now_or_never;
                self.feed(now, Input::Restore(state), host, out);
                self.leaving = false;
            }
        }
        self.write_cookie(now, out);
    }

    fn write_cookie(&mut self, now: Millis, out: &mut Out) {
        let Some(cookie) = self.cookie.as_mut() else { return };
        if let Some(value) = cookie.offer(&self.device, self.engine.state()) {
            cookie.write(value, &self.device, self.engine.state(), now, out);
        }
    }

    /// Activity that may open a session: when this tab's session has expired, a tab on another
    /// subdomain may have ended it and opened its successor, which only the cookie tells (the
    /// tabs of this origin say so through `storage` events).
    fn before_activity(&mut self, now: Millis, host: &impl Host, out: &mut Out) {
        if self.engine.expires_at().map_or(true, |at| at <= now) && self.cookie_changed(host) {
            self.take_in(now, host, out);
        }
    }

    /// Whether another tab wrote the shared cookie since this tab last read or wrote it.
    fn cookie_changed(&self, host: &impl Host) -> bool {
        self.cookie.as_ref().is_some_and(|c| c.changed(host.cookie(&c.name).as_deref()))
    }

    /// Takes in what storage and the shared cookie hold now (another tab, or a tab on another
    /// subdomain of the site, may have moved on). The origin's session record is read with the
    /// cookie, always: the cookie's session has no predecessors, and a tab that knew only it could
    /// take its own chain for a rival's. Both are read before either is taken in: taking one in
    /// may write the other, and a read sees the browser as it was before this input's effects.
    fn take_in(&mut self, now: Millis, host: &impl Host, out: &mut Out) {
        let stored = self.load(&self.key(SESSION), host, out, read_session);
        let user = stored.as_ref().map_or(&self.engine.state().user_id, |s| &s.user_id).clone();
        let shared = self.cookie.as_mut().and_then(|c| c.read(host.cookie(&c.name), user.as_deref()));
        // The cookie is written once both are in: a write between would carry only the first.
        self.taking_in = true;
        if let Some(state) = stored {
            self.feed(now, Input::Restore(state), host, out);
        }
        if let Some((_, state)) = shared {
            self.feed(now, Input::Restore(state), host, out);
        }
        self.taking_in = false;
        self.share(now, self.leaving, host, out);
    }

    /// Takes in the origin's session record as storage holds it now. Not the cookie: its state,
    /// without predecessors, differs from the record's, and each tab hearing the other would write
    /// the record again.
    fn take_in_stored(&mut self, now: Millis, host: &impl Host, out: &mut Out) {
        if let Some(state) = self.load(&self.key(SESSION), host, out, read_session) {
            self.feed(now, Input::Restore(state), host, out);
        }
    }

    /// The other tabs' outboxes in storage (none when it lives in memory: there are no other
    /// tabs' to see); one that cannot be read is discarded. This tab's own is not read: the
    /// machine holds it.
    fn theirs(&self, host: &impl Host, out: &mut Out) -> Vec<Theirs> {
        let mut theirs = Vec::new();
        if !host.degraded() {
            for name in self.outboxes(host) {
                if name != self.delivery.name() {
                    if let Some(record) = self.load(&name, host, out, OutboxRecord::read) {
                        theirs.push(Theirs { name, record });
                    }
                }
            }
        }
        theirs
    }

    /// The storage keys of every outbox of this API key.
    fn outboxes(&self, host: &impl Host) -> Vec<String> {
        host.keys(&self.key(OUTBOXES))
    }

    /// Hands an input to the delivery machine and carries out its step, in the order `Step` gives.
    pub fn deliver(&mut self, now: Millis, input: Deliver, out: &mut Out) {
        // What a failure would come from: an answer's status, none (a network error), or, from
        // anything else, the request's deadline passing without an answer.
        let status = if let Deliver::Answer(answer) = &input { Some(answer.status) } else { None };
        let step = self.delivery.handle(now, input);
        if step.dropped > 0 {
            out.say_with(Message::OutboxFull, &json::number(step.dropped as u64), "");
        }
        if step.refused > 0 {
            out.say_with(Message::BatchRefused, &json::number(step.refused as u64), "");
        }
        if step.save {
            match self.delivery.outbox() {
                Some(record) => out.store(self.delivery.name(), &record),
                None => out.remove(self.delivery.name()),
            }
        }
        for key in &step.remove {
            out.remove(key);
        }
        if step.abort {
            out.abort();
        }
        // The envelope, made only when something is sent.
        let body = |events| {
            let sender = Sender { api_key: &self.api_key, device_id: &self.device, user_id: self.engine.state().user_id.as_deref() };
            Batch { sender: &sender, time: now, events }.to_json()
        };
        match &step.send {
            Some(Send::Fetch { request, events }) => {
                let request = *request;
                let body = body(events);
                // The machine puts one named user's datapoints in a signed request.
                let user = events.iter().find_map(|e| e.user_id.as_deref());
                let signature =
                    user.filter(|_| self.signed).and_then(|u| self.signatures.iter().find(|(s, _)| s == u)).map(|(_, s)| s.clone());
                let api_key = if self.signed { self.api_key.as_str() } else { "" };
                out.fetch(request, &self.url, &body, api_key, signature.as_deref().unwrap_or_default());
                self.last_request = (request, signature);
            }
            Some(Send::Beacon(events)) => {
                out.beacon(&self.url, &body(events));
            }
            None => {}
        }
        if step.failed {
            match status {
                Some(Some(status)) => out.say_with(Message::SendFailed, &self.url, &json::number(status.into())),
                Some(None) => out.say_with(Message::SendFailedNetwork, &self.url, ""),
                None => out.say_with(Message::SendFailedNoAnswer, &self.url, ""),
            }
        }
        for &(callback, ok) in &step.settled {
            self.waiting.retain(|w| *w != callback);
            out.call(callback, if ok { "true" } else { "false" }, true);
        }
        self.delivery_timer = step.timer;
    }

    /// `openSession()`.
    pub fn open(&mut self, now: Millis, host: &impl Host, out: &mut Out) {
        self.before_activity(now, host, out);
        self.feed(now, Input::Open, host, out);
    }

    /// `changeUser(user, signature?)`.
    pub fn change_user(&mut self, now: Millis, user: &str, signature: Option<&str>, host: &impl Host, out: &mut Out) {
        if let Some(signature) = signature {
            self.sign(user, signature);
        }
        // The cookie is not read first: judging rivals from it, which carries no predecessors,
        // took a tab's own chain for a rival's (docs/design.md section 3).
        self.feed(now, Input::ChangeUser(user), host, out);
    }

    /// `setSdkAuthenticationSignature(signature)`: the current user's; anonymous datapoints need none.
    pub fn signature(&mut self, now: Millis, signature: &str, out: &mut Out) {
        if let Some(user) = self.engine.state().user_id.clone() {
            self.sign(&user, signature);
            self.deliver(now, Deliver::Signed, out);
        }
    }

    /// Keeps `user`'s signature (ignored without SDK authentication).
    fn sign(&mut self, user: &str, signature: &str) {
        if self.signed {
            // The user's older signature goes, else the oldest when all places are taken.
            let old = self.signatures.iter().position(|(u, _)| u == user);
            if let Some(i) = old.or((self.signatures.len() == SIGNATURES).then_some(0)) {
                self.signatures.remove(i);
            }
            self.signatures.push((user.into(), signature.into()));
        }
    }

    /// `requestImmediateDataFlush(callback?)`, with the page's callback.
    /// Activity too, unless `disableSDK()` stopped the recording.
    pub fn flush(&mut self, now: Millis, callback: Option<u32>, host: &impl Host, out: &mut Out) {
        if self.listening {
            self.before_activity(now, host, out);
            self.feed(now, Input::Activity, host, out);
        }
        let theirs = self.theirs(host, out);
        self.waiting.extend(callback);
        self.deliver(now, Deliver::Flush(theirs, callback), out);
    }

    /// `disableSDK()`: what was recorded goes now; nothing more is recorded (the page's calls are
    /// refused before they reach it, no page event or session timer comes), and what was recorded
    /// before goes on being delivered.
    pub fn disable(&mut self, now: Millis, host: &impl Host, out: &mut Out) {
        self.flush(now, None, host, out);
        self.deafen(out);
    }

    /// Records nothing more: no page event or session timer comes.
    pub fn deafen(&mut self, out: &mut Out) {
        self.listening = false;
        self.engine_timer = None;
        out.listen(false);
    }

    /// `wipeData()`: forgets everything stored for this API key and starts afresh (a new device id,
    /// no user, no session until `openSession`); `afresh` false (`logout()`): stores nothing anew.
    pub fn wipe(&mut self, now: Millis, afresh: bool, host: &impl Host, out: &mut Out) {
        for name in [SESSION, DEVICE] {
            out.remove_at(&self.prefix, name);
        }
        let names = self.outboxes(host);
        self.deliver(now, Deliver::Wipe(names), out);
        self.engine = Engine::new(self.engine.timeout(), host.random());
        self.engine_timer = None;
        self.device = Uuid::from_random(host.random());
        if afresh {
            out.store_at(&self.prefix, DEVICE, &write_device(self.device));
        }
        if let Some(cookie) = &mut self.cookie {
            cookie.remove(out);
        }
    }

    /// The SDK goes (`destroy()`, or `enableSDK()` after `disableSDK()`): its listeners and timer
    /// stop, and the flushes it still owed are answered `false`.
    pub fn stop(&self, out: &mut Out) {
        if self.listening {
            out.listen(false);
        }
        if self.armed.is_some() {
            out.timer(None);
        }
        for callback in &self.waiting {
            out.call(*callback, "false", true);
        }
        for s in &self.subscriptions {
            out.forget(s.function);
        }
    }

    /// The one timer went off.
    pub fn timer(&mut self, now: Millis, host: &impl Host, out: &mut Out) {
        self.armed = None;
        // An early timer is harmless to either machine: each asks again.
        if self.listening && self.engine_timer.is_some() {
            self.take_in(now, host, out);
            self.feed(now, Input::TimerFired, host, out);
        }
        if self.delivery_timer.is_some() {
            let theirs = self.theirs(host, out);
            self.deliver(now, Deliver::Timer(theirs), out);
        }
        if self.cookie.as_ref().and_then(SharedCookie::due).is_some_and(|due| due <= now) {
            self.share(now, false, host, out);
        }
    }

    /// The endpoint answered request `reported.request` (or it failed).
    pub fn answered(&mut self, now: Millis, reported: &Reported, host: &impl Host, out: &mut Out) {
        let refusal = if self.signed { answer::refusal(reported, |text| host.parse(text)) } else { None };
        let Some(refusal) = refusal else {
            return self.deliver(now, Deliver::Answer(answer::answer(reported, now)), out);
        };
        let (request, signature) = &self.last_request;
        let signature = signature.as_deref().filter(|_| *request == reported.request);
        let reason = refusal.reason.as_string().or_else(|| refusal.code.as_f64().map(|c| json::number(c as u64))).unwrap_or_default();
        out.say_with(Message::SignatureRefused, &reason, "");
        let failure = answer::failure_json(&refusal, signature, self.engine.state().user_id.as_deref());
        for s in self.subscriptions.iter().filter(|s| s.auth) {
            out.call(s.function, &failure, false);
        }
        self.deliver(now, Deliver::SignatureRefused(reported.request), out);
    }

    pub fn hidden(&mut self, now: Millis, left: bool, host: &impl Host, out: &mut Out) {
        self.feed(now, Input::Hidden, host, out);
        self.deliver(now, if left { Deliver::Left } else { Deliver::Hidden }, out);
    }

    pub fn shown(&mut self, now: Millis, host: &impl Host, out: &mut Out) {
        self.take_in(now, host, out);
        self.deliver(now, Deliver::Shown, out);
        self.feed(now, Input::Shown, host, out);
    }

    pub fn interaction(&mut self, now: Millis, host: &impl Host, out: &mut Out) {
        if self.last_interaction.is_some_and(|t| now.abs_diff(t) < INTERACTION_THROTTLE) {
            return;
        }
        self.last_interaction = Some(now);
        self.before_activity(now, host, out);
        self.feed(now, Input::Activity, host, out);
    }

    /// Another tab wrote localStorage `key` (`value`: absent when removed).
    pub fn storage(&mut self, now: Millis, key: &str, value: Option<&str>, host: &impl Host, out: &mut Out) {
        match key.strip_prefix(self.prefix.as_str()) {
            Some(SESSION) => {
                // An event may reach this tab after a later write (browsers need not keep their
                // order, docs/design.md section 1, rivals): what storage holds now is taken in
                // first, so that an older value cannot bring back a session that lost since. The
                // event's value is taken in only when it differs (parsed once, discarded once).
                self.take_in_stored(now, host, out);
                if value == host.get(key).as_deref() {
                    return;
                }
                let Some(state) = value.and_then(|v| self.trust(key, v, host, out, read_session)) else { return };
                // A session of this tab that lost to the event's may be what storage holds (this
                // tab wrote it after the winner was written): the winner is written over it.
                if self.feed(now, Input::Restore(state), host, out) {
                    self.take_in_stored(now, host, out);
                }
            }
            // Another tab left datapoints behind: take them over and send them.
            Some(name) if OutboxRecord::left_behind(name, value) => self.deliver(now, Deliver::LeftBehind, out),
            _ => {}
        }
    }

    /// After every input: the subscribers hear of a change of the open session, and the one timer
    /// is armed for the earliest instant the machines and the cookie's held-back write ask for. An armed timer that fires no later is
    /// kept rather than re-armed on every activity: early, it is harmless.
    pub fn finish(&mut self, now: Millis, out: &mut Out) {
        if let Some(news) = self.heard.news(&self.engine) {
            let json = Update::json(news);
            for s in self.subscriptions.iter().filter(|s| !s.auth) {
                out.call(s.function, &json, false);
            }
        }
        let engine = self.engine_timer.filter(|_| self.listening);
        let cookie = self.cookie.as_ref().and_then(SharedCookie::due).filter(|_| self.listening);
        let want = earliest(earliest(engine, self.delivery_timer), cookie);
        match want {
            None if self.armed.is_some() => {
                self.armed = None;
                out.timer(None);
            }
            Some(at) if !self.armed.is_some_and(|armed| armed <= at) => {
                self.armed = Some(at);
                out.timer(Some(at.saturating_sub(now).min(LONGEST_TIMER)));
            }
            _ => {}
        }
    }
}

/// The earlier of two instants, either of which may be none.
fn earliest(a: Option<Millis>, b: Option<Millis>) -> Option<Millis> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        _ => a.or(b),
    }
}

/// The session record (its `Rejected` as a reason).
fn read_session<V: Value>(value: &V) -> Result<crate::engine::State, &'static str> {
    read_state(value).map_err(|why| why.reason())
}
