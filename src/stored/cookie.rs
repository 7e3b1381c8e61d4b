//! The cookie a site's subdomains share (docs/design.md section 3), named `ab.<FNV-1a of the API
//! key>`: `1~<device>~<session>~<root>~<seq>~<start ms>~<last ms>~<0|1>[~<user>]`, at most
//! `MAX_COOKIE` bytes. The user goes only when it is short and needs no escaping in a cookie; an
//! empty user field says it was left out (the reader keeps its own). `1~<device>` alone when there
//! is no session yet.

use super::session::{check, Rejected};
use crate::engine::{Session, State, Uuid};
use crate::json;
use alloc::string::String;
use alloc::vec::Vec;

/// The longest the cookie's value gets: every request to the site carries it.
pub const MAX_COOKIE: usize = 200;
/// The longest user id the cookie carries.
const MAX_USER: usize = 32;

/// The cookie's name for an API key.
pub fn cookie_name(api_key: &str) -> String {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in api_key.bytes() {
        hash = (hash ^ byte as u32).wrapping_mul(0x0100_0193);
    }
    let mut name = String::from("ab.");
    json::push_uint(&mut name, hash.into());
    name
}

/// The cookie's value for this device and state.
pub fn write_cookie(device: &Uuid, state: &State) -> String {
    let mut value = String::from("1~");
    device.push_to(&mut value);
    if let Some(s) = &state.session {
        for id in [&s.id, &s.root] {
            crate::ascii::push(&mut value, b'~');
            id.push_to(&mut value);
        }
        for number in [s.seq.into(), s.started_at, s.last_activity] {
            crate::ascii::push(&mut value, b'~');
            json::push_uint(&mut value, number);
        }
        value.push_str(if s.ended { "~1" } else { "~0" });
        if let Some(user) = &state.user_id {
            crate::ascii::push(&mut value, b'~');
            if user.len() <= MAX_USER && user.bytes().all(cookie_safe) {
                value.push_str(user);
            }
        }
    }
    value
}

/// Bytes a cookie value holds as they are, in every browser, with no escaping.
fn cookie_safe(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'!' | b'*' | b'\'' | b'(' | b')' | b'-')
}

/// What the cookie says: the device, and the state with the session's predecessors left out.
/// `local_user`: the reader's own user, which stands when the cookie left the user out.
pub fn read_cookie(text: &str, local_user: Option<&str>) -> Result<(Uuid, State), Rejected> {
    // Fields are split off by hand (`str::splitn` links string searching); the user, last, is the
    // rest of the text.
    let mut rest = Some(text);
    let mut next = || {
        let text = rest.ok_or(Rejected::Shape)?;
        let (field, after) = match text.bytes().position(|b| b == b'~') {
            Some(i) => (&text[..i], Some(&text[i + 1..])),
            None => (text, None),
        };
        rest = after;
        Ok(field)
    };
    if next()? != "1" {
        return Err(Rejected::Shape);
    }
    let device = Uuid::parse(next()?).ok_or(Rejected::Id)?;
    let Ok(id) = next() else { return Ok((device, State::default())) };
    let uuid = |s: &str| Uuid::parse(s).ok_or(Rejected::Id);
    let number = |s: &str| json::parse_number(s.as_bytes()).ok_or(Rejected::Shape);
    let (id, root, seq) = (uuid(id)?, uuid(next()?)?, number(next()?)?);
    let (started_at, last_activity) = (number(next()?)?, number(next()?)?);
    let ended = match next()? {
        "0" => false,
        "1" => true,
        _ => return Err(Rejected::Shape),
    };
    let session = Session {
        id,
        root,
        seq: u32::try_from(seq).map_err(|_| Rejected::Shape)?,
        ancestors: Vec::new(),
        started_at,
        last_activity,
        ended,
    };
    check(&session)?;
    let user_id = match rest {
        None => None,
        Some("") => local_user.map(String::from),
        Some(user) => Some(user.into()),
    };
    Ok((device, State { session: Some(session), user_id }))
}
