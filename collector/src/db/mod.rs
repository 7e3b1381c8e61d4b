//! The database: SQLite (one file, the default, nothing to install) or PostgreSQL (for collectors
//! that share one database behind a load balancer), with the same tables, writes and reads.
//! Session datapoints (`ss`, `se`) are stored once by `(api_key, session_id, name)`; any other
//! once by device, name, time and data; so a re-sent batch changes nothing. Each new `ss` or `se`
//! updates its session's row and the tallies the dashboard reads (`rollup`), in the same
//! transaction. What both databases do is written once (`shared`), over what each provides
//! (`backend`); the tables too (`schema`).

mod backend;
mod error;
mod migrate;
mod partitions;
mod postgres;
mod rollup;
mod schema;
mod shared;
mod sql;
mod sqlite;

pub use error::Error;
pub use shared::Stored;

use crate::queries::{Day, Other, Session, Usage};
use crate::validate::Batch;

/// The database as it may be shown in a message: a URL's password hidden.
pub fn shown(spec: &str) -> String {
    match (spec.find("://"), spec.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => match spec[scheme + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &spec[..scheme + 3], &spec[at..]),
            None => spec.to_owned(),
        },
        _ => spec.to_owned(),
    }
}

/// The first day kept by a retention of `days` at `now` (Unix seconds): the day of the instant
/// `days` days ago. Days before it have passed wholly out of the retention.
pub fn first_day_kept(days: u32, now: f64) -> i64 {
    rollup::day_of(now - f64::from(days) * 86_400.0)
}

/// What `Db::prune` removed.
#[derive(Default, Debug, PartialEq)]
pub struct Pruned {
    pub sessions: u64,
    pub datapoints: u64,
    pub events: u64,
    /// PostgreSQL's partitions dropped.
    pub partitions: u64,
    /// How many transactions it took.
    pub transactions: u64,
}

#[derive(Clone)]
pub enum Db {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

/// Runs `$body` with `$b` the database's `Backend`, after folding the tallies when `$folded`: the
/// body is written once and compiled for each database.
macro_rules! on_either {
    ($db:expr, $folded:expr, |$b:ident| $body:expr) => {
        match $db {
            Db::Sqlite(db) => db.read($folded, async move |$b| $body).await,
            Db::Postgres(db) => postgres::retrying!(db, |client| async {
                db.folded(&mut client, $folded).await?;
                let $b = &postgres::Pg(&client);
                $body
            }
            .await),
        }
    };
}

impl Db {
    /// `spec`: a `postgres://` URL, else a SQLite file (created if missing). The tables are
    /// created if they are not there, and copied into the layout of now if they are older.
    pub async fn open(spec: &str) -> Result<Db, Error> {
        if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            postgres::Postgres::open(spec).await.map(Db::Postgres)
        } else {
            let path = std::path::PathBuf::from(spec);
            tokio::task::spawn_blocking(move || sqlite::Sqlite::open(&path)).await?.map(Db::Sqlite)
        }
    }

    /// Stores a batch in one transaction; datapoints already stored are left as they were. Says
    /// how many were stored and how many were there before.
    pub async fn insert(&self, batch: Batch, received: f64) -> Result<Stored, Error> {
        match self {
            Db::Sqlite(db) => db.write(async move |b| shared::store(b, &batch, received).await).await,
            Db::Postgres(db) => db.insert(&batch, received).await,
        }
    }

    /// The key's sessions, of one user and/or one device when given, in order of start.
    pub async fn sessions(&self, key: String, user: Option<String>, device: Option<String>) -> Result<Vec<Session>, Error> {
        on_either!(self, false, |b| shared::sessions(b, &key, user.as_deref(), device.as_deref()).await)
    }

    /// The key's datapoints other than `ss`/`se`, of one user and/or one device, in order of time.
    pub async fn events(&self, key: String, user: Option<String>, device: Option<String>) -> Result<Vec<Other>, Error> {
        on_either!(self, false, |b| shared::events(b, &key, user.as_deref(), device.as_deref()).await)
    }

    /// Per user and per device: those whose id contains `search` (ignoring case; anonymous
    /// sessions match "anonymous"), the most recently active first, `limit` of each.
    pub async fn usage(&self, key: String, search: Option<String>, limit: usize) -> Result<Usage, Error> {
        on_either!(self, true, |b| shared::usage(b, &key, search.as_deref(), limit).await)
    }

    /// Sessions per day (UTC, by their start) and their median length, every day from the first
    /// to the last included.
    pub async fn daily(&self, key: String) -> Result<Vec<Day>, Error> {
        on_either!(self, true, |b| shared::daily(b, &key).await)
    }

    /// The API keys that have data, for the dashboard's picker.
    pub async fn keys(&self) -> Result<Vec<String>, Error> {
        on_either!(self, true, |b| shared::keys(b).await)
    }

    /// Adds the changes recorded with the datapoints to the tallies. Every read of the tallies
    /// does it first; the collector also does it every second, so that few wait.
    pub async fn fold(&self) -> Result<(), Error> {
        match self {
            Db::Sqlite(db) => db.fold().await,
            Db::Postgres(db) => db.fold().await,
        }
    }

    /// Removes the sessions (with their datapoints) and the events of the days that are wholly
    /// more than `older_than_days` days before `now_seconds`, and their shares of the tallies: a
    /// session by its day (of its start, else of its end), an event by its time. PostgreSQL
    /// drops those days' partitions; SQLite deletes a few hundred rows a transaction.
    pub async fn prune(&self, older_than_days: u32, now_seconds: f64) -> Result<Pruned, Error> {
        let day = first_day_kept(older_than_days, now_seconds);
        match self {
            Db::Sqlite(db) => db.prune(day).await,
            Db::Postgres(db) => db.prune(day).await,
        }
    }

    /// A trivial query: whether the database answers (`GET /readyz`).
    pub async fn ping(&self) -> Result<(), Error> {
        on_either!(self, false, |b| backend::Backend::query::<(i64,)>(b, sql::PING, &[]).await.map(drop))
    }

    /// Changes recorded in `tally_changes` and not yet folded into the tallies.
    pub async fn backlog(&self) -> Result<i64, Error> {
        on_either!(self, false, |b| Ok(backend::Backend::query::<(i64,)>(b, sql::BACKLOG, &[]).await?.first().map_or(0, |(n,)| *n)))
    }

    /// Connections in use now: PostgreSQL's checked out of the pool; SQLite's one connection
    /// while a statement or transaction holds it (1), else 0.
    pub fn connections_in_use(&self) -> usize {
        match self {
            Db::Sqlite(db) => db.connections_in_use(),
            Db::Postgres(db) => db.connections_in_use(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Db;
    use crate::validate::{Batch, Event};

    /// A SQLite file, and under `COLLECTOR_TEST_PG` a fresh PostgreSQL database too.
    async fn databases(name: &str) -> Vec<String> {
        let file = std::env::temp_dir().join(format!("collector-{name}-{}.db", std::process::id()));
        let _ = std::fs::remove_file(&file);
        let mut specs = vec![file.to_str().unwrap().to_owned()];
        if let Ok(server) = std::env::var("COLLECTOR_TEST_PG") {
            let (client, connection) = tokio_postgres::connect(&format!("{server}/postgres"), tokio_postgres::NoTls).await.unwrap();
            tokio::spawn(connection);
            let database = format!("unit_{name}_{}", std::process::id());
            // One statement a call: several would be one transaction, which these refuse.
            client.batch_execute(&format!("DROP DATABASE IF EXISTS {database}")).await.unwrap();
            client.batch_execute(&format!("CREATE DATABASE {database}")).await.unwrap();
            specs.push(format!("{server}/{database}"));
        }
        specs
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn ping_backlog_and_connections_in_use() {
        for spec in databases("service").await {
            let db = Db::open(&spec).await.unwrap();
            db.ping().await.unwrap();
            assert_eq!(db.backlog().await.unwrap(), 0);
            let ss = Event {
                name: "ss".into(),
                time: 1.0,
                session_id: Some("s".into()),
                user_id: None,
                duration: None,
                data: Default::default(),
            };
            db.insert(Batch { api_key: "k".into(), device_id: "d".into(), events: vec![ss], rejected: Vec::new() }, 2.0).await.unwrap();
            // The new session's share of the tallies, waiting to be folded.
            assert_eq!(db.backlog().await.unwrap(), 1, "{spec}");
            db.fold().await.unwrap();
            assert_eq!(db.backlog().await.unwrap(), 0);
            assert_eq!(db.connections_in_use(), 0, "{spec}: none is held between calls");
        }
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(super::shown("postgres://app:s3cret@db:5432/x"), "postgres://app:***@db:5432/x");
        assert_eq!(super::shown("postgres://app@db/x"), "postgres://app@db/x");
        assert_eq!(super::shown("collector.db"), "collector.db");
    }
}
