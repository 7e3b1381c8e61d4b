//! SQLite: one connection behind a mutex, on blocking threads. SQLite writes one transaction at a
//! time anyway, and one collector's load is far from needing a pool. The logic shared with
//! PostgreSQL (`shared`) runs on the blocking thread: SQLite's statements never wait, so its
//! futures complete as they are polled.

use super::backend::{Backend, FromRow, Param, Writes};
use super::rollup::{Change, Changes, SessionRow};
use super::schema::Dialect;
use super::{migrate, shared, sql, Error, Pruned};
use rusqlite::{params, Connection, ToSql, TransactionBehavior};
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// Rows a pruning transaction removes: small, so that writes wait for one at most a few
/// milliseconds.
const PRUNE_BATCH: i64 = 500;

#[derive(Clone)]
pub struct Sqlite {
    conn: Arc<Mutex<Connection>>,
    /// Whether a job holds the connection (`connections_in_use`).
    busy: Arc<AtomicBool>,
}

/// The connection (or a transaction on it) as a `Backend`.
pub struct Lite<'a>(&'a Connection);

impl Sqlite {
    pub fn open(path: &Path) -> Result<Sqlite, Error> {
        let mut conn = Connection::open(path)?;
        // WAL with synchronous=NORMAL: a committed batch survives the process being killed.
        let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!("the database is in journal mode {mode}, not WAL");
        }
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // A checkpoint every 4,000 pages of WAL (16 MB), not SQLite's 1,000: a batch writes eight
        // or so pages (its session's row, that row's indexes, the recorded changes) where it
        // wrote five before the summaries, and at 1,000 the checkpoints, each copying pages back
        // under the connection's lock, came every hundred batches or so (scripts/load.sh).
        conn.pragma_update(None, "wal_autocheckpoint", 4000)?;
        // Another process (a second collector, the sqlite3 shell) may hold the lock for a moment.
        conn.busy_timeout(Duration::from_secs(5))?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        complete(migrate::prepare(&Lite(&tx)))?;
        tx.commit()?;
        Ok(Sqlite { conn: Arc::new(Mutex::new(conn)), busy: Arc::default() })
    }

    /// Runs `job` on the connection on a blocking thread, keeping SQLite off the async workers.
    async fn run<T, F>(&self, job: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, Error> + Send + 'static,
    {
        let (conn, busy) = (Arc::clone(&self.conn), Arc::clone(&self.busy));
        tokio::task::spawn_blocking(move || {
            // A panic mid-transaction rolled it back when the transaction dropped: the
            // connection is still sound, so a poisoned lock is taken as it is.
            let mut conn = conn.lock().unwrap_or_else(PoisonError::into_inner);
            busy.store(true, Ordering::Relaxed);
            let result = job(&mut conn);
            busy.store(false, Ordering::Relaxed);
            result
        })
        .await?
    }

    /// Runs shared logic in a transaction (immediate: it may read what it is about to change,
    /// which another process must not change in between).
    pub async fn write<T, F>(&self, job: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: AsyncFnOnce(&Lite<'_>) -> Result<T, Error> + Send + 'static,
    {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let result = complete(job(&Lite(&tx)))?;
            tx.commit()?;
            Ok(result)
        })
        .await
    }

    /// Runs shared reads, after folding the recorded changes into the tallies when `folded`.
    pub async fn read<T, F>(&self, folded: bool, job: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: AsyncFnOnce(&Lite<'_>) -> Result<T, Error> + Send + 'static,
    {
        self.run(move |conn| {
            if folded {
                fold(conn)?;
            }
            complete(job(&Lite(conn)))
        })
        .await
    }

    pub async fn fold(&self) -> Result<(), Error> {
        self.run(fold).await
    }

    /// Removes the sessions of days before `day` (with their datapoints) and the events of those
    /// days, `PRUNE_BATCH` rows a transaction, writes taking their turn in between.
    pub async fn prune(&self, day: i64) -> Result<Pruned, Error> {
        let mut pruned = Pruned::default();
        loop {
            let (sessions, datapoints) = self.run(move |conn| prune_sessions(conn, day, PRUNE_BATCH)).await?;
            pruned.transactions += 1;
            (pruned.sessions, pruned.datapoints) = (pruned.sessions + sessions, pruned.datapoints + datapoints);
            if sessions < PRUNE_BATCH as u64 {
                break;
            }
        }
        loop {
            let events = self.run(move |conn| prune_events(conn, day, PRUNE_BATCH)).await?;
            pruned.transactions += 1;
            pruned.events += events;
            if events < PRUNE_BATCH as u64 {
                break;
            }
        }
        self.run(|conn| {
            fold(conn)?;
            for table in [sql::USERS, sql::DEVICES, sql::DAYS] {
                conn.execute(&sql::empty_tallies(table), [])?;
            }
            Ok(())
        })
        .await?;
        Ok(pruned)
    }

    /// 1 while a job holds the one connection, else 0.
    pub fn connections_in_use(&self) -> usize {
        usize::from(self.busy.load(Ordering::Relaxed))
    }
}

/// Runs shared logic on SQLite to its end, on this (blocking) thread.
fn complete<T>(future: impl Future<Output = Result<T, Error>>) -> Result<T, Error> {
    tokio::runtime::Handle::current().block_on(future)
}

/// Adds the recorded changes to the tallies (SQLite has one writer at a time: no other fold can
/// run between the statements).
fn fold(conn: &mut Connection) -> Result<(), Error> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    for table in [sql::USERS, sql::DEVICES, sql::DAYS] {
        tx.prepare_cached(&sql::fold_into(table, "tally_changes"))?.execute([])?;
    }
    tx.execute("DELETE FROM tally_changes", [])?;
    Ok(tx.commit()?)
}

/// Removes up to `limit` sessions of days before `day`, their datapoints and their shares of
/// the tallies, in one transaction: how many sessions and datapoints.
fn prune_sessions(conn: &mut Connection, day: i64, limit: i64) -> Result<(u64, u64), Error> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let old = format!("api_key IN ({}) AND day < $1 LIMIT $2", keys("sessions"));
    let rows = complete(shared::sessions_where(&Lite(&tx), &old, &[&day, &limit]))?;
    complete(shared::forget(&Lite(&tx), &rows))?;
    let mut datapoints = 0;
    {
        let mut points = tx.prepare_cached("DELETE FROM datapoints WHERE api_key = $1 AND session_id = $2")?;
        let mut sessions = tx.prepare_cached("DELETE FROM sessions WHERE api_key = $1 AND session_id = $2")?;
        for (key, id, _) in &rows {
            datapoints += points.execute(params![key, id])? as u64;
            sessions.execute(params![key, id])?;
        }
    }
    tx.commit()?;
    Ok((rows.len() as u64, datapoints))
}

/// Removes up to `limit` events of days before `day`: how many.
fn prune_events(conn: &mut Connection, day: i64, limit: i64) -> Result<u64, Error> {
    let old = format!(
        "DELETE FROM events WHERE (api_key, day, device_id, name, time, data) IN
             (SELECT api_key, day, device_id, name, time, data FROM events WHERE api_key IN ({}) AND day < $1 LIMIT $2)",
        keys("events")
    );
    Ok(conn.execute(&old, params![day, limit])? as u64)
}

/// The API keys of `table`, read by a loose scan of the index that starts with the key: old days
/// are then found key by key through `sessions_by_day` and `events`' own key, with no index on
/// `day` alone to keep up on every write.
fn keys(table: &str) -> String {
    format!(
        "WITH RECURSIVE keys(k) AS (SELECT MIN(api_key) FROM {table}
                                   UNION ALL SELECT (SELECT MIN(api_key) FROM {table} WHERE api_key > k) FROM keys WHERE k IS NOT NULL)
         SELECT k FROM keys WHERE k IS NOT NULL"
    )
}

impl Lite<'_> {
    /// A statement of `sql`, prepared once. `$N` is a name to SQLite, numbered in order of first
    /// appearance: the statements' `?N`, numbered as written, are PostgreSQL's `$N`.
    fn prepare(&self, sql: &str) -> Result<rusqlite::CachedStatement<'_>, Error> {
        Ok(self.0.prepare_cached(&sql.replace('$', "?"))?)
    }

    /// Runs `sql` for each row; how many rows it changed in all.
    fn each<'p>(&self, sql: &str, rows: impl IntoIterator<Item = Vec<&'p dyn ToSql>>) -> Result<u64, Error> {
        let mut statement = self.prepare(sql)?;
        let mut changed = 0;
        for row in rows {
            changed += statement.execute(row.as_slice())? as u64;
        }
        Ok(changed)
    }
}

impl Backend for Lite<'_> {
    const DIALECT: Dialect = Dialect::Sqlite;

    async fn query<T: FromRow>(&self, sql: &str, params: &[&dyn Param]) -> Result<Vec<T>, Error> {
        let mut statement = self.prepare(sql)?;
        let params: Vec<&dyn rusqlite::ToSql> = params.iter().map(|p| p.lite()).collect();
        let mut rows = statement.query(params.as_slice())?;
        let mut read = Vec::new();
        while let Some(row) = rows.next()? {
            read.push(T::from_row(row)?);
        }
        Ok(read)
    }

    async fn execute(&self, sql: &str, params: &[&dyn Param]) -> Result<u64, Error> {
        let params: Vec<&dyn rusqlite::ToSql> = params.iter().map(|p| p.lite()).collect();
        Ok(self.prepare(sql)?.execute(params.as_slice())? as u64)
    }

    async fn execute_batch(&self, sql: &str) -> Result<(), Error> {
        Ok(self.0.execute_batch(sql)?)
    }

    async fn make_days(&self, _: &BTreeSet<i64>) -> Result<(), Error> {
        Ok(())
    }

    async fn lock_sessions(&self, _: &str, _: &[&str]) -> Result<(), Error> {
        Ok(())
    }

    async fn session_rows(&self, key: &str, ids: &[&str]) -> Result<BTreeMap<String, SessionRow>, Error> {
        let mut rows = BTreeMap::new();
        for id in ids {
            let found: Vec<shared::RowColumns> = self.query(&sql::session_rows("$2"), &[&key, id]).await?;
            rows.extend(found.into_iter().map(shared::session_row));
        }
        Ok(rows)
    }

    /// A statement a row: SQLite runs each where it is, with no round trip to save.
    async fn write(&self, key: &str, device: &str, received: f64, w: Writes<'_>) -> Result<u64, Error> {
        self.each(
            &sql::insert_datapoints("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"),
            w.points
                .iter()
                .map(|(id, e, day)| vec![&key as &dyn ToSql, id, &e.name, &e.time, &e.duration, &e.user_id, &device, &received, day]),
        )?;
        self.write_rows(key, w.rows).await?;
        self.record(key, w.changes).await?;
        let data: Vec<String> = w.others.iter().map(|e| e.data_json()).collect();
        let days: Vec<i64> = w.others.iter().map(|e| super::rollup::day_of(e.time)).collect();
        self.each(
            &sql::insert_others("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"),
            w.others.iter().zip(&data).zip(&days).map(|((e, data), day)| {
                vec![&key as &dyn ToSql, &device, &e.name, &e.time, data, &e.session_id, &e.user_id, &received, day]
            }),
        )
    }

    async fn move_days(&self, key: &str, moves: &[(&str, i64, i64)]) -> Result<(), Error> {
        for table in ["sessions", "datapoints"] {
            let one = sql::move_days(table, "SELECT $2 AS id, $3 AS from_day, $4 AS to_day");
            self.each(&one, moves.iter().map(|(id, from, to)| vec![&key as &dyn ToSql, id, from, to]))?;
        }
        Ok(())
    }

    async fn write_rows(&self, key: &str, rows: &[(&str, &SessionRow)]) -> Result<(), Error> {
        let days: Vec<i64> = rows.iter().map(|(_, row)| row.day()).collect();
        self.each(
            &sql::upsert_session_rows("VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
            rows.iter()
                .zip(&days)
                .map(|((id, r), day)| vec![&key as &dyn ToSql, id, &r.user_id, &r.device_id, &r.start, &r.end, &r.duration, day]),
        )
        .map(drop)
    }

    async fn record(&self, key: &str, changes: &Changes) -> Result<(), Error> {
        self.each(
            &sql::record_changes("VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"),
            changes.0.iter().map(|Change { user_id, device_id, day, share: s }| {
                vec![&key as &dyn ToSql, user_id, device_id, day, &s.sessions, &s.open, &s.timed, &s.total_ms, &s.latest]
            }),
        )
        .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use crate::db::{Db, Pruned};
    use crate::validate::{Batch, Event};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn pruning_goes_a_few_hundred_sessions_a_transaction() {
        let path = std::env::temp_dir().join(format!("collector-prune-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let db = Db::open(path.to_str().unwrap()).await.unwrap();
        let point = |name: &str, n: usize, time: f64, duration| Event {
            name: name.into(),
            time,
            session_id: Some(format!("s{n}")),
            user_id: None,
            duration,
            data: Default::default(),
        };
        // 1,200 sessions on day 10, 3 on day 20, sent 100 a batch.
        for first in (0..1203).step_by(100) {
            let events = (first..1203.min(first + 100))
                .flat_map(|n| {
                    let start = if n < 1200 { 10.0 } else { 20.0 } * 86_400.0;
                    [point("ss", n, start, None), point("se", n, start + 5.0, Some(5.0))]
                })
                .collect();
            db.insert(Batch { api_key: "k".into(), device_id: "d".into(), events, rejected: Vec::new() }, 0.0).await.unwrap();
        }
        // Thirty days from day 45: day 15 is the first kept.
        let pruned = db.prune(30, 45.5 * 86_400.0).await.unwrap();
        // Three transactions of sessions (500, 500, 200), one of events (none).
        assert_eq!(pruned, Pruned { sessions: 1200, datapoints: 2400, events: 0, partitions: 0, transactions: 4 });
        let left = serde_json::to_value(db.usage("k".into(), None, 10).await.unwrap()).unwrap();
        assert_eq!((&left["users"][0]["sessions"], &left["devices"][0]["sessions"]), (&3.into(), &3.into()));
        let _ = std::fs::remove_file(&path);
    }
}
