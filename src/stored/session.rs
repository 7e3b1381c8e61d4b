//! The engine's state, shared by the tabs, stored under `appboy.<apiKey>.session`. What comes back
//! from storage is checked here before the engine trusts it.

use super::value::{array, optional, version, Value};
use super::VERSION;
use crate::engine::{Millis, Session, State, Uuid, ANCESTORS};
use crate::json;
use alloc::string::String;
use alloc::vec::Vec;

pub const SESSION: &str = "session";

#[derive(Clone, PartialEq, Debug)]
pub struct StateRecord {
    pub v: u32,
    pub user: Option<String>,
    pub session: Option<StoredSession>,
}

#[derive(Clone, PartialEq, Debug)]
pub struct StoredSession {
    pub id: String,
    pub root: String,
    pub seq: u32,
    /// Ids of the sessions just before, the newest last.
    pub prev: Vec<String>,
    /// Unix ms; JSON numbers are doubles.
    pub start: f64,
    pub last: f64,
    pub ended: bool,
}

/// Why a stored record was discarded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Rejected {
    Version,
    Id,
    Time,
}

impl Rejected {
    pub fn reason(self) -> &'static str {
        match self {
            Rejected::Version => "unknown record version",
            Rejected::Id => "malformed session id",
            Rejected::Time => "impossible session times",
        }
    }
}

impl StateRecord {
    pub fn to_json(&self) -> String {
        json::object(|o| {
            o.uint("v", self.v.into()).opt_str("user", self.user.as_deref());
            if let Some(s) = &self.session {
                o.object("session", |o| {
                    o.str("id", &s.id)
                        .str("root", &s.root)
                        .uint("seq", s.seq.into())
                        .array("prev", &s.prev, |item, id| item.str(id))
                        .uint("start", s.start as u64)
                        .uint("last", s.last as u64)
                        .bool("ended", s.ended);
                });
            }
        })
    }
}

impl StateRecord {
    pub fn read(value: &impl Value) -> Option<StateRecord> {
        Some(StateRecord {
            v: version(value)?,
            user: optional(value.get("user"), Value::as_string)?,
            session: optional(value.get("session"), stored_session)?,
        })
    }
}

fn stored_session(value: &impl Value) -> Option<StoredSession> {
    let number = |key| value.get(key).as_f64();
    Some(StoredSession {
        id: value.get("id").as_string()?,
        root: value.get("root").as_string()?,
        seq: number("seq").filter(|s| *s >= 0.0 && *s <= u32::MAX as f64)? as u32,
        prev: optional(value.get("prev"), |p| array(p, Value::as_string))?.unwrap_or_default(),
        start: number("start")?,
        last: number("last")?,
        ended: optional(value.get("ended"), Value::as_bool)?.unwrap_or(false),
    })
}

pub fn encode_state(state: &State) -> StateRecord {
    StateRecord {
        v: VERSION,
        user: state.user_id.clone(),
        session: state.session.as_ref().map(|s| StoredSession {
            id: s.id.to_hyphenated(),
            root: s.root.to_hyphenated(),
            seq: s.seq,
            prev: s.ancestors.iter().map(Uuid::to_hyphenated).collect(),
            start: s.started_at as f64,
            last: s.last_activity as f64,
            ended: s.ended,
        }),
    }
}

pub fn decode_state(record: StateRecord) -> Result<State, Rejected> {
    if record.v != VERSION {
        return Err(Rejected::Version);
    }
    let session = match record.session {
        None => None,
        Some(s) => {
            let id = Uuid::parse(&s.id).ok_or(Rejected::Id)?;
            let root = Uuid::parse(&s.root).ok_or(Rejected::Id)?;
            if s.prev.len() > ANCESTORS {
                return Err(Rejected::Id);
            }
            let mut ancestors = Vec::with_capacity(s.prev.len());
            for p in &s.prev {
                ancestors.push(Uuid::parse(p).ok_or(Rejected::Id)?);
            }
            let (started_at, last_activity) = (millis(s.start)?, millis(s.last)?);
            if last_activity < started_at {
                return Err(Rejected::Time);
            }
            Some(Session { id, root, seq: s.seq, ancestors, started_at, last_activity, ended: s.ended })
        }
    };
    Ok(State { session, user_id: record.user })
}

/// A time from storage: a whole, non-negative number of ms that a double holds exactly.
fn millis(value: f64) -> Result<Millis, Rejected> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if value.is_finite() && (0.0..=MAX_SAFE).contains(&value) && value == (value as Millis) as f64 {
        Ok(value as Millis)
    } else {
        Err(Rejected::Time)
    }
}
