//! The device and the session shared by a site's subdomains, in one first-party cookie on its
//! registrable domain (docs/design.md section 3), at most 200 bytes:
//! `ab.<API key's hash>` = `1~<device>~<session>~<root>~<seq>~<start ms>~<last ms>~<0|1>[~<user>]`
//! (the session's fields absent when there is none; the user left out when it could push the
//! cookie past 200 bytes, and then taken from the tab's own state). localStorage keeps the rest.

use crate::engine::{Millis, Session, State, Uuid};
use crate::json;
use alloc::string::String;
use alloc::vec::Vec;

const TAG: &str = "1";
const SEP: char = '~';
/// The longest user id carried: the cookie stays within 200 bytes with every other field at its
/// longest (the value is URI-encoded, and these bytes are not encoded).
const MAX_USER: usize = 32;

/// The cookie's name for `api_key`: FNV-1a, so that keys of any length make a short name.
pub fn cookie_name(api_key: &str) -> String {
    let hash = api_key.bytes().fold(0x811c_9dc5u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    let mut name = String::from("ab.");
    name.push_str(&json::number(u64::from(hash)));
    name
}

/// What the cookie shares.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    pub device: Uuid,
    /// The session and, when it fitted, the user.
    pub session: Option<Session>,
    /// `None` in the cookie: no user, or one too long to carry (`user_carried` tells which).
    pub user_id: Option<String>,
    pub user_carried: bool,
}

impl Shared {
    /// The engine's state as the cookie tells it: the user it left out is `local`'s.
    pub fn state(self, local: &State) -> State {
        let user_id = if self.user_carried { self.user_id } else { local.user_id.clone() };
        State { session: self.session, user_id }
    }
}

/// The cookie's value for this device and state.
pub fn write_cookie(device: Uuid, state: &State) -> String {
    let mut out = String::from(TAG);
    let mut field = |value: &str| {
        out.push(SEP);
        out.push_str(value);
    };
    field(&device.to_hyphenated());
    if let Some(s) = &state.session {
        field(&s.id.to_hyphenated());
        field(&s.root.to_hyphenated());
        field(&json::number(s.seq.into()));
        field(&json::number(s.started_at));
        field(&json::number(s.last_activity));
        field(if s.ended { "1" } else { "0" });
        match &state.user_id {
            Some(user) if carried(user) => field(user),
            // Too long: the field is there and empty, so that a reader knows it was left out.
            Some(_) => field(""),
            None => {}
        }
    }
    out
}

/// Bytes that URI-encoding leaves as they are, and few enough of them.
fn carried(user: &str) -> bool {
    !user.is_empty() && user.len() <= MAX_USER && user.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.!*'()".contains(&b))
}

/// The cookie back, or `None` when it is not one this SDK wrote.
pub fn read_cookie(text: &str) -> Option<Shared> {
    let fields = split(text);
    if fields.first() != Some(&TAG) {
        return None;
    }
    let device = Uuid::parse(fields.get(1)?)?;
    let (session, user_id, user_carried) = match fields.len() {
        2 => (None, None, true),
        8 | 9 => {
            let session = Session {
                id: Uuid::parse(fields[2])?,
                root: Uuid::parse(fields[3])?,
                seq: u32::try_from(number(fields[4])?).ok()?,
                ancestors: Vec::new(),
                started_at: number(fields[5])?,
                last_activity: number(fields[6])?,
                ended: match fields[7] {
                    "0" => false,
                    "1" => true,
                    _ => return None,
                },
            };
            if session.last_activity < session.started_at {
                return None;
            }
            let user = fields.get(8).copied();
            (Some(session), user.filter(|u| !u.is_empty()).map(String::from), user != Some(""))
        }
        _ => return None,
    };
    Some(Shared { device, session, user_id, user_carried })
}

/// The fields of a value, the ninth (the user) taken whole. (Bytes rather than `str::splitn`,
/// whose pattern search adds kilobytes to the wasm.)
fn split(text: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let mut from = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == SEP as u8 && fields.len() < 8 {
            fields.push(&text[from..i]);
            from = i + 1;
        }
    }
    fields.push(&text[from..]);
    fields
}

/// A decimal number of at most 16 digits.
fn number(text: &str) -> Option<Millis> {
    if text.is_empty() || text.len() > 16 {
        return None;
    }
    text.bytes().try_fold(0u64, |n, b| b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0')))
}
