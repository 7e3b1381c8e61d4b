//! The `initialize` options (docs/design.md section 2), read field by field so that one bad value
//! costs only itself.

use super::effects::Out;
use super::host::Arg;
use super::protocol::Message;
use crate::engine::{session_timeout, Millis, TimeoutChoice, Uuid};
use crate::wire::is_base_url;
use alloc::string::String;

pub const DEFAULT_FLUSH_INTERVAL_SECONDS: f64 = 10.0;
/// The options this SDK reads, separated by spaces (one string: a table of slices would cost a
/// pointer and a length for each).
const KNOWN: &str = "sessionTimeoutInSeconds baseUrl enableLogging flushIntervalInSeconds enableSdkAuthentication \
noCookies allowCrawlerActivity cookieExpiryInDays deviceId";
/// How long the shared cookie lasts by default, and at most: the most browsers keep one (RFC 6265bis).
const COOKIE_DAYS: u32 = 400;

pub struct Options {
    pub timeout: Millis,
    pub base_url: Option<String>,
    pub flush_interval: Millis,
    /// SDK authentication: requests carry the user's signature (docs/design.md section 5).
    pub signed: bool,
    /// Everything in localStorage, per origin: no cookie at all, the opt-out's included.
    pub no_cookies: bool,
    /// The shared cookie's lifetime (`cookieExpiryInDays`).
    pub cookie_days: u32,
    /// The device id the site gives (`deviceId`): kept instead of the stored or a new one.
    pub device: Option<Uuid>,
}

impl Options {
    /// Reads the second argument of `initialize`: an options object, or the timeout itself;
    /// `None` when the SDK cannot start with them (a `baseUrl` that is no address).
    pub fn read(value: &Arg, out: &mut Out) -> Option<Options> {
        // Logging first, so that what follows can be logged.
        if value.on("enableLogging") {
            out.logging = true;
        }
        match value {
            Arg::Object(fields) => {
                let mut unknown = String::new();
                for (name, _) in fields.iter().filter(|(name, _)| !KNOWN.as_bytes().split(|b| *b == b' ').any(|k| k == name.as_bytes())) {
                    if !unknown.is_empty() {
                        unknown.push_str(", ");
                    }
                    unknown.push_str(name);
                }
                if !unknown.is_empty() {
                    out.say_with(Message::UnknownOption, &unknown, "");
                }
            }
            Arg::Absent | Arg::Number(_) => {}
            _ => out.say(Message::OptionsNotObject),
        }

        let timeout_value = if value.number().is_some() { value } else { value.field("sessionTimeoutInSeconds") };
        let (timeout, choice) = session_timeout(timeout_value.number());
        match choice {
            TimeoutChoice::Raised => out.say(Message::TimeoutRaised),
            TimeoutChoice::Given => {}
            // Missing is the default; anything else that is not a finite number is a mistake.
            _ if timeout_value.is_absent() => {}
            _ => out.say(Message::TimeoutNotNumber),
        }

        let base = value.field("baseUrl");
        let base_url = base.text().map(String::from);
        if base_url.is_none() && !base.is_absent() {
            out.say(Message::BaseUrlNotString);
        }
        // Requests to an address that cannot be one would fail for ever: refused at once instead.
        if base_url.as_deref().is_some_and(|b| !is_base_url(b)) {
            out.say_with(Message::BaseUrlInvalid, base_url.as_deref().unwrap_or_default(), "");
            return None;
        }

        let interval = value.field("flushIntervalInSeconds");
        let flush_interval = match interval.number() {
            Some(s) if s.is_finite() && s >= 1.0 => s,
            None if interval.is_absent() => DEFAULT_FLUSH_INTERVAL_SECONDS,
            _ => {
                out.say(Message::FlushIntervalInvalid);
                DEFAULT_FLUSH_INTERVAL_SECONDS
            }
        };
        let days = value.field("cookieExpiryInDays");
        let cookie_days = match days.number() {
            Some(d) if d.is_finite() && d > 0.0 => (d.min(f64::from(COOKIE_DAYS)) as u32).max(1),
            None if days.is_absent() => COOKIE_DAYS,
            _ => {
                out.say(Message::CookieExpiryInvalid);
                COOKIE_DAYS
            }
        };

        // A device id is checked as a stored one is: a UUID, else refused with a log.
        let given = value.field("deviceId");
        let device = given.text().and_then(Uuid::parse);
        if device.is_none() && !given.is_absent() {
            out.say(Message::BadDeviceId);
        }

        Some(Options {
            timeout,
            base_url,
            flush_interval: (flush_interval.min(86_400.0) * 1000.0) as Millis,
            signed: value.on("enableSdkAuthentication"),
            no_cookies: value.on("noCookies"),
            cookie_days,
            device,
        })
    }
}
