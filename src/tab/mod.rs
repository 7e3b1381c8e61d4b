//! The SDK of one tab, as one pure machine (docs/design.md section 2): the façade's methods, the
//! page's reports, the session engine, delivery, the shared cookie, the opt-out, signatures,
//! subscribers and the log, with no browser in it. `src/web/` feeds it and carries out what it
//! returns; `tests/simulation.rs` drives the same code through faults.

mod answer;
mod cookie;
mod crawler;
mod effects;
mod host;
mod options;
pub mod protocol;
mod sdk;
mod subscribers;

pub use answer::{http_date, retry_after, Reported};
pub use effects::{Effect, Effects, Reply};
pub use host::{Arg, Host};
pub use protocol::{EffectKind, Message, Method, ReportKind};

use crate::engine::Millis;
use crate::json;
use alloc::string::String;
use effects::Out;
use options::Options;
use sdk::Sdk;
use subscribers::Subscription;

/// Braze's limit on user ids, in bytes.
const MAX_USER_ID_BYTES: usize = 997;
/// Braze's own opt-out cookie (and, where cookies are refused, localStorage key).
const OPT_OUT: &str = "ab.optOut";
const OPT_OUT_VALUE: &str = "This-cookie-will-expire-in-3650-days";
const OPT_OUT_DAYS: u32 = 3650;

/// What happened, as the browser reports it.
#[derive(Debug)]
pub enum Event<'a> {
    /// A method of `appboy`, with its first two arguments.
    Call(Method, Arg, Arg),
    /// visibilitychange to hidden.
    Hidden,
    /// pagehide.
    Left,
    /// visible again, or back from the back/forward cache.
    Shown,
    Interaction,
    /// Another tab wrote localStorage `key`, now `value` (`None`: removed).
    Storage {
        key: &'a str,
        value: Option<&'a str>,
    },
    /// The one timer went off.
    Timer,
    Answer(Reported<'a>),
    /// A function of the page that the SDK called threw this.
    Threw(&'a str),
    /// localStorage failed while `reading` or writing: values live in memory from now on.
    StorageFailed {
        reading: bool,
    },
}

/// One tab's SDK.
///
/// Contract: every call of the page and every report of the browser goes through
/// `handle(now, event, host)`, whose `Effects` are carried out at once and in full, in order, and
/// whose `reply` is the method's answer. `now` is Unix ms (`Date.now()`, or the time a call kept
/// before the SDK was ready was made). `host` answers reads (storage, cookies, randomness) as the
/// browser holds them before the effects are carried out; nothing is written but through
/// `Effects`. The browser arms the one timer as `Effect::Timer` says and reports `Event::Timer`
/// when it fires (early or late is harmless); reports answers with the request's number; keeps the
/// page's functions under handles until `Effect::Forget` (or a `Call` with `once`); and listens to
/// the page between `Effect::Listen(true)` and `Listen(false)`. It decides nothing.
#[derive(Default)]
pub struct Tab {
    sdk: Option<Sdk>,
    logging: bool,
    logger: Option<u32>,
    /// `disableSDK()` holds: read from its cookie once a page.
    opted_out: Option<bool>,
    /// `initialize` found a crawler: every call is quiet for the page's life.
    crawler: bool,
    /// `initialize` said `noCookies`: the opt-out is kept in localStorage too.
    no_cookies: bool,
    /// A call before `initialize()` was reported: once a page is enough.
    told_early: bool,
    subscriptions_made: u32,
}

impl Tab {
    pub fn new() -> Tab {
        Tab::default()
    }

    /// What the simulation and the tests watch: the running SDK's engine and delivery machine.
    pub fn sdk(&self) -> Option<(&crate::engine::Engine, &crate::delivery::Delivery)> {
        self.sdk.as_ref().map(|s| (&s.engine, &s.delivery))
    }

    /// The sessions that lost to a rival since the last call (for the simulation's checks).
    #[cfg(feature = "std")]
    pub fn take_rivals(&mut self) -> alloc::vec::Vec<crate::engine::Uuid> {
        self.sdk.as_mut().map(|s| core::mem::take(&mut s.rivals)).unwrap_or_default()
    }

    #[must_use = "the writes, requests and callbacks are lost unless carried out"]
    pub fn handle(&mut self, now: Millis, event: Event, host: &impl Host) -> Effects {
        let mut out = Out::new(self.logging, self.logger);
        let mut reply = Reply::Nothing;
        match &event {
            Event::Call(method, a, b) => {
                reply = self.call(now, *method, a, b, host, &mut out);
                // The page's functions that nothing kept are let go.
                for arg in [a, b] {
                    if let (Some(f), false) = (arg.function(), out.kept) {
                        out.forget(f);
                    }
                }
            }
            Event::Threw(what) => out.say_with(Message::CallbackThrew, what, ""),
            Event::StorageFailed { reading } => out.say_with(Message::StorageFailed, if *reading { "reading" } else { "writing" }, ""),
            event => {
                if let Some(sdk) = &mut self.sdk {
                    match event {
                        Event::Hidden => sdk.hidden(now, false, host, &mut out),
                        Event::Left => sdk.hidden(now, true, host, &mut out),
                        Event::Shown if sdk.listening => sdk.shown(now, host, &mut out),
                        Event::Interaction if sdk.listening => sdk.interaction(now, host, &mut out),
                        Event::Storage { key, value } if sdk.listening => sdk.storage(now, key, *value, host, &mut out),
                        Event::Timer => sdk.timer(now, host, &mut out),
                        Event::Answer(reported) => sdk.answered(now, reported, host, &mut out),
                        _ => {}
                    }
                }
            }
        }
        if let Some(sdk) = &mut self.sdk {
            sdk.finish(now, &mut out);
        }
        self.logging = out.logging;
        self.logger = out.logger;
        out.finish(reply)
    }

    /// Whether `disableSDK()` holds: Braze's cookie, or the localStorage key that stands for it
    /// where cookies are refused or not wanted (`noCookies`).
    fn opted_out(&mut self, host: &impl Host) -> bool {
        *self.opted_out.get_or_insert_with(|| host.cookie(OPT_OUT).is_some() || host.get(OPT_OUT).is_some())
    }

    fn set_opted_out(&mut self, on: bool, host: &impl Host, out: &mut Out) {
        self.opted_out = Some(on);
        let cookie = host.cookies() && !self.no_cookies;
        // Lifting it removes it wherever it is; a cookie is only written where cookies are wanted,
        // and removed only where there is one.
        if cookie && on || host.cookie(OPT_OUT).is_some() && !on {
            out.cookie(OPT_OUT, on.then_some(OPT_OUT_VALUE), OPT_OUT_DAYS);
        }
        if !cookie && on {
            out.store(OPT_OUT, "1");
        } else if !on {
            out.remove(OPT_OUT);
        }
    }

    /// Method `method` of `appboy` with its arguments `a` and `b`.
    fn call(&mut self, now: Millis, method: Method, a: &Arg, b: &Arg, host: &impl Host, out: &mut Out) -> Reply {
        use Method::*;
        // A crawler (docs/design.md section 2), known before anything else, as Braze's SDK knows it:
        // nothing is recorded, stored or said; a flush hears that nothing waits.
        if method == Initialize && self.sdk.is_none() && !self.crawler && !b.on("allowCrawlerActivity") {
            let agent = host.user_agent();
            if crawler::is_crawler(&agent) {
                out.logging |= b.on("enableLogging");
                out.say_with(Message::Crawler, &agent, "");
                self.crawler = true;
                return Reply::Bool(false);
            }
        }
        if self.crawler && !matches!(method, ToggleLogging | SetLogger) {
            if let (RequestImmediateDataFlush, Some(f)) = (method, a.function()) {
                out.kept = true;
                out.call(f, "true", true);
            }
            return if matches!(method, Initialize | IsInitialized | IsDisabled) {
                Reply::Bool(method == IsDisabled && self.opted_out(host))
            } else {
                Reply::Nothing
            };
        }
        // Opted out (docs/design.md section 2): every call but these is ignored.
        let always = matches!(method, DisableSdk | EnableSdk | IsDisabled | ToggleLogging | SetLogger | IsInitialized);
        if !always && self.opted_out(host) {
            out.say(Message::Disabled);
            return match method {
                Initialize => Reply::Bool(false),
                RequestImmediateDataFlush => {
                    // What was recorded before `disableSDK()` may still wait for the stopped SDK's
                    // delivery; with none, nothing of this page waits.
                    let callback = flush_callback(a, out);
                    match (self.sdk.as_mut(), callback) {
                        (Some(sdk), _) => sdk.flush(now, callback, host, out),
                        (None, Some(f)) => out.call(f, "true", true),
                        (None, None) => {}
                    }
                    Reply::Nothing
                }
                _ => Reply::Nothing,
            };
        }
        match method {
            IsDisabled | ToggleLogging | SetLogger => return self.page_call(method, a, host, out),
            // Running and recording: initialized, not stopped by `disableSDK()` or `destroy()`.
            IsInitialized => return Reply::Bool(!self.opted_out(host) && self.sdk.as_ref().is_some_and(|s| s.listening)),
            DisableSdk => {
                // What was recorded before goes now; the SDK then records nothing, on this page and
                // the site's later ones.
                self.set_opted_out(true, host, out);
                if let Some(sdk) = self.sdk.as_mut().filter(|s| s.listening) {
                    sdk.disable(now, host, out);
                }
                return Reply::Nothing;
            }
            EnableSdk => {
                // Lifted; the page initializes again. A disabled SDK still delivering goes, and its
                // outbox is taken over by the next one.
                self.set_opted_out(false, host, out);
                if let Some(sdk) = self.sdk.take_if(|s| !s.listening) {
                    sdk.stop(out);
                }
                return Reply::Nothing;
            }
            _ => {}
        }
        let Some(sdk) = self.sdk.as_mut() else {
            return self.without_sdk(now, method, a, b, host, out);
        };
        let text = |s: Option<String>| s.map_or(Reply::Nothing, Reply::Text);
        match method {
            Initialize => {
                out.say(Message::InitializedAgain);
                return Reply::Bool(true);
            }
            OpenSession => sdk.open(now, host, out),
            ChangeUser => {
                if let Some(user) = user_id(a, out) {
                    sdk.change_user(now, user, signature(b), host, out);
                }
            }
            RequestImmediateDataFlush => {
                let callback = flush_callback(a, out);
                sdk.flush(now, callback, host, out);
            }
            GetDeviceId => return Reply::Text(sdk.device_id()),
            GetUserId => return text(sdk.engine.state().user_id.clone()),
            GetSessionId => return text(sdk.engine.session().map(|s| s.id.to_hyphenated())),
            SubscribeToSessionUpdates | SubscribeToSdkAuthenticationFailures => {
                let auth = method == SubscribeToSdkAuthenticationFailures;
                let Some(function) = a.function() else {
                    out.say(if auth { Message::AuthSubscriberNotFunction } else { Message::SubscriberNotFunction });
                    return Reply::Nothing;
                };
                out.kept = true;
                self.subscriptions_made += 1;
                let id = self.subscriptions_made;
                sdk.subscriptions.push(Subscription { id, function, auth });
                return Reply::Text(json::number(id.into()));
            }
            RemoveSubscription => {
                let id = a.text().unwrap_or_default();
                match sdk.subscriptions.iter().position(|s| json::number(s.id.into()) == id) {
                    Some(i) => out.forget(sdk.subscriptions.remove(i).function),
                    None => out.say_with(Message::NoSubscription, id, ""),
                }
            }
            WipeData => sdk.wipe(now, true, host, out),
            Logout => {
                // Braze's `logout()`: its data wiped, then disabled (`disableSDK()`, with nothing
                // left to flush: a flush would take the wiped session back from the cookie), then
                // the success callback; the error callback is for a push token this SDK never has.
                sdk.wipe(now, false, host, out);
                sdk.deafen(out);
                self.set_opted_out(true, host, out);
                out.kept = true;
                if let Some(f) = a.function() {
                    out.call(f, "null", true);
                }
                if let Some(f) = b.function() {
                    out.forget(f);
                }
            }
            Destroy => {
                if let Some(sdk) = self.sdk.take() {
                    sdk.stop(out);
                }
            }
            SetSdkAuthenticationSignature => {
                if let Some(signature) = signature(a) {
                    sdk.signature(now, signature, out);
                }
            }
            IsDisabled | ToggleLogging | SetLogger | DisableSdk | EnableSdk | IsInitialized => {}
        }
        Reply::Nothing
    }

    /// A method called with no SDK running: before `initialize()`, or after `destroy()`.
    fn without_sdk(&mut self, now: Millis, method: Method, a: &Arg, b: &Arg, host: &impl Host, out: &mut Out) -> Reply {
        use Method::*;
        match method {
            Initialize => {
                let Some(key) = a.text().filter(|k| !k.trim_ascii().is_empty()) else {
                    out.say(Message::NoApiKey);
                    return Reply::Bool(false);
                };
                let Some(options) = Options::read(b, out) else { return Reply::Bool(false) };
                self.no_cookies = options.no_cookies;
                self.sdk = Some(Sdk::new(now, key.into(), options, host, out));
                Reply::Bool(true)
            }
            RequestImmediateDataFlush => {
                // Nothing of this page waits: the README says so.
                let callback = flush_callback(a, out);
                self.early(method, out);
                if let Some(f) = callback {
                    out.call(f, "true", true);
                }
                Reply::Nothing
            }
            ChangeUser if user_id(a, out).is_none() => Reply::Nothing,
            SubscribeToSessionUpdates | SubscribeToSdkAuthenticationFailures if a.function().is_none() => {
                out.say(if method == SubscribeToSdkAuthenticationFailures {
                    Message::AuthSubscriberNotFunction
                } else {
                    Message::SubscriberNotFunction
                });
                Reply::Nothing
            }
            SetSdkAuthenticationSignature if signature(a).is_none() => Reply::Nothing,
            _ => {
                self.early(method, out);
                Reply::Nothing
            }
        }
    }

    /// A call before `initialize()`, the commonest mistake of a first integration: said once a
    /// page, logging on or off.
    fn early(&mut self, method: Method, out: &mut Out) {
        if !core::mem::replace(&mut self.told_early, true) {
            out.say_with(Message::NotInitialized, &json::number(method as u64), "");
        }
    }

    /// The methods that do not need the SDK: logging and the opt-out's state.
    fn page_call(&mut self, method: Method, a: &Arg, host: &impl Host, out: &mut Out) -> Reply {
        match method {
            Method::IsDisabled => return Reply::Bool(self.opted_out(host)),
            Method::ToggleLogging => {
                out.logging = !out.logging;
                out.say(Message::LoggingEnabled);
            }
            _ => match a {
                Arg::Function(f) => {
                    out.kept = true;
                    if let Some(old) = out.logger.replace(*f) {
                        out.forget(old);
                    }
                }
                Arg::Absent => {
                    if let Some(old) = out.logger.take() {
                        out.forget(old);
                    }
                }
                _ => out.say(Message::LoggerNotFunction),
            },
        }
        Reply::Nothing
    }
}

/// A user id as Braze takes it: a non-empty string of at most 997 bytes; anything else is logged.
fn user_id<'a>(value: &'a Arg, out: &mut Out) -> Option<&'a str> {
    let user = value.text().filter(|u| !u.is_empty() && u.len() <= MAX_USER_ID_BYTES);
    if user.is_none() {
        out.say(Message::BadUserId);
    }
    user
}

/// A signature (SDK authentication) as the page gave it: a non-empty string, never parsed.
fn signature(value: &Arg) -> Option<&str> {
    value.text().filter(|s| !s.is_empty())
}

/// The page's flush callback; anything but a function or nothing is logged and ignored. Whoever
/// takes it calls it once.
fn flush_callback(value: &Arg, out: &mut Out) -> Option<u32> {
    match value {
        Arg::Function(f) => {
            out.kept = true;
            Some(*f)
        }
        Arg::Absent => None,
        _ => {
            out.say(Message::FlushCallbackNotFunction);
            None
        }
    }
}
