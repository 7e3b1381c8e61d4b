//! The state machine of docs/design.md section 1.

use super::datapoint::{Datapoint, Kind};
use super::state::{join, Joined, Session, State};
use super::{Millis, Uuid};
use alloc::vec::Vec;

/// What happened, as the adapters tell it.
#[derive(Clone, Debug)]
pub enum Input<'a> {
    /// `appboy.openSession()`: this page tracks sessions from now on.
    Open,
    /// User interaction, or an SDK call that touches the session.
    Activity,
    /// The page was hidden or left: the moment the user navigated away.
    Hidden,
    /// The page became visible again or came back from the back/forward cache: a return.
    Shown,
    /// `appboy.changeUser(id)`.
    ChangeUser(&'a str),
    /// The timer the last output asked for went off.
    TimerFired,
    /// The state as persisted, at start-up or when another tab changed it.
    Restore(State),
}

/// What to do after an input, in this order: queue `datapoints` for delivery (and withdraw
/// `rival`), then write the state if `persist`, then arm the timer. A datapoint is stored before
/// the state that follows from it.
#[must_use = "the datapoints are lost and the state is not shared unless carried out"]
#[derive(Debug, Default, PartialEq)]
pub struct Output {
    /// In the order they happened.
    pub datapoints: Vec<Datapoint>,
    /// `Engine::state()` should be written to storage now.
    pub persist: bool,
    /// When to send `TimerFired`: the expiry of the open session.
    pub timer: Option<Millis>,
    /// A session this tab started lost to another tab's (docs/design.md section 1): it and the
    /// sessions before it that the winner's chain does not hold. Its end is among `datapoints`.
    /// Those whose start has not left the tab can be taken back with their ends (delivery's
    /// `Input::Withdraw`): two tabs opening at once then make one session, not two.
    pub rival: Vec<Uuid>,
}

/// One tab's view of the session rule (docs/design.md section 1).
///
/// Contract: every input goes through `handle(now, input)`, whose `Output` is carried out at once
/// and in full. `now` is Unix ms (`Date.now()`). Time never runs backwards inside the engine: a
/// reading before the session's last activity counts as that activity. The adapter arms one
/// timer, for `Output::timer`, and feeds `Input::TimerFired` when it goes off (after feeding what
/// storage holds, as `Input::Restore`); an early timer is harmless. What other tabs write comes
/// in as `Input::Restore`, at start-up and on every `storage` event.
pub struct Engine {
    timeout: Millis,
    state: State,
    /// `Open` was called on this page: activity keeps (and reopens) sessions, the timer closes them.
    tracking: bool,
    /// Entropy from the adapter for the ids of sessions that succeed none.
    seed: Uuid,
    minted: u64,
    /// The session this tab last started: a rival that beats it is this tab's to end.
    started: Option<Uuid>,
    /// What the adapter was last told to persist (or read from storage).
    saved: State,
}

impl Engine {
    /// `timeout` in ms (see `session_timeout`); `seed`: random bytes from the adapter.
    pub fn new(timeout: Millis, seed: [u8; 16]) -> Engine {
        Engine {
            timeout,
            state: State::default(),
            tracking: false,
            seed: Uuid::from_random(seed),
            minted: 0,
            started: None,
            saved: State::default(),
        }
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn timeout(&self) -> Millis {
        self.timeout
    }

    /// The open session, if any.
    pub fn session(&self) -> Option<&Session> {
        self.state.session.as_ref().filter(|s| s.is_open())
    }

    /// When the open session expires unless there is activity before.
    pub fn expires_at(&self) -> Option<Millis> {
        self.session().map(|s| s.last_activity.saturating_add(self.timeout))
    }

    pub fn handle(&mut self, now: Millis, input: Input) -> Output {
        // Time never runs backwards inside the engine: a reading before the last activity (clock
        // change, skew between tabs) is taken as that activity, so no duration is negative and no
        // end comes after the next start.
        let now = now.max(self.state.session.as_ref().map_or(0, |s| s.last_activity));
        let mut out = Vec::new();
        match input {
            Input::Open => {
                self.tracking = true;
                self.touch(now, true, &mut out);
            }
            Input::Activity | Input::Shown if self.tracking => self.touch(now, true, &mut out),
            Input::Hidden if self.tracking => self.touch(now, false, &mut out),
            Input::TimerFired if self.tracking => self.expire(now, &mut out),
            Input::ChangeUser(user) => self.change_user(now, user, &mut out),
            Input::Restore(theirs) => return self.restore(theirs),
            Input::Activity | Input::Shown | Input::Hidden | Input::TimerFired => {}
        }
        // Every change is written, each activity included (interaction counts once a second at
        // most): a tab whose newest activity were not in storage could be ended by another tab's
        // timer while it still saw the session open (found by tests/simulation.rs).
        let persist = self.state != self.saved;
        if persist {
            self.saved = self.state.clone();
        }
        Output { datapoints: out, persist, timer: self.timer(), rival: Vec::new() }
    }

    fn timer(&self) -> Option<Millis> {
        self.expires_at().filter(|_| self.tracking)
    }

    /// Activity at `now`: ends an expired session (dated at its last activity), extends an open
    /// one, and when `opens`, starts a new one if none is open.
    fn touch(&mut self, now: Millis, opens: bool, out: &mut Vec<Datapoint>) {
        self.expire(now, out);
        match self.state.session.as_mut() {
            Some(session) if session.is_open() => session.last_activity = now,
            _ if opens => self.start(now, out),
            _ => {}
        }
    }

    /// Ends the open session if `now` is at least a timeout past its last activity.
    fn expire(&mut self, now: Millis, out: &mut Vec<Datapoint>) {
        let timeout = self.timeout;
        if let Some(session) = self.state.session.as_mut() {
            if session.is_open() && now.saturating_sub(session.last_activity) >= timeout {
                end(session, &self.state.user_id, out);
            }
        }
    }

    fn change_user(&mut self, now: Millis, user: &str, out: &mut Vec<Datapoint>) {
        if self.state.user_id.as_deref() == Some(user) {
            if self.tracking {
                self.touch(now, true, out);
            }
            return;
        }
        self.expire(now, out);
        let mut had_open = false;
        if let Some(session) = self.state.session.as_mut().filter(|s| s.is_open()) {
            had_open = true;
            session.last_activity = now;
            end(session, &self.state.user_id, out);
        }
        self.state.user_id = Some(user.into());
        if had_open || self.tracking {
            self.start(now, out);
        }
    }

    /// Starts a session at `now`. Its id follows from the session it succeeds and the user, so
    /// tabs that make the same transition make the same session.
    fn start(&mut self, now: Millis, out: &mut Vec<Datapoint>) {
        let user = self.state.user_id.as_deref().unwrap_or_default().as_bytes();
        let session = match &self.state.session {
            Some(prev) => prev.successor(prev.id.derive(user), now),
            None => {
                self.minted += 1;
                let id = self.seed.derive(&self.minted.to_le_bytes());
                Session { id, root: id, seq: 0, ancestors: Vec::new(), started_at: now, last_activity: now, ended: false }
            }
        };
        let id = session.id;
        self.started = Some(id);
        self.state.session = Some(session);
        out.push(Datapoint { kind: Kind::Start, time: now, session_id: id, user_id: self.state.user_id.clone() });
    }

    fn restore(&mut self, theirs: State) -> Output {
        let mut out = Vec::new();
        let mut rival = Vec::new();
        match join(self.state.session.as_ref(), theirs.session.as_ref()) {
            Joined::Same(session) => {
                self.state.session = Some(session);
                self.state.user_id = theirs.user_id.clone();
            }
            Joined::Theirs { end_ours } => {
                // Only the tab that started a session ends it as a rival: another that merely
                // joined it cannot know whether its start was ever sent (or taken back).
                let started = self.started;
                if let Some(ours) = self.state.session.as_mut().filter(|s| end_ours && self.tracking && Some(s.id) == started) {
                    end(ours, &self.state.user_id, &mut out);
                    if let Some(winner) = &theirs.session {
                        rival = ours.not_in(winner);
                    }
                }
                self.state = theirs.clone();
            }
            Joined::Ours => {}
        }
        // Write back only what storage lacks; joining what we wrote changes nothing, so tabs settle.
        let persist = self.state != theirs;
        self.saved = if persist { self.state.clone() } else { theirs };
        Output { datapoints: out, persist, timer: self.timer(), rival }
    }
}

fn end(session: &mut Session, user: &Option<alloc::string::String>, out: &mut Vec<Datapoint>) {
    session.ended = true;
    out.push(Datapoint {
        kind: Kind::End { duration: session.last_activity.saturating_sub(session.started_at) },
        time: session.last_activity,
        session_id: session.id,
        user_id: user.clone(),
    });
}
