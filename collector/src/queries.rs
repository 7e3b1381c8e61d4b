//! The dashboard's answers: sessions, other datapoints, and usage per user and per device (the
//! statements that read them are in `db`).

use serde::Serialize;
use std::collections::BTreeMap;

/// A session as its datapoints tell it: the `ss` gives its start, the `se` its end (the time the
/// SDK stamped, never the arrival) and duration; user and device come from the `ss` when it has
/// them, else from the `se`.
#[derive(Serialize)]
pub struct Session {
    pub session_id: String,
    pub user_id: Option<String>,
    pub device_id: String,
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub duration: Option<f64>,
    /// No `se` yet.
    pub open: bool,
}

/// A datapoint other than `ss`/`se`, as it came.
#[derive(Serialize)]
pub struct Other {
    pub name: String,
    pub time: f64,
    pub session_id: Option<String>,
    pub user_id: Option<String>,
    pub device_id: String,
    pub data: serde_json::Value,
}

impl Other {
    /// A row: `data` is the JSON text it was stored as.
    pub fn new(name: String, time: f64, session_id: Option<String>, user_id: Option<String>, device_id: String, data: &str) -> Other {
        Other { name, time, session_id, user_id, device_id, data: serde_json::from_str(data).unwrap_or_default() }
    }
}

#[derive(Serialize)]
pub struct Usage {
    users: Vec<UserUsage>,
    devices: Vec<DeviceUsage>,
    /// How many users and devices match, of which `users` and `devices` hold the first `limit`.
    users_matching: usize,
    devices_matching: usize,
}

#[derive(Serialize)]
struct UserUsage {
    /// `null`: the anonymous sessions.
    user_id: Option<String>,
    #[serde(flatten)]
    tally: Tally,
}

#[derive(Serialize)]
struct DeviceUsage {
    device_id: String,
    #[serde(flatten)]
    tally: Tally,
}

/// One user's or device's sessions; total and median are over the ended ones.
#[derive(Serialize)]
struct Tally {
    sessions: u64,
    open: u64,
    total_seconds: f64,
    median_seconds: Option<f64>,
}

/// Per user and per device, from a key's sessions: those whose id contains `search` (ignoring
/// case; anonymous sessions match "anonymous"), the most recently active first, `limit` of each.
pub fn usage(sessions: &[Session], search: Option<&str>, limit: usize) -> Usage {
    let search = search.map(str::to_lowercase).unwrap_or_default();
    let matches = |id: Option<&str>| id.unwrap_or("anonymous").to_lowercase().contains(&search);
    let users: Vec<_> = tally(sessions, |s| s.user_id.clone()).into_iter().filter(|(u, _)| matches(u.as_deref())).collect();
    let devices: Vec<_> = tally(sessions, |s| s.device_id.clone()).into_iter().filter(|(d, _)| matches(Some(d))).collect();
    Usage {
        users_matching: users.len(),
        devices_matching: devices.len(),
        users: users.into_iter().take(limit).map(|(user_id, tally)| UserUsage { user_id, tally }).collect(),
        devices: devices.into_iter().take(limit).map(|(device_id, tally)| DeviceUsage { device_id, tally }).collect(),
    }
}

/// One day (UTC) of a key's sessions, by the day they started.
#[derive(Serialize, Debug, PartialEq)]
pub struct Day {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub sessions: u64,
    /// Of those that ended.
    pub median_seconds: Option<f64>,
}

/// Sessions per day and their median length, every day from the first to the last included.
pub fn daily(sessions: &[Session]) -> Vec<Day> {
    let mut days: BTreeMap<i64, (u64, Vec<f64>)> = BTreeMap::new();
    for s in sessions {
        let Some(at) = s.start.or(s.end) else { continue };
        let day = days.entry((at / 86_400.0).floor() as i64).or_default();
        day.0 += 1;
        day.1.extend(s.duration);
    }
    let (Some(&first), Some(&last)) = (days.keys().next(), days.keys().next_back()) else { return Vec::new() };
    (first..=last)
        .map(|n| {
            let (sessions, mut durations) = days.remove(&n).unwrap_or_default();
            Day { day: date(n), sessions, median_seconds: median(&mut durations) }
        })
        .collect()
}

/// Day `n` after 1970-01-01 as `YYYY-MM-DD` (the civil calendar, as in Howard Hinnant's
/// `civil_from_days`).
fn date(n: i64) -> String {
    let z = n + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Groups sessions by `key`, the group with the most recent session first (ties in key order).
fn tally<K: Ord>(sessions: &[Session], key: impl Fn(&Session) -> K) -> Vec<(K, Tally)> {
    struct Group {
        sessions: u64,
        open: u64,
        durations: Vec<f64>,
        latest: f64,
    }
    let mut groups = BTreeMap::new();
    for s in sessions {
        let g = groups.entry(key(s)).or_insert(Group { sessions: 0, open: 0, durations: Vec::new(), latest: f64::MIN });
        g.sessions += 1;
        g.open += u64::from(s.open);
        g.durations.extend(s.duration);
        // Every session has a start or an end: it has at least one datapoint.
        g.latest = g.latest.max(s.start.or(s.end).unwrap_or(f64::MIN));
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by(|(_, a), (_, b)| b.latest.total_cmp(&a.latest));
    groups
        .into_iter()
        .map(|(k, mut g)| {
            let tally = Tally {
                sessions: g.sessions,
                open: g.open,
                total_seconds: g.durations.iter().sum(),
                median_seconds: median(&mut g.durations),
            };
            (k, tally)
        })
        .collect()
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

#[cfg(test)]
mod tests {
    use super::median;

    #[test]
    fn dates() {
        assert_eq!(super::date(0), "1970-01-01");
        assert_eq!(super::date(20_454), "2026-01-01");
        assert_eq!(super::date(20_513), "2026-03-01");
        assert_eq!(super::date(-1), "1969-12-31");
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0]), Some(3.0));
        assert_eq!(median(&mut [5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 10.0]), Some(3.5));
    }
}
