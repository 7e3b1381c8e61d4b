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

/// Per user and per device, from a key's sessions.
pub fn usage(sessions: &[Session]) -> Usage {
    let users = tally(sessions, |s| s.user_id.clone()).into_iter().map(|(user_id, tally)| UserUsage { user_id, tally });
    let devices = tally(sessions, |s| s.device_id.clone()).into_iter().map(|(device_id, tally)| DeviceUsage { device_id, tally });
    Usage { users: users.collect(), devices: devices.collect() }
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
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0]), Some(3.0));
        assert_eq!(median(&mut [5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 10.0]), Some(3.5));
    }
}
