//! The tables, written once and rendered for each database: SQLite's types and `WITHOUT ROWID`,
//! or PostgreSQL's types and its partitions by day (docs/design.md section 6).

#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// `datapoints`, `sessions` and `events` are by `day`: the day a session counts on
/// (`rollup::SessionRow::day`, its datapoints with it) or an event's own. On PostgreSQL they are
/// partitioned by it, a partition a day (`partitions.rs`), so that old days go whole; their keys
/// hold it, as a partitioned table's must. A session is one row all the same: its rows are only
/// written under its lock, and moved when its day changes (`shared::store`).
pub fn schema(dialect: Dialect) -> String {
    let (real, int) = match dialect {
        Dialect::Sqlite => ("REAL", "INTEGER"),
        Dialect::Postgres => ("DOUBLE PRECISION", "BIGINT"),
    };
    let (by_day, keyed) = match dialect {
        Dialect::Sqlite => (" WITHOUT ROWID", " WITHOUT ROWID"),
        Dialect::Postgres => (" PARTITION BY RANGE (day)", ""),
    };
    // SQLite removes old days a few rows at a time, found by these.
    format!(
        "
-- A session has one ss and at most one se per API key: what makes re-sending idempotent. The
-- key's order (session before name) serves the reads, session by session.
CREATE TABLE IF NOT EXISTS datapoints (
    api_key    TEXT NOT NULL,
    session_id TEXT NOT NULL,
    name       TEXT NOT NULL CHECK (name IN ('ss', 'se')),
    time       {real} NOT NULL,     -- Unix seconds, as the SDK stamped it
    duration   {real},              -- seconds, for se
    user_id    TEXT,
    device_id  TEXT NOT NULL,
    received   {real} NOT NULL,     -- Unix seconds, when it arrived here
    day        {int} NOT NULL,      -- its session's: days since 1970-01-01, UTC
    CONSTRAINT datapoints_key PRIMARY KEY (api_key, session_id, name, day)
){by_day};

-- Every other datapoint (custom events, purchases, attributes...) as it came. One that is sent
-- again is the same name, time and data from the same device: kept once.
CREATE TABLE IF NOT EXISTS events (
    api_key    TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    time       {real} NOT NULL,
    data       TEXT NOT NULL,       -- its data object, as JSON
    session_id TEXT,
    user_id    TEXT,
    received   {real} NOT NULL,
    day        {int} NOT NULL,      -- of its time
    -- Day second: SQLite prunes a key's old days through it, with no index of its own (an index
    -- on day holds the whole key, data included, and cost SQLite a quarter of its writes).
    CONSTRAINT events_key PRIMARY KEY (api_key, day, device_id, name, time, data)
){by_day};
CREATE INDEX IF NOT EXISTS events_by_user ON events (api_key, user_id);

-- Kept from datapoints as they arrive (rollup.rs). user_id '' is anonymous.
CREATE TABLE IF NOT EXISTS sessions (
    api_key    TEXT NOT NULL,
    session_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    device_id  TEXT NOT NULL,
    start_time {real},
    end_time   {real},
    duration   {real},
    day        {int} NOT NULL,      -- of its start, else of its end
    CONSTRAINT sessions_key PRIMARY KEY (api_key, session_id, day)
){keyed};
-- Each ends in duration: a median is read from the middle of one.
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (api_key, user_id, duration);
CREATE INDEX IF NOT EXISTS sessions_by_device ON sessions (api_key, device_id, duration);
CREATE INDEX IF NOT EXISTS sessions_by_day ON sessions (api_key, day, duration);
CREATE TABLE IF NOT EXISTS user_tallies (
    api_key TEXT NOT NULL, user_id TEXT NOT NULL,
    sessions {int} NOT NULL, open {int} NOT NULL, timed {int} NOT NULL, total_ms {int} NOT NULL, latest {real} NOT NULL,
    PRIMARY KEY (api_key, user_id)
){keyed};
CREATE TABLE IF NOT EXISTS device_tallies (
    api_key TEXT NOT NULL, device_id TEXT NOT NULL,
    sessions {int} NOT NULL, open {int} NOT NULL, timed {int} NOT NULL, total_ms {int} NOT NULL, latest {real} NOT NULL,
    PRIMARY KEY (api_key, device_id)
){keyed};
CREATE TABLE IF NOT EXISTS day_tallies (
    api_key TEXT NOT NULL, day {int} NOT NULL,
    sessions {int} NOT NULL, open {int} NOT NULL, timed {int} NOT NULL, total_ms {int} NOT NULL, latest {real} NOT NULL,
    PRIMARY KEY (api_key, day)
){keyed};
-- Changes to the tallies, recorded with the datapoints and folded in before a read (rollup.rs).
CREATE TABLE IF NOT EXISTS tally_changes (
    api_key TEXT NOT NULL, user_id TEXT NOT NULL, device_id TEXT NOT NULL, day {int} NOT NULL,
    sessions {int} NOT NULL, open {int} NOT NULL, timed {int} NOT NULL, total_ms {int} NOT NULL, latest {real} NOT NULL
);
CREATE INDEX IF NOT EXISTS user_tallies_by_latest ON user_tallies (api_key, latest);
CREATE INDEX IF NOT EXISTS device_tallies_by_latest ON device_tallies (api_key, latest);
-- The sessions table took over what these served.
DROP INDEX IF EXISTS datapoints_by_user;
DROP INDEX IF EXISTS datapoints_by_device;
"
    )
}

/// Whether the database holds tables from before days (`migrate`): `datapoints` without `day`.
pub fn before_days(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => {
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'datapoints')
                    AND NOT EXISTS (SELECT 1 FROM pragma_table_info('datapoints') WHERE name = 'day')"
        }
        Dialect::Postgres => {
            "SELECT to_regclass('datapoints') IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM information_schema.columns
                                    WHERE table_schema = current_schema() AND table_name = 'datapoints' AND column_name = 'day')"
        }
    }
}

/// Whether a table exists.
pub fn exists(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1)",
        Dialect::Postgres => "SELECT to_regclass($1) IS NOT NULL",
    }
}

/// The day of `seconds` (never negative) in SQL, as `rollup::day_of` makes it.
pub fn day_of(dialect: Dialect, seconds: &str) -> String {
    match dialect {
        Dialect::Sqlite => format!("CAST(({seconds}) / 86400 AS INTEGER)"),
        Dialect::Postgres => format!("CAST(floor(({seconds}) / 86400) AS BIGINT)"),
    }
}

#[cfg(test)]
mod tests {
    use super::{schema, Dialect};

    #[test]
    fn the_schema_is_one_text_in_two_dialects() {
        let (lite, pg) = (schema(Dialect::Sqlite), schema(Dialect::Postgres));
        assert!(lite.contains("time       REAL NOT NULL") && pg.contains("time       DOUBLE PRECISION NOT NULL"));
        assert_eq!(pg.matches("PARTITION BY RANGE (day)").count(), 2, "datapoints and events");
        assert!(!lite.contains("PARTITION") && !pg.contains("WITHOUT ROWID"));
        rusqlite::Connection::open_in_memory().unwrap().execute_batch(&lite).unwrap();
    }
}
