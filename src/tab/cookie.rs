//! When the cookie a site's subdomains share is written (docs/design.md section 3; its format is
//! `stored::cookie`): whenever its text would change, but for activity alone (the same device,
//! session and end) at most once a second; a write held back goes a second after the last one
//! (or sooner, with the next input), and at once when the page is hidden or left.

use super::effects::Effect;
use crate::engine::{Millis, State, Uuid};
use crate::stored::{cookie_name, read_cookie, write_cookie};
use alloc::string::String;

/// Days the cookie lasts, renewed with each write: Chromium's longest.
pub const DAYS: u32 = 400;
/// Activity alone rewrites the cookie this often at most.
pub const THROTTLE: Millis = 1_000;

pub struct SharedCookie {
    pub name: String,
    /// What it held when last read or written, and when this tab wrote it.
    known: Option<String>,
    written_at: Millis,
    /// A write was held back: offer it again.
    pub held_back: bool,
}

/// The device, the session and whether it ended: what makes a write more than activity.
fn key(text: &str) -> (Option<&str>, Option<&str>, Option<&str>) {
    let mut f = text.split('~');
    (f.nth(1), f.next(), f.nth(4))
}

impl SharedCookie {
    pub fn new(api_key: &str) -> SharedCookie {
        SharedCookie { name: cookie_name(api_key), known: None, written_at: 0, held_back: false }
    }

    /// What the cookie holds (`text`, as the browser gave it), if it is one this SDK wrote;
    /// `local_user`: the tab's own, which stands when the cookie left it out.
    pub fn read(&mut self, text: Option<String>, local_user: Option<&str>) -> Option<(Uuid, State)> {
        let text = text?;
        let shared = read_cookie(&text, local_user).ok()?;
        self.known = Some(text);
        Some(shared)
    }

    /// What the cookie holds when a tab on another subdomain wrote it since this tab last read or
    /// wrote it (`text`, as the browser gives it).
    pub fn news(&mut self, text: Option<String>, local_user: Option<&str>) -> Option<State> {
        if text.is_none() || text == self.known {
            return None;
        }
        self.read(text, local_user).map(|(_, state)| state)
    }

    /// When a write held back is due.
    pub fn due(&self) -> Option<Millis> {
        self.held_back.then_some(self.written_at + THROTTLE)
    }

    /// The write, if any, that this device and state call for at `now`; `now_or_never`: the page
    /// is being hidden or left, and nothing is held back.
    pub fn offer(&mut self, device: &Uuid, state: &State, now: Millis, now_or_never: bool) -> Option<Effect> {
        let value = write_cookie(device, state);
        let known = self.known.as_deref();
        self.held_back = !now_or_never
            && known != Some(value.as_str())
            && known.is_some_and(|k| key(k) == key(&value))
            && now < self.written_at + THROTTLE;
        if known == Some(value.as_str()) || self.held_back {
            return None;
        }
        self.known = Some(value.clone());
        self.written_at = now;
        Some(Effect::Cookie { name: self.name.clone(), value: Some(value), days: DAYS })
    }

    /// Removes it (`wipeData()`), forgetting what it held.
    pub fn remove(&mut self) -> Effect {
        self.known = None;
        Effect::Cookie { name: self.name.clone(), value: None, days: 0 }
    }
}
