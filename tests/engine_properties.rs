//! Property tests of the session invariants over random inputs and times (docs/design.md section 1).
//! `PROPTEST_CASES` sets the number of cases (scripts/test.sh runs 10,000).
#![cfg(not(target_arch = "wasm32"))] // proptest runs natively

mod support;

use appboy_wasm::engine::*;
use appboy_wasm::stored::{read_state, write_state};
use proptest::prelude::*;
use std::collections::{HashMap, VecDeque};

const T0: Millis = 1_767_225_600_000;
const TIMEOUT: Millis = 60_000;
const USERS: [&str; 3] = ["ann", "bob", "cy"];

#[derive(Clone, Copy, Debug)]
enum Step {
    Open,
    Activity,
    Hidden,
    Shown,
    Timer,
    User(usize),
}

impl Step {
    fn input(self) -> Input<'static> {
        match self {
            Step::Open => Input::Open,
            Step::Activity => Input::Activity,
            Step::Hidden => Input::Hidden,
            Step::Shown => Input::Shown,
            Step::Timer => Input::TimerFired,
            Step::User(u) => Input::ChangeUser(USERS[u]),
        }
    }
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => Just(Step::Open),
        3 => Just(Step::Activity),
        2 => Just(Step::Hidden),
        2 => Just(Step::Shown),
        2 => Just(Step::Timer),
        1 => (0..USERS.len()).prop_map(Step::User),
    ]
}

/// Time steps around the timeout, exactly on it, and backwards (clock changes).
fn delta() -> impl Strategy<Value = i64> {
    let t = TIMEOUT as i64;
    prop_oneof![
        4 => 0..t,
        1 => Just(t - 1),
        1 => Just(t),
        2 => t..5 * t,
        1 => -2 * t..0,
    ]
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(1_000),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn one_tab_keeps_every_session_invariant(steps in prop::collection::vec((delta(), step()), 1..60)) {
        let mut engine = Engine::new(TIMEOUT, [5; 16]);
        let mut clock = T0 as i64;
        let mut last_touch = T0; // the last activity of the newest session, as the test sees it
        let mut emitted: Vec<Datapoint> = Vec::new();
        let mut open: Option<Datapoint> = None; // the ss of the session that is open
        let first = engine.handle(T0, Input::Open);
        emitted.extend(first.datapoints.iter().cloned());
        open = open.or(first.datapoints.first().cloned());

        for (dt, step) in steps {
            clock += dt;
            let raw = clock.max(0) as Millis;
            let now = raw.max(last_touch); // time never runs backwards
            let gap = now - last_touch;
            let out = engine.handle(raw, step.input());
            let user_changed = matches!(step, Step::User(u) if emitted.last().and_then(|d| d.user_id.as_deref()) != Some(USERS[u]));

            for dp in &out.datapoints {
                match dp.kind {
                    Kind::Start => {
                        prop_assert!(open.is_none(), "sessions never overlap: ss while one is open");
                        prop_assert_eq!(dp.time, now, "a session starts at the input that opens it");
                        if let Some(prev) = emitted.iter().rev().find(|d| matches!(d.kind, Kind::End { .. })) {
                            prop_assert!(prev.time <= dp.time, "an end is never dated after the next start");
                        }
                        open = Some(dp.clone());
                    }
                    Kind::End { duration } => {
                        let start = open.take();
                        prop_assert!(start.is_some(), "every se follows its ss");
                        let start = start.unwrap();
                        prop_assert_eq!(start.session_id, dp.session_id);
                        prop_assert!(dp.time >= start.time);
                        prop_assert_eq!(duration, dp.time - start.time);
                        if dp.time == now && user_changed && gap < TIMEOUT {
                            // changeUser ends the session now
                        } else {
                            prop_assert_eq!(dp.time, last_touch, "an end is dated at the session's last activity");
                            prop_assert!(gap >= TIMEOUT, "a gap shorter than the timeout never splits (gap {})", gap);
                        }
                    }
                }
                emitted.push(dp.clone());
            }

            // A gap of at least the timeout always splits.
            if gap >= TIMEOUT {
                prop_assert!(open.as_ref().map_or(true, |s| s.time == now), "an expired session was continued");
            }
            match step {
                Step::Timer => {}
                Step::Hidden if engine.session().is_none() => {}
                _ => last_touch = now,
            }
            prop_assert_eq!(engine.session().map(|s| s.last_activity), open.as_ref().map(|_| last_touch));
            prop_assert_eq!(out.timer, open.as_ref().map(|_| last_touch + TIMEOUT));
        }
    }

    #[test]
    fn stored_state_round_trips(steps in prop::collection::vec((0..3 * TIMEOUT as i64, step()), 1..20)) {
        let mut engine = Engine::new(TIMEOUT, [6; 16]);
        let mut now = T0;
        for (dt, step) in steps {
            now += dt as Millis;
            let _ = engine.handle(now, step.input());
            let back = read_state(&support::Json::parse(&write_state(engine.state())));
            prop_assert_eq!(back.as_ref(), Ok(engine.state()));
        }
    }

    #[test]
    fn tabs_sharing_storage_agree_and_leave_no_session_unended(
        steps in prop::collection::vec((0..3usize, delta(), prop_oneof![4 => step().prop_map(Some), 3 => Just(None)]), 1..80),
    ) {
        let mut tabs = Tabs::new(3);
        let mut clock = T0;
        for (tab, dt, step) in steps {
            clock = (clock as i64 + dt.max(0)) as Millis;
            match step {
                Some(step) => tabs.input(tab, clock, step.input()),
                None => tabs.deliver(tab, clock),
            }
        }
        // Let every storage event arrive, then let every tab's timer fire long after.
        tabs.settle(clock);
        let later = clock + 10 * TIMEOUT;
        for tab in 0..3 {
            tabs.input(tab, later, Input::TimerFired);
            tabs.settle(later);
        }
        for tab in 1..3 {
            prop_assert_eq!(tabs.engines[tab].state(), tabs.engines[0].state(), "the tabs converge");
        }
        // What the endpoint keeps: the first of each (name, session_id).
        let mut kept: HashMap<(&str, Uuid), &Datapoint> = HashMap::new();
        for dp in &tabs.sent {
            kept.entry((dp.name(), dp.session_id)).or_insert(dp);
        }
        for ((name, id), dp) in &kept {
            let other = if *name == "ss" { "se" } else { "ss" };
            let pair = kept.get(&(other, *id));
            prop_assert!(pair.is_some(), "{} of {:?} has no {}", name, id, other);
            let (start, end) = if *name == "ss" { (*dp, *pair.unwrap()) } else { (*pair.unwrap(), *dp) };
            prop_assert!(start.time <= end.time, "no session ends before it starts");
        }
    }
}

/// Tabs of one origin: one shared storage, `storage` events delivered late and in order.
struct Tabs {
    engines: Vec<Engine>,
    inbox: Vec<VecDeque<State>>,
    sent: Vec<Datapoint>,
}

impl Tabs {
    fn new(n: u8) -> Tabs {
        let mut tabs = Tabs { engines: Vec::new(), inbox: Vec::new(), sent: Vec::new() };
        for i in 0..n {
            tabs.engines.push(Engine::new(TIMEOUT, [i + 10; 16]));
            tabs.inbox.push(VecDeque::new());
        }
        for i in 0..n as usize {
            tabs.input(i, T0, Input::Open);
        }
        tabs
    }

    fn input(&mut self, tab: usize, now: Millis, input: Input) {
        let out = self.engines[tab].handle(now, input);
        self.sent.extend(out.datapoints);
        if out.persist {
            let state = self.engines[tab].state().clone();
            for (other, inbox) in self.inbox.iter_mut().enumerate() {
                if other != tab {
                    inbox.push_back(state.clone());
                }
            }
        }
    }

    fn deliver(&mut self, tab: usize, now: Millis) {
        if let Some(state) = self.inbox[tab].pop_front() {
            self.input(tab, now, Input::Restore(state));
        }
    }

    fn settle(&mut self, now: Millis) {
        for _ in 0..1_000 {
            let Some(tab) = self.inbox.iter().position(|i| !i.is_empty()) else { return };
            self.deliver(tab, now);
        }
        panic!("storage events never settle");
    }
}
