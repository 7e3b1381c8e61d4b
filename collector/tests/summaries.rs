//! The summaries the dashboard reads (sessions, tallies per user, device and day), kept as
//! datapoints arrive, against a model computed here from the sessions the test made up: sent in
//! any order, in batches sent twice, with `se`s before their `ss`, sessions across midnight and
//! users named on the `se` only. Then rebuilt from the datapoints alone, as a database from before
//! the summaries is on its first start, to the same answers.

mod common;

use common::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// xorshift64*: the same made-up data on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A made-up session, and what the collector should make of it.
#[derive(Clone)]
struct Made {
    id: String,
    device: String,
    /// On the `ss` and on the `se`.
    users: (Option<String>, Option<String>),
    start: f64,
    /// End and duration, when it ended.
    end: Option<(f64, f64)>,
}

impl Made {
    /// The ss's user, else the se's if it was sent.
    fn user(&self) -> Option<&String> {
        self.users.0.as_ref().or(self.users.1.as_ref().filter(|_| self.end.is_some()))
    }
    fn as_served(&self) -> Value {
        json!({
            "session_id": self.id, "user_id": self.user(), "device_id": self.device, "start": self.start,
            "end": self.end.map(|e| e.0), "duration": self.end.map(|e| e.1), "open": self.end.is_none(),
        })
    }
    fn latest(&self) -> f64 {
        self.end.map_or(self.start, |e| e.0.max(self.start))
    }
}

const DAY: f64 = 86_400.0;
const START: f64 = 1_767_225_600.0; // 2026-01-01

fn made_up(rng: &mut Rng) -> Vec<Made> {
    let users = ["ann", "Bob", "cy%", "d_n", "eve"];
    (0..400)
        .map(|n| {
            // A quarter anonymous; a third of the rest anonymous on the ss and named on the se.
            let user = (rng.below(4) > 0).then(|| users[rng.below(5) as usize].to_owned());
            let users = if rng.below(3) == 0 { (None, user) } else { (user.clone(), user) };
            // Some near midnight, so that the se is on the next day.
            let start = START + (rng.below(6) as f64) * DAY + if rng.below(5) == 0 { DAY - 30.0 } else { rng.below(80_000) as f64 };
            let duration = rng.below(3_600_000) as f64 / 1000.0;
            Made {
                id: if n % 2 == 0 { uuid(n) } else { format!("braze-{n}") },
                device: format!("device-{}", rng.below(6)),
                users,
                start,
                end: (rng.below(5) > 0).then_some((start + duration + 10.0, duration)),
            }
        })
        .collect()
}

/// The batches that deliver them: per device, datapoints shuffled and cut in batches of 1 to 9,
/// one batch in five sent twice.
fn batches(sessions: &[Made], rng: &mut Rng) -> Vec<Value> {
    let mut by_device: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    for s in sessions {
        let points = by_device.entry(&s.device).or_default();
        points.push(json!({ "name": "ss", "time": s.start, "session_id": s.id, "data": {}, "user_id": s.users.0 }));
        if let Some((end, duration)) = s.end {
            points.push(json!({ "name": "se", "time": end, "session_id": s.id, "data": { "d": duration }, "user_id": s.users.1 }));
        }
    }
    let mut sent = Vec::new();
    for (device, mut points) in by_device {
        for i in (1..points.len()).rev() {
            points.swap(i, rng.below(i as u64 + 1) as usize);
        }
        while !points.is_empty() {
            let cut = points.len().min(1 + rng.below(9) as usize);
            let body = batch("k", device, None, points.drain(..cut).collect());
            if rng.below(5) == 0 {
                sent.push(body.clone());
            }
            sent.push(body);
        }
    }
    sent
}

/// `usage` as the sessions make it: per user (or device), the most recently active first.
fn usage(sessions: &[Made], limit: usize) -> Value {
    fn tally<'a>(sessions: &'a [Made], key: impl Fn(&'a Made) -> Value) -> Vec<(Value, Value)> {
        let mut groups: BTreeMap<String, (Value, Vec<&Made>)> = BTreeMap::new();
        for s in sessions {
            let k = key(s);
            groups.entry(k.as_str().unwrap_or("").to_owned()).or_insert((k, Vec::new())).1.push(s);
        }
        let mut groups: Vec<_> = groups.into_values().collect();
        groups.sort_by(|a, b| {
            let latest = |g: &Vec<&Made>| g.iter().map(|s| s.latest()).fold(f64::MIN, f64::max);
            latest(&b.1).total_cmp(&latest(&a.1))
        });
        groups
            .into_iter()
            .map(|(k, g)| {
                let mut durations: Vec<f64> = g.iter().filter_map(|s| s.end.map(|e| e.1)).collect();
                let millis: i64 = durations.iter().map(|d| (d * 1000.0).round() as i64).sum();
                let tally = json!({
                    "sessions": g.len(), "open": g.iter().filter(|s| s.end.is_none()).count(),
                    "total_seconds": millis as f64 / 1000.0, "median_seconds": median(&mut durations),
                });
                (k, tally)
            })
            .collect()
    }
    let list = |name: &str, groups: Vec<(Value, Value)>| -> Vec<Value> {
        groups
            .into_iter()
            .take(limit)
            .map(|(k, mut tally)| {
                tally[name] = k;
                tally
            })
            .collect()
    };
    let users = tally(sessions, |s| json!(s.user()));
    let devices = tally(sessions, |s| json!(s.device));
    json!({
        "users_matching": users.len(), "devices_matching": devices.len(),
        "users": list("user_id", users), "devices": list("device_id", devices),
    })
}

fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    match values.len() {
        0 => None,
        n if n % 2 == 1 => Some(values[mid]),
        _ => Some((values[mid - 1] + values[mid]) / 2.0),
    }
}

/// `daily` as the sessions make it: sessions and median length per day of start.
fn daily(sessions: &[Made]) -> Value {
    let mut days: BTreeMap<i64, Vec<&Made>> = BTreeMap::new();
    for s in sessions {
        days.entry((s.start / DAY).floor() as i64).or_default().push(s);
    }
    let first = *days.keys().next().unwrap();
    let last = *days.keys().next_back().unwrap();
    let dates = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05", "2026-01-06", "2026-01-07"];
    let first_day = (START / DAY) as i64;
    Value::Array(
        (first..=last)
            .map(|n| {
                let day = days.get(&n).map(Vec::as_slice).unwrap_or_default();
                let mut durations: Vec<f64> = day.iter().filter_map(|s| s.end.map(|e| e.1)).collect();
                json!({ "day": dates[(n - first_day) as usize], "sessions": day.len(), "median_seconds": median(&mut durations) })
            })
            .collect(),
    )
}

/// What the dashboard reads, all of it.
fn served(server: &Server) -> (Vec<Value>, Value, Value, Value) {
    (
        server.sessions("api_key=k"),
        server.get_json("/api/v3/usage?api_key=k&limit=1000"),
        server.get_json("/api/v3/usage?api_key=k&limit=2&q=B"),
        server.get_json("/api/v3/daily?api_key=k"),
    )
}

#[test]
fn summaries_kept_as_datapoints_arrive_match_the_sessions_and_can_be_rebuilt() {
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let sessions = made_up(&mut rng);
    let dir = TempDir::new("summaries");
    let server = Server::start(&dir, &[]);
    for body in batches(&sessions, &mut rng) {
        assert_eq!(server.send(&body).status, 200);
    }

    let mut expected: Vec<Value> = sessions.iter().map(Made::as_served).collect();
    // In order of start, ties in order of id.
    expected.sort_by(|a, b| {
        a["start"].as_f64().unwrap().total_cmp(&b["start"].as_f64().unwrap()).then(a["session_id"].as_str().cmp(&b["session_id"].as_str()))
    });
    let got = served(&server);
    assert_eq!(got.0.len(), expected.len());
    for (got, expected) in got.0.iter().zip(&expected) {
        assert_eq!(got, expected);
    }
    assert_eq!(got.1, usage(&sessions, 1000));
    // Searched: "b" is Bob (any case) and the devices none; two of the matching shown.
    let searched: Vec<Made> = sessions.iter().filter(|s| s.user().is_some_and(|u| u == "Bob")).cloned().collect();
    let mut searched_usage = usage(&searched, 2);
    (searched_usage["devices"], searched_usage["devices_matching"]) = (json!([]), json!(0));
    assert_eq!(got.2, searched_usage);
    assert_eq!(got.3, daily(&sessions));
    // The search is literal: `%` and `_` in it are not wildcards.
    for (q, user) in [("cy%25", "cy%"), ("_n", "d_n"), ("y_", "")] {
        let found = server.get_json(&format!("/api/v3/usage?api_key=k&q={q}"));
        let names: Vec<&str> = found["users"].as_array().unwrap().iter().filter_map(|u| u["user_id"].as_str()).collect();
        assert_eq!(names, if user.is_empty() { vec![] } else { vec![user] }, "{q}");
    }
    drop(server);

    // A database from before the summaries: only the datapoints. Its first start builds them.
    dir.execute(
        "DROP TABLE sessions; DROP TABLE user_tallies; DROP TABLE device_tallies; DROP TABLE day_tallies; DROP TABLE tally_changes;",
    );
    let rebuilt = Server::start(&dir, &[]);
    assert_eq!(served(&rebuilt), got);
}
