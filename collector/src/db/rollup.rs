//! The summaries kept as datapoints arrive, so that the dashboard's reads do not aggregate a
//! key's every session (docs/design.md, "The collector"): one row per session (`sessions`), and
//! tallies per user, per device and per day that each new `ss` or `se` moves. Both databases
//! apply what this module computes; the SQL that does it is in `db::sql`.

use crate::validate::Event;
use std::collections::BTreeMap;

/// The day of a session and of its tallies: whole days since 1970-01-01, UTC.
pub fn day_of(seconds: f64) -> i64 {
    (seconds / 86_400.0).floor() as i64
}

/// A session as its `ss` and `se` so far make it: a row of `sessions`.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionRow {
    /// `""`: anonymous (ids are never empty, `validate` sees to it).
    pub user_id: String,
    pub device_id: String,
    pub start: Option<f64>,
    pub end: Option<f64>,
    pub duration: Option<f64>,
}

impl SessionRow {
    const EMPTY: SessionRow = SessionRow { user_id: String::new(), device_id: String::new(), start: None, end: None, duration: None };

    /// The row once `event` (an `ss` or `se` not stored before, sent by `device`) is added to
    /// `row`. User and device are the `ss`'s, else the `se`'s.
    pub fn with(row: Option<SessionRow>, event: &Event, device: &str) -> SessionRow {
        let user = event.user_id.clone().unwrap_or_default();
        let mut row = row.unwrap_or(SessionRow::EMPTY);
        let start = event.name == "ss";
        if start {
            row.start = Some(event.time);
        } else {
            row.end = Some(event.time);
            row.duration = event.duration;
        }
        if row.user_id.is_empty() || (start && !user.is_empty()) {
            row.user_id = user;
        }
        if start || row.start.is_none() {
            row.device_id = device.to_owned();
        }
        row
    }

    /// The day it counts on: of its start, else of its end.
    pub fn day(&self) -> i64 {
        day_of(self.start.or(self.end).unwrap_or_default())
    }

    fn change(&self, share: Share) -> Change {
        Change { user_id: self.user_id.clone(), device_id: self.device_id.clone(), day: self.day(), share }
    }

    fn share(&self) -> Share {
        Share {
            sessions: 1,
            open: i64::from(self.end.is_none()),
            timed: i64::from(self.duration.is_some()),
            total_ms: self.duration.map_or(0, millis),
            latest: self.start.into_iter().chain(self.end).fold(f64::MIN, f64::max),
        }
    }
}

/// What a batch's new `ss` and `se` (each with its session's id) make of their sessions, whose
/// rows were `before`: the rows now, and how the tallies change.
pub fn apply<'a>(
    before: &BTreeMap<String, SessionRow>,
    new: &[(&'a str, &Event)],
    device: &str,
) -> (BTreeMap<&'a str, SessionRow>, Changes) {
    let mut after: BTreeMap<&str, SessionRow> = BTreeMap::new();
    for &(id, event) in new {
        let row = after.remove(id).or_else(|| before.get(id).cloned());
        after.insert(id, SessionRow::with(row, event, device));
    }
    let mut changes = Changes::default();
    for (id, row) in &after {
        changes.moved(before.get(*id), row);
    }
    (after, changes.merged())
}

/// A key's sessions as its datapoints make them, `(session, row)`, and their tallies.
pub type Summary = (String, Vec<(String, SessionRow)>, Changes);

/// What datapoints make, given in order of key and session as `(key, session, datapoint,
/// device)`: how the summaries of a database that had none are built, key by key.
pub fn summaries(datapoints: impl IntoIterator<Item = (String, String, Event, String)>) -> Vec<Summary> {
    let mut keys: Vec<Summary> = Vec::new();
    for (key, id, event, device) in datapoints {
        if keys.last().is_none_or(|(k, _, _)| *k != key) {
            keys.push((key, Vec::new(), Changes::default()));
        }
        let Some((_, rows, _)) = keys.last_mut() else { continue };
        match rows.last_mut() {
            Some((i, row)) if *i == id => *row = SessionRow::with(Some(std::mem::replace(row, SessionRow::EMPTY)), &event, &device),
            _ => rows.push((id, SessionRow::with(None, &event, &device))),
        }
    }
    for (_, rows, changes) in &mut keys {
        for (_, row) in rows.iter() {
            changes.moved(None, row);
        }
    }
    keys
}

/// Durations are summed in whole milliseconds so that adding and taking away stays exact.
fn millis(seconds: f64) -> i64 {
    (seconds * 1000.0).round() as i64
}

/// What sessions add to a tally. `latest`, their last activity, only ever grows: a session's
/// activity never moves back, so taking a session away leaves it as it was.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Share {
    pub sessions: i64,
    pub open: i64,
    /// Of those with a duration.
    pub timed: i64,
    pub total_ms: i64,
    pub latest: f64,
}

/// A session's share joining the tallies of its user, device and day, or (counts negative,
/// `latest` the lowest number) leaving them.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub user_id: String,
    pub device_id: String,
    pub day: i64,
    pub share: Share,
}

/// How stored datapoints change the tallies. They are recorded in `tally_changes` with the
/// datapoints, which no two batches contend for, and folded into the tallies later (`fold`), so
/// that writers never wait on each other for the rows of a popular day or of the anonymous
/// user.
#[derive(Default, Debug, PartialEq)]
pub struct Changes(pub Vec<Change>);

impl Changes {
    /// The changes to one user's, device's and day's tallies added together, in key order: a
    /// batch records one row per tally it moves (usually one: a device's batch is one user's
    /// sessions on one day), not two or three per session, and the fold has that much less to add.
    fn merged(self) -> Changes {
        let mut merged: BTreeMap<(String, String, i64), Share> = BTreeMap::new();
        for Change { user_id, device_id, day, share } in self.0 {
            merged
                .entry((user_id, device_id, day))
                .and_modify(|sum| {
                    sum.sessions += share.sessions;
                    sum.open += share.open;
                    sum.timed += share.timed;
                    sum.total_ms += share.total_ms;
                    sum.latest = sum.latest.max(share.latest);
                })
                .or_insert(share);
        }
        Changes(merged.into_iter().map(|((user_id, device_id, day), share)| Change { user_id, device_id, day, share }).collect())
    }

    /// A session went from `before` to `after`: its share leaves the tallies it was in and joins
    /// those it is in now.
    pub fn moved(&mut self, before: Option<&SessionRow>, after: &SessionRow) {
        if let Some(before) = before {
            self.removed(before);
        }
        self.0.push(after.change(after.share()));
    }

    /// A session's share leaves the tallies it was in (it moved, or it was pruned).
    pub fn removed(&mut self, row: &SessionRow) {
        let share = row.share();
        let gone = Share { sessions: -share.sessions, open: -share.open, timed: -share.timed, total_ms: -share.total_ms, latest: f64::MIN };
        self.0.push(row.change(gone));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    fn event(name: &str, time: f64, user: Option<&str>) -> Event {
        let duration = (name == "se").then_some(5.0);
        Event { name: name.into(), time, session_id: Some("s".into()), user_id: user.map(Into::into), duration, data: Map::new() }
    }

    #[test]
    fn the_start_names_the_user_and_device_unless_it_is_anonymous() {
        let ended = SessionRow::with(None, &event("se", 100.0, Some("b")), "d2");
        let both = SessionRow::with(Some(ended.clone()), &event("ss", 95.0, Some("a")), "d1");
        assert_eq!((both.user_id.as_str(), both.device_id.as_str(), both.start, both.end), ("a", "d1", Some(95.0), Some(100.0)));
        let anonymous_start = SessionRow::with(Some(ended), &event("ss", 95.0, None), "d1");
        assert_eq!(anonymous_start.user_id, "b");
        let started = SessionRow::with(None, &event("ss", 95.0, None), "d1");
        assert_eq!(SessionRow::with(Some(started), &event("se", 100.0, Some("b")), "d2").user_id, "b");
    }

    #[test]
    fn a_session_that_moves_leaves_its_old_tallies() {
        // The se arrives first, a day after the ss it follows: the session counts on the se's
        // day, then on the ss's, and its user becomes the ss's.
        let mut changes = Changes::default();
        let ended = SessionRow::with(None, &event("se", 86_400.0 + 10.0, Some("b")), "d");
        changes.moved(None, &ended);
        let whole = SessionRow::with(Some(ended.clone()), &event("ss", 86_000.0, Some("a")), "d");
        changes.moved(Some(&ended), &whole);
        let one = Share { sessions: 1, open: 0, timed: 1, total_ms: 5000, latest: 86_410.0 };
        let gone = Share { sessions: -1, open: 0, timed: -1, total_ms: -5000, latest: f64::MIN };
        let change = |user: &str, day, share| Change { user_id: user.into(), device_id: "d".into(), day, share };
        assert_eq!(changes.0, [change("b", 1, one), change("b", 1, gone), change("a", 0, one)]);
    }
}
