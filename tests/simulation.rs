//! A deterministic simulation of the SDK in a browser (docs/design.md sections 1, 3 and 5):
//! several tabs of one site, each with its engine and its delivery machine, over one shared
//! localStorage (JSON text, read back as the SDK reads it), sending to an idempotent endpoint
//! through a faulty network, while tabs crash, reload, go into the back/forward cache and close,
//! and clocks jump and differ between tabs. The faults then stop, time passes, and the run checks
//! what the product promises.
//!
//! `SIM_SEEDS=n` runs n seeds (default 5,000; `scripts/test.sh` runs them optimized); `SIM_SEED=s`
//! replays seed s alone, printing its trace. A failing run prints its seed and the end of its
//! trace.
//!
//! The tabs are driven the way `src/web/sdk.rs`, `tracker.rs` and `courier.rs` drive the
//! machines in the browser: the same inputs for the same page events, the same order of effects.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use appboy_wasm::delivery::{self, Answer, Delivery, Send, Theirs};
use appboy_wasm::engine::{Datapoint, Engine, Input, Kind, Millis, Uuid};
use appboy_wasm::stored::{read_state, write_state, OutboxRecord, OUTBOXES, SESSION};
use std::collections::{BTreeMap, HashMap, HashSet};
use support::Json;

const PREFIX: &str = "appboy.KEY.";
/// 2026-01-01, the simulated clock's start.
const EPOCH: Millis = 1_767_225_600_000;
const LONGEST_TIMER: Millis = 0x7fff_ffff;
/// A `storage` event reaches the other tabs within this (a few ms in Chromium).
const STORAGE_LATENCY: Millis = 30;
/// The most two tabs' clocks differ by, in the runs where they differ. Tabs of one browser read
/// one system clock: they differ by when they read it, not by seconds.
const MAX_SKEW: Millis = 250;

/// splitmix64: small, and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
    fn bytes(&mut self) -> [u8; 16] {
        let mut b = [0; 16];
        b[..8].copy_from_slice(&self.next().to_le_bytes());
        b[8..].copy_from_slice(&self.next().to_le_bytes());
        b
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Page {
    Visible,
    Hidden,
    /// In the back/forward cache: nothing runs, nothing is heard.
    Frozen,
    /// Closed or crashed.
    Gone,
}

struct Tab {
    page: Page,
    /// How far this tab's clock is off the system clock.
    skew: i64,
    engine: Engine,
    delivery: Delivery,
    /// The armed timers: (the instant asked for, on the tab's clock; the timer's id).
    session_timer: Option<(Millis, u64)>,
    flush_timer: Option<(Millis, u64)>,
    /// The requests in flight that an abort would cancel.
    in_flight: Option<u32>,
    /// What reached the frozen page, delivered when it comes back.
    deferred: Vec<Happening>,
}

#[derive(Clone, Debug)]
enum Happening {
    SessionTimer(usize, u64),
    FlushTimer(usize, u64),
    Answer(usize, Answer),
    /// A request reaches the endpoint.
    Arrive(Vec<Datapoint>),
    /// Another tab wrote `key` (`None`: removed it).
    StorageEvent(usize, String, Option<String>),
}

/// How the network treats one request.
#[derive(Clone, Copy, Debug)]
enum Fate {
    Ok,
    /// Recorded, but the answer is lost on the way back: the page sees a network error.
    AnswerLost,
    /// Recorded, answered twice.
    AnswerTwice,
    Status5xx,
    TooMany {
        retry_after: Option<Millis>,
    },
    Refused,
    NetworkError,
    /// Accepted and never answered; recorded or not.
    Hang {
        recorded: bool,
    },
}

struct Config {
    timeout: Millis,
    interval: Millis,
    steps: usize,
    skew: bool,
    jumps: bool,
    refusals: bool,
    /// Long user ids and short sessions through an outage: the outboxes overflow.
    pressure: bool,
}

struct World {
    rng: Rng,
    cfg: Config,
    /// True time, which timers and the network follow.
    t: Millis,
    /// The system clock's offset from true time (clock changes).
    clock: i64,
    storage: BTreeMap<String, String>,
    tabs: Vec<Tab>,
    queue: Vec<(Millis, u64, Happening)>,
    seq: u64,
    faulty: bool,
    /// Every datapoint written to an outbox, by (name, session id): each version of it.
    recorded: HashMap<Key, Vec<Datapoint>>,
    /// What the endpoint keeps: the first of each datapoint.
    endpoint: HashMap<Key, Datapoint>,
    received: usize,
    dropped: usize,
    refused_count: usize,
    aborted: usize,
    /// Sessions that lost to a rival, and when each tab that started them learned it.
    rivals: HashMap<Uuid, Vec<Millis>>,
    /// When the start of each session first left the tab that recorded it: in a request or a
    /// beacon, or in an outbox left behind or taken over.
    left_tab: HashMap<Uuid, Millis>,
    /// Rivals that the tab that started them took back before they left it.
    withdrawn: HashSet<Uuid>,
    /// The activity each tab's engine held for each session: (when, in true time; the session's
    /// last activity then).
    activity: HashMap<Uuid, Vec<(Millis, Millis)>>,
    /// When each version of an end was first recorded, in true time.
    ended_at: HashMap<Datapoint, Millis>,
    /// Flush callbacks not called yet: (the tab, what its outbox held when the flush was asked
    /// for), by number.
    flushes: HashMap<u32, (usize, Vec<Key>)>,
    /// How many callbacks said everything was delivered, and how many said not.
    flushed: [usize; 2],
    /// What a callback got wrong: called twice, or said delivered what had not arrived.
    flush_errors: Vec<String>,
    trace: Vec<String>,
}

/// What identifies a datapoint at the endpoint: its name and its session.
type Key = (&'static str, Uuid);

fn key(dp: &Datapoint) -> Key {
    (dp.name(), dp.session_id)
}

fn short(id: &Uuid) -> String {
    id.to_hyphenated()[..8].to_string()
}

impl World {
    fn new(seed: u64) -> World {
        let mut rng = Rng(seed);
        let pressure = rng.chance(2);
        let cfg = Config {
            timeout: if pressure { 1_000 } else { rng.pick(&[1_000, 5_000, 60_000, 1_800_000]) },
            interval: rng.pick(&[1_000, 10_000]),
            steps: if pressure { 150 } else { 40 + rng.below(160) as usize },
            skew: rng.chance(30),
            jumps: rng.chance(30),
            refusals: rng.chance(10),
            pressure,
        };
        World {
            rng,
            cfg,
            t: 0,
            clock: EPOCH as i64,
            storage: BTreeMap::new(),
            tabs: Vec::new(),
            queue: Vec::new(),
            seq: 0,
            faulty: true,
            recorded: HashMap::new(),
            endpoint: HashMap::new(),
            received: 0,
            dropped: 0,
            refused_count: 0,
            activity: HashMap::new(),
            ended_at: HashMap::new(),
            aborted: 0,
            rivals: HashMap::new(),
            left_tab: HashMap::new(),
            withdrawn: HashSet::new(),
            flushes: HashMap::new(),
            flushed: [0, 0],
            flush_errors: Vec::new(),
            trace: Vec::new(),
        }
    }

    fn note(&mut self, what: String) {
        self.trace.push(format!("t={:>9} {what}", self.t));
    }

    fn now(&self, tab: usize) -> Millis {
        (self.t as i64 + self.clock + self.tabs[tab].skew).max(0) as Millis
    }

    fn at(&mut self, delay: Millis, happening: Happening) {
        self.seq += 1;
        self.queue.push((self.t + delay, self.seq, happening));
    }

    fn live(&self, tab: usize) -> bool {
        matches!(self.tabs[tab].page, Page::Visible | Page::Hidden)
    }

    // Storage, as `web::storage` and localStorage's `storage` events give it.

    fn write(&mut self, from: usize, name: &str, value: Option<String>) {
        let key = format!("{PREFIX}{name}");
        match &value {
            Some(v) => self.storage.insert(key.clone(), v.clone()),
            None => self.storage.remove(&key),
        };
        for tab in 0..self.tabs.len() {
            if tab != from && self.live(tab) {
                let delay = self.rng.below(STORAGE_LATENCY);
                self.at(delay, Happening::StorageEvent(tab, key.clone(), value.clone()));
            }
        }
    }

    fn read(&self, name: &str) -> Option<&String> {
        self.storage.get(&format!("{PREFIX}{name}"))
    }

    fn outboxes(&mut self) -> Vec<Theirs> {
        let names: Vec<String> =
            self.storage.keys().filter_map(|k| k.strip_prefix(PREFIX)).filter(|n| n.starts_with(OUTBOXES)).map(String::from).collect();
        let mut theirs = Vec::new();
        for name in names {
            match OutboxRecord::read(&Json::parse(self.read(&name).unwrap())) {
                Ok(record) => theirs.push(Theirs { name, record }),
                Err(why) => panic!("an outbox the SDK wrote does not read back: {name}: {why}"),
            }
        }
        theirs
    }

    // The engine's adapter (web/sdk.rs `feed`, web/tracker.rs).

    fn feed(&mut self, tab: usize, input: Input) {
        let now = self.now(tab);
        let timer_fired = matches!(input, Input::TimerFired);
        let out = self.tabs[tab].engine.handle(now, input);
        if timer_fired {
            self.tabs[tab].session_timer = None;
        }
        // The activity each tab saw in each session: what its session holds after each input, and
        // where an end (a user change) dates it.
        let ends = out.datapoints.iter().filter(|dp| dp.name() == "se").map(|dp| (dp.session_id, dp.time));
        for (id, last) in self.tabs[tab].engine.state().session.iter().map(|s| (s.id, s.last_activity)).chain(ends) {
            self.activity.entry(id).or_default().push((self.t, last));
        }
        if !out.datapoints.is_empty() {
            let events = out.datapoints;
            for e in &events {
                self.ended_at.entry(e.clone()).or_insert(self.t);
                self.recorded.entry(key(e)).or_default().push(e.clone());
            }
            self.note(format!(
                "tab {tab} records {}",
                events.iter().map(|e| format!("{} {}@{}", e.name(), short(&e.session_id), e.time)).collect::<Vec<_>>().join(", ")
            ));
            self.deliver(tab, delivery::Input::Queue(events));
        }
        if !out.rival.is_empty() {
            let ids = out.rival;
            self.note(format!("tab {tab} lost sessions {} to a rival", ids.iter().map(short).collect::<Vec<_>>().join(", ")));
            let before = self.starts_in_outbox(tab);
            self.deliver(tab, delivery::Input::Withdraw(ids.clone()));
            let after = self.starts_in_outbox(tab);
            for id in ids {
                if before.contains(&id) && !after.contains(&id) {
                    self.note(format!("tab {tab} withdraws session {}", short(&id)));
                    self.withdrawn.insert(id);
                }
                self.rivals.entry(id).or_default().push(self.t);
            }
        }
        if out.persist {
            let text = write_state(self.tabs[tab].engine.state());
            self.write(tab, SESSION, Some(text));
        }
        self.arm(tab, false, out.timer, now);
    }

    /// Arms the tab's session or flush timer for `at` (on its clock, asked at `now`), as
    /// tracker.rs and courier.rs do: an armed session timer that fires no later is kept (the
    /// engine asks again), a flush timer only when it is for the same instant.
    fn arm(&mut self, tab: usize, flush: bool, at: Option<Millis>, now: Millis) {
        let armed = if flush { self.tabs[tab].flush_timer } else { self.tabs[tab].session_timer };
        let timer = match at {
            Some(at) if armed.is_some_and(|(armed, _)| armed == at || (!flush && armed <= at)) => return,
            Some(at) => {
                self.seq += 1;
                let delay = at.saturating_sub(now).min(LONGEST_TIMER);
                let id = self.seq;
                self.at(delay, if flush { Happening::FlushTimer(tab, id) } else { Happening::SessionTimer(tab, id) });
                Some((at, id))
            }
            None => None,
        };
        if flush {
            self.tabs[tab].flush_timer = timer;
        } else {
            self.tabs[tab].session_timer = timer;
        }
    }

    fn restore_from(&mut self, tab: usize, text: &str) {
        let state = read_state(&Json::parse(text)).expect("the session record reads back");
        self.feed(tab, Input::Restore(state));
    }

    fn sync(&mut self, tab: usize) {
        if let Some(text) = self.read(SESSION).cloned() {
            self.restore_from(tab, &text);
        }
    }

    // The delivery adapter (web/courier.rs).

    /// The sessions whose start waits in the tab's outbox.
    fn starts_in_outbox(&self, tab: usize) -> HashSet<Uuid> {
        let record = self.tabs[tab].delivery.outbox().and_then(|text| OutboxRecord::read(&Json::parse(&text)).ok());
        record.map_or_else(HashSet::new, |r| r.events.iter().filter(|e| e.is_start()).map(|e| e.session_id).collect())
    }

    fn deliver(&mut self, tab: usize, input: delivery::Input) {
        let now = self.now(tab);
        let flush = match &input {
            delivery::Input::Flush(_, callback) => *callback,
            _ => None,
        };
        let step = self.tabs[tab].delivery.handle(now, input);
        let name = self.tabs[tab].delivery.name().to_string();
        if let Some(callback) = flush {
            // What waits now: this tab's outbox, with what it has just taken over.
            let waiting = self.tabs[tab].delivery.outbox().and_then(|text| OutboxRecord::read(&Json::parse(&text)).ok());
            self.flushes.insert(callback, (tab, waiting.map(|r| r.events.iter().map(key).collect()).unwrap_or_default()));
        }
        for &(callback, ok) in &step.settled {
            self.note(format!("tab {tab} calls flush callback {callback} with {ok}"));
            self.flushed[usize::from(!ok)] += 1;
            match self.flushes.remove(&callback) {
                None => self.flush_errors.push(format!("flush callback {callback} called twice")),
                Some((_, waited)) if ok => {
                    let lost = waited.iter().find(|k| !self.endpoint.contains_key(*k) && !self.withdrawn.contains(&k.1));
                    if let Some(k) = lost {
                        self.flush_errors.push(format!("flush callback {callback} said delivered, and {k:?} has not arrived"));
                    }
                }
                Some(_) => {}
            }
        }
        // Logged first: a crash while the step is carried out cannot make a drop silent.
        self.dropped += step.dropped;
        self.refused_count += step.refused;
        if step.dropped > 0 {
            self.note(format!("tab {tab} drops the {} oldest datapoints of a full outbox", step.dropped));
        }
        if step.save {
            let text = self.tabs[tab].delivery.outbox();
            self.write(tab, &name, text);
        }
        for other in &step.remove {
            if let Some(record) = self.read(other).and_then(|text| OutboxRecord::read(&Json::parse(text)).ok()) {
                self.starts_leave(&record.events);
            }
        }
        for (i, other) in step.remove.iter().enumerate() {
            // A crash between the writes of a step: what was written stays.
            if self.faulty && i == 0 && self.rng.chance(3) {
                self.note(format!("tab {tab} crashes while taking over {other}"));
                self.tabs[tab].page = Page::Gone;
                return;
            }
            self.write(tab, other, None);
        }
        if step.abort {
            // The aborted fetch rejects: its answer comes, as a failure, with its number.
            if let Some(request) = self.tabs[tab].in_flight.take() {
                self.note(format!("tab {tab} aborts request {request}"));
                self.aborted += 1;
                self.at(0, Happening::Answer(tab, Answer { request, status: None, retry_after: None }));
            }
        }
        match step.send {
            Some(Send::Fetch { request, events }) => {
                self.starts_leave(&events);
                self.fetch(tab, request, events)
            }
            Some(Send::Beacon(events)) => {
                self.starts_leave(&events);
                let arrives = !self.faulty || (!self.cfg.pressure && self.rng.chance(60));
                self.note(format!("tab {tab} beacons {} datapoints{}", events.len(), if arrives { "" } else { ", lost" }));
                if arrives {
                    let delay = self.rng.below(1_000);
                    self.at(delay, Happening::Arrive(events));
                }
            }
            None => {}
        }
        self.arm(tab, true, step.timer, now);
    }

    /// A session that lost to a rival after its start had left the tab: nothing could take it
    /// back, so it may overlap the winner.
    fn unavoidable_rival(&self, id: &Uuid) -> bool {
        match (self.rivals.get(id), self.left_tab.get(id)) {
            (Some(learned), Some(left)) => learned.iter().any(|t| t >= left),
            _ => false,
        }
    }

    fn starts_leave(&mut self, events: &[Datapoint]) {
        for e in events.iter().filter(|e| e.is_start()) {
            self.left_tab.entry(e.session_id).or_insert(self.t);
        }
    }

    fn fetch(&mut self, tab: usize, request: u32, events: Vec<Datapoint>) {
        self.tabs[tab].in_flight = Some(request);
        let fate = if !self.faulty {
            Fate::Ok
        } else if self.cfg.pressure {
            // An outage as long as the faults last: the outboxes fill up.
            self.rng.pick(&[Fate::Status5xx, Fate::NetworkError, Fate::Hang { recorded: false }])
        } else {
            match self.rng.below(100) {
                0..=44 => Fate::Ok,
                45..=52 => Fate::AnswerLost,
                53..=57 => Fate::AnswerTwice,
                58..=69 => Fate::Status5xx,
                70..=77 => Fate::TooMany { retry_after: self.rng.chance(70).then(|| self.rng.below(120_000)) },
                78..=87 => Fate::NetworkError,
                88..=94 => Fate::Hang { recorded: self.rng.chance(50) },
                _ if self.cfg.refusals => Fate::Refused,
                _ => Fate::Ok,
            }
        };
        self.note(format!("tab {tab} sends request {request} ({} datapoints): {fate:?}", events.len()));
        let arrive = self.rng.below(3_000);
        let back = arrive + self.rng.below(3_000);
        let answer = |status: Option<u16>, retry_after| Happening::Answer(tab, Answer { request, status, retry_after });
        match fate {
            Fate::Ok | Fate::AnswerTwice => {
                self.at(arrive, Happening::Arrive(events));
                self.at(back, answer(Some(200), None));
                if matches!(fate, Fate::AnswerTwice) {
                    let again = back + self.rng.below(5_000);
                    self.at(again, answer(Some(200), None));
                }
            }
            Fate::AnswerLost => {
                self.at(arrive, Happening::Arrive(events));
                self.at(back, answer(None, None));
            }
            Fate::Status5xx => self.at(back, answer(Some(503), None)),
            Fate::TooMany { retry_after } => self.at(back, answer(Some(429), retry_after)),
            Fate::Refused => self.at(back, answer(Some(400), None)),
            Fate::NetworkError => self.at(back, answer(None, None)),
            Fate::Hang { recorded } => {
                if recorded {
                    self.at(arrive, Happening::Arrive(events));
                }
            }
        }
    }

    // Page events, as browser.js reports them and web/sdk.rs routes them.

    fn open_tab(&mut self) {
        let skew = if self.cfg.skew { self.rng.below(MAX_SKEW + 1) as i64 - MAX_SKEW as i64 / 2 } else { 0 };
        let name = format!("{OUTBOXES}{}", Uuid::from_random(self.rng.bytes()).to_hyphenated());
        let seed = self.rng.next();
        let engine = Engine::new(self.cfg.timeout, self.rng.bytes());
        self.tabs.push(Tab {
            page: Page::Visible,
            skew,
            engine,
            delivery: Delivery::new(name, self.cfg.interval, seed),
            session_timer: None,
            flush_timer: None,
            in_flight: None,
            deferred: Vec::new(),
        });
        let tab = self.tabs.len() - 1;
        self.note(format!("tab {tab} opens (skew {skew} ms)"));
        self.sync(tab);
        self.deliver(tab, delivery::Input::LeftBehind);
        self.feed(tab, Input::Open);
    }

    fn hide(&mut self, tab: usize) {
        self.note(format!("tab {tab} hidden"));
        self.tabs[tab].page = Page::Hidden;
        self.feed(tab, Input::Hidden);
        self.deliver(tab, delivery::Input::Hidden);
    }

    fn show(&mut self, tab: usize) {
        self.note(format!("tab {tab} shown"));
        self.tabs[tab].page = Page::Visible;
        self.sync(tab);
        self.deliver(tab, delivery::Input::Shown);
        self.feed(tab, Input::Shown);
    }

    /// pagehide: the page goes into the back/forward cache, or closes.
    fn leave(&mut self, tab: usize, close: bool) {
        self.note(format!("tab {tab} {}", if close { "closes" } else { "goes into the back/forward cache" }));
        self.feed(tab, Input::Hidden);
        if let Some(record) = self.tabs[tab].delivery.outbox().and_then(|text| OutboxRecord::read(&Json::parse(&text)).ok()) {
            self.starts_leave(&record.events);
        }
        self.deliver(tab, delivery::Input::Left);
        self.tabs[tab].page = if close { Page::Gone } else { Page::Frozen };
    }

    fn come_back(&mut self, tab: usize) {
        self.note(format!("tab {tab} comes back from the back/forward cache"));
        self.show(tab);
        for happening in std::mem::take(&mut self.tabs[tab].deferred) {
            self.happen(happening);
        }
    }

    fn happen(&mut self, happening: Happening) {
        let tab = match &happening {
            Happening::SessionTimer(tab, _)
            | Happening::FlushTimer(tab, _)
            | Happening::Answer(tab, _)
            | Happening::StorageEvent(tab, ..) => *tab,
            Happening::Arrive(events) => {
                self.received += events.len();
                for e in events {
                    self.endpoint.entry(key(e)).or_insert_with(|| e.clone());
                }
                return;
            }
        };
        match self.tabs[tab].page {
            Page::Gone => return,
            Page::Frozen => {
                if !matches!(happening, Happening::StorageEvent(..)) {
                    self.tabs[tab].deferred.push(happening);
                }
                return;
            }
            Page::Visible | Page::Hidden => {}
        }
        match happening {
            Happening::SessionTimer(_, id) => {
                if self.tabs[tab].session_timer.map(|(_, armed)| armed) == Some(id) {
                    self.sync(tab);
                    self.feed(tab, Input::TimerFired);
                }
            }
            Happening::FlushTimer(_, id) => {
                if self.tabs[tab].flush_timer.map(|(_, armed)| armed) == Some(id) {
                    self.tabs[tab].flush_timer = None;
                    let theirs = self.outboxes();
                    self.deliver(tab, delivery::Input::Timer(theirs));
                }
            }
            Happening::Answer(_, answer) => {
                if self.tabs[tab].in_flight == Some(answer.request) {
                    self.tabs[tab].in_flight = None;
                }
                self.note(format!("tab {tab} hears request {}: {:?}", answer.request, answer.status));
                self.deliver(tab, delivery::Input::Answer(answer));
            }
            Happening::StorageEvent(_, key, value) => {
                let name = key.strip_prefix(PREFIX).unwrap_or_default();
                if name == SESSION {
                    if let Some(text) = value {
                        self.restore_from(tab, &text);
                    }
                } else if OutboxRecord::left_behind(name, value.as_deref()) {
                    self.deliver(tab, delivery::Input::LeftBehind);
                }
            }
            Happening::Arrive(_) => unreachable!(),
        }
    }

    /// Lets true time run to `until`, with everything due on the way.
    fn run_until(&mut self, until: Millis) {
        loop {
            let next = self
                .queue
                .iter()
                .enumerate()
                .filter(|(_, (at, ..))| *at <= until)
                .min_by_key(|(_, (at, seq, _))| (*at, *seq))
                .map(|(i, _)| i);
            let Some(i) = next else { break };
            let (at, _, happening) = self.queue.swap_remove(i);
            self.t = self.t.max(at);
            self.happen(happening);
        }
        self.t = until;
    }

    fn tabs_where(&self, page: &[Page]) -> Vec<usize> {
        (0..self.tabs.len()).filter(|t| page.contains(&self.tabs[*t].page)).collect()
    }

    /// One thing a user, the browser or the system does.
    fn act(&mut self) {
        let live = self.tabs_where(&[Page::Visible, Page::Hidden]);
        let frozen = self.tabs_where(&[Page::Frozen]);
        let users = if self.cfg.pressure { vec!["a".repeat(900), "b".repeat(900)] } else { vec!["alice".into(), "bob".into()] };
        match self.rng.below(100) {
            _ if live.is_empty() => self.open_tab(),
            0..=29 => {
                let tab = self.rng.pick(&live);
                self.feed(tab, Input::Activity);
            }
            30..=37 => {
                let tab = self.rng.pick(&live);
                if self.tabs[tab].page == Page::Visible {
                    self.hide(tab)
                } else {
                    self.show(tab)
                }
            }
            38..=43 if live.len() < 5 => self.open_tab(),
            44..=47 => {
                let tab = self.rng.pick(&live);
                self.leave(tab, false);
            }
            48..=51 if !frozen.is_empty() => {
                let tab = self.rng.pick(&frozen);
                if self.rng.chance(60) {
                    self.come_back(tab)
                } else {
                    self.note(format!("tab {tab} is evicted from the back/forward cache"));
                    self.tabs[tab].page = Page::Gone;
                }
            }
            52..=55 => {
                let tab = self.rng.pick(&live);
                self.leave(tab, true);
            }
            56..=57 => {
                let tab = self.rng.pick(&live);
                self.note(format!("tab {tab} crashes"));
                self.tabs[tab].page = Page::Gone;
            }
            58..=60 => {
                let tab = self.rng.pick(&live);
                self.note(format!("tab {tab} reloads"));
                self.leave(tab, true);
                self.open_tab();
            }
            61..=66 => {
                let tab = self.rng.pick(&live);
                let user = users[self.rng.below(2) as usize].clone();
                self.note(format!("tab {tab} changeUser({})", &user[..user.len().min(8)]));
                self.feed(tab, Input::ChangeUser(&user));
            }
            67..=70 => {
                let tab = self.rng.pick(&live);
                self.note(format!("tab {tab} requestImmediateDataFlush()"));
                self.feed(tab, Input::Activity);
                let theirs = self.outboxes();
                self.seq += 1;
                let callback = self.seq as u32;
                self.deliver(tab, delivery::Input::Flush(theirs, Some(callback)));
            }
            71..=72 if self.cfg.jumps => {
                let jump = self.rng.below(7_200_000) as i64 - 3_600_000;
                self.note(format!("the clock jumps {jump} ms"));
                self.clock += jump;
            }
            _ => {
                let tab = self.rng.pick(&live);
                self.feed(tab, Input::Activity);
            }
        }
    }

    fn run(&mut self) {
        self.open_tab();
        for _ in 0..self.cfg.steps {
            self.act();
            let gap = match self.rng.below(100) {
                // Under pressure every step starts a session.
                _ if self.cfg.pressure => self.cfg.timeout + self.rng.below(2_000),
                // Bursts: tabs acting within a storage event's latency of each other.
                0..=14 => self.rng.below(STORAGE_LATENCY),
                15..=59 => self.rng.below(2_000),
                60..=89 => self.rng.below(60_000),
                _ => self.rng.below(2 * self.cfg.timeout + 600_000),
            };
            let until = self.t + gap;
            self.run_until(until);
        }
        // The faults stop: the network is sound, pages in the cache are closed, a new page opens,
        // and time passes: past every backoff, Retry-After and session timeout.
        self.note("the faults stop".into());
        self.faulty = false;
        for tab in self.tabs_where(&[Page::Frozen]) {
            self.tabs[tab].page = Page::Gone;
        }
        self.open_tab();
        for _ in 0..12 {
            let until = self.t + 20 * 60_000;
            self.run_until(until);
        }
    }

    fn check(&self) -> Result<(), String> {
        if let Some(error) = self.flush_errors.first() {
            return Err(error.clone());
        }
        // Hours after the faults stopped, every flush asked for by a tab still open was answered.
        let open = |tab: usize| matches!(self.tabs[tab].page, Page::Visible | Page::Hidden);
        if let Some((callback, _)) = self.flushes.iter().find(|(_, (tab, _))| open(*tab)) {
            return Err(format!("flush callback {callback} was never called"));
        }
        // Every datapoint recorded reached the endpoint, unless it was counted as dropped.
        // A session that lost to a rival before its start left its tab was taken back whole.
        for id in self.rivals.keys().filter(|id| !self.unavoidable_rival(id)) {
            for name in ["ss", "se"] {
                if let Some(e) = self.endpoint.get(&(name, *id)) {
                    return Err(format!("{e:?} arrived, of a session that lost to a rival before it left its tab"));
                }
            }
        }
        let withdrawn = |k: &Key| self.withdrawn.contains(&k.1);
        let missing: Vec<_> = self.recorded.keys().filter(|k| !self.endpoint.contains_key(*k) && !withdrawn(k)).collect();
        let counted = self.dropped + self.refused_count;
        if missing.len() > counted {
            return Err(format!(
                "{} datapoints never arrived, {counted} counted as dropped: {:?}",
                missing.len(),
                &missing[..missing.len().min(5)]
            ));
        }
        // Nothing arrived that no tab recorded, and what arrived is one version of it.
        for (k, e) in &self.endpoint {
            let versions = self.recorded.get(k).ok_or_else(|| format!("{k:?} arrived and was never recorded"))?;
            if !versions.contains(e) {
                return Err(format!("{k:?} arrived as {e:?}, recorded as {versions:?}"));
            }
        }
        // The session rule at the endpoint.
        let mut sessions: BTreeMap<Uuid, (Option<&Datapoint>, Option<&Datapoint>)> = BTreeMap::new();
        for ((name, id), e) in &self.endpoint {
            let entry = sessions.entry(*id).or_default();
            if *name == "ss" {
                entry.0 = Some(e)
            } else {
                entry.1 = Some(e)
            }
        }
        // Tabs that acted at once, before hearing of each other, can date one datapoint
        // differently by as much as their clocks differ, or by a storage event's latency.
        let slack = STORAGE_LATENCY + if self.cfg.skew { MAX_SKEW } else { 0 };
        let mut spans = Vec::new();
        for (id, (ss, se)) in &sessions {
            let Some(ss) = ss else {
                if self.dropped + self.refused_count > 0 {
                    continue;
                }
                return Err(format!("session {} has an se and no ss", id.to_hyphenated()));
            };
            let end = match se {
                Some(se) => {
                    let Kind::End { duration: d } = se.kind else { unreachable!("an se is an end") };
                    if se.time + slack < ss.time {
                        return Err(format!("session {}: ss at {}, se at {} lasting {d}", id.to_hyphenated(), ss.time, se.time));
                    }
                    // Dated at the session's last activity, wherever it happened: no earlier
                    // than any activity every tab could know of when the end was recorded (what a
                    // storage event had had the time to carry), and no later than any activity at
                    // all. (With clocks that differ, whether activity near the timeout came
                    // before or after it depends on whose clock: there is no one answer.)
                    let log = &self.activity[id];
                    let ended = self.ended_at[*se];
                    let known = log.iter().filter(|(t, _)| t + STORAGE_LATENCY <= ended).map(|(_, last)| *last).max().unwrap_or(0);
                    let latest = log.iter().map(|(_, last)| *last).max().unwrap_or(0);
                    let dated = known <= se.time && se.time <= latest;
                    if !self.cfg.skew && !dated && !self.unavoidable_rival(id) {
                        return Err(format!("session {}: se dated {} but activity known at {known}", id.to_hyphenated(), se.time));
                    }
                    se.time
                }
                None => ss.time,
            };
            // Its start as the endpoint can know it: the earlier of its start and its end less
            // its duration (tabs that began one session together each sent their own start).
            let start = se.map_or(ss.time, |se| match se.kind {
                Kind::End { duration } => ss.time.min(se.time.saturating_sub(duration)),
                Kind::Start => ss.time,
            });
            spans.push((start, end, *id));
        }
        spans.sort();
        for pair in spans.windows(2) {
            let ((_, end, a), (start, _, b)) = (pair[0], pair[1]);
            if end > start + slack && !self.unavoidable_rival(&a) && !self.unavoidable_rival(&b) {
                return Err(format!("sessions {} (to {end}) and {} (from {start}) overlap", a.to_hyphenated(), b.to_hyphenated()));
            }
        }
        // Nothing is left waiting.
        if let Some(name) = self.storage.keys().find(|k| k.contains(OUTBOXES)) {
            return Err(format!("{name} still holds {}", self.storage[name]));
        }
        Ok(())
    }
}

fn run(seed: u64) -> (World, Result<(), String>) {
    let mut world = World::new(seed);
    world.run();
    let result = world.check();
    (world, result)
}

#[test]
fn seeded_runs_keep_every_promise() {
    if let Some(seed) = std::env::var("SIM_SEED").ok().and_then(|s| s.parse().ok()) {
        let (world, result) = run(seed);
        for line in &world.trace {
            println!("{line}");
        }
        if let Err(why) = result {
            panic!("seed {seed}: {why}");
        }
        return;
    }
    let seeds: u64 = std::env::var("SIM_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5_000);
    let mut totals = [0usize; 8];
    for seed in 0..seeds {
        match run(seed) {
            (world, Ok(())) => {
                let counts = [
                    world.endpoint.len(),
                    world.received - world.endpoint.len(),
                    world.dropped,
                    world.aborted,
                    world.withdrawn.len(),
                    world.rivals.keys().filter(|id| world.unavoidable_rival(id)).count(),
                    world.flushed[0],
                    world.flushed[1],
                ];
                for (total, count) in totals.iter_mut().zip(counts) {
                    *total += count;
                }
            }
            (world, Err(why)) => {
                let tail = &world.trace[world.trace.len().saturating_sub(40)..];
                panic!("seed {seed}: {why}\n(replay: SIM_SEED={seed} cargo test --test simulation -- --nocapture)\n{}", tail.join("\n"));
            }
        }
    }
    let [delivered, duplicates, dropped, aborted, withdrawn, rivals, flushed, not_flushed] = totals;
    println!(
        "{seeds} runs: {delivered} datapoints delivered ({duplicates} duplicates collapsed by the endpoint), {dropped} dropped \
         from full outboxes and counted, {aborted} requests aborted at their deadline, {withdrawn} rival sessions withdrawn, \
         {rivals} ended as rivals after their start had left the tab; flush callbacks: {flushed} with true, {not_flushed} \
         with false"
    );
}
