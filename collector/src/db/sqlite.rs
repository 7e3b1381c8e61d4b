//! SQLite: one connection behind a mutex, on blocking threads. SQLite writes one transaction at a
//! time anyway, and one collector's load is far from needing a pool.

use super::sql;
use crate::error::ApiError;
use crate::queries::{Other, Session};
use crate::validate::Batch;
use rusqlite::{params, Connection};
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

CREATE INDEX IF NOT EXISTS datapoints_by_user ON datapoints (api_key, user_id);
CREATE INDEX IF NOT EXISTS datapoints_by_device ON datapoints (api_key, device_id);
CREATE INDEX IF NOT EXISTS events_by_user ON events (api_key, user_id);
";

#[derive(Clone)]
pub struct Sqlite(Arc<Mutex<Connection>>);

impl Sqlite {
    pub fn open(path: &Path) -> rusqlite::Result<Sqlite> {
        let conn = Connection::open(path)?;
        // WAL with synchronous=NORMAL: a committed batch survives the process being killed.
        let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!("the database is in journal mode {mode}, not WAL");
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // Another process (a second collector, the sqlite3 shell) may hold the lock for a moment.
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
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
            let tx = conn.transaction()?;
            {
                let mut session = tx.prepare_cached(sql::INSERT_SESSION)?;
                let mut other = tx.prepare_cached(sql::INSERT_OTHER)?;
                for e in &batch.events {
                    if e.is_session() {
                        session.execute(params![
                            batch.api_key,
                            e.session_id,
                            e.name,
                            e.time,
                            e.duration,
                            e.user_id,
                            batch.device_id,
                            received
                        ])?;
                    } else {
                        other.execute(params![
                            batch.api_key,
                            batch.device_id,
                            e.name,
                            e.time,
                            e.data_json(),
                            e.session_id,
                            e.user_id,
                            received
                        ])?;
                    }
                }
            }
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

    pub async fn keys(&self) -> Result<Vec<String>, ApiError> {
        self.run(|conn| {
            let mut query = conn.prepare_cached(sql::KEYS)?;
            let rows = query.query_map([], |row| row.get(0))?;
            rows.collect()
        })
        .await
    }
}
