//! The cookie a site's subdomains share (docs/design.md section 3): the device id and the session,
//! read when this tab takes in stored state and offered for writing whenever the state changes.
//! `browser.js` writes its compact text from the session record (when the session or device
//! changed, and for activity alone at most once a second) and reads it back in that record's
//! shape, which `stored::read_state` checks.

use super::browser;
use crate::engine::{Millis, State, Uuid};
use crate::stored::{read_state, write_state, Value};
use alloc::string::String;

/// Days the cookie lasts, renewed with each write: Chromium's longest.
const DAYS: f64 = 400.0;

/// What the cookie shares.
pub struct Shared {
    pub device: Uuid,
    /// The engine's state as the cookie tells it, with `user_id` from the tab's own state when the
    /// cookie left it out.
    pub state: State,
}

pub struct SharedCookie {
    name: String,
    device: String,
    /// The last write was held back (activity too soon after the one before): offer it again.
    pub held_back: bool,
}

impl SharedCookie {
    pub fn open(api_key: &str) -> SharedCookie {
        SharedCookie { name: browser::share_name(api_key), device: String::new(), held_back: false }
    }

    /// What the cookie holds now, if it is one this SDK wrote; `local`: the tab's own state.
    pub fn read(&self, local: &State) -> Option<Shared> {
        let value = browser::share_get(&self.name);
        let device = Uuid::parse(&value.get("device").as_string()?)?;
        let mut state = read_state(&value).ok()?;
        if value.get("leftOut").as_bool() == Some(true) {
            state.user_id.clone_from(&local.user_id);
        }
        Some(Shared { device, state })
    }

    /// The device whose id the cookie carries.
    pub fn set_device(&mut self, device: Uuid) {
        self.device = device.to_hyphenated();
    }

    pub fn write(&mut self, state: &State, now: Millis) {
        self.held_back = browser::share_set(&self.name, &self.device, &write_state(state), DAYS, now as f64);
    }

    /// `wipeData()`.
    pub fn remove(&self) {
        browser::share_forget(&self.name);
    }
}
