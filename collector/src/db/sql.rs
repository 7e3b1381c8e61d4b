//! The statements both databases run as they are (`$N` parameters, `ON CONFLICT`, and `CAST`
//! where PostgreSQL must be told a parameter's type); the tables are in `schema.rs`.
//!
//! `datapoints` and `events` hold what arrived. `sessions` and the tallies per user, device and
//! day are kept from `datapoints` as they arrive (`rollup`), so that reads take what they show
//! rather than aggregate a key's every session. An anonymous session's `user_id` is `''` there.

/// The statements that store, each with its rows as `rows` gives them: `VALUES (…)` for one
/// row, or (PostgreSQL) a `SELECT` from arrays for a batch's rows at once. A datapoint is only
/// inserted when its session's row says it is new (`shared::store`): `ON CONFLICT` is a guard.
pub fn insert_datapoints(rows: &str) -> String {
    format!(
        "INSERT INTO datapoints (api_key, session_id, name, time, duration, user_id, device_id, received, day) {rows}
         ON CONFLICT DO NOTHING"
    )
}
pub fn insert_others(rows: &str) -> String {
    format!("INSERT INTO events (api_key, device_id, name, time, data, session_id, user_id, received, day) {rows} ON CONFLICT DO NOTHING")
}
/// A session's row, replaced by what `rollup` made of it (on its day: `move_days` took it there).
pub fn upsert_session_rows(rows: &str) -> String {
    format!(
        "INSERT INTO sessions (api_key, session_id, user_id, device_id, start_time, end_time, duration, day) {rows}
         ON CONFLICT (api_key, session_id, day) DO UPDATE SET user_id = excluded.user_id, device_id = excluded.device_id,
             start_time = excluded.start_time, end_time = excluded.end_time, duration = excluded.duration"
    )
}
/// Sessions whose day changed, and their datapoints, to their new day: `rows` gives
/// `(id, from_day, to_day)`. (On PostgreSQL the rows move to the new day's partition.)
pub fn move_days(table: &str, rows: &str) -> String {
    format!(
        "UPDATE {table} SET day = x.to_day FROM ({rows}) AS x
         WHERE {table}.api_key = $1 AND {table}.session_id = x.id AND {table}.day = x.from_day"
    )
}
/// The rows of the sessions `ids` gives.
pub fn session_rows(ids: &str) -> String {
    format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE api_key = $1 AND session_id IN ({ids})")
}
/// A session's id and row, as `shared::session_row` reads them.
pub const SESSION_COLUMNS: &str = "session_id, user_id, device_id, start_time, end_time, duration";
pub fn record_changes(rows: &str) -> String {
    format!("INSERT INTO tally_changes (api_key, user_id, device_id, day, sessions, open, timed, total_ms, latest) {rows}")
}

/// Every `ss` and `se`, session by session, to build the summaries of a database that has none.
pub const ALL_SESSION_DATAPOINTS: &str =
    "SELECT api_key, session_id, name, time, duration, user_id, device_id FROM datapoints ORDER BY api_key, session_id, name";
pub const HAS_DATAPOINTS_BUT_NO_SESSIONS: &str = "SELECT EXISTS (SELECT 1 FROM datapoints) AND NOT EXISTS (SELECT 1 FROM sessions)";
/// The tables of tallies and the column each is by.
pub const USERS: (&str, &str) = ("user_tallies", "user_id");
pub const DEVICES: (&str, &str) = ("device_tallies", "device_id");
pub const DAYS: (&str, &str) = ("day_tallies", "day");

/// Adds the changes in `source` (`tally_changes`, or the rows a fold took out of it) to a tally,
/// in key order (two folds lock its rows in one order). `latest` only grows. (`WHERE true`:
/// SQLite reads `ON` after a bare `FROM` as a join's.)
pub fn fold_into((table, column): (&str, &str), source: &str) -> String {
    format!(
        "INSERT INTO {table} (api_key, {column}, sessions, open, timed, total_ms, latest)
         SELECT api_key, {column}, CAST(SUM(sessions) AS BIGINT), CAST(SUM(open) AS BIGINT), CAST(SUM(timed) AS BIGINT),
                CAST(SUM(total_ms) AS BIGINT), MAX(latest)
         FROM {source} WHERE true GROUP BY api_key, {column} ORDER BY api_key, {column}
         ON CONFLICT (api_key, {column}) DO UPDATE SET sessions = {table}.sessions + excluded.sessions,
             open = {table}.open + excluded.open, timed = {table}.timed + excluded.timed,
             total_ms = {table}.total_ms + excluded.total_ms,
             latest = CASE WHEN excluded.latest > {table}.latest THEN excluded.latest ELSE {table}.latest END"
    )
}

/// A key's sessions in order of start (those whose `ss` has not arrived, by their end).
/// `filtered`: of one user and/or one device, found through the indexes by user and by device.
pub fn sessions(filtered: bool) -> String {
    let through_indexes = if filtered {
        "AND session_id IN (SELECT session_id FROM sessions WHERE api_key = $1 AND user_id = $2
                            UNION SELECT session_id FROM sessions WHERE api_key = $1 AND device_id = $3)"
    } else {
        ""
    };
    format!(
        "SELECT session_id, NULLIF(user_id, ''), device_id, start_time, end_time, duration, end_time IS NULL FROM sessions
         WHERE api_key = $1 AND (CAST($2 AS TEXT) IS NULL OR user_id = $2) AND (CAST($3 AS TEXT) IS NULL OR device_id = $3)
         {through_indexes} ORDER BY COALESCE(start_time, end_time), session_id"
    )
}

/// What a tally's rows are searched by: anonymous users are "anonymous".
fn shown(column: &str) -> String {
    match column {
        "user_id" => "CASE user_id WHEN '' THEN 'anonymous' ELSE user_id END".to_owned(),
        _ => column.to_owned(),
    }
}

/// The users or devices whose shown id, lowercased, is `LIKE $2`, the most recently active
/// first, `$3` of them. A user change ends one session at the very instant the next starts: at
/// such a tie, those with an open session, then named users before the anonymous ones (`''`).
pub fn tally_rows((table, column): (&str, &str)) -> String {
    format!(
        "SELECT {column}, sessions, open, timed, total_ms FROM {table}
         WHERE api_key = $1 AND sessions > 0 AND LOWER({shown}) LIKE $2 ESCAPE '\\'
         ORDER BY latest DESC, open DESC, {column} DESC LIMIT $3",
        shown = shown(column)
    )
}

/// How many users or devices `tally_rows` would give without its limit.
pub fn tally_count((table, column): (&str, &str)) -> String {
    format!(
        "SELECT COUNT(*) FROM {table} WHERE api_key = $1 AND sessions > 0 AND LOWER({shown}) LIKE $2 ESCAPE '\\'",
        shown = shown(column)
    )
}

pub const DAY_ROWS: &str = "SELECT day, sessions, timed FROM day_tallies WHERE api_key = $1 AND sessions > 0 ORDER BY day";

/// The `$3` durations from the `$4`th up, in order, of the sessions of one user, device or day
/// (`$2`): the middle ones, read through the index that ends in `duration`.
pub fn middle_durations((_, column): (&str, &str)) -> String {
    format!(
        "SELECT duration FROM sessions WHERE api_key = $1 AND {column} = $2 AND duration IS NOT NULL
         ORDER BY duration LIMIT $3 OFFSET $4"
    )
}

pub const EVENTS: &str = "
    SELECT name, time, session_id, user_id, device_id, data FROM events
    WHERE api_key = $1 AND (CAST($2 AS TEXT) IS NULL OR user_id = $2) AND (CAST($3 AS TEXT) IS NULL OR device_id = $3)
    ORDER BY time, name";
/// The day tallies are few: a key's days.
pub const KEYS: &str = "SELECT DISTINCT api_key FROM day_tallies WHERE sessions > 0 ORDER BY api_key";

/// Tallies that no session is in any more (after sessions were pruned).
pub fn empty_tallies((table, _): (&str, &str)) -> String {
    format!("DELETE FROM {table} WHERE sessions = 0")
}
pub const BACKLOG: &str = "SELECT COUNT(*) FROM tally_changes";
pub const PING: &str = "SELECT CAST(1 AS BIGINT)";
