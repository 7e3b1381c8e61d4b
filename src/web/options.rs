//! The `initialize` options (docs/design.md section 2), read field by field so that one bad value
//! costs only itself: a serde struct would refuse the whole object for one wrong type.

use super::browser;
use super::log::{self, Message};
use crate::engine::{session_timeout, Millis, TimeoutChoice};
use alloc::string::String;
use wasm_bindgen::JsValue;

pub const DEFAULT_FLUSH_INTERVAL_SECONDS: f64 = 10.0;
/// The options this SDK reads, for `browser::unknown_keys`.
const KNOWN: &str = "sessionTimeoutInSeconds,baseUrl,enableLogging,flushIntervalInSeconds,enableSdkAuthentication,noCookies";

pub struct Options {
    pub timeout: Millis,
    pub base_url: Option<String>,
    pub flush_interval: Millis,
    /// SDK authentication: requests carry the user's signature (docs/design.md section 5).
    pub signed: bool,
    /// Everything in localStorage, per origin: no cookie shared by the site's subdomains.
    pub no_cookies: bool,
}

impl Options {
    /// Reads the second argument of `initialize`: an options object, or the timeout itself.
    pub fn read(value: &JsValue) -> Options {
        let field = |name: &str| browser::field(value, name);
        // Logging first, so that what follows can be logged.
        if field("enableLogging").as_bool() == Some(true) {
            log::set_enabled(true);
        }
        if value.is_object() {
            let unknown = browser::unknown_keys(value, KNOWN);
            if !unknown.is_empty() {
                log::say_with(Message::UnknownOption, &unknown, "");
            }
        } else if !value.is_undefined() && !value.is_null() && value.as_f64().is_none() {
            log::say(Message::OptionsNotObject);
        }

        let timeout_value = if value.as_f64().is_some() { value.clone() } else { field("sessionTimeoutInSeconds") };
        let (timeout, choice) = session_timeout(timeout_value.as_f64());
        match choice {
            TimeoutChoice::Raised => log::say(Message::TimeoutRaised),
            TimeoutChoice::Given => {}
            // Missing is the default; anything else that is not a finite number is a mistake.
            _ if timeout_value.is_undefined() || timeout_value.is_null() => {}
            _ => log::say(Message::TimeoutNotNumber),
        }

        let base = field("baseUrl");
        let base_url = base.as_string();
        if base_url.is_none() && !base.is_undefined() && !base.is_null() {
            log::say(Message::BaseUrlNotString);
        }

        let interval = field("flushIntervalInSeconds");
        let flush_interval = match interval.as_f64() {
            Some(s) if s.is_finite() && s >= 1.0 => s,
            None if interval.is_undefined() || interval.is_null() => DEFAULT_FLUSH_INTERVAL_SECONDS,
            _ => {
                log::say(Message::FlushIntervalInvalid);
                DEFAULT_FLUSH_INTERVAL_SECONDS
            }
        };
        let signed = field("enableSdkAuthentication").as_bool() == Some(true);
        let no_cookies = field("noCookies").as_bool() == Some(true);
        Options { timeout, base_url, flush_interval: (flush_interval.min(86_400.0) * 1000.0) as Millis, signed, no_cookies }
    }
}
