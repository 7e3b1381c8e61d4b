//! The database: SQLite (one file, the default, nothing to install) or PostgreSQL (for collectors
//! that share one database behind a load balancer), with the same tables, writes and reads.
//! Session datapoints (`ss`, `se`) are stored once by `(api_key, session_id, name)`; any other
//! once by device, name, time and data; so a re-sent batch changes nothing.

mod postgres;
mod sqlite;

use crate::error::ApiError;
use crate::queries::{self, Other, Session, Usage};
use crate::validate::Batch;

/// The statements both databases run as they are (`$N` parameters, `ON CONFLICT DO NOTHING`, and
/// `CAST` where PostgreSQL must be told a parameter's type); the schemas differ in their types.
mod sql {
    pub const INSERT_SESSION: &str = "INSERT INTO datapoints (api_key, session_id, name, time, duration, user_id, device_id, received)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING";
    pub const INSERT_OTHER: &str = "INSERT INTO events (api_key, device_id, name, time, data, session_id, user_id, received)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING";
    /// Each (api_key, session_id, name) is one row at most, so MAX only picks that row's value.
    /// Sessions whose `ss` has not arrived are placed by their end. `{rows}`: which datapoints.
    const SESSIONS: &str = "
        SELECT session_id, user_id, device_id, start_time, end_time, duration, open FROM (
            SELECT session_id,
                   COALESCE(MAX(CASE name WHEN 'ss' THEN user_id END), MAX(CASE name WHEN 'se' THEN user_id END)) AS user_id,
                   COALESCE(MAX(CASE name WHEN 'ss' THEN device_id END), MAX(CASE name WHEN 'se' THEN device_id END)) AS device_id,
                   MAX(CASE name WHEN 'ss' THEN time END) AS start_time,
                   MAX(CASE name WHEN 'se' THEN time END) AS end_time,
                   MAX(CASE name WHEN 'se' THEN duration END) AS duration,
                   COUNT(CASE name WHEN 'se' THEN 1 END) = 0 AS open
            FROM datapoints WHERE {rows}
            GROUP BY session_id) AS sessions
        WHERE (CAST($2 AS TEXT) IS NULL OR user_id = $2) AND (CAST($3 AS TEXT) IS NULL OR device_id = $3)
        ORDER BY COALESCE(start_time, end_time), session_id";

    /// A key's sessions, of one user and/or one device when given: those found through the
    /// indexes by user and by device, then read whole (a session's user may be on its ss only).
    pub fn sessions(filtered: bool) -> String {
        let rows = if filtered {
            "api_key = $1 AND session_id IN (
                SELECT session_id FROM datapoints WHERE api_key = $1 AND user_id = $2
                UNION SELECT session_id FROM datapoints WHERE api_key = $1 AND device_id = $3)"
        } else {
            "api_key = $1"
        };
        SESSIONS.replace("{rows}", rows)
    }
    pub const EVENTS: &str = "
        SELECT name, time, session_id, user_id, device_id, data FROM events
        WHERE api_key = $1 AND (CAST($2 AS TEXT) IS NULL OR user_id = $2) AND (CAST($3 AS TEXT) IS NULL OR device_id = $3)
        ORDER BY time, name";
    pub const KEYS: &str = "SELECT DISTINCT api_key FROM datapoints ORDER BY api_key";
}

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

    pub async fn usage(&self, key: String, search: Option<String>, limit: usize) -> Result<Usage, ApiError> {
        Ok(queries::usage(&self.sessions(key, None, None).await?, search.as_deref(), limit))
    }

    pub async fn daily(&self, key: String) -> Result<Vec<queries::Day>, ApiError> {
        Ok(queries::daily(&self.sessions(key, None, None).await?))
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
