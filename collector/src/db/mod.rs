//! The database: SQLite (one file, the default, nothing to install) or PostgreSQL (for collectors
//! that share one database behind a load balancer), with the same tables, writes and reads.
//! Session datapoints (`ss`, `se`) are stored once by `(api_key, session_id, name)`; any other
//! once by device, name, time and data; so a re-sent batch changes nothing. Each new `ss` or `se`
//! updates its session's row and the tallies the dashboard reads (`rollup`), in the same
//! transaction.

mod postgres;
mod rollup;
mod sql;
mod sqlite;

use crate::error::ApiError;
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

#[derive(Clone)]
pub enum Db {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

impl Db {
    /// `spec`: a `postgres://` URL, else a SQLite file (created if missing). The tables are
    /// created if they are not there.
    pub async fn open(spec: &str) -> Result<Db, String> {
        if spec.starts_with("postgres://") || spec.starts_with("postgresql://") {
            postgres::Postgres::open(spec).await.map(Db::Postgres)
        } else {
            sqlite::Sqlite::open(std::path::Path::new(spec)).map(Db::Sqlite).map_err(|e| e.to_string())
        }
    }

    /// Stores a batch in one transaction; datapoints already stored are left as they were.
    pub async fn insert(&self, batch: Batch, received: f64) -> Result<(), ApiError> {
        match self {
            Db::Sqlite(db) => db.insert(batch, received).await,
            Db::Postgres(db) => db.insert(batch, received).await,
        }
    }

    /// The key's sessions, of one user and/or one device when given, in order of start.
    pub async fn sessions(&self, key: String, user: Option<String>, device: Option<String>) -> Result<Vec<Session>, ApiError> {
        match self {
            Db::Sqlite(db) => db.sessions(key, user, device).await,
            Db::Postgres(db) => db.sessions(key, user, device).await,
        }
    }

    /// The key's datapoints other than `ss`/`se`, of one user and/or one device, in order of time.
    pub async fn events(&self, key: String, user: Option<String>, device: Option<String>) -> Result<Vec<Other>, ApiError> {
        match self {
            Db::Sqlite(db) => db.events(key, user, device).await,
            Db::Postgres(db) => db.events(key, user, device).await,
        }
    }

    /// Per user and per device: those whose id contains `search` (ignoring case; anonymous
    /// sessions match "anonymous"), the most recently active first, `limit` of each.
    pub async fn usage(&self, key: String, search: Option<String>, limit: usize) -> Result<Usage, ApiError> {
        match self {
            Db::Sqlite(db) => db.usage(key, search, limit).await,
            Db::Postgres(db) => db.usage(key, search, limit).await,
        }
    }

    /// Sessions per day (UTC, by their start) and their median length, every day from the first
    /// to the last included.
    pub async fn daily(&self, key: String) -> Result<Vec<Day>, ApiError> {
        match self {
            Db::Sqlite(db) => db.daily(key).await,
            Db::Postgres(db) => db.daily(key).await,
        }
    }

    /// Adds the changes recorded with the datapoints to the tallies. Every read of the tallies
    /// does it first; the collector also does it every second, so that few wait.
    pub async fn fold(&self) -> Result<(), ApiError> {
        match self {
            Db::Sqlite(db) => db.fold().await,
            Db::Postgres(db) => db.fold().await,
        }
    }

    /// A trivial statement: whether the database answers (`GET /readyz`).
    pub async fn ping(&self) -> Result<(), ApiError> {
        match self {
            Db::Sqlite(db) => db.ping().await,
            Db::Postgres(db) => db.ping().await,
        }
    }

    /// The changes recorded and not yet folded into the tallies.
    pub async fn backlog(&self) -> Result<i64, ApiError> {
        match self {
            Db::Sqlite(db) => db.backlog().await,
            Db::Postgres(db) => db.backlog().await,
        }
    }

    /// Connections checked out: PostgreSQL's pool's; SQLite's one while it works.
    pub fn connections_in_use(&self) -> usize {
        match self {
            Db::Sqlite(db) => db.connections_in_use(),
            Db::Postgres(db) => db.connections_in_use(),
        }
    }

    /// The API keys that have data, for the dashboard's picker.
    pub async fn keys(&self) -> Result<Vec<String>, ApiError> {
        match self {
            Db::Sqlite(db) => db.keys().await,
            Db::Postgres(db) => db.keys().await,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(super::shown("postgres://app:s3cret@db:5432/x"), "postgres://app:***@db:5432/x");
        assert_eq!(super::shown("postgres://app@db/x"), "postgres://app@db/x");
        assert_eq!(super::shown("collector.db"), "collector.db");
    }
}
