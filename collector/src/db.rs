//! The SQLite database: one row per datapoint, each stored once.

use crate::error::ApiError;
use crate::validate::Batch;
use rusqlite::{params, Connection};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// The primary key is what makes re-sending idempotent: a session has one `ss` and at most one
/// `se` per API key, and a repeat is ignored. Its order (session before name) also serves the
/// queries, which read a key's datapoints session by session.
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
";

/// One connection behind a mutex: SQLite writes one transaction at a time anyway, and the
/// collector's load (a demo, tests) is far from needing a pool.
#[derive(Clone)]
pub struct Db(Arc<Mutex<Connection>>);

impl Db {
    pub fn open(path: &Path) -> rusqlite::Result<Db> {
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
        Ok(Db(Arc::new(Mutex::new(conn))))
    }

    /// Runs `job` on the connection on a blocking thread, keeping SQLite off the async workers.
    pub async fn run<T, F>(&self, job: F) -> Result<T, ApiError>
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
}

/// Stores a batch in one transaction; datapoints already stored are left as they were.
pub fn insert(conn: &mut Connection, batch: &Batch, received: f64) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut session = tx.prepare_cached(
            "INSERT OR IGNORE INTO datapoints (api_key, session_id, name, time, duration, user_id, device_id, received)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        let mut other = tx.prepare_cached(
            "INSERT OR IGNORE INTO events (api_key, device_id, name, time, data, session_id, user_id, received)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for e in &batch.events {
            if e.is_session() {
                session.execute(params![batch.api_key, e.session_id, e.name, e.time, e.duration, e.user_id, batch.device_id, received])?;
            } else {
                let data = serde_json::Value::Object(e.data.clone()).to_string();
                other.execute(params![batch.api_key, batch.device_id, e.name, e.time, data, e.session_id, e.user_id, received])?;
            }
        }
    }
    tx.commit()
}
