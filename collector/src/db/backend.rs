//! What each database provides to the logic written once in `shared`: statements run with
//! parameters and rows that both drivers understand, and the writes of a batch's rows, which each
//! database does its own way (SQLite one statement per row, PostgreSQL one statement for all the
//! rows, passed as arrays: its cost is per statement).

use super::rollup::{Changes, SessionRow};
use super::schema::Dialect;
use super::Error;
use crate::validate::Event;
use std::collections::{BTreeMap, BTreeSet};

/// A parameter either driver binds.
pub trait Param: Sync {
    fn lite(&self) -> &dyn rusqlite::ToSql;
    fn pg(&self) -> &(dyn tokio_postgres::types::ToSql + Sync);
}

impl<T: rusqlite::ToSql + tokio_postgres::types::ToSql + Sync> Param for T {
    fn lite(&self) -> &dyn rusqlite::ToSql {
        self
    }
    fn pg(&self) -> &(dyn tokio_postgres::types::ToSql + Sync) {
        self
    }
}

/// A column's value either driver reads.
pub trait Column: rusqlite::types::FromSql + for<'a> tokio_postgres::types::FromSql<'a> {}
impl<T: rusqlite::types::FromSql + for<'a> tokio_postgres::types::FromSql<'a>> Column for T {}

/// A row of either driver.
pub trait Row {
    fn column<T: Column>(&self, i: usize) -> Result<T, Error>;
}

impl Row for rusqlite::Row<'_> {
    fn column<T: Column>(&self, i: usize) -> Result<T, Error> {
        Ok(self.get(i)?)
    }
}

impl Row for tokio_postgres::Row {
    fn column<T: Column>(&self, i: usize) -> Result<T, Error> {
        Ok(self.try_get(i)?)
    }
}

/// What a query's rows are read as: tuples of columns.
pub trait FromRow: Sized {
    fn from_row(row: &impl Row) -> Result<Self, Error>;
}

macro_rules! tuples {
    ($($name:ident $i:tt),+) => {
        impl<$($name: Column),+> FromRow for ($($name,)+) {
            fn from_row(row: &impl Row) -> Result<Self, Error> {
                Ok(($(row.column::<$name>($i)?,)+))
            }
        }
    };
}
tuples!(A 0);
tuples!(A 0, B 1);
tuples!(A 0, B 1, C 2);
tuples!(A 0, B 1, C 2, D 3, E 4);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5);
tuples!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);

/// A batch's writes, once its sessions' rows are known: its new `ss`s and `se`s, each with the
/// day its session counts on, the rows of their sessions, the tallies' changes, and its other
/// datapoints.
pub struct Writes<'a> {
    pub points: &'a [(&'a str, &'a Event, i64)],
    pub rows: &'a [(&'a str, &'a SessionRow)],
    pub changes: &'a Changes,
    pub others: &'a [&'a Event],
}

/// One database, inside a transaction when it writes. SQLite's methods never wait: they are run
/// to completion on its blocking thread.
pub trait Backend {
    const DIALECT: Dialect;

    async fn query<T: FromRow>(&self, sql: &str, params: &[&dyn Param]) -> Result<Vec<T>, Error>;
    async fn execute(&self, sql: &str, params: &[&dyn Param]) -> Result<u64, Error>;
    /// Statements separated by `;`, without parameters.
    async fn execute_batch(&self, sql: &str) -> Result<(), Error>;
    /// Makes room for rows of these days: PostgreSQL's partitions (`partitions.rs`).
    async fn make_days(&self, days: &BTreeSet<i64>) -> Result<(), Error>;

    /// Holds the sessions (in this order) until the transaction ends, where other writers could
    /// change them in between (PostgreSQL; SQLite's write transactions are one at a time).
    async fn lock_sessions(&self, key: &str, ids: &[&str]) -> Result<(), Error>;
    /// The rows of these sessions that exist.
    async fn session_rows(&self, key: &str, ids: &[&str]) -> Result<BTreeMap<String, SessionRow>, Error>;
    /// Moves sessions, `(session, from day, to day)`, and their datapoints to another day.
    async fn move_days(&self, key: &str, moves: &[(&str, i64, i64)]) -> Result<(), Error>;
    /// Writes sessions' rows, replacing those of the same day.
    async fn write_rows(&self, key: &str, rows: &[(&str, &SessionRow)]) -> Result<(), Error>;
    /// Records how the tallies change, to be folded in later.
    async fn record(&self, key: &str, changes: &Changes) -> Result<(), Error>;

    /// A batch's writes: its new `ss`s and `se`s (each with the day its session counts on, stored
    /// once), its sessions' rows, the tallies' changes and its other datapoints (but those stored
    /// before); how many of those others it stored.
    async fn write(&self, key: &str, device: &str, received: f64, w: Writes<'_>) -> Result<u64, Error>;
}
