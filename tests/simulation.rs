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
//! Each tab is the SDK's core itself (`tab::Tab`), the very code the wasm runs: the simulation
//! makes the page's calls and the browser's reports, answers its reads, and carries out its effects
//! as `src/web/browser.js` does. Tabs may be on two subdomains of the site (localStorage per
//! origin, the cookie shared), opt out and in, and use SDK authentication, whose signatures the
//! endpoint refuses now and then.
#![cfg(not(target_arch = "wasm32"))]

mod support;

use appboy_wasm::delivery::WITHDRAW_WINDOW;
use appboy_wasm::engine::{Datapoint, Kind, Millis, Uuid};
use appboy_wasm::stored::{OutboxRecord, MAX_COOKIE, OUTBOXES};
use appboy_wasm::tab::{Arg, Effect, Event, Message, Method, Reply, Reported, Tab};
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap, HashSet};
use support::{Json, MapHost};

const PREFIX: &str = "appboy.KEY.";
/// The origin of activity written to the shared cookie, which every tab can read.
const VIA_COOKIE: usize = usize::MAX;
/// Activity alone rewrites the shared cookie at most this often.
const COOKIE_THROTTLE: Millis = 1_000;
/// 2026-01-01, the simulated clock's start.
const EPOCH: Millis = 1_767_225_600_000;
/// A `storage` event reaches the other tabs within this (a few ms in Chromium).
const STORAGE_LATENCY: Millis = 30;
/// Seeds beyond the 5,000 of every run that once failed, run every time (while the simulation
/// draws its worlds as it does, each is the world that failed): 10315, a rival's end sent by a
/// tab that heard two storage writes out of order (docs/design.md section 9).
const REGRESSIONS: &[u64] = &[10_315];
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

struct SimTab {
    page: Page,
    /// The site's subdomain it is on: its localStorage is that origin's.
    origin: usize,
    /// How far this tab's clock is off the system clock.
    skew: i64,
    core: Tab,
    /// The id of the armed timer.
    timer: Option<u64>,
    /// The page listens (between `Listen(true)` and `Listen(false)`).
    listening: bool,
    /// The request in flight that an abort would cancel.
    in_flight: Option<u32>,
    /// What reached the frozen page, delivered when it comes back.
    deferred: Vec<Happening>,
    /// The SDK of this page is disabled (`disableSDK()`, or opened while opted out): since when.
    disabled: bool,
    /// Its last write of the shared cookie: when, on its clock, and what.
    cookie_written: Option<(Millis, String)>,
    /// Its subscriber to SDK-authentication failures.
    auth_subscriber: Option<u32>,
    /// A crawler's visit: nothing of it may be stored, sent or logged.
    crawler: bool,
}

#[derive(Clone, Debug)]
enum Happening {
    Timer(usize, u64),
    /// The answer to request `.1`: status (0: none), `Retry-After`, body.
    Answer(usize, u32, u16, Option<String>, Option<String>),
    /// A request reaches the endpoint.
    Arrive(Vec<Datapoint>),
    /// Another tab of the origin wrote `key` (`None`: removed it).
    StorageEvent(usize, String, Option<String>),
    /// The page gives a new signature, having heard of a refused one.
    Sign(usize),
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
    /// Tabs on two subdomains of the site, sharing the cookie, each with its own localStorage.
    subdomains: bool,
    /// `noCookies`: the tabs share the session through localStorage alone, and tabs that start
    /// at once race (the cookie, read and written at once, would tell them of each other).
    no_cookies: bool,
    /// Tabs opt out (`disableSDK()`) and in again.
    opt_out: bool,
    /// SDK authentication, with signatures refused now and then.
    auth: bool,
    /// Some pages are a crawler's (Googlebot's user agent).
    crawlers: bool,
}

const CRAWLER: &str = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
const VISITOR: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

const ORIGINS: [&str; 2] = ["https://www.example.test", "https://shop.example.test"];

struct World {
    rng: Rng,
    cfg: Config,
    /// True time, which timers and the network follow.
    t: Millis,
    /// The system clock's offset from true time (clock changes).
    clock: i64,
    /// localStorage, per origin.
    storage: [BTreeMap<String, String>; 2],
    /// The site's cookies, shared by its subdomains.
    cookies: BTreeMap<String, String>,
    tabs: Vec<SimTab>,
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
    signatures_refused: usize,
    opt_outs: usize,
    /// Sessions that lost to a rival, and when each tab that started them learned it.
    rivals: HashMap<Uuid, Vec<Millis>>,
    /// When the start of each session first left the tab that recorded it: in a request or a
    /// beacon, or in an outbox left behind or taken over.
    left_tab: HashMap<Uuid, Millis>,
    /// Rivals that the tab that started them took back before they left it.
    withdrawn: HashSet<Uuid>,
    /// The activity each tab's engine held for each session: (when, in true time; the session's
    /// last activity then).
    /// (when, in true time; the session's last activity then; the origin whose storage it was
    /// in, or `VIA_COOKIE` for what a tab wrote to the shared cookie).
    activity: HashMap<Uuid, Vec<(Millis, Millis, usize)>>,
    /// When each version of an end was first recorded, in true time.
    /// When each version of an end was first recorded, in true time, and on which origin.
    ended_at: HashMap<Datapoint, (Millis, usize)>,
    /// Flush callbacks not called yet: (the tab, what its outbox held when the flush was asked
    /// for), by the function's handle.
    flushes: HashMap<u32, (usize, Vec<Key>)>,
    /// How many callbacks said everything was delivered, and how many said not.
    flushed: [usize; 2],
    /// Broken promises seen as they happened: a flush callback wrong, a cookie too long or
    /// written too often, something recorded, stored or sent while disabled.
    errors: Vec<String>,
    /// The signature the endpoint takes now (SDK authentication), bumped when it refuses one.
    signature: u32,
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

/// The datapoints of an outbox record, or of a request's body (the wire's batch).
fn datapoints(text: &str) -> Vec<Datapoint> {
    let mut value: serde_json::Value = serde_json::from_str(text).expect("the SDK writes JSON");
    value["v"] = 1.into();
    OutboxRecord::read(&Json(value)).expect("the SDK's datapoints read back").events
}

/// An HTTP date (IMF-fixdate) for Unix ms, as a server writes `Retry-After`.
fn http_date(ms: Millis) -> String {
    let (secs, days) = (ms / 1000, (ms / 1000 / 86_400) as i64);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(days % 7) as usize];
    let name = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][month as usize - 1];
    format!("{weekday}, {day:02} {name} {year} {:02}:{:02}:{:02} GMT", secs / 3600 % 24, secs / 60 % 60, secs % 60)
}

impl World {
    fn new(seed: u64) -> World {
        let mut rng = Rng(seed);
        let pressure = rng.chance(2);
        // A clock set back between tabs on two subdomains, which share the session only when
        // they read the cookie, can date one session's start and end by two readings of the clock
        // an hour apart (docs/design.md section 9): the two faults are run apart.
        let subdomains = rng.chance(30);
        let cfg = Config {
            timeout: if pressure { 1_000 } else { rng.pick(&[1_000, 5_000, 60_000, 1_800_000]) },
            interval: rng.pick(&[1_000, 10_000]),
            steps: if pressure { 150 } else { 40 + rng.below(160) as usize },
            skew: rng.chance(30),
            jumps: !subdomains && rng.chance(30),
            refusals: rng.chance(10),
            pressure,
            subdomains,
            no_cookies: !subdomains && rng.chance(40),
            opt_out: rng.chance(15),
            auth: !pressure && rng.chance(15),
            crawlers: rng.chance(10),
        };
        World {
            rng,
            cfg,
            t: 0,
            clock: EPOCH as i64,
            storage: Default::default(),
            cookies: BTreeMap::new(),
            tabs: Vec::new(),
            queue: Vec::new(),
            seq: 0,
            faulty: true,
            recorded: HashMap::new(),
            endpoint: HashMap::new(),
            received: 0,
            dropped: 0,
            refused_count: 0,
            aborted: 0,
            signatures_refused: 0,
            opt_outs: 0,
            activity: HashMap::new(),
            ended_at: HashMap::new(),
            rivals: HashMap::new(),
            left_tab: HashMap::new(),
            withdrawn: HashSet::new(),
            flushes: HashMap::new(),
            flushed: [0, 0],
            errors: Vec::new(),
            signature: 1,
            trace: Vec::new(),
        }
    }

    fn note(&mut self, what: String) {
        if std::env::var_os("SIM_LIVE").is_some() {
            eprintln!("t={:>9} {what}", self.t);
        }
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

    /// localStorage of `from`'s origin, and its `storage` events to the other tabs of that origin.
    fn write(&mut self, from: usize, key: &str, value: Option<String>) {
        let origin = self.tabs[from].origin;
        match &value {
            Some(v) => self.storage[origin].insert(key.into(), v.clone()),
            None => self.storage[origin].remove(key),
        };
        for tab in 0..self.tabs.len() {
            if tab != from && self.live(tab) && self.tabs[tab].origin == origin {
                let delay = self.rng.below(STORAGE_LATENCY);
                self.at(delay, Happening::StorageEvent(tab, key.into(), value.clone()));
            }
        }
    }

    /// The sessions whose start waits in the tab's outbox.
    fn starts_in_outbox(&self, tab: usize) -> HashSet<Uuid> {
        let outbox = self.tabs[tab].core.sdk().and_then(|(_, delivery)| delivery.outbox());
        outbox.map_or_else(HashSet::new, |text| datapoints(&text).iter().filter(|e| e.is_start()).map(|e| e.session_id).collect())
    }

    /// Gives the tab's core `event` and carries out its effects as browser.js does, watching what
    /// the product promises. `flush`: the handle of a flush callback given with it.
    fn handle(&mut self, tab: usize, event: Event, flush: Option<u32>) -> Reply {
        let now = self.now(tab);
        let random = self.rng.next();
        let origin = self.tabs[tab].origin;
        let leaving = matches!(event, Event::Hidden | Event::Left);
        let effects = {
            let user_agent = if self.tabs[tab].crawler { CRAWLER } else { VISITOR };
            let (storage, cookies, origin) = (&self.storage[origin], &self.cookies, ORIGINS[origin]);
            let view = MapHost { storage, cookies, origin, user_agent, seed: Cell::new(random) };
            self.tabs[tab].core.handle(now, event, &view)
        };
        if let Some(handle) = flush {
            // What waits now: this tab's outbox, with what it has just taken over.
            let outbox = self.tabs[tab].core.sdk().and_then(|(_, delivery)| delivery.outbox());
            self.flushes.insert(handle, (tab, outbox.map(|text| datapoints(&text).iter().map(key).collect()).unwrap_or_default()));
        }
        // The activity each tab saw in each session.
        if let Some(s) = self.tabs[tab].core.sdk().and_then(|(engine, _)| engine.state().session.clone()) {
            self.activity.entry(s.id).or_default().push((self.t, s.last_activity, origin));
        }
        if std::env::var_os("SIM_LIVE").is_some() {
            eprintln!("t={:>9} tab {tab} state {:?}", self.t, self.tabs[tab].core.sdk().map(|(e, _)| e.state().clone()));
        }
        let rivals = self.tabs[tab].core.take_rivals();
        let mut removals = 0;
        for effect in effects.list() {
            if self.tabs[tab].page == Page::Gone {
                break;
            }
            self.carry_out(tab, now, effect, &mut removals, leaving);
        }
        let starts = self.starts_in_outbox(tab);
        for id in rivals {
            self.note(format!("tab {tab} lost session {} to a rival", short(&id)));
            if self.recorded.contains_key(&("ss", id)) && !starts.contains(&id) && !self.left_tab.contains_key(&id) {
                self.note(format!("tab {tab} withdraws session {}", short(&id)));
                self.withdrawn.insert(id);
            }
            self.rivals.entry(id).or_default().push(self.t);
        }
        effects.reply
    }

    /// A datapoint this tab stores or sends: while it is disabled, only what was recorded before.
    fn check_consent(&mut self, tab: usize, events: &[Datapoint], what: &str) {
        if self.tabs[tab].disabled {
            if let Some(e) = events.iter().find(|e| !self.recorded.get(&key(e)).is_some_and(|v| v.contains(e))) {
                self.errors.push(format!("tab {tab} {what} {e:?}, recorded while its SDK was disabled"));
            }
        }
    }

    /// `leaving`: the page is being hidden or left, when the cookie's held-back write goes.
    fn carry_out(&mut self, tab: usize, now: Millis, effect: Effect, removals: &mut usize, leaving: bool) {
        // A crawler's page is told one thing: that it is one (when logging is on).
        let told = matches!(effect, Effect::Call { .. } | Effect::Forget(_) | Effect::Log { message: Message::Crawler, .. });
        if self.tabs[tab].crawler && !told {
            self.errors.push(format!("tab {tab}, a crawler's, was told to {effect:?}"));
        }
        if self.cfg.no_cookies && matches!(effect, Effect::Cookie { .. }) {
            self.errors.push(format!("tab {tab} wrote a cookie with noCookies: {effect:?}"));
        }
        match effect {
            Effect::Store { key: name, value } => {
                let own = name.strip_prefix(PREFIX).is_some_and(|n| n.starts_with(OUTBOXES));
                if own {
                    let events = datapoints(&value);
                    self.check_consent(tab, &events, "stored");
                    let new: Vec<Datapoint> =
                        events.into_iter().filter(|e| !self.recorded.get(&key(e)).is_some_and(|v| v.contains(e))).collect();
                    if !new.is_empty() {
                        self.note(format!(
                            "tab {tab} records {}",
                            new.iter().map(|e| format!("{} {}@{}", e.name(), short(&e.session_id), e.time)).collect::<Vec<_>>().join(", ")
                        ));
                    }
                    for e in new {
                        self.ended_at.entry(e.clone()).or_insert((self.t, self.tabs[tab].origin));
                        if e.name() == "se" {
                            self.activity.entry(e.session_id).or_default().push((self.t, e.time, self.tabs[tab].origin));
                        }
                        self.recorded.entry(key(&e)).or_default().push(e);
                    }
                } else if self.tabs[tab].disabled {
                    self.errors.push(format!("tab {tab} stored {name} while its SDK was disabled"));
                }
                if std::env::var_os("SIM_LIVE").is_some() {
                    eprintln!("t={:>9} tab {tab} stores {name} = {value}", self.t);
                }
                self.write(tab, &name, Some(value));
            }
            Effect::Remove(name) => {
                let origin = self.tabs[tab].origin;
                let own = self.tabs[tab].core.sdk().is_some_and(|(_, d)| name == d.name());
                let other_outbox = !own && name.strip_prefix(PREFIX).is_some_and(|n| n.starts_with(OUTBOXES));
                if other_outbox {
                    if let Some(text) = self.storage[origin].get(&name).cloned() {
                        self.starts_leave(&datapoints(&text));
                    }
                    // A crash between the writes of a step: what was written stays.
                    if self.faulty && *removals == 0 && self.rng.chance(3) {
                        self.note(format!("tab {tab} crashes while taking over {name}"));
                        self.tabs[tab].page = Page::Gone;
                        return;
                    }
                    *removals += 1;
                }
                self.write(tab, &name, None);
            }
            Effect::Cookie { name, value, days } => {
                if std::env::var_os("SIM_LIVE").is_some() {
                    eprintln!("t={:>9} tab {tab} cookie {name} = {value:?}", self.t);
                }
                if name != "ab.optOut" {
                    if self.tabs[tab].disabled {
                        self.errors.push(format!("tab {tab} wrote the shared cookie while its SDK was disabled"));
                    }
                    if let Some(v) = &value {
                        if v.len() > MAX_COOKIE {
                            self.errors.push(format!("tab {tab} wrote a cookie of {} bytes: {v}", v.len()));
                        }
                        let fields = |s: &str| -> Vec<String> { s.split('~').map(String::from).collect() };
                        // Activity alone: the same device, session and end as this tab's last write,
                        // which the cookie still holds (no other tab wrote since, that it could have read).
                        let jar = self.cookies.get(&name);
                        if let Some((when, was)) = self.tabs[tab].cookie_written.as_ref().filter(|(_, was)| jar == Some(was)) {
                            let (a, b) = (fields(was), fields(v));
                            let activity_alone = a.len() > 7 && b.len() > 7 && a[1] == b[1] && a[2] == b[2] && a[7] == b[7];
                            if activity_alone && !leaving && now >= *when && now - when < COOKIE_THROTTLE {
                                self.errors.push(format!(
                                    "tab {tab} rewrote the cookie for activity alone {} ms after the last write: {was} then {v}",
                                    now - when
                                ));
                            }
                        }
                        self.tabs[tab].cookie_written = Some((now, v.clone()));
                        let f = fields(v);
                        if let (Some(id), Some(last)) = (f.get(2).and_then(|id| Uuid::parse(id)), f.get(6).and_then(|l| l.parse().ok())) {
                            self.activity.entry(id).or_default().push((self.t, last, VIA_COOKIE));
                        }
                    }
                }
                match value.filter(|_| days > 0) {
                    Some(v) => self.cookies.insert(name, v),
                    None => self.cookies.remove(&name),
                };
            }
            Effect::Fetch { request, body, signature, .. } => {
                let events = datapoints(&body);
                self.check_consent(tab, &events, "sent");
                self.starts_leave(&events);
                self.tabs[tab].in_flight = Some(request);
                self.fetch(tab, request, events, signature);
            }
            Effect::Beacon { body, .. } => {
                let events = datapoints(&body);
                self.check_consent(tab, &events, "sent");
                self.starts_leave(&events);
                let arrives = !self.faulty || (!self.cfg.pressure && self.rng.chance(60));
                self.note(format!("tab {tab} beacons {} datapoints{}", events.len(), if arrives { "" } else { ", lost" }));
                if arrives {
                    let delay = self.rng.below(1_000);
                    self.at(delay, Happening::Arrive(events));
                }
            }
            Effect::Abort => {
                // The aborted fetch rejects: its answer comes, as a failure, with its number.
                if let Some(request) = self.tabs[tab].in_flight.take() {
                    self.note(format!("tab {tab} aborts request {request}"));
                    self.aborted += 1;
                    self.at(0, Happening::Answer(tab, request, 0, None, None));
                }
            }
            Effect::Timer(delay) => {
                self.tabs[tab].timer = delay.map(|delay| {
                    self.seq += 1;
                    let id = self.seq;
                    self.at(delay, Happening::Timer(tab, id));
                    id
                });
            }
            Effect::Listen(on) => self.tabs[tab].listening = on,
            Effect::Call { function, json, once: true } => {
                let ok = json == "true";
                self.note(format!("tab {tab} calls flush callback {function} with {ok}"));
                self.flushed[usize::from(!ok)] += 1;
                match self.flushes.remove(&function) {
                    None => self.errors.push(format!("flush callback {function} called twice")),
                    Some((_, waited)) if ok => {
                        let lost = waited.iter().find(|k| !self.endpoint.contains_key(*k) && !self.withdrawn.contains(&k.1));
                        if let Some(k) = lost {
                            self.errors.push(format!("flush callback {function} said delivered, and {k:?} has not arrived"));
                        }
                    }
                    Some(_) => {}
                }
            }
            Effect::Call { function, .. } => {
                // The page's subscriber to authentication failures gets a new signature.
                if self.tabs[tab].auth_subscriber == Some(function) {
                    let delay = self.rng.below(5_000);
                    self.at(delay, Happening::Sign(tab));
                }
            }
            Effect::Forget(_) => {}
            Effect::Log { message, a, .. } => match message {
                // Logged before anything else of its step: a crash cannot make a drop silent.
                Message::OutboxFull => {
                    self.note(format!("tab {tab} drops the {a} oldest datapoints of a full outbox"));
                    self.dropped += a.parse::<usize>().unwrap();
                }
                Message::BatchRefused => self.refused_count += a.parse::<usize>().unwrap(),
                _ => {}
            },
        }
    }

    /// A session that lost to a rival after its start had left the tab: nothing could take it
    /// back, so it may overlap the winner.
    /// Across subdomains a tab hears of the other's session through the cookie, at its next
    /// timer or return: a rival learned past the withdrawal window could not be taken back either.
    fn unavoidable_rival(&self, id: &Uuid) -> bool {
        let Some(learned) = self.rivals.get(id) else { return false };
        let left = self.left_tab.get(id);
        let started = self.recorded.get(&("ss", *id)).into_iter().flatten().filter_map(|ss| self.ended_at.get(ss)).map(|(t, _)| *t).min();
        learned
            .iter()
            .any(|t| left.is_some_and(|left| t >= left) || (self.cfg.subdomains && started.is_some_and(|s| *t >= s + WITHDRAW_WINDOW)))
    }

    fn starts_leave(&mut self, events: &[Datapoint]) {
        for e in events.iter().filter(|e| e.is_start()) {
            self.left_tab.entry(e.session_id).or_insert(self.t);
        }
    }

    fn fetch(&mut self, tab: usize, request: u32, events: Vec<Datapoint>, signature: Option<String>) {
        // SDK authentication: the endpoint takes a named user's datapoints with the current
        // signature; while the faults last, signatures expire now and then.
        let named = self.cfg.auth && events.iter().any(|e| e.user_id.is_some());
        let stale = signature.as_deref() != Some(format!("sig-{}", self.signature).as_str());
        let expire = named && self.faulty && self.rng.chance(10);
        if expire {
            self.signature += 1;
        }
        let refused = named && (stale || expire);
        let fate = if refused {
            None
        } else if !self.faulty {
            Some(Fate::Ok)
        } else if self.cfg.pressure {
            // An outage as long as the faults last: the outboxes fill up.
            Some(self.rng.pick(&[Fate::Status5xx, Fate::NetworkError, Fate::Hang { recorded: false }]))
        } else {
            Some(match self.rng.below(100) {
                0..=44 => Fate::Ok,
                45..=52 => Fate::AnswerLost,
                53..=57 => Fate::AnswerTwice,
                58..=69 => Fate::Status5xx,
                70..=77 => Fate::TooMany { retry_after: self.rng.chance(70).then(|| self.rng.below(120_000)) },
                78..=87 => Fate::NetworkError,
                88..=94 => Fate::Hang { recorded: self.rng.chance(50) },
                _ if self.cfg.refusals => Fate::Refused,
                _ => Fate::Ok,
            })
        };
        self.note(format!(
            "tab {tab} sends request {request} ({} datapoints): {}",
            events.len(),
            fate.map_or("signature refused".into(), |f| format!("{f:?}"))
        ));
        let arrive = self.rng.below(3_000);
        let back = arrive + self.rng.below(3_000);
        let answer =
            |status: u16, retry_after: Option<String>, body: Option<String>| Happening::Answer(tab, request, status, retry_after, body);
        let Some(fate) = fate else {
            self.signatures_refused += 1;
            let body = r#"{"auth_error":{"error_code":20,"reason":"signature expired"}}"#;
            return self.at(back, answer(401, None, Some(body.into())));
        };
        match fate {
            Fate::Ok | Fate::AnswerTwice => {
                self.at(arrive, Happening::Arrive(events));
                self.at(back, answer(200, None, Some("{}".into())));
                if matches!(fate, Fate::AnswerTwice) {
                    let again = back + self.rng.below(5_000);
                    self.at(again, answer(200, None, None));
                }
            }
            Fate::AnswerLost => {
                self.at(arrive, Happening::Arrive(events));
                self.at(back, answer(0, None, None));
            }
            Fate::Status5xx => self.at(back, answer(503, None, None)),
            Fate::TooMany { retry_after } => {
                // In seconds, or as an HTTP date on the server's clock (the system clock).
                let header = retry_after.map(|wait| {
                    if self.rng.chance(50) {
                        (wait / 1000).to_string()
                    } else {
                        http_date((self.t as i64 + self.clock).max(0) as Millis + back + wait)
                    }
                });
                self.at(back, answer(429, header, None));
            }
            Fate::Refused => self.at(back, answer(400, None, None)),
            Fate::NetworkError => self.at(back, answer(0, None, None)),
            Fate::Hang { recorded } => {
                if recorded {
                    self.at(arrive, Happening::Arrive(events));
                }
            }
        }
    }

    /// The page's calls, as a site makes them.
    fn call(&mut self, tab: usize, method: Method, a: Arg, b: Arg) -> Reply {
        self.handle(tab, Event::Call(method, a, b), None)
    }

    /// The page initializes the SDK and opens a session; with SDK authentication, it signs.
    fn start(&mut self, tab: usize) {
        let options = Arg::Object(vec![
            ("sessionTimeoutInSeconds".into(), Arg::Number(self.cfg.timeout as f64 / 1000.0)),
            ("flushIntervalInSeconds".into(), Arg::Number(self.cfg.interval as f64 / 1000.0)),
            ("enableSdkAuthentication".into(), Arg::Bool(self.cfg.auth)),
            // The log tells what was dropped.
            ("enableLogging".into(), Arg::Bool(true)),
            ("noCookies".into(), Arg::Bool(self.cfg.no_cookies)),
        ]);
        let started = self.call(tab, Method::Initialize, Arg::Text("KEY".into()), options) == Reply::Bool(true);
        self.tabs[tab].disabled = !started;
        if self.tabs[tab].crawler {
            if started {
                self.errors.push(format!("tab {tab}, a crawler's, was initialized"));
            }
            self.note(format!("tab {tab} is a crawler's: initialize() is false"));
            return;
        }
        if !started {
            self.note(format!("tab {tab} is opted out: initialize() is false"));
            return;
        }
        if self.cfg.auth {
            self.seq += 1;
            let handle = self.seq as u32;
            self.tabs[tab].auth_subscriber = Some(handle);
            let _ = self.call(tab, Method::SubscribeToSdkAuthenticationFailures, Arg::Function(handle), Arg::Absent);
            let signature = format!("sig-{}", self.signature);
            let _ = self.call(tab, Method::SetSdkAuthenticationSignature, Arg::Text(signature), Arg::Absent);
        }
        let _ = self.call(tab, Method::OpenSession, Arg::Absent, Arg::Absent);
    }

    fn open_tab(&mut self) {
        let origin = if self.cfg.subdomains { self.rng.below(2) as usize } else { 0 };
        let crawler = self.cfg.crawlers && self.rng.chance(30);
        self.open_tab_on(origin, crawler);
    }

    fn open_tab_on(&mut self, origin: usize, crawler: bool) {
        let skew = if self.cfg.skew { self.rng.below(MAX_SKEW + 1) as i64 - MAX_SKEW as i64 / 2 } else { 0 };
        self.tabs.push(SimTab {
            page: Page::Visible,
            origin,
            skew,
            core: Tab::new(),
            timer: None,
            listening: false,
            in_flight: None,
            deferred: Vec::new(),
            disabled: false,
            cookie_written: None,
            auth_subscriber: None,
            crawler,
        });
        let tab = self.tabs.len() - 1;
        self.note(format!("tab {tab} opens on {} (skew {skew} ms{})", ORIGINS[origin], if crawler { ", a crawler" } else { "" }));
        self.start(tab);
    }

    /// A page event, heard while the page listens.
    fn page_event(&mut self, tab: usize, event: Event) {
        if self.tabs[tab].listening {
            let _ = self.handle(tab, event, None);
        }
    }

    fn hide(&mut self, tab: usize) {
        self.note(format!("tab {tab} hidden"));
        self.tabs[tab].page = Page::Hidden;
        self.page_event(tab, Event::Hidden);
    }

    fn show(&mut self, tab: usize) {
        self.note(format!("tab {tab} shown"));
        self.tabs[tab].page = Page::Visible;
        self.page_event(tab, Event::Shown);
    }

    /// pagehide: the page goes into the back/forward cache, or closes.
    fn leave(&mut self, tab: usize, close: bool) {
        self.note(format!("tab {tab} {}", if close { "closes" } else { "goes into the back/forward cache" }));
        if self.tabs[tab].listening {
            // Its outbox is left behind for the other tabs.
            let starts: Vec<Datapoint> =
                self.tabs[tab].core.sdk().and_then(|(_, d)| d.outbox()).map(|t| datapoints(&t)).unwrap_or_default();
            self.starts_leave(&starts);
        }
        self.page_event(tab, Event::Left);
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
            Happening::Timer(tab, _) | Happening::Answer(tab, ..) | Happening::StorageEvent(tab, ..) | Happening::Sign(tab) => *tab,
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
            Happening::Timer(_, id) => {
                if self.tabs[tab].timer == Some(id) {
                    self.tabs[tab].timer = None;
                    let _ = self.handle(tab, Event::Timer, None);
                }
            }
            Happening::Answer(_, request, status, retry_after, body) => {
                if self.tabs[tab].in_flight == Some(request) {
                    self.tabs[tab].in_flight = None;
                }
                self.note(format!("tab {tab} hears request {request}: {status}"));
                let reported = Reported { request, status, retry_after: retry_after.as_deref(), body: body.as_deref() };
                let _ = self.handle(tab, Event::Answer(reported), None);
            }
            Happening::StorageEvent(_, key, value) => {
                if std::env::var_os("SIM_LIVE").is_some() {
                    eprintln!("t={:>9} tab {tab} hears {key} = {value:?}", self.t);
                }
                self.page_event(tab, Event::Storage { key: &key, value: value.as_deref() })
            }
            Happening::Sign(_) => {
                self.note(format!("tab {tab} gives signature {}", self.signature));
                let signature = format!("sig-{}", self.signature);
                let _ = self.call(tab, Method::SetSdkAuthenticationSignature, Arg::Text(signature), Arg::Absent);
            }
            Happening::Arrive(_) => unreachable!(),
        }
    }

    /// Lets true time run to `until`, with everything due on the way.
    fn run_until(&mut self, until: Millis) {
        let mut busy = 0;
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
            // Timers that fire again and again while time hardly passes are a page spinning.
            busy = if at <= self.t + 1_000 { busy + 1 } else { 0 };
            if busy == 100_000 {
                self.errors.push(format!("the world spins at t={}: {happening:?}", self.t));
                self.queue.clear();
                break;
            }
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
        let users = if self.cfg.pressure {
            vec!["a".repeat(900), "b".repeat(900)]
        } else if self.cfg.auth {
            vec!["alice".into(), "alice".into()]
        } else {
            vec!["alice".into(), "bob-with-a-name-longer-than-a-cookie-takes".into()]
        };
        match self.rng.below(100) {
            _ if live.is_empty() => self.open_tab(),
            0..=14 => {
                let tab = self.rng.pick(&live);
                self.page_event(tab, Event::Interaction);
            }
            15..=29 => {
                let tab = self.rng.pick(&live);
                let _ = self.call(tab, Method::OpenSession, Arg::Absent, Arg::Absent);
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
                let signature = if self.cfg.auth { Arg::Text(format!("sig-{}", self.signature)) } else { Arg::Absent };
                let _ = self.call(tab, Method::ChangeUser, Arg::Text(user), signature);
            }
            67..=70 => {
                let tab = self.rng.pick(&live);
                self.note(format!("tab {tab} requestImmediateDataFlush()"));
                self.seq += 1;
                let handle = self.seq as u32;
                let _ = self.handle(tab, Event::Call(Method::RequestImmediateDataFlush, Arg::Function(handle), Arg::Absent), Some(handle));
            }
            71..=72 if self.cfg.jumps => {
                let jump = self.rng.below(7_200_000) as i64 - 3_600_000;
                self.note(format!("the clock jumps {jump} ms"));
                self.clock += jump;
            }
            73..=74 if self.cfg.opt_out => {
                let tab = self.rng.pick(&live);
                if self.tabs[tab].disabled {
                    self.opt_in(tab);
                } else {
                    self.note(format!("tab {tab} disableSDK()"));
                    self.opt_outs += 1;
                    let _ = self.call(tab, Method::DisableSdk, Arg::Absent, Arg::Absent);
                    self.tabs[tab].disabled = true;
                }
            }
            _ => {
                let tab = self.rng.pick(&live);
                self.page_event(tab, Event::Interaction);
            }
        }
    }

    /// `enableSDK()`, and the page starts the SDK again.
    fn opt_in(&mut self, tab: usize) {
        self.note(format!("tab {tab} enableSDK()"));
        let _ = self.call(tab, Method::EnableSdk, Arg::Absent, Arg::Absent);
        self.tabs[tab].disabled = false;
        // A new SDK, with its own cookie throttle.
        self.tabs[tab].cookie_written = None;
        self.start(tab);
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
        // The faults stop: the network is sound, pages in the cache are closed, a new page opens
        // on each origin (opting in again, and signing in as the site's user), and time passes:
        // past every backoff, Retry-After and session timeout.
        self.note("the faults stop".into());
        self.faulty = false;
        for tab in self.tabs_where(&[Page::Frozen]) {
            self.tabs[tab].page = Page::Gone;
        }
        for origin in 0..if self.cfg.subdomains { 2 } else { 1 } {
            self.open_tab_on(origin, false);
            let tab = self.tabs.len() - 1;
            if self.tabs[tab].disabled {
                self.opt_in(tab);
            }
            if self.cfg.auth {
                let signature = Arg::Text(format!("sig-{}", self.signature));
                let _ = self.call(tab, Method::ChangeUser, Arg::Text("alice".into()), signature);
            }
        }
        for _ in 0..12 {
            let until = self.t + 20 * 60_000;
            self.run_until(until);
        }
    }

    fn check(&self) -> Result<(), String> {
        if let Some(error) = self.errors.first() {
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
        // Across subdomains, tabs hear of each other through the cookie, in which activity alone
        // is written at most once a second.
        let slack = STORAGE_LATENCY + if self.cfg.skew { MAX_SKEW } else { 0 } + if self.cfg.subdomains { COOKIE_THROTTLE } else { 0 };
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
                    // Across subdomains, two that change to one user apart derive one successor
                    // id, each with its own start (see the overlaps below).
                    let apart = self.cfg.subdomains && self.ended_at.get(*ss).map(|(_, o)| o) != self.ended_at.get(*se).map(|(_, o)| o);
                    if se.time + slack < ss.time && !apart {
                        return Err(format!("session {}: ss at {}, se at {} lasting {d}", id.to_hyphenated(), ss.time, se.time));
                    }
                    // Dated at the session's last activity, wherever it happened: no earlier
                    // than any activity every tab could know of when the end was recorded (what a
                    // storage event had had the time to carry), and no later than any activity at
                    // all. (With clocks that differ, whether activity near the timeout came
                    // before or after it depends on whose clock: there is no one answer.)
                    let log = &self.activity[id];
                    let (ended, origin) = self.ended_at[*se];
                    // What the ending tab could hear: its origin's storage (through `storage`
                    // events), and what tabs on the other subdomain wrote to the cookie.
                    let heard = |(t, _, o): &&(Millis, Millis, usize)| {
                        (*o == origin && t + STORAGE_LATENCY <= ended) || (*o == VIA_COOKIE && *t < ended)
                    };
                    let known = log.iter().filter(heard).map(|(_, last, _)| *last).max().unwrap_or(0);
                    let latest = log.iter().map(|(_, last, _)| *last).max().unwrap_or(0);
                    let dated = known <= se.time && se.time <= latest;
                    if !self.cfg.skew && !dated && !self.unavoidable_rival(id) {
                        return Err(format!(
                            "session {}: se dated {} but activity known at {known} (ended at {ended} on {origin}; activity {log:?})",
                            id.to_hyphenated(),
                            se.time
                        ));
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
        // Where each session was started. Across subdomains a user change or a rival is heard of
        // only when the other subdomain next reads the cookie (its timer, a return, a new page):
        // till then it may end what the first already ended, and their sessions overlap
        // (docs/design.md section 3).
        let origin =
            |id: &Uuid| self.recorded.get(&("ss", *id)).into_iter().flatten().filter_map(|ss| self.ended_at.get(ss)).min().map(|(_, o)| *o);
        let on = |name: &'static str, id: &Uuid| self.endpoint.get(&(name, *id)).and_then(|dp| self.ended_at.get(dp)).map(|(_, o)| *o);
        let mixed = |id: &Uuid| on("se", id).is_some_and(|o| Some(o) != on("ss", id));
        let apart = |a: &Uuid, b: &Uuid| self.cfg.subdomains && (origin(a) != origin(b) || mixed(a) || mixed(b));
        for pair in spans.windows(2) {
            let ((_, end, a), (start, _, b)) = (pair[0], pair[1]);
            if end > start + slack && !self.unavoidable_rival(&a) && !self.unavoidable_rival(&b) && !apart(&a, &b) {
                return Err(format!("sessions {} (to {end}) and {} (from {start}) overlap", a.to_hyphenated(), b.to_hyphenated()));
            }
        }
        // Nothing is left waiting.
        for storage in &self.storage {
            if let Some(name) = storage.keys().find(|k| k.contains(OUTBOXES)) {
                return Err(format!("{name} still holds {}", storage[name]));
            }
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
    let mut totals = [0usize; 10];
    let mut runs = 0;
    for seed in (0..seeds).chain(REGRESSIONS.iter().copied().filter(|s| *s >= seeds)) {
        runs += 1;
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
                    world.signatures_refused,
                    world.opt_outs,
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
    let [delivered, duplicates, dropped, aborted, withdrawn, rivals, flushed, not_flushed, signatures_refused, opt_outs] = totals;
    println!(
        "{runs} runs: {delivered} datapoints delivered ({duplicates} duplicates collapsed by the endpoint), {dropped} dropped \
         from full outboxes and counted, {aborted} requests aborted at their deadline, {withdrawn} rival sessions withdrawn, \
         {rivals} ended as rivals after their start had left the tab; flush callbacks: {flushed} with true, {not_flushed} \
         with false; {signatures_refused} signatures refused, {opt_outs} opt-outs"
    );
}
