//! PostgreSQL, through tokio-postgres and deadpool's pool: for collectors that share one database,
//! as behind a load balancer. The same tables as SQLite's (`schema`), partitioned by day
//! (`partitions`); a batch's rows are written in one statement each, from arrays.

use super::backend::{Backend, FromRow, Param, Writes};
use super::rollup::{self, Changes, SessionRow, Share};
use super::schema::Dialect;
use super::{migrate, partitions, shared, sql, Error, Pruned};
use deadpool_postgres::{ClientWrapper, GenericClient, Manager, ManagerConfig, Object, Pool, RecyclingMethod};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::NoTls;

/// Collectors starting together do not race on `CREATE TABLE` or on copying old tables.
const SCHEMA_LOCK: &str = "SELECT pg_advisory_xact_lock(7261001)";
/// Held from a session's first datapoint in a batch to the commit, so that collectors adding its
/// `ss` and its `se` at once do not both start from the row as it was. A batch takes its
/// sessions' locks in order of session (`shared::store`), then its tallies' rows in key order
/// (`rollup::Changes`): two batches never wait on each other in a circle.
const LOCK_SESSIONS: &str = "SELECT pg_advisory_xact_lock(hashtextextended($1 || ' ' || id, 0)) FROM unnest($2::text[]) AS id";
/// Sessions' rows and tallies' changes for `sql`'s statements, from arrays, one a column.
const SESSION_ROW_ROWS: &str =
    "SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::float8[], $8::int8[])";
const CHANGE_ROWS: &str =
    "SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int8[], $5::int8[], $6::int8[], $7::int8[], $8::int8[], $9::float8[])";
/// A batch's writes in one statement (`Backend::write`): PostgreSQL's cost is mostly per
/// statement. `$1` the key, `$2` the device, `$3` when it arrived, then each table's arrays.
const WRITE_POINTS: &str = "SELECT $1, s, n, t, d, u, $2, $3, day
    FROM unnest($4::text[], $5::text[], $6::float8[], $7::float8[], $8::text[], $9::int8[]) AS x(s, n, t, d, u, day)";
const WRITE_ROWS: &str =
    "SELECT $1, * FROM unnest($10::text[], $11::text[], $12::text[], $13::float8[], $14::float8[], $15::float8[], $16::int8[])";
const WRITE_CHANGES: &str =
    "SELECT $1, * FROM unnest($17::text[], $18::text[], $19::int8[], $20::int8[], $21::int8[], $22::int8[], $23::int8[], $24::float8[])";
const WRITE_OTHERS: &str = "SELECT $1, $2, n, t, d, s, u, $3, day
    FROM unnest($25::text[], $26::float8[], $27::text[], $28::text[], $29::text[], $30::int8[]) AS x(n, t, d, s, u, day)";
static WRITE: LazyLock<String> = LazyLock::new(|| {
    format!(
        "WITH points AS ({}), rows AS ({}), changes AS ({}), others AS ({} RETURNING 1) SELECT COUNT(*) FROM others",
        sql::insert_datapoints(WRITE_POINTS),
        sql::upsert_session_rows(WRITE_ROWS),
        sql::record_changes(WRITE_CHANGES),
        sql::insert_others(WRITE_OTHERS)
    )
});
const MOVE_ROWS: &str = "SELECT * FROM unnest($2::text[], $3::int8[], $4::int8[]) AS m(id, from_day, to_day)";
const FOLD_LOCK: &str = "SELECT pg_advisory_xact_lock(7261002)";

#[derive(Clone)]
pub struct Postgres {
    pool: Pool,
    /// The days whose partitions this collector made or saw made: a batch of those days needs
    /// no statement to make them.
    days: Arc<Mutex<BTreeSet<i64>>>,
}

/// A connection or a transaction as a `Backend`.
pub struct Pg<'a, C>(pub &'a C);

/// The driver's own connection or transaction under deadpool's, for `query_typed`, which
/// deadpool's `GenericClient` does not pass on.
pub trait Driver {
    type Client: tokio_postgres::GenericClient + Sync;
    fn driver(&self) -> &Self::Client;
}

impl Driver for Object {
    type Client = tokio_postgres::Client;
    fn driver(&self) -> &tokio_postgres::Client {
        self
    }
}

impl<'a> Driver for deadpool_postgres::Transaction<'a> {
    type Client = tokio_postgres::Transaction<'a>;
    fn driver(&self) -> &tokio_postgres::Transaction<'a> {
        self
    }
}

/// Runs `$body` (an expression that awaits) with `$client` a connection of the pool, and once
/// more on a new connection if the database was unavailable: the pool checks an idle connection
/// only by its flag, which the connections of a server that has just restarted may not have set
/// yet, so they are all let go. Every body may run twice: storing is idempotent.
macro_rules! retrying {
    ($db:expr, |$client:ident| $body:expr) => {{
        let mut retried = false;
        loop {
            #[allow(unused_mut)]
            let mut $client = $db.connection().await?;
            match $body {
                Err($crate::db::Error::Unavailable(_)) if !retried => {
                    retried = true;
                    $db.let_go($client);
                }
                result => break result,
            }
        }
    }};
}
pub(super) use retrying;

impl Postgres {
    pub async fn open(url: &str) -> Result<Postgres, Error> {
        let config: tokio_postgres::Config = url.parse().map_err(|e| Error::Failed(format!("{e}")))?;
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = Pool::builder(manager).max_size(16).build().map_err(|e| Error::Failed(e.to_string()))?;
        let mut client = pool.get().await?;
        let tx = client.transaction().await?;
        tx.batch_execute(SCHEMA_LOCK).await?;
        migrate::prepare(&Pg(&tx)).await?;
        tx.commit().await?;
        Ok(Postgres { pool, days: Arc::default() })
    }

    pub async fn connection(&self) -> Result<Object, Error> {
        Ok(self.pool.get().await?)
    }

    /// Lets go of a connection that failed, and of those idle in the pool.
    pub fn let_go(&self, failed: Object) {
        drop(Object::take(failed));
        self.pool.retain(|_, _| false);
    }

    pub async fn insert(&self, batch: &crate::validate::Batch, received: f64) -> Result<shared::Stored, Error> {
        let result = retrying!(self, |client| async {
            self.make_days(&client, batch.events.iter().map(|e| rollup::day_of(e.time)).collect()).await?;
            let tx = client.transaction().await?;
            let stored = shared::store(&Pg(&tx), batch, received).await?;
            tx.commit().await?;
            Ok(stored)
        }
        .await);
        if result.is_err() {
            // A partition this collector saw may have been dropped by another's pruning: the
            // retry makes it again.
            self.days.lock().unwrap_or_else(PoisonError::into_inner).clear();
        }
        result
    }

    /// Makes the partitions of `days` that this collector has not seen made, in a transaction of
    /// its own: making one locks its table, which a batch's transaction must not hold on to.
    async fn make_days(&self, client: &Object, mut days: BTreeSet<i64>) -> Result<(), Error> {
        days.retain(|day| !self.days.lock().unwrap_or_else(PoisonError::into_inner).contains(day));
        if !days.is_empty() {
            client.batch_execute(&format!("BEGIN; {}; COMMIT", partitions::create(&days))).await?;
            self.days.lock().unwrap_or_else(PoisonError::into_inner).extend(days);
        }
        Ok(())
    }

    /// A connection, once the recorded changes are in the tallies when `folded`.
    pub async fn folded(&self, client: &mut Object, folded: bool) -> Result<(), Error> {
        if folded {
            fold(client).await?;
        }
        Ok(())
    }

    pub async fn fold(&self) -> Result<(), Error> {
        retrying!(self, |client| fold(&mut client).await)
    }

    /// Drops the partitions of days before `day`, a day a transaction, after taking the shares
    /// of their sessions out of the tallies.
    pub async fn prune(&self, day: i64) -> Result<Pruned, Error> {
        let mut client = self.connection().await?;
        let names: Vec<(String,)> = Pg(&client).query(partitions::LIST, &[]).await?;
        let old: BTreeSet<i64> = names.iter().filter_map(|(name,)| partitions::day(name)).filter(|d| *d < day).collect();
        let mut pruned = Pruned::default();
        for old in old {
            let tx = client.transaction().await?;
            // The tables whole, before their partitions: a batch under way finishes first, and
            // the next waits for the drop (a batch touches `sessions` first: no circle).
            tx.batch_execute(&format!("{}; LOCK TABLE sessions, datapoints, events IN ACCESS EXCLUSIVE MODE", partitions::LOCK)).await?;
            let b = Pg(&tx);
            // The day's sessions, key by key through `sessions_by_day` (the keys that have
            // sessions that day are in the tallies, folded or not).
            let keys = "api_key IN (SELECT api_key FROM day_tallies WHERE day = $1 UNION SELECT api_key FROM tally_changes WHERE day = $1)";
            let rows = shared::sessions_where(&b, &format!("{keys} AND day = $1"), &[&old]).await?;
            shared::forget(&b, &rows).await?;
            b.execute(&format!("DELETE FROM sessions WHERE {keys} AND day = $1"), &[&old]).await?;
            let counts: Vec<(i64, i64)> = b
                .query("SELECT (SELECT COUNT(*) FROM datapoints WHERE day = $1), (SELECT COUNT(*) FROM events WHERE day = $1)", &[&old])
                .await?;
            let names: Vec<String> = partitions::TABLES.iter().map(|table| partitions::name(table, old)).collect();
            tx.batch_execute(&format!("DROP TABLE IF EXISTS {}", names.join(", "))).await?;
            tx.commit().await?;
            self.days.lock().unwrap_or_else(PoisonError::into_inner).remove(&old);
            let (datapoints, events) = counts.first().copied().unwrap_or_default();
            pruned.sessions += rows.len() as u64;
            pruned.datapoints += datapoints as u64;
            pruned.events += events as u64;
            pruned.partitions += names.len() as u64;
            pruned.transactions += 1;
        }
        let tx = client.transaction().await?;
        tx.execute(FOLD_LOCK, &[]).await?;
        tx.execute(&tx.prepare_cached(&fold_statement()).await?, &[]).await?;
        for table in [sql::USERS, sql::DEVICES, sql::DAYS] {
            tx.execute(&sql::empty_tallies(table), &[]).await?;
        }
        tx.commit().await?;
        Ok(pruned)
    }

    /// Connections of the pool checked out now.
    pub fn connections_in_use(&self) -> usize {
        let status = self.pool.status();
        status.size.saturating_sub(status.available)
    }
}

/// Adds the recorded changes to the tallies: the changes are taken out of `tally_changes` and
/// added in one statement, so each is added exactly once; folds wait for each other, so a read
/// that folds first sees every change committed before it.
async fn fold(client: &mut ClientWrapper) -> Result<(), Error> {
    let tx = client.transaction().await?;
    tx.execute(FOLD_LOCK, &[]).await?;
    tx.execute(&tx.prepare_cached(&fold_statement()).await?, &[]).await?;
    Ok(tx.commit().await?)
}

fn fold_statement() -> String {
    format!(
        "WITH moved AS (DELETE FROM tally_changes RETURNING *), users AS ({}), devices AS ({}) {}",
        sql::fold_into(sql::USERS, "moved"),
        sql::fold_into(sql::DEVICES, "moved"),
        sql::fold_into(sql::DAYS, "moved")
    )
}

impl<C: GenericClient + Driver> Pg<'_, C> {
    /// How many rows it changed.
    async fn run(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64, Error> {
        Ok(self.0.execute(&self.0.prepare_cached(sql).await?, params).await?)
    }

    async fn rows<T: FromRow>(&self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<T>, Error> {
        let rows = self.0.query(&self.0.prepare_cached(sql).await?, params).await?;
        rows.iter().map(T::from_row).collect()
    }
}

impl<C: GenericClient + Driver> Backend for Pg<'_, C> {
    const DIALECT: Dialect = Dialect::Postgres;

    async fn query<T: FromRow>(&self, sql: &str, params: &[&dyn Param]) -> Result<Vec<T>, Error> {
        self.rows(sql, &params.iter().map(|p| p.pg()).collect::<Vec<_>>()).await
    }

    async fn execute(&self, sql: &str, params: &[&dyn Param]) -> Result<u64, Error> {
        let params: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p.pg()).collect();
        Ok(self.0.execute(&self.0.prepare_cached(sql).await?, &params).await?)
    }

    async fn execute_batch(&self, sql: &str) -> Result<(), Error> {
        Ok(self.0.batch_execute(sql).await?)
    }

    async fn make_days(&self, days: &BTreeSet<i64>) -> Result<(), Error> {
        if !days.is_empty() {
            self.0.batch_execute(&partitions::create(days)).await?;
        }
        Ok(())
    }

    async fn lock_sessions(&self, key: &str, ids: &[&str]) -> Result<(), Error> {
        self.run(LOCK_SESSIONS, &[&key, &ids]).await.map(drop)
    }

    async fn session_rows(&self, key: &str, ids: &[&str]) -> Result<BTreeMap<String, SessionRow>, Error> {
        // An unnamed statement, planned for these ids each time (`query_typed`, still one round
        // trip), not a prepared one: after five runs PostgreSQL may keep a prepared statement's
        // generic plan, costed on the table's statistics at that moment; on a new database those
        // say `sessions` is empty, and that plan read every session of the key through an index
        // by key for each batch (the slow mode of scripts/load.sh: 4-5 ms a call, not 0.03).
        let statement = sql::session_rows("SELECT unnest($2::text[])");
        let params: [(&(dyn ToSql + Sync), Type); 2] = [(&key, Type::TEXT), (&ids, Type::TEXT_ARRAY)];
        let rows = tokio_postgres::GenericClient::query_typed(self.0.driver(), &statement, &params).await?;
        rows.iter().map(shared::RowColumns::from_row).map(|row| row.map(shared::session_row)).collect()
    }

    async fn move_days(&self, key: &str, moves: &[(&str, i64, i64)]) -> Result<(), Error> {
        let ids: Vec<&str> = moves.iter().map(|(id, _, _)| *id).collect();
        let from: Vec<i64> = moves.iter().map(|(_, from, _)| *from).collect();
        let to: Vec<i64> = moves.iter().map(|(_, _, to)| *to).collect();
        for table in ["sessions", "datapoints"] {
            self.run(&sql::move_days(table, MOVE_ROWS), &[&key, &ids, &from, &to]).await?;
        }
        Ok(())
    }

    async fn write_rows(&self, key: &str, rows: &[(&str, &SessionRow)]) -> Result<(), Error> {
        let r = RowArrays::of(rows);
        self.run(
            &sql::upsert_session_rows(SESSION_ROW_ROWS),
            &[&key, &r.ids, &r.users, &r.devices, &r.starts, &r.ends, &r.durations, &r.days],
        )
        .await
        .map(drop)
    }

    async fn write(&self, key: &str, device: &str, received: f64, w: Writes<'_>) -> Result<u64, Error> {
        let p = w.points;
        let (ids, names): (Vec<&str>, Vec<&str>) = p.iter().map(|(id, e, _)| (*id, e.name.as_str())).unzip();
        let (times, durations): (Vec<f64>, Vec<Option<f64>>) = p.iter().map(|(_, e, _)| (e.time, e.duration)).unzip();
        let (users, days): (Vec<Option<&str>>, Vec<i64>) = p.iter().map(|(_, e, day)| (e.user_id.as_deref(), *day)).unzip();
        let (r, c) = (RowArrays::of(w.rows), ChangeArrays::of(w.changes));
        let o = w.others;
        let (other_names, other_times): (Vec<&str>, Vec<f64>) = o.iter().map(|e| (e.name.as_str(), e.time)).unzip();
        let data: Vec<String> = o.iter().map(|e| e.data_json()).collect();
        let (other_sessions, other_users): (Vec<Option<&str>>, Vec<Option<&str>>) =
            o.iter().map(|e| (e.session_id.as_deref(), e.user_id.as_deref())).unzip();
        let other_days: Vec<i64> = o.iter().map(|e| rollup::day_of(e.time)).collect();
        let counted: Vec<(i64,)> = self
            .rows(
                &WRITE,
                &[
                    &key,
                    &device,
                    &received,
                    &ids,
                    &names,
                    &times,
                    &durations,
                    &users,
                    &days,
                    &r.ids,
                    &r.users,
                    &r.devices,
                    &r.starts,
                    &r.ends,
                    &r.durations,
                    &r.days,
                    &c.users,
                    &c.devices,
                    &c.days,
                    &c.sessions,
                    &c.open,
                    &c.timed,
                    &c.total,
                    &c.latest,
                    &other_names,
                    &other_times,
                    &data,
                    &other_sessions,
                    &other_users,
                    &other_days,
                ],
            )
            .await?;
        Ok(counted.first().map_or(0, |(n,)| *n as u64))
    }

    async fn record(&self, key: &str, changes: &Changes) -> Result<(), Error> {
        let c = ChangeArrays::of(changes);
        let params: [&(dyn ToSql + Sync); 9] = [&key, &c.users, &c.devices, &c.days, &c.sessions, &c.open, &c.timed, &c.total, &c.latest];
        self.run(&sql::record_changes(CHANGE_ROWS), &params).await.map(drop)
    }
}

/// Sessions' rows as arrays, a column each, in `sql::upsert_session_rows`' order.
struct RowArrays<'a> {
    ids: Vec<&'a str>,
    users: Vec<&'a str>,
    devices: Vec<&'a str>,
    starts: Vec<Option<f64>>,
    ends: Vec<Option<f64>>,
    durations: Vec<Option<f64>>,
    days: Vec<i64>,
}

impl<'a> RowArrays<'a> {
    fn of(rows: &[(&'a str, &'a SessionRow)]) -> RowArrays<'a> {
        let time = |f: fn(&SessionRow) -> Option<f64>| rows.iter().map(|(_, r)| f(r)).collect::<Vec<_>>();
        RowArrays {
            ids: rows.iter().map(|(id, _)| *id).collect(),
            users: rows.iter().map(|(_, r)| r.user_id.as_str()).collect(),
            devices: rows.iter().map(|(_, r)| r.device_id.as_str()).collect(),
            starts: time(|r| r.start),
            ends: time(|r| r.end),
            durations: time(|r| r.duration),
            days: rows.iter().map(|(_, r)| r.day()).collect(),
        }
    }
}

/// Tallies' changes as arrays, a column each, in `sql::record_changes`' order.
struct ChangeArrays<'a> {
    users: Vec<&'a str>,
    devices: Vec<&'a str>,
    days: Vec<i64>,
    sessions: Vec<i64>,
    open: Vec<i64>,
    timed: Vec<i64>,
    total: Vec<i64>,
    latest: Vec<f64>,
}

impl<'a> ChangeArrays<'a> {
    fn of(changes: &'a Changes) -> ChangeArrays<'a> {
        let c = &changes.0;
        let count = |f: fn(&Share) -> i64| c.iter().map(|c| f(&c.share)).collect::<Vec<i64>>();
        ChangeArrays {
            users: c.iter().map(|c| c.user_id.as_str()).collect(),
            devices: c.iter().map(|c| c.device_id.as_str()).collect(),
            days: c.iter().map(|c| c.day).collect(),
            sessions: count(|s| s.sessions),
            open: count(|s| s.open),
            timed: count(|s| s.timed),
            total: count(|s| s.total_ms),
            latest: c.iter().map(|c| c.share.latest).collect(),
        }
    }
}
