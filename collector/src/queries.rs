//! The dashboard's answers: sessions, other datapoints, and usage per user and per device (the
//! statements that read them are in `db`).

use serde::Serialize;

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
pub struct Tally {
    sessions: u64,
    open: u64,
    total_seconds: f64,
    median_seconds: Option<f64>,
}

impl Usage {
    /// Users (`""`: the anonymous sessions) and devices, each with how many match.
    pub fn new(users: (Vec<(String, Tally)>, i64), devices: (Vec<(String, Tally)>, i64)) -> Usage {
        Usage {
            users: users.0.into_iter().map(|(id, tally)| UserUsage { user_id: Some(id).filter(|id| !id.is_empty()), tally }).collect(),
            devices: devices.0.into_iter().map(|(device_id, tally)| DeviceUsage { device_id, tally }).collect(),
            users_matching: users.1 as usize,
            devices_matching: devices.1 as usize,
        }
    }
}

impl Tally {
    /// From a tally's row (`rollup::Share`) and the median read for it.
    pub fn new(sessions: i64, open: i64, total_ms: i64, median_seconds: Option<f64>) -> Tally {
        Tally { sessions: sessions as u64, open: open as u64, total_seconds: total_ms as f64 / 1000.0, median_seconds }
    }
}

/// What `usage` searches for: ids whose lowercase contains `search`, as a `LIKE` pattern.
pub fn search_pattern(search: Option<&str>) -> String {
    let mut pattern = String::from("%");
    for c in search.unwrap_or_default().to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// Of `timed` durations in order, which to read for their median: how many, from which.
pub fn middle_of(timed: i64) -> Option<(i64, i64)> {
    match timed {
        0 => None,
        n if n % 2 == 1 => Some((1, n / 2)),
        n => Some((2, n / 2 - 1)),
    }
}

/// The median, from what `middle_of` said to read.
pub fn median(middle: &[f64]) -> Option<f64> {
    (!middle.is_empty()).then(|| middle.iter().sum::<f64>() / middle.len() as f64)
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

/// Every day from the first to the last included, from the days that have sessions: (day since
/// 1970-01-01, sessions, median seconds), in order.
pub fn daily(days: Vec<(i64, i64, Option<f64>)>) -> Vec<Day> {
    let (Some(first), Some(last)) = (days.first().map(|d| d.0), days.last().map(|d| d.0)) else { return Vec::new() };
    let mut days = days.into_iter().peekable();
    (first..=last)
        .map(|n| match days.next_if(|d| d.0 == n) {
            Some((_, sessions, median_seconds)) => Day { day: date(n), sessions: sessions as u64, median_seconds },
            None => Day { day: date(n), sessions: 0, median_seconds: None },
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

#[cfg(test)]
mod tests {
    use super::{median, middle_of, search_pattern};

    #[test]
    fn dates() {
        assert_eq!(super::date(0), "1970-01-01");
        assert_eq!(super::date(20_454), "2026-01-01");
        assert_eq!(super::date(20_513), "2026-03-01");
        assert_eq!(super::date(-1), "1969-12-31");
    }

    #[test]
    fn medians() {
        assert_eq!((middle_of(0), median(&[])), (None, None));
        assert_eq!((middle_of(1), median(&[3.0])), (Some((1, 0)), Some(3.0)));
        assert_eq!(middle_of(3), Some((1, 1)));
        assert_eq!((middle_of(4), median(&[3.0, 4.0])), (Some((2, 1)), Some(3.5)));
    }

    #[test]
    fn searches_are_lowercase_and_literal() {
        assert_eq!(search_pattern(None), "%%");
        assert_eq!(search_pattern(Some("Al_i%ce\\")), "%al\\_i\\%ce\\\\%");
    }

    #[test]
    fn days_without_sessions_are_filled_in() {
        let days = super::daily(vec![(0, 2, Some(1.5)), (2, 1, None)]);
        let shown: Vec<_> = days.iter().map(|d| (d.day.as_str(), d.sessions, d.median_seconds)).collect();
        assert_eq!(shown, [("1970-01-01", 2, Some(1.5)), ("1970-01-02", 0, None), ("1970-01-03", 1, None)]);
        assert!(super::daily(Vec::new()).is_empty());
    }
}
