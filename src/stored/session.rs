//! The engine's state, shared by the tabs, stored under `appboy.<apiKey>.session`:
//! `{"v":1,"user":…,"session":{"id","root","seq","prev","start","last","ended"}}` (`user` and
//! `session` left out when there are none). What comes back from storage is checked here before
//! the engine trusts it.

use super::value::{version, Value};
use super::VERSION;
use crate::engine::{Millis, Session, State, Uuid, ANCESTORS};
use crate::json;
use alloc::string::String;
use alloc::vec::Vec;

pub const SESSION: &str = "session";

/// Why a stored state was discarded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rejected {
    /// Not JSON of the record's shape.
    Shape,
    Version,
    Id,
    Time,
}

impl Rejected {
    pub fn reason(self) -> &'static str {
        match self {
            Rejected::Shape => "unreadable",
            Rejected::Version => "unknown record version",
            Rejected::Id => "malformed session id",
            Rejected::Time => "impossible session times",
        }
    }
}

/// The state as it is stored.
pub fn write_state(state: &State) -> String {
    json::object(|o| {
        o.uint("v", VERSION.into()).opt_str("user", state.user_id.as_deref());
        if let Some(s) = &state.session {
            o.object("session", |o| {
                o.id("id", &s.id)
                    .id("root", &s.root)
                    .uint("seq", s.seq.into())
                    .array("prev", &s.ancestors, |item, id| item.id(id))
                    .uint("start", s.started_at)
                    .uint("last", s.last_activity)
                    .bool("ended", s.ended);
            });
        }
    })
}

/// The state back from storage, or why it cannot be trusted.
pub fn read_state(value: &impl Value) -> Result<State, Rejected> {
    if version(value).ok_or(Rejected::Shape)? != VERSION {
        return Err(Rejected::Version);
    }
    // What owns memory is read last: every early return before it would free it.
    let session = value.get("session");
    let session = if session.is_absent() { None } else { Some(read_session(&session)?) };
    let user = value.get("user");
    let user_id = if user.is_absent() { None } else { Some(user.as_string().ok_or(Rejected::Shape)?) };
    Ok(State { session, user_id })
}

fn read_session(value: &impl Value) -> Result<Session, Rejected> {
    let uuid = |v: &_| Uuid::parse(&Value::as_string(v).ok_or(Rejected::Shape)?).ok_or(Rejected::Id);
    let seq = value.get("seq").as_f64().filter(|s| *s >= 0.0 && *s <= u32::MAX as f64).ok_or(Rejected::Shape)? as u32;
    let ended = value.get("ended");
    let ended = if ended.is_absent() { false } else { ended.as_bool().ok_or(Rejected::Shape)? };
    let (started_at, last_activity) = (millis(value.get("start").as_f64())?, millis(value.get("last").as_f64())?);
    let (id, root) = (uuid(&value.get("id"))?, uuid(&value.get("root"))?);
    let mut session = Session { id, root, seq, ancestors: Vec::new(), started_at, last_activity, ended };
    check(&session)?;
    let prev = value.get("prev");
    if !prev.is_absent() {
        let count = prev.length().ok_or(Rejected::Shape)?;
        if count as usize > ANCESTORS {
            return Err(Rejected::Id);
        }
        for index in 0..count {
            session.ancestors.push(uuid(&prev.item(index))?);
        }
    }
    Ok(session)
}

/// What makes a session's times possible, wherever it was read from: it ends no earlier than it
/// starts, and a double holds both exactly.
pub(super) fn check(session: &Session) -> Result<(), Rejected> {
    if session.last_activity < session.started_at || session.last_activity > MAX_SAFE as Millis {
        return Err(Rejected::Time);
    }
    Ok(())
}

const MAX_SAFE: f64 = 9_007_199_254_740_991.0;

/// A time from storage: a whole, non-negative number of ms that a double holds exactly.
fn millis(value: Option<f64>) -> Result<Millis, Rejected> {
    let value = value.ok_or(Rejected::Shape)?;
    if value.is_finite() && (0.0..=MAX_SAFE).contains(&value) && value == (value as Millis) as f64 {
        Ok(value as Millis)
    } else {
        Err(Rejected::Time)
    }
}
