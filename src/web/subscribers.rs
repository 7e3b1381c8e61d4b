//! What the subscribers to session updates hear, and when (docs/design.md section 2). The
//! subscriptions themselves are kept by browser.js.

use crate::engine::{Engine, Millis, Uuid};

/// Activity alone is news this often at most.
const NEWS_GRANULARITY: Millis = 1_000;

/// The open session, as subscribers are told of it.
#[derive(Clone, Copy, PartialEq)]
pub struct Update {
    pub id: Uuid,
    pub started_at: Millis,
    pub last_activity: Millis,
    pub expires_at: Millis,
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
            (now, was) => now != was,
        };
        if !news {
            return None;
        }
        self.0 = now;
        Some(now)
    }
}
