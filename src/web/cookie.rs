//! The cookie a site's subdomains share (docs/design.md section 3; its format is
//! `crate::stored::cookie`): read when this tab takes in stored state, written when the session
//! or the device changes, and for activity alone at most once a second.

use super::browser;
use crate::engine::{Millis, State, Uuid};
use crate::stored::{cookie_name, read_cookie, write_cookie, Shared};
use alloc::string::String;

/// Days the cookie lasts, renewed with each write: Chromium's longest.
const DAYS: f64 = 400.0;
/// Activity alone is written at most this often.
const THROTTLE: Millis = 1_000;

pub struct SharedCookie {
    name: String,
    device: Uuid,
    /// What this tab last wrote or read, and when it last wrote.
    known: Option<String>,
    written_at: Millis,
}

impl SharedCookie {
    pub fn open(api_key: &str) -> SharedCookie {
        SharedCookie { name: cookie_name(api_key), device: Uuid::from_random([0; 16]), known: None, written_at: 0 }
    }

    /// What the cookie holds now, if this SDK wrote it.
    pub fn read(&mut self) -> Option<Shared> {
        let text = browser::cookie_get(&self.name)?;
        let shared = read_cookie(&text)?;
        self.known = Some(text);
        Some(shared)
    }

    /// The device whose id the cookie carries.
    pub fn set_device(&mut self, device: Uuid) {
        self.device = device;
    }

    /// Writes `state` unless the cookie has it: at once when the session (or device) differs from
    /// what it holds, else once a second has passed since the last write (a later call writes
    /// what was held back).
    pub fn write(&mut self, state: &State, now: Millis) {
        let text = write_cookie(self.device, state);
        if self.known.as_deref() == Some(text.as_str()) {
            return;
        }
        let same_session = self.known.as_deref().and_then(read_cookie).is_some_and(|known| {
            known.device == self.device
                && known.session.as_ref().map(|s| (s.id, s.ended)) == state.session.as_ref().map(|s| (s.id, s.ended))
        });
        if same_session && now < self.written_at.saturating_add(THROTTLE) {
            return;
        }
        browser::cookie_set(&self.name, Some(&text), DAYS);
        self.known = Some(text);
        self.written_at = now;
    }

    /// `wipeData()`.
    pub fn remove(&mut self) {
        browser::cookie_set(&self.name, None, 0.0);
        self.known = None;
    }
}
