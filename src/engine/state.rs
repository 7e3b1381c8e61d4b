//! The state that is persisted and shared between tabs, and how two views of it are joined.

use super::{Millis, Uuid};
use alloc::string::String;
use alloc::vec::Vec;

/// How many predecessors a session remembers: enough for a tab that missed that many transitions
/// to know its own session was ended elsewhere. One that missed more ends it again, which is safe:
/// the endpoint keeps one `se` per session.
pub const ANCESTORS: usize = 8;

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Session {
    pub id: Uuid,
    /// The first session of the chain this one belongs to: each session after a timeout or a user
    /// change succeeds the one before, so one device has one chain unless tabs raced to start it.
    pub root: Uuid,
    /// How many sessions precede this one in its chain.
    pub seq: u32,
    /// The ids of the sessions just before this one in its chain, the newest last.
    pub ancestors: Vec<Uuid>,
    pub started_at: Millis,
    pub last_activity: Millis,
    /// Its `se` has been emitted; it is kept so that the next session's id can be derived from it.
    pub ended: bool,
}

impl Session {
    pub fn is_open(&self) -> bool {
        !self.ended
    }

    /// The order in which sessions replace each other when tabs disagree: later in the chain
    /// wins; rival chains (first visits in two tabs at once) are ranked by their root, rival
    /// successors by id. It depends on nothing that merging changes, so every tab picks the same
    /// winner and keeps picking it as the chains go on.
    fn rank(&self) -> (Uuid, u32, Uuid) {
        (self.root, self.seq, self.id)
    }

    /// The position in the chain of the oldest session this one remembers.
    fn remembers_from(&self) -> u32 {
        self.seq.saturating_sub(self.ancestors.len() as u32)
    }

    /// Whether `self` succeeded `other`, so that some tab already ended `other`: `other` is among
    /// the sessions it remembers, or older than those in the same chain (a tab back after many
    /// sessions, from the back/forward cache, must not end its old session again with its own
    /// stale last activity).
    fn follows(&self, other: &Session) -> bool {
        self.ancestors.contains(&other.id) || (self.root == other.root && other.seq < self.remembers_from())
    }

    /// The sessions of this one's chain, itself included, that are certainly not in `winner`'s:
    /// what a tab whose session lost to `winner` started on its own. An ancestor older than
    /// `winner` remembers may be common to both, and is left out.
    pub(crate) fn not_in(&self, winner: &Session) -> Vec<Uuid> {
        let known_from = winner.remembers_from();
        let count = self.ancestors.len() as u32;
        let mut ours = Vec::new();
        // The ancestors, oldest first, then the session itself.
        for i in 0..=count {
            let id = self.ancestors.get(i as usize).unwrap_or(&self.id);
            let seq = self.seq.saturating_sub(count - i);
            let known = self.root != winner.root || seq >= known_from;
            if known && *id != winner.id && !winner.ancestors.contains(id) {
                ours.push(*id);
            }
        }
        ours
    }

    /// The session that succeeds this one (after a timeout or a user change) as `id`.
    pub(crate) fn successor(&self, id: Uuid, at: Millis) -> Session {
        let mut ancestors = self.ancestors.clone();
        if ancestors.len() >= ANCESTORS {
            ancestors.remove(0);
        }
        ancestors.push(self.id);
        Session { id, root: self.root, seq: self.seq.saturating_add(1), ancestors, started_at: at, last_activity: at, ended: false }
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
            root: a.root,
            seq: a.seq,
            // The longer memory of the chain: a session read from the shared cookie has none, and
            // two tabs that each kept their own would write their states back and forth for ever.
            ancestors: if b.ancestors.len() > a.ancestors.len() { &b.ancestors } else { &a.ancestors }.clone(),
            started_at: a.started_at.min(b.started_at),
            last_activity: a.last_activity.max(b.last_activity),
            ended: a.ended || b.ended,
        }),
        (Some(a), Some(b)) if b.rank() > a.rank() => Joined::Theirs { end_ours: a.is_open() && !b.follows(a) },
        (Some(_), Some(_)) => Joined::Ours,
    }
}
