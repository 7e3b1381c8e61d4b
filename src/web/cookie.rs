//! The cookie a site's subdomains share (docs/design.md section 3): the device id and the session,
//! read when this tab takes in stored state, written when the session or the device changes and
//! for activity alone at most once a second. `browser.js` writes its compact text from the session
//! record and reads it back in that record's shape, which `stored::read_state` checks.

use super::browser;
use crate::engine::{Millis, State, Uuid};
use crate::stored::{read_state, write_state, Value};
use alloc::string::String;
use wasm_bindgen::JsValue;

/// Days the cookie lasts, renewed with each write: Chromium's longest.
const DAYS: f64 = 400.0;
/// Activity alone is written at most this often.
const THROTTLE: Millis = 1_000;

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
    /// The state this tab last wrote or read (its record's JSON, and its session's id and end),
    /// and when it last wrote.
    known: Option<(String, Option<(Uuid, bool)>)>,
    written_at: Millis,
    /// Activity was not written, being too soon after the last write.
    pub held_back: bool,
}

fn session(state: &State) -> Option<(Uuid, bool)> {
    state.session.as_ref().map(|s| (s.id, s.ended))
}

impl SharedCookie {
    pub fn open(api_key: &str) -> SharedCookie {
        SharedCookie { name: browser::share_name(api_key), device: String::new(), known: None, written_at: 0, held_back: false }
    }

    /// What the cookie holds now, if it is one this SDK wrote; `local`: the tab's own state.
    pub fn read(&mut self, local: &State) -> Option<Shared> {
        let value: JsValue = browser::share_get(&self.name);
        let device = Uuid::parse(&value.get("device").as_string()?)?;
        let mut state = read_state(&value).ok()?;
        if value.get("leftOut").as_bool() == Some(true) {
            state.user_id.clone_from(&local.user_id);
        }
        self.known = Some((write_state(&state), session(&state)));
        Some(Shared { device, state })
    }

    /// The device whose id the cookie carries.
    pub fn set_device(&mut self, device: Uuid) {
        self.device = device.to_hyphenated();
        self.known = None;
    }

    /// Writes `state` unless the cookie has it: at once when the session differs from what it
    /// holds, else once a second has passed since the last write (a later call writes what was
    /// held back).
    pub fn write(&mut self, state: &State, now: Millis) {
        let text = write_state(state);
        let same_session = match &self.known {
            Some((known, _)) if *known == text => {
                self.held_back = false;
                return;
            }
            Some((_, known)) => *known == session(state),
            None => false,
        };
        self.held_back = same_session && now < self.written_at.saturating_add(THROTTLE);
        if self.held_back {
            return;
        }
        browser::share_set(&self.name, &self.device, &text, DAYS);
        self.known = Some((text, session(state)));
        self.written_at = now;
    }

    /// `wipeData()`.
    pub fn remove(&mut self) {
        browser::cookie_set(&self.name, None, 0.0);
        self.known = None;
    }
}
