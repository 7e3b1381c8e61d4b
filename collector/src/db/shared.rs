//! What both databases do, written once over `Backend`: storing a batch, building the summaries
//! of a database that has none, the dashboard's reads, and taking pruned sessions out of the
//! tallies.

// A query's rows are read as tuples of their columns, spelt out where they are read.
#![allow(clippy::type_complexity)]

use super::backend::{Backend, Param, Writes};
use super::rollup::{self, Changes, SessionRow};
use super::{sql, Error};
use crate::queries::{self, Day, Other, Session, Tally, Usage};
use crate::validate::{Batch, Event};
use std::collections::{BTreeMap, BTreeSet};

/// A session's row as `sql::SESSION_COLUMNS` reads it.
pub type RowColumns = (String, String, String, Option<f64>, Option<f64>, Option<f64>);

pub fn session_row((id, user_id, device_id, start, end, duration): RowColumns) -> (String, SessionRow) {
    (id, SessionRow { user_id, device_id, start, end, duration })
}

/// Stores a batch. A session's `ss` or `se` is new when its row lacks it (rows are read under
/// the session's lock): the first of the batch's copies is stored, the others and those stored
/// before are left as they were.
pub async fn store<B: Backend>(b: &B, batch: &Batch, received: f64) -> Result<Stored, Error> {
    let (key, device) = (batch.api_key.as_str(), batch.device_id.as_str());
    let (sessions, others): (Vec<&Event>, Vec<&Event>) = batch.events.iter().partition(|e| e.is_session());
    let mut stored = Stored { new: 0, again: batch.events.len() as u64 };
    // What the new `ss`s and `se`s make of their sessions' rows and the tallies.
    let (mut after, mut changes, mut points) = (BTreeMap::new(), Changes::default(), Vec::new());
    if !sessions.is_empty() {
        let mut sorted: Vec<(&str, &Event)> = sessions.into_iter().map(|e| (e.session_id.as_deref().unwrap_or_default(), e)).collect();
        // In order of session: the order its locks are taken in (stable: copies keep theirs).
        sorted.sort_by(|(a, x), (b, y)| (a, &x.name).cmp(&(b, &y.name)));
        let mut ids: Vec<&str> = sorted.iter().map(|(id, _)| *id).collect();
        ids.dedup();
        b.lock_sessions(key, &ids).await?;
        let before = b.session_rows(key, &ids).await?;
        let mut seen = BTreeSet::new();
        let new: Vec<(&str, &Event)> = sorted
            .into_iter()
            .filter(|&(id, e)| {
                let stored = before.get(id).is_some_and(|row| if e.name == "ss" { row.start.is_some() } else { row.end.is_some() });
                !stored && seen.insert((id, e.name.as_str()))
            })
            .collect();
        if !new.is_empty() {
            (after, changes) = rollup::apply(&before, &new, device);
            let moves: Vec<(&str, i64, i64)> = after
                .iter()
                .filter_map(|(id, row)| before.get(*id).filter(|old| old.day() != row.day()).map(|old| (*id, old.day(), row.day())))
                .collect();
            if !moves.is_empty() {
                b.move_days(key, &moves).await?;
            }
            points = new.iter().map(|&(id, e)| (id, e, after[id].day())).collect();
        }
    }
    if !points.is_empty() || !others.is_empty() {
        let rows: Vec<(&str, &SessionRow)> = after.iter().map(|(id, row)| (*id, row)).collect();
        let writes = Writes { points: &points, rows: &rows, changes: &changes, others: &others };
        stored.new += points.len() as u64 + b.write(key, device, received, writes).await?;
    }
    stored.again -= stored.new;
    Ok(stored)
}

/// What a batch's datapoints came to: stored now, or stored before (sent again).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stored {
    pub new: u64,
    pub again: u64,
}

/// Builds `sessions` and the tallies from the datapoints of a database that had none.
pub async fn summarize<B: Backend>(b: &B) -> Result<(), Error> {
    // Whatever changes were recorded are counted again from the datapoints.
    b.execute("DELETE FROM tally_changes", &[]).await?;
    let datapoints: Vec<(String, String, String, f64, Option<f64>, Option<String>, String)> =
        b.query(sql::ALL_SESSION_DATAPOINTS, &[]).await?;
    let summaries = rollup::summaries(
        datapoints
            .into_iter()
            .map(|(key, id, name, time, duration, user, device)| (key, id, Event::stored(name, time, duration, user), device)),
    );
    b.make_days(&summaries.iter().flat_map(|(_, rows, _)| rows.iter().map(|(_, row)| row.day())).collect()).await?;
    for (key, rows, changes) in &summaries {
        b.write_rows(key, &rows.iter().map(|(id, row)| (id.as_str(), row)).collect::<Vec<_>>()).await?;
        b.record(key, changes).await?;
    }
    Ok(())
}

/// The sessions `condition` picks, of every key, for pruning: `(key, id, row)`.
pub async fn sessions_where<B: Backend>(b: &B, condition: &str, params: &[&dyn Param]) -> Result<Vec<(String, String, SessionRow)>, Error> {
    let rows: Vec<(String, String, String, String, Option<f64>, Option<f64>, Option<f64>)> =
        b.query(&format!("SELECT api_key, {} FROM sessions WHERE {condition}", sql::SESSION_COLUMNS), params).await?;
    Ok(rows
        .into_iter()
        .map(|(key, id, user, device, start, end, duration)| {
            let (id, row) = session_row((id, user, device, start, end, duration));
            (key, id, row)
        })
        .collect())
}

/// Takes sessions, `(key, _, row)`, out of the tallies: they are being pruned.
pub async fn forget<B: Backend>(b: &B, sessions: &[(String, String, SessionRow)]) -> Result<(), Error> {
    let mut by_key: BTreeMap<&str, Changes> = BTreeMap::new();
    for (key, _, row) in sessions {
        by_key.entry(key).or_default().removed(row);
    }
    for (key, changes) in &by_key {
        b.record(key, changes).await?;
    }
    Ok(())
}

pub async fn sessions<B: Backend>(b: &B, key: &str, user: Option<&str>, device: Option<&str>) -> Result<Vec<Session>, Error> {
    let rows: Vec<(String, Option<String>, String, Option<f64>, Option<f64>, Option<f64>, bool)> =
        b.query(&sql::sessions(user.is_some() || device.is_some()), &[&key, &user, &device]).await?;
    Ok(rows
        .into_iter()
        .map(|(session_id, user_id, device_id, start, end, duration, open)| Session {
            session_id,
            user_id,
            device_id,
            start,
            end,
            duration,
            open,
        })
        .collect())
}

pub async fn events<B: Backend>(b: &B, key: &str, user: Option<&str>, device: Option<&str>) -> Result<Vec<Other>, Error> {
    let rows: Vec<(String, f64, Option<String>, Option<String>, String, String)> = b.query(sql::EVENTS, &[&key, &user, &device]).await?;
    Ok(rows.into_iter().map(|(name, time, session, user, device, data)| Other::new(name, time, session, user, device, &data)).collect())
}

pub async fn usage<B: Backend>(b: &B, key: &str, search: Option<&str>, limit: usize) -> Result<Usage, Error> {
    let pattern = queries::search_pattern(search);
    Ok(Usage::new(tallies(b, key, &pattern, limit, sql::USERS).await?, tallies(b, key, &pattern, limit, sql::DEVICES).await?))
}

pub async fn daily<B: Backend>(b: &B, key: &str) -> Result<Vec<Day>, Error> {
    let rows: Vec<(i64, i64, i64)> = b.query(sql::DAY_ROWS, &[&key]).await?;
    let mut days = Vec::with_capacity(rows.len());
    for (day, sessions, timed) in rows {
        days.push((day, sessions, median(b, key, &day, timed, sql::DAYS).await?));
    }
    Ok(queries::daily(days))
}

pub async fn keys<B: Backend>(b: &B) -> Result<Vec<String>, Error> {
    Ok(b.query::<(String,)>(sql::KEYS, &[]).await?.into_iter().map(|(key,)| key).collect())
}

/// The users or devices that match `pattern`, `limit` of them with their medians, and how many
/// match.
async fn tallies<B: Backend>(
    b: &B,
    key: &str,
    pattern: &str,
    limit: usize,
    table: (&str, &str),
) -> Result<(Vec<(String, Tally)>, i64), Error> {
    let count = b.query::<(i64,)>(&sql::tally_count(table), &[&key, &pattern]).await?.first().map_or(0, |(n,)| *n);
    let rows: Vec<(String, i64, i64, i64, i64)> = b.query(&sql::tally_rows(table), &[&key, &pattern, &(limit as i64)]).await?;
    let mut tallies = Vec::with_capacity(rows.len());
    for (id, sessions, open, timed, total_ms) in rows {
        let median = median(b, key, &id, timed, table).await?;
        tallies.push((id, Tally::new(sessions, open, total_ms, median)));
    }
    Ok((tallies, count))
}

/// The median duration of the `timed` sessions of one user, device or day.
async fn median<B: Backend>(b: &B, key: &str, of: &dyn Param, timed: i64, table: (&str, &str)) -> Result<Option<f64>, Error> {
    let Some((count, from)) = queries::middle_of(timed) else { return Ok(None) };
    let middle: Vec<(f64,)> = b.query(&sql::middle_durations(table), &[&key, of, &count, &from]).await?;
    Ok(queries::median(&middle.into_iter().map(|(d,)| d).collect::<Vec<_>>()))
}
