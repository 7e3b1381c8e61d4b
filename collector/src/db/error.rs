//! The database's failures, typed by what the caller can do about them: wait for a database that
//! cannot be reached (the HTTP layer answers 503 with `Retry-After`), or report anything else.

use std::fmt;

#[derive(Debug)]
pub enum Error {
    /// The database cannot be reached or is down (connection refused or closed, a pool timeout,
    /// I/O, SQLite busy or locked): the same request may succeed later.
    Unavailable(String),
    /// Anything else, with the database's own message.
    Failed(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Unavailable(message) => write!(f, "the database is unavailable: {message}"),
            Error::Failed(message) => f.write_str(message),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        use rusqlite::ErrorCode::{CannotOpen, DatabaseBusy, DatabaseLocked, SystemIoFailure};
        match e.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked | SystemIoFailure | CannotOpen) => Error::Unavailable(e.to_string()),
            _ => Error::Failed(e.to_string()),
        }
    }
}

impl From<tokio_postgres::Error> for Error {
    fn from(e: tokio_postgres::Error) -> Error {
        use tokio_postgres::error::SqlState;
        match e.as_db_error() {
            // The server's own message, which `Display` leaves out. Class 08 is the connection's
            // failures; 57P01-03 a server shutting down, restarting or starting.
            Some(db) => {
                let message = format!("{e}: {}", db.message());
                let code = db.code();
                let down = code.code().starts_with("08")
                    || [SqlState::ADMIN_SHUTDOWN, SqlState::CRASH_SHUTDOWN, SqlState::CANNOT_CONNECT_NOW, SqlState::TOO_MANY_CONNECTIONS]
                        .contains(code);
                if down {
                    Error::Unavailable(message)
                } else {
                    Error::Failed(message)
                }
            }
            // No answer from the server: the connection is closed, or its I/O failed.
            None => Error::Unavailable(std::error::Error::source(&e).map_or_else(|| e.to_string(), |cause| format!("{e}: {cause}"))),
        }
    }
}

impl From<deadpool_postgres::PoolError> for Error {
    fn from(e: deadpool_postgres::PoolError) -> Error {
        match e {
            // A new connection that fails is a server that cannot be reached, whatever it said
            // (refused, starting up, not accepting connections to this database).
            deadpool_postgres::PoolError::Backend(e) => match Error::from(e) {
                Error::Failed(message) => Error::Unavailable(message),
                unavailable => unavailable,
            },
            deadpool_postgres::PoolError::Timeout(_) | deadpool_postgres::PoolError::Closed => Error::Unavailable(e.to_string()),
            e => Error::Failed(e.to_string()),
        }
    }
}

impl From<tokio::task::JoinError> for Error {
    fn from(e: tokio::task::JoinError) -> Error {
        Error::Failed(format!("a database task failed: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn sqlite_busy_is_unavailable_and_a_constraint_is_not() {
        let busy = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY), None);
        assert!(matches!(Error::from(busy), Error::Unavailable(_)));
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        let failed = conn.execute("SELECT * FROM missing", []).unwrap_err();
        assert!(matches!(Error::from(failed), Error::Failed(m) if m.contains("missing")));
    }
}
