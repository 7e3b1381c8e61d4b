//! SQLite: one connection behind a mutex, on blocking threads. SQLite writes one transaction at a
//! time anyway, and one collector's load is far from needing a pool.

use super::rollup::{self, Change, Changes, SessionRow};
use super::sql;
use crate::error::ApiError;
use crate::queries::{self, Day, Other, Session, Tally, Usage};
use crate::validate::{Batch, Event};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// The primary key of `datapoints` is what makes re-sending idempotent: a session has one `ss`
/// and at most one `se` per API key. Its order (session before name) also serves the queries,
/// which read a key's datapoints session by session.
const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS datapoints (
    api_key    TEXT NOT NULL,
    session_id TEXT NOT NULL,
    name       TEXT NOT NULL CHECK (name IN ('ss', 'se')),
    time       REAL NOT NULL,     -- Unix seconds, as the SDK stamped it
    duration   REAL,              -- seconds, for se
    user_id    TEXT,
    device_id  TEXT NOT NULL,
    received   REAL NOT NULL,     -- Unix seconds, when it arrived here
    PRIMARY KEY (api_key, session_id, name)
) WITHOUT ROWID;

-- Every other datapoint (custom events, purchases, attributes...) as it came. One that is sent
-- again is the same name, time and data from the same device: kept once.
CREATE TABLE IF NOT EXISTS events (
    api_key    TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    time       REAL NOT NULL,
    data       TEXT NOT NULL,     -- its data object, as JSON
    session_id TEXT,
    user_id    TEXT,
    received   REAL NOT NULL,
    PRIMARY KEY (api_key, device_id, name, time, data)
) WITHOUT ROWID;

CREATE INDEX IF NOT EXISTS events_by_user ON events (api_key, user_id);

-- Kept from datapoints as they arrive (rollup.rs). user_id '' is anonymous.
CREATE TABLE IF NOT EXISTS sessions (
    api_key    TEXT NOT NULL,
    session_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    start_time REAL,
    end_time   REAL,
    duration   REAL,
    day        INTEGER NOT NULL,  -- of its start, else of its end: days since 1970-01-01, UTC
    PRIMARY KEY (api_key, session_id)
) WITHOUT ROWID;
-- Each ends in duration: a median is read from the middle of one.
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (api_key, user_id, duration);
CREATE INDEX IF NOT EXISTS sessions_by_device ON sessions (api_key, device_id, duration);
CREATE INDEX IF NOT EXISTS sessions_by_day ON sessions (api_key, day, duration);
CREATE TABLE IF NOT EXISTS user_tallies (
    api_key TEXT NOT NULL, user_id TEXT NOT NULL,
    sessions INTEGER NOT NULL, open INTEGER NOT NULL, timed INTEGER NOT NULL, total_ms INTEGER NOT NULL, latest REAL NOT NULL,
    PRIMARY KEY (api_key, user_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS device_tallies (
    api_key TEXT NOT NULL, device_id TEXT NOT NULL,
    sessions INTEGER NOT NULL, open INTEGER NOT NULL, timed INTEGER NOT NULL, total_ms INTEGER NOT NULL, latest REAL NOT NULL,
    PRIMARY KEY (api_key, device_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS day_tallies (
    api_key TEXT NOT NULL, day INTEGER NOT NULL,
    sessions INTEGER NOT NULL, open INTEGER NOT NULL, timed INTEGER NOT NULL, total_ms INTEGER NOT NULL, latest REAL NOT NULL,
    PRIMARY KEY (api_key, day)
) WITHOUT ROWID;
-- Changes to the tallies, recorded with the datapoints and folded in before a read (rollup.rs).
CREATE TABLE IF NOT EXISTS tally_changes (
    api_key TEXT NOT NULL, user_id TEXT NOT NULL, device_id TEXT NOT NULL, day INTEGER NOT NULL,
    sessions INTEGER NOT NULL, open INTEGER NOT NULL, timed INTEGER NOT NULL, total_ms INTEGER NOT NULL, latest REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS user_tallies_by_latest ON user_tallies (api_key, latest);
CREATE INDEX IF NOT EXISTS device_tallies_by_latest ON device_tallies (api_key, latest);
-- The sessions table took over what these served.
DROP INDEX IF EXISTS datapoints_by_user;
DROP INDEX IF EXISTS datapoints_by_device;
";

#[derive(Clone)]
pub struct Sqlite(Arc<Mutex<Connection>>);

impl Sqlite {
    pub fn open(path: &Path) -> rusqlite::Result<Sqlite> {
        let mut conn = Connection::open(path)?;
        // WAL with synchronous=NORMAL: a committed batch survives the process being killed.
        let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!("the database is in journal mode {mode}, not WAL");
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Another process (a second collector, the sqlite3 shell) may hold the lock for a moment.
        conn.busy_timeout(Duration::from_secs(5))?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(SCHEMA)?;
        if tx.query_row(sql::HAS_DATAPOINTS_BUT_NO_SESSIONS, [], |row| row.get(0))? {
            summarize(&tx)?;
        }
        tx.commit()?;
        Ok(Sqlite(Arc::new(Mutex::new(conn))))
    }

    /// Runs `job` on the connection on a blocking thread, keeping SQLite off the async workers.
    async fn run<T, F>(&self, job: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let db = Arc::clone(&self.0);
        let result = tokio::task::spawn_blocking(move || {
            // A panic mid-transaction rolled it back when the transaction dropped: the
            // connection is still sound, so a poisoned lock is taken as it is.
            let mut conn = db.lock().unwrap_or_else(PoisonError::into_inner);
            job(&mut conn)
        })
        .await;
        result.map_err(ApiError::internal)?.map_err(ApiError::internal)
    }

    pub async fn insert(&self, batch: Batch, received: f64) -> Result<(), ApiError> {
        self.run(move |conn| {
            // Immediate: it reads the sessions it is about to change, which another process
            // must not change in between.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let (key, device) = (&batch.api_key, &batch.device_id);
            let mut new = Vec::new();
            {
                let mut session = tx.prepare_cached(&sql::insert_datapoints("VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"))?;
                let mut other = tx.prepare_cached(&sql::insert_others("VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"))?;
                for e in &batch.events {
                    if e.is_session() {
                        let id = e.session_id.as_deref().unwrap_or_default();
                        if session.execute(params![key, id, e.name, e.time, e.duration, e.user_id, device, received])? == 1 {
                            new.push((id, e));
                        }
                    } else {
                        other.execute(params![key, device, e.name, e.time, e.data_json(), e.session_id, e.user_id, received])?;
                    }
                }
            }
            let mut before = BTreeMap::new();
            {
                let mut read = tx.prepare_cached(sql::SESSION_ROW)?;
                for &(id, _) in &new {
                    let row = read.query_row(params![key, id], |r| {
                        Ok(SessionRow { user_id: r.get(0)?, device_id: r.get(1)?, start: r.get(2)?, end: r.get(3)?, duration: r.get(4)? })
                    });
                    if let Some(row) = row.optional()? {
                        before.insert(id.to_owned(), row);
                    }
                }
            }
            let (after, changes) = rollup::apply(&before, &new, device);
            for (id, row) in &after {
                write_row(&tx, key, id, row)?;
            }
            tally(&tx, key, &changes)?;
            tx.commit()
        })
        .await
    }

    pub async fn sessions(&self, key: String, user: Option<String>, device: Option<String>) -> Result<Vec<Session>, ApiError> {
        self.run(move |conn| {
            let mut query = conn.prepare_cached(&sql::sessions(user.is_some() || device.is_some()))?;
            let rows = query.query_map(params![key, user, device], |row| {
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
        })
        .await
    }

    pub async fn fold(&self) -> Result<(), ApiError> {
        self.run(fold).await
    }

    pub async fn usage(&self, key: String, search: Option<String>, limit: usize) -> Result<Usage, ApiError> {
        self.run(move |conn| {
            fold(conn)?;
            let pattern = queries::search_pattern(search.as_deref());
            let users = tallies(conn, &key, &pattern, limit, sql::USERS)?;
            Ok(Usage::new(users, tallies(conn, &key, &pattern, limit, sql::DEVICES)?))
        })
        .await
    }

    pub async fn daily(&self, key: String) -> Result<Vec<Day>, ApiError> {
        self.run(move |conn| {
            fold(conn)?;
            let mut query = conn.prepare_cached(sql::DAY_ROWS)?;
            let days = query.query_map(params![key], |row| Ok((row.get::<_, i64>(0)?, row.get(1)?, row.get(2)?)))?;
            let days = days.collect::<rusqlite::Result<Vec<(i64, i64, i64)>>>()?;
            let days = days.into_iter().map(|(day, sessions, timed)| Ok((day, sessions, median(conn, &key, day, timed, sql::DAYS)?)));
            Ok(queries::daily(days.collect::<rusqlite::Result<_>>()?))
        })
        .await
    }

    pub async fn events(&self, key: String, user: Option<String>, device: Option<String>) -> Result<Vec<Other>, ApiError> {
        self.run(move |conn| {
            let mut query = conn.prepare_cached(sql::EVENTS)?;
            let rows = query.query_map(params![key, user, device], |row| {
                Ok(Other::new(row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, &row.get::<_, String>(5)?))
            })?;
            rows.collect()
        })
        .await
    }

    pub async fn ping(&self) -> Result<(), ApiError> {
        self.run(|conn| conn.query_row("SELECT 1", [], |_| Ok(()))).await
    }

    pub async fn backlog(&self) -> Result<i64, ApiError> {
        self.run(|conn| conn.query_row("SELECT COUNT(*) FROM tally_changes", [], |row| row.get(0))).await
    }

    pub fn connections_in_use(&self) -> usize {
        usize::from(self.0.try_lock().is_err())
    }

    pub async fn keys(&self) -> Result<Vec<String>, ApiError> {
        self.run(|conn| {
            fold(conn)?;
            let mut query = conn.prepare_cached(sql::KEYS)?;
            let rows = query.query_map([], |row| row.get(0))?;
            rows.collect()
        })
        .await
    }
}

fn write_row(tx: &Connection, key: &str, id: &str, row: &SessionRow) -> rusqlite::Result<()> {
    tx.prepare_cached(&sql::upsert_session_rows("VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"))?
        .execute(params![key, id, row.user_id, row.device_id, row.start, row.end, row.duration, row.day()])
        .map(drop)
}

fn tally(tx: &Connection, key: &str, changes: &Changes) -> rusqlite::Result<()> {
    let mut record = tx.prepare_cached(&sql::record_changes("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"))?;
    for Change { user_id, device_id, day, share: s } in &changes.0 {
        record.execute(params![key, user_id, device_id, day, s.sessions, s.open, s.timed, s.total_ms, s.latest])?;
    }
    Ok(())
}

/// Adds the recorded changes to the tallies (SQLite has one writer at a time: no other fold can
/// run between the two statements).
fn fold(conn: &mut Connection) -> rusqlite::Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for table in [sql::USERS, sql::DEVICES, sql::DAYS] {
        tx.prepare_cached(&sql::fold_into(table, "tally_changes"))?.execute([])?;
    }
    tx.execute("DELETE FROM tally_changes", [])?;
    tx.commit()
}

/// Builds `sessions` and the tallies from the datapoints of a database that had none.
fn summarize(tx: &Connection) -> rusqlite::Result<()> {
    // Whatever changes were recorded are counted again from the datapoints.
    tx.execute("DELETE FROM tally_changes", [])?;
    let mut all = tx.prepare(sql::ALL_SESSION_DATAPOINTS)?;
    let datapoints =
        all.query_map([], |r| Ok((r.get(0)?, r.get(1)?, Event::stored(r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?), r.get(6)?)));
    for (key, rows, changes) in rollup::summaries(datapoints?.collect::<rusqlite::Result<Vec<_>>>()?) {
        for (id, row) in &rows {
            write_row(tx, &key, id, row)?;
        }
        tally(tx, &key, &changes)?;
    }
    Ok(())
}

/// The users or devices that match `pattern`, `limit` of them with their medians, and how many
/// match.
fn tallies(
    conn: &Connection,
    key: &str,
    pattern: &str,
    limit: usize,
    table: (&str, &str),
) -> rusqlite::Result<(Vec<(String, Tally)>, i64)> {
    let count = conn.prepare_cached(&sql::tally_count(table))?.query_row(params![key, pattern], |row| row.get(0))?;
    let mut query = conn.prepare_cached(&sql::tally_rows(table))?;
    let rows = query.query_map(params![key, pattern, limit as i64], |row| {
        Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?))
    })?;
    let rows = rows.collect::<rusqlite::Result<Vec<(String, i64, i64, i64, i64)>>>()?;
    let rows = rows.into_iter().map(|(id, sessions, open, timed, total_ms)| {
        let median = median(conn, key, &id, timed, table)?;
        Ok((id, Tally::new(sessions, open, total_ms, median)))
    });
    Ok((rows.collect::<rusqlite::Result<_>>()?, count))
}

/// The median duration of the `timed` sessions of one user, device or day.
fn median(conn: &Connection, key: &str, of: impl rusqlite::ToSql, timed: i64, table: (&str, &str)) -> rusqlite::Result<Option<f64>> {
    let Some((count, from)) = queries::middle_of(timed) else { return Ok(None) };
    let mut query = conn.prepare_cached(&sql::middle_durations(table))?;
    let middle = query.query_map(params![key, of, count, from], |row| row.get(0))?.collect::<rusqlite::Result<Vec<f64>>>()?;
    Ok(queries::median(&middle))
}
