//! The dashboard's questions: sessions, and usage per user and per device.

use rusqlite::{params, Connection};
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

/// Each (api_key, session_id, name) is one row at most, so MAX only picks that row's value.
/// Sessions whose `ss` has not arrived are placed by their end.
const SESSIONS: &str = "
SELECT session_id, user_id, device_id, start_time, end_time, duration, open FROM (
    SELECT session_id,
           COALESCE(MAX(CASE name WHEN 'ss' THEN user_id END), MAX(CASE name WHEN 'se' THEN user_id END)) AS user_id,
           COALESCE(MAX(CASE name WHEN 'ss' THEN device_id END), MAX(CASE name WHEN 'se' THEN device_id END)) AS device_id,
           MAX(CASE name WHEN 'ss' THEN time END) AS start_time,
           MAX(CASE name WHEN 'se' THEN time END) AS end_time,
           MAX(CASE name WHEN 'se' THEN duration END) AS duration,
           COUNT(CASE name WHEN 'se' THEN 1 END) = 0 AS open
    FROM datapoints WHERE api_key = ?1 GROUP BY session_id)
WHERE (?2 IS NULL OR user_id = ?2) AND (?3 IS NULL OR device_id = ?3)
ORDER BY COALESCE(start_time, end_time), session_id
";

/// The key's sessions, of one user and/or one device when given, in order of start.
pub fn sessions(conn: &Connection, api_key: &str, user_id: Option<&str>, device_id: Option<&str>) -> rusqlite::Result<Vec<Session>> {
    let mut query = conn.prepare_cached(SESSIONS)?;
    let rows = query.query_map(params![api_key, user_id, device_id], |row| {
        Ok(Session {
            session_id: row.get(0)?,
            user_id: row.get(1)?,
            device_id: row.get(2)?,
            start: row.get(3)?,
            end: row.get(4)?,
            duration: row.get(5)?,
            open: row.get(6)?,
        })
    })?;
    rows.collect()
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

/// The key's other datapoints, of one user and/or one device when given, in order of time.
pub fn events(conn: &Connection, api_key: &str, user_id: Option<&str>, device_id: Option<&str>) -> rusqlite::Result<Vec<Other>> {
    let mut query = conn.prepare_cached(
        "SELECT name, time, session_id, user_id, device_id, data FROM events
         WHERE api_key = ?1 AND (?2 IS NULL OR user_id = ?2) AND (?3 IS NULL OR device_id = ?3)
         ORDER BY time, name",
    )?;
    let rows = query.query_map(params![api_key, user_id, device_id], |row| {
        let data: String = row.get(5)?;
        Ok(Other {
            name: row.get(0)?,
            time: row.get(1)?,
            session_id: row.get(2)?,
            user_id: row.get(3)?,
            device_id: row.get(4)?,
            data: serde_json::from_str(&data).unwrap_or_default(),
        })
    })?;
    rows.collect()
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

pub fn usage(conn: &Connection, api_key: &str) -> rusqlite::Result<Usage> {
    let sessions = sessions(conn, api_key, None, None)?;
    let users = tally(&sessions, |s| s.user_id.clone()).into_iter().map(|(user_id, tally)| UserUsage { user_id, tally });
    let devices = tally(&sessions, |s| s.device_id.clone()).into_iter().map(|(device_id, tally)| DeviceUsage { device_id, tally });
    Ok(Usage { users: users.collect(), devices: devices.collect() })
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

/// The API keys that have data, for the dashboard's picker.
pub fn keys(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut query = conn.prepare_cached("SELECT DISTINCT api_key FROM datapoints ORDER BY api_key")?;
    let rows = query.query_map([], |row| row.get(0))?;
    rows.collect()
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
