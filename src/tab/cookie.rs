//! When the cookie a site's subdomains share is written (docs/design.md section 3; its format is
//! `stored::cookie`): whenever its text would change, but for activity alone (the same device,
//! session and end) at most once a second; a write held back goes a second after the last one
//! (or sooner, with the next input), and at once when the page is hidden or left.

use super::effects::Out;
use crate::engine::{Millis, State, Uuid};
use crate::stored::{cookie_name, read_cookie, write_cookie};
use alloc::string::String;

/// Activity alone rewrites the cookie this often at most.
pub const THROTTLE: Millis = 1_000;

pub struct SharedCookie {
    pub name: String,
    /// Days it lasts, renewed with each write (`cookieExpiryInDays`).
    days: u32,
    /// What it held when last read or written, and when this tab wrote it.
    known: Option<String>,
    /// The device, the session and whether it ended, in what it held: what makes a write more
    /// than activity.
    known_key: Option<Key>,
    written_at: Millis,
    /// A write was held back: offer it again.
    pub held_back: bool,
}

type Key = (Uuid, Option<(Uuid, bool)>);

fn key(device: &Uuid, state: &State) -> Key {
    (*device, state.session.as_ref().map(|s| (s.id, s.ended)))
}

impl SharedCookie {
    pub fn new(api_key: &str, days: u32) -> SharedCookie {
        SharedCookie { name: cookie_name(api_key), days, known: None, known_key: None, written_at: 0, held_back: false }
    }

    /// What the cookie holds (`text`, as the browser gave it), if it is one this SDK wrote;
    /// `local_user`: the tab's own, which stands when the cookie left it out.
    pub fn read(&mut self, text: Option<String>, local_user: Option<&str>) -> Option<(Uuid, State)> {
        let text = text?;
        // What it held is remembered even when it is not ours: this tab's write replaces it.
        let read = read_cookie(&text, local_user).ok();
        self.known = Some(text);
        self.known_key = read.as_ref().map(|(device, state)| key(device, state));
        read
    }

    /// Forgets the text last read, which was not taken in: the next `changed` is true.
    pub fn unread(&mut self) {
        self.known = None;
    }

    /// Whether the cookie (`text`, as the browser gives it) holds something else than when this
    /// tab last read or wrote it: a tab on another subdomain wrote it.
    pub fn changed(&self, text: Option<&str>) -> bool {
        text.is_some() && text != self.known.as_deref()
    }

    /// When a write held back is due.
    pub fn due(&self) -> Option<Millis> {
        self.held_back.then_some(self.written_at + THROTTLE)
    }

    /// Whether activity alone is held back at `now` (within the throttle of this tab's last
    /// write); `now_or_never`: the page is being hidden or left, and nothing is held back. Asked
    /// before any text is made or the cookie read: it is the path of every call.
    pub fn hold(&mut self, device: &Uuid, state: &State, now: Millis, now_or_never: bool) -> bool {
        self.held_back = !now_or_never && self.known_key == Some(key(device, state)) && now < self.written_at + THROTTLE;
        self.held_back
    }

    /// The text this device and state call for, if the cookie does not hold it already.
    pub fn offer(&self, device: &Uuid, state: &State) -> Option<String> {
        let value = write_cookie(device, state);
        (self.known.as_deref() != Some(value.as_str())).then_some(value)
    }

    /// The write of `value` (from `offer`) for this device and state.
    pub fn write(&mut self, value: String, device: &Uuid, state: &State, now: Millis, out: &mut Out) {
        out.cookie(&self.name, Some(&value), self.days);
        self.known = Some(value);
        self.known_key = Some(key(device, state));
        self.written_at = now;
    }

    /// Removes it (`wipeData()`), forgetting what it held.
    pub fn remove(&mut self, out: &mut Out) {
        self.known = None;
        self.known_key = None;
        out.cookie(&self.name, None, 0);
    }
}
