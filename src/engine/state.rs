//! The state that is persisted and shared between tabs, and how two views of it are joined.

use super::{Millis, Uuid};
use alloc::string::String;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Session {
    pub id: Uuid,
    /// The session this one succeeded (after a timeout or a user change), if any: a tab that sees
    /// a successor of its own session knows another tab already ended it.
    pub prev: Option<Uuid>,
    pub started_at: Millis,
    pub last_activity: Millis,
    /// Its `se` has been emitted; it is kept so that the next session's id can be derived from it.
    pub ended: bool,
}

impl Session {
    pub fn is_open(&self) -> bool {
        !self.ended
    }

    /// Whether `self` should replace `other` when two tabs disagree.
    fn supersedes(&self, other: &Session) -> bool {
        if self.prev == Some(other.id) {
            return true;
        }
        if other.prev == Some(self.id) {
            return false;
        }
        // Unrelated sessions (two first visits at once): the later start wins, the id breaks ties,
        // so every tab picks the same one.
        (self.started_at, self.id) > (other.started_at, other.id)
    }
}

#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct State {
    pub session: Option<Session>,
    pub user_id: Option<String>,
}

/// The result of joining this tab's state with one read from storage.
pub(crate) enum Joined {
    /// The same session: its activity and end are combined.
    Same(Session),
    /// The other state's session replaces ours. `end_ours`: ours is still open and the other tab
    /// did not succeed it (a rival nobody else will end), so this tab must emit its end.
    Theirs { end_ours: bool },
    /// Ours replaces theirs.
    Ours,
}

pub(crate) fn join(ours: Option<&Session>, theirs: Option<&Session>) -> Joined {
    match (ours, theirs) {
        (_, None) => Joined::Ours,
        (None, Some(_)) => Joined::Theirs { end_ours: false },
        (Some(a), Some(b)) if a.id == b.id => Joined::Same(Session {
            id: a.id,
            prev: a.prev.or(b.prev),
            started_at: a.started_at.min(b.started_at),
            last_activity: a.last_activity.max(b.last_activity),
            ended: a.ended || b.ended,
        }),
        (Some(a), Some(b)) if b.supersedes(a) => Joined::Theirs { end_ours: a.is_open() && b.prev != Some(a.id) },
        (Some(_), Some(_)) => Joined::Ours,
    }
}
