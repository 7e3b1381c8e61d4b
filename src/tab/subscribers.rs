//! The page's subscriptions (docs/design.md section 2): to session updates, which hear of the open
//! session when it changes, and to SDK-authentication failures. The functions are the page's,
//! kept by the adapter under their handles.

use crate::engine::{Engine, Millis, Uuid};
use crate::json;
use alloc::string::String;

/// Activity alone is news this often at most.
const NEWS_GRANULARITY: Millis = 1_000;

/// The open session, as subscribers are told of it.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Update {
    pub id: Uuid,
    pub started_at: Millis,
    pub last_activity: Millis,
    pub expires_at: Millis,
}

impl Update {
    /// As subscribers get it: `{id, startedAt, lastActivityAt, expiresAt}` in Unix ms, or `null`.
    pub fn json(update: Option<Update>) -> String {
        let Some(u) = update else { return "null".into() };
        json::object(|o| {
            o.id("id", &u.id).uint("startedAt", u.started_at).uint("lastActivityAt", u.last_activity).uint("expiresAt", u.expires_at);
        })
    }
}

/// A subscription: its id (one series for both kinds, as `removeSubscription` takes either),
/// the page's function, and whether it is to SDK-authentication failures.
pub struct Subscription {
    pub id: u32,
    pub function: u32,
    pub auth: bool,
}

/// The session as subscribers last heard of it.
#[derive(Default)]
pub struct Heard(Option<Update>);

impl Heard {
    /// The open session (or none) when it changed since the subscribers last heard.
    pub fn news(&mut self, engine: &Engine) -> Option<Option<Update>> {
        let now = engine.session().map(|s| Update {
            id: s.id,
            started_at: s.started_at,
            last_activity: s.last_activity,
            expires_at: s.last_activity.saturating_add(engine.timeout()),
        });
        // Activity alone is news once a second: a subscriber that calls back into the SDK cannot
        // recurse, and scrolling does not flood subscribers.
        let news = match (now, self.0) {
            (Some(now), Some(was)) => {
                now.id != was.id || now.started_at != was.started_at || now.last_activity >= was.last_activity + NEWS_GRANULARITY
            }
            // A session opened or closed.
            (now, was) => now.is_some() || was.is_some(),
        };
        if !news {
            return None;
        }
        self.0 = now;
        Some(now)
    }
}
