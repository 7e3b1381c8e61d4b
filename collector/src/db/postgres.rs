//! PostgreSQL, through tokio-postgres and deadpool's pool: for collectors that share one database,
//! as behind a load balancer. The same tables as SQLite's, with PostgreSQL's types.

use super::rollup::{self, Changes, SessionRow, Share};
use super::sql;
use crate::error::ApiError;
use crate::queries::{self, Day, Other, Session, Tally, Usage};
use crate::validate::{Batch, Event};
use deadpool_postgres::{Client, Manager, ManagerConfig, Pool, RecyclingMethod, Transaction};
use std::collections::BTreeMap;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Error, NoTls};

/// Created under an advisory lock: collectors starting together do not race on `CREATE TABLE`.
const SCHEMA: &str = "
SELECT pg_advisory_xact_lock(7261001);
CREATE TABLE IF NOT EXISTS datapoints (
    api_key    TEXT NOT NULL,
    session_id TEXT NOT NULL,
    name       TEXT NOT NULL CHECK (name IN ('ss', 'se')),
    time       DOUBLE PRECISION NOT NULL,
    duration   DOUBLE PRECISION,
    user_id    TEXT,
    device_id  TEXT NOT NULL,
    received   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (api_key, session_id, name)
);
CREATE TABLE IF NOT EXISTS events (
    api_key    TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    time       DOUBLE PRECISION NOT NULL,
    data       TEXT NOT NULL,
    session_id TEXT,
    user_id    TEXT,
    received   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (api_key, device_id, name, time, data)
);
CREATE INDEX IF NOT EXISTS events_by_user ON events (api_key, user_id);
CREATE TABLE IF NOT EXISTS sessions (
    api_key    TEXT NOT NULL,
    session_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    start_time DOUBLE PRECISION,
    end_time   DOUBLE PRECISION,
    duration   DOUBLE PRECISION,
    day        BIGINT NOT NULL,
    PRIMARY KEY (api_key, session_id)
);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (api_key, user_id, duration);
CREATE INDEX IF NOT EXISTS sessions_by_device ON sessions (api_key, device_id, duration);
CREATE INDEX IF NOT EXISTS sessions_by_day ON sessions (api_key, day, duration);
CREATE TABLE IF NOT EXISTS user_tallies (
    api_key TEXT NOT NULL, user_id TEXT NOT NULL,
    sessions BIGINT NOT NULL, open BIGINT NOT NULL, timed BIGINT NOT NULL, total_ms BIGINT NOT NULL, latest DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (api_key, user_id)
);
CREATE TABLE IF NOT EXISTS device_tallies (
    api_key TEXT NOT NULL, device_id TEXT NOT NULL,
    sessions BIGINT NOT NULL, open BIGINT NOT NULL, timed BIGINT NOT NULL, total_ms BIGINT NOT NULL, latest DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (api_key, device_id)
);
CREATE TABLE IF NOT EXISTS day_tallies (
    api_key TEXT NOT NULL, day BIGINT NOT NULL,
    sessions BIGINT NOT NULL, open BIGINT NOT NULL, timed BIGINT NOT NULL, total_ms BIGINT NOT NULL, latest DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (api_key, day)
);
CREATE TABLE IF NOT EXISTS tally_changes (
    api_key TEXT NOT NULL, user_id TEXT NOT NULL, device_id TEXT NOT NULL, day BIGINT NOT NULL,
    sessions BIGINT NOT NULL, open BIGINT NOT NULL, timed BIGINT NOT NULL, total_ms BIGINT NOT NULL, latest DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS user_tallies_by_latest ON user_tallies (api_key, latest);
CREATE INDEX IF NOT EXISTS device_tallies_by_latest ON device_tallies (api_key, latest);
DROP INDEX IF EXISTS datapoints_by_user;
DROP INDEX IF EXISTS datapoints_by_device;
";

/// Held from a session's first datapoint in a batch to the commit, so that collectors adding its
/// `ss` and its `se` at once do not both start from the row as it was. A batch takes its
/// sessions' locks in order of session (`insert`), then its tallies' rows in key order
/// (`rollup::Changes`): two batches never wait on each other in a circle.
const LOCK_SESSIONS: &str = "SELECT pg_advisory_xact_lock(hashtextextended($1 || ' ' || id, 0)) FROM unnest($2::text[]) AS id";
/// A batch's rows for `sql`'s statements, from arrays, one a column.
const DATAPOINT_ROWS: &str =
    "SELECT $1, s, n, t, d, u, $7, $8 FROM unnest($2::text[], $3::text[], $4::float8[], $5::float8[], $6::text[]) AS x(s, n, t, d, u)";
const OTHER_ROWS: &str =
    "SELECT $1, $2, n, t, d, s, u, $8 FROM unnest($3::text[], $4::float8[], $5::text[], $6::text[], $7::text[]) AS x(n, t, d, s, u)";
const SESSION_ROW_ROWS: &str =
    "SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::float8[], $8::int8[])";
const CHANGE_ROWS: &str =
    "SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int8[], $5::int8[], $6::int8[], $7::int8[], $8::int8[], $9::float8[])";
const FOLD_LOCK: &str = "SELECT pg_advisory_xact_lock(7261002)";
/// The rows of a batch's sessions (`sql::SESSION_ROW`, for many at once).
const SESSION_ROWS: &str =
    "SELECT session_id, user_id, device_id, start_time, end_time, duration FROM sessions WHERE api_key = $1 AND session_id = ANY($2)";

#[derive(Clone)]
pub struct Postgres(Pool);

impl Postgres {
    pub async fn open(url: &str) -> Result<Postgres, String> {
        let config: tokio_postgres::Config = url.parse().map_err(|e| format!("{e}"))?;
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager).max_size(16).build().map_err(|e| e.to_string())?;
        let mut client = pool.get().await.map_err(|e| match e {
            deadpool_postgres::PoolError::Backend(e) => explain(e),
            e => e.to_string(),
        })?;
        let tx = client.transaction().await.map_err(explain)?;
        tx.batch_execute(SCHEMA).await.map_err(explain)?;
        if tx.query_one(sql::HAS_DATAPOINTS_BUT_NO_SESSIONS, &[]).await.map_err(explain)?.get(0) {
            summarize(&tx).await.map_err(explain)?;
        }
        tx.commit().await.map_err(explain)?;
        Ok(Postgres(pool))
    }

    async fn client(&self) -> Result<deadpool_postgres::Object, ApiError> {
        self.0.get().await.map_err(ApiError::internal)
    }

    pub async fn insert(&self, batch: Batch, received: f64) -> Result<(), ApiError> {
        let mut client = self.client().await?;
        let tx = client.transaction().await.map_err(ApiError::internal)?;
        store(&tx, &batch, received).await.map_err(ApiError::internal)?;
        tx.commit().await.map_err(ApiError::internal)
    }

    pub async fn sessions(&self, key: String, user: Option<String>, device: Option<String>) -> Result<Vec<Session>, ApiError> {
        let client = self.client().await?;
        let query = client.prepare_cached(&sql::sessions(user.is_some() || device.is_some())).await.map_err(ApiError::internal)?;
        let rows = client.query(&query, &[&key, &user, &device]).await.map_err(ApiError::internal)?;
        Ok(rows
            .iter()
            .map(|row| Session {
                session_id: row.get(0),
                user_id: row.get(1),
                device_id: row.get(2),
                start: row.get(3),
                end: row.get(4),
                duration: row.get(5),
                open: row.get(6),
            })
            .collect())
    }

    /// A connection, once the recorded changes are in the tallies.
    async fn folded(&self) -> Result<deadpool_postgres::Object, ApiError> {
        let mut client = self.client().await?;
        fold(&mut client).await.map_err(ApiError::internal)?;
        Ok(client)
    }

    pub async fn fold(&self) -> Result<(), ApiError> {
        self.folded().await.map(drop)
    }

    pub async fn usage(&self, key: String, search: Option<String>, limit: usize) -> Result<Usage, ApiError> {
        let client = self.folded().await?;
        let pattern = queries::search_pattern(search.as_deref());
        let users = tallies(&client, &key, &pattern, limit, sql::USERS).await.map_err(ApiError::internal)?;
        let devices = tallies(&client, &key, &pattern, limit, sql::DEVICES).await.map_err(ApiError::internal)?;
        Ok(Usage::new(users, devices))
    }

    pub async fn daily(&self, key: String) -> Result<Vec<Day>, ApiError> {
        let client = self.folded().await?;
        let rows = client.query(sql::DAY_ROWS, &[&key]).await.map_err(ApiError::internal)?;
        let mut days = Vec::with_capacity(rows.len());
        for row in rows {
            let day: i64 = row.get(0);
            days.push((day, row.get(1), median(&client, &key, &day, row.get(2), sql::DAYS).await.map_err(ApiError::internal)?));
        }
        Ok(queries::daily(days))
    }

    pub async fn events(&self, key: String, user: Option<String>, device: Option<String>) -> Result<Vec<Other>, ApiError> {
        let client = self.client().await?;
        let query = client.prepare_cached(sql::EVENTS).await.map_err(ApiError::internal)?;
        let rows = client.query(&query, &[&key, &user, &device]).await.map_err(ApiError::internal)?;
        Ok(rows.iter().map(|row| Other::new(row.get(0), row.get(1), row.get(2), row.get(3), row.get(4), row.get::<_, &str>(5))).collect())
    }

    pub async fn ping(&self) -> Result<(), ApiError> {
        self.client().await?.simple_query("SELECT 1").await.map(drop).map_err(ApiError::internal)
    }

    pub async fn backlog(&self) -> Result<i64, ApiError> {
        let row = self.client().await?.query_one("SELECT COUNT(*) FROM tally_changes", &[]).await.map_err(ApiError::internal)?;
        Ok(row.get(0))
    }

    pub fn connections_in_use(&self) -> usize {
        let status = self.0.status();
        status.size.saturating_sub(status.available)
    }

    pub async fn keys(&self) -> Result<Vec<String>, ApiError> {
        let client = self.folded().await?;
        let rows = client.query(sql::KEYS, &[]).await.map_err(ApiError::internal)?;
        Ok(rows.iter().map(|row| row.get(0)).collect())
    }
}

/// Stores a batch in a handful of statements whatever its size, each for all its rows at once
/// (arrays unnested): PostgreSQL's cost is mostly per statement.
async fn store(tx: &Transaction<'_>, batch: &Batch, received: f64) -> Result<(), Error> {
    let (key, device) = (&batch.api_key, &batch.device_id);
    let (sessions, others): (Vec<&Event>, Vec<&Event>) = batch.events.iter().partition(|e| e.is_session());
    let mut sessions: Vec<(&str, &Event)> = sessions.into_iter().map(|e| (e.session_id.as_deref().unwrap_or_default(), e)).collect();
    sessions.sort_by(|(a, x), (b, y)| (a, &x.name).cmp(&(b, &y.name)));
    let mut ids: Vec<&str> = sessions.iter().map(|(id, _)| *id).collect();
    ids.dedup();
    if !sessions.is_empty() {
        // The sessions' locks, in order, before any of their datapoints: a datapoint is only
        // ever inserted under its session's lock, so inserts never wait on each other, and locks
        // taken in one order never wait in a circle.
        tx.execute(&tx.prepare_cached(LOCK_SESSIONS).await?, &[key, &ids]).await?;
        let insert = tx.prepare_cached(&format!("{} RETURNING session_id, name", sql::insert_datapoints(DATAPOINT_ROWS))).await?;
        let session_ids: Vec<&str> = sessions.iter().map(|(id, _)| *id).collect();
        let names: Vec<&str> = sessions.iter().map(|(_, e)| e.name.as_str()).collect();
        let times: Vec<f64> = sessions.iter().map(|(_, e)| e.time).collect();
        let durations: Vec<Option<f64>> = sessions.iter().map(|(_, e)| e.duration).collect();
        let users: Vec<Option<&str>> = sessions.iter().map(|(_, e)| e.user_id.as_deref()).collect();
        let stored = tx.query(&insert, &[key, &session_ids, &names, &times, &durations, &users, device, &received]).await?;
        let mut stored: Vec<(String, String)> = stored.iter().map(|r| (r.get(0), r.get(1))).collect();
        // The first of a datapoint sent twice in the batch is the one stored.
        let new: Vec<(&str, &Event)> = sessions
            .into_iter()
            .filter(|(id, e)| match stored.iter().position(|(i, n)| i == id && *n == e.name) {
                Some(at) => {
                    stored.swap_remove(at);
                    true
                }
                None => false,
            })
            .collect();
        if !new.is_empty() {
            let rows = tx.query(&tx.prepare_cached(SESSION_ROWS).await?, &[key, &ids]).await?;
            let before: BTreeMap<String, SessionRow> = rows
                .iter()
                .map(|r| {
                    (r.get(0), SessionRow { user_id: r.get(1), device_id: r.get(2), start: r.get(3), end: r.get(4), duration: r.get(5) })
                })
                .collect();
            let (after, changes) = rollup::apply(&before, &new, device);
            write_rows(tx, key, after.iter().map(|(id, row)| (*id, row))).await?;
            tally(tx, key, &changes).await?;
        }
    }
    if !others.is_empty() {
        let insert = tx.prepare_cached(&sql::insert_others(OTHER_ROWS)).await?;
        let names: Vec<&str> = others.iter().map(|e| e.name.as_str()).collect();
        let times: Vec<f64> = others.iter().map(|e| e.time).collect();
        let data: Vec<String> = others.iter().map(|e| e.data_json()).collect();
        let sessions: Vec<Option<&str>> = others.iter().map(|e| e.session_id.as_deref()).collect();
        let users: Vec<Option<&str>> = others.iter().map(|e| e.user_id.as_deref()).collect();
        tx.execute(&insert, &[key, device, &names, &times, &data, &sessions, &users, &received]).await?;
    }
    Ok(())
}

async fn write_rows<'a>(tx: &Transaction<'_>, key: &str, rows: impl Iterator<Item = (&'a str, &'a SessionRow)>) -> Result<(), Error> {
    let rows: Vec<_> = rows.collect();
    let ids: Vec<&str> = rows.iter().map(|(id, _)| *id).collect();
    let users: Vec<&str> = rows.iter().map(|(_, r)| r.user_id.as_str()).collect();
    let devices: Vec<&str> = rows.iter().map(|(_, r)| r.device_id.as_str()).collect();
    let time = |f: fn(&SessionRow) -> Option<f64>| rows.iter().map(|(_, r)| f(r)).collect::<Vec<_>>();
    let (starts, ends, durations) = (time(|r| r.start), time(|r| r.end), time(|r| r.duration));
    let days: Vec<i64> = rows.iter().map(|(_, r)| r.day()).collect();
    let upsert = tx.prepare_cached(&sql::upsert_session_rows(SESSION_ROW_ROWS)).await?;
    tx.execute(&upsert, &[&key, &ids, &users, &devices, &starts, &ends, &durations, &days]).await.map(drop)
}

async fn tally(tx: &Transaction<'_>, key: &str, changes: &Changes) -> Result<(), Error> {
    let c = &changes.0;
    let users: Vec<&str> = c.iter().map(|c| c.user_id.as_str()).collect();
    let devices: Vec<&str> = c.iter().map(|c| c.device_id.as_str()).collect();
    let days: Vec<i64> = c.iter().map(|c| c.day).collect();
    let count = |f: fn(&Share) -> i64| c.iter().map(|c| f(&c.share)).collect::<Vec<i64>>();
    let latest: Vec<f64> = c.iter().map(|c| c.share.latest).collect();
    let record = tx.prepare_cached(&sql::record_changes(CHANGE_ROWS)).await?;
    let (sessions, open, timed, total) = (count(|s| s.sessions), count(|s| s.open), count(|s| s.timed), count(|s| s.total_ms));
    tx.execute(&record, &[&key, &users, &devices, &days, &sessions, &open, &timed, &total, &latest]).await.map(drop)
}

/// Adds the recorded changes to the tallies: the changes are taken out of `tally_changes` and
/// added in one statement, so each is added exactly once; folds wait for each other, so a read
/// that folds first sees every change committed before it.
async fn fold(client: &mut Client) -> Result<(), Error> {
    let tx = client.transaction().await?;
    tx.execute(FOLD_LOCK, &[]).await?;
    tx.execute(&tx.prepare_cached(&fold_statement()).await?, &[]).await?;
    tx.commit().await
}

fn fold_statement() -> String {
    format!(
        "WITH moved AS (DELETE FROM tally_changes RETURNING *), users AS ({}), devices AS ({}) {}",
        sql::fold_into(sql::USERS, "moved"),
        sql::fold_into(sql::DEVICES, "moved"),
        sql::fold_into(sql::DAYS, "moved")
    )
}

/// Builds `sessions` and the tallies from the datapoints of a database that had none.
async fn summarize(tx: &Transaction<'_>) -> Result<(), Error> {
    // Whatever changes were recorded are counted again from the datapoints.
    tx.execute("DELETE FROM tally_changes", &[]).await?;
    let datapoints = tx.query(sql::ALL_SESSION_DATAPOINTS, &[]).await?;
    let summaries =
        rollup::summaries(datapoints.iter().map(|r| (r.get(0), r.get(1), Event::stored(r.get(2), r.get(3), r.get(4), r.get(5)), r.get(6))));
    for (key, rows, changes) in summaries {
        write_rows(tx, &key, rows.iter().map(|(id, row)| (id.as_str(), row))).await?;
        tally(tx, &key, &changes).await?;
    }
    Ok(())
}

/// The users or devices that match `pattern`, `limit` of them with their medians, and how many
/// match.
async fn tallies(
    client: &Client,
    key: &str,
    pattern: &str,
    limit: usize,
    table: (&str, &str),
) -> Result<(Vec<(String, Tally)>, i64), Error> {
    let count = client.query_one(&client.prepare_cached(&sql::tally_count(table)).await?, &[&key, &pattern]).await?.get(0);
    let rows = client.query(&client.prepare_cached(&sql::tally_rows(table)).await?, &[&key, &pattern, &(limit as i64)]).await?;
    let mut tallies = Vec::with_capacity(rows.len());
    for row in rows {
        let id: String = row.get(0);
        let median = median(client, key, &id, row.get(3), table).await?;
        tallies.push((id, Tally::new(row.get(1), row.get(2), row.get(4), median)));
    }
    Ok((tallies, count))
}

/// The median duration of the `timed` sessions of one user, device or day.
async fn median(client: &Client, key: &str, of: &(dyn ToSql + Sync), timed: i64, table: (&str, &str)) -> Result<Option<f64>, Error> {
    let Some((count, from)) = queries::middle_of(timed) else { return Ok(None) };
    let query = client.prepare_cached(&sql::middle_durations(table)).await?;
    let middle: Vec<f64> = client.query(&query, &[&key, of, &count, &from]).await?.iter().map(|r| r.get(0)).collect();
    Ok(queries::median(&middle))
}

/// A PostgreSQL error with the server's own message, which `Display` leaves out.
fn explain(e: tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{e}: {}", db.message()),
        None => std::error::Error::source(&e).map_or_else(|| e.to_string(), |cause| format!("{e}: {cause}")),
    }
}
