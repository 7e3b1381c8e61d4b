//! The tables at open, in the caller's transaction (under an advisory lock on PostgreSQL):
//! created if missing; copied into today's layout from a database written before days (its
//! `datapoints`, `events` and `sessions` had no `day`, and were not partitioned on PostgreSQL);
//! and given their summaries if they have datapoints but no sessions.

use super::backend::Backend;
use super::schema::{self, day_of, Dialect};
use super::{shared, sql, Error};
use std::collections::BTreeSet;

pub async fn prepare<B: Backend>(b: &B) -> Result<(), Error> {
    let dialect = B::DIALECT;
    let mut earlier = Vec::new();
    if flag(b, schema::before_days(dialect), &[]).await? {
        for table in ["datapoints", "events", "sessions"] {
            if flag(b, schema::exists(dialect), &[&table]).await? {
                b.execute_batch(&format!("ALTER TABLE {table} RENAME TO {table}_before")).await?;
                earlier.push(table);
            }
        }
        // Their names are the new tables' (keys are named anew: `datapoints_key`...).
        b.execute_batch(
            "DROP INDEX IF EXISTS events_by_user; DROP INDEX IF EXISTS sessions_by_user;
             DROP INDEX IF EXISTS sessions_by_device; DROP INDEX IF EXISTS sessions_by_day;",
        )
        .await?;
    }
    b.execute_batch(&schema::schema(dialect)).await?;
    if !earlier.is_empty() {
        copy(b, dialect, &earlier).await?;
        tracing::info!("the tables {} were copied into the layout by day", earlier.join(", "));
    }
    if flag(b, sql::HAS_DATAPOINTS_BUT_NO_SESSIONS, &[]).await? {
        shared::summarize(b).await?;
    }
    Ok(())
}

async fn flag<B: Backend>(b: &B, query: &str, params: &[&dyn super::backend::Param]) -> Result<bool, Error> {
    Ok(b.query::<(bool,)>(query, params).await?.first().is_some_and(|(yes,)| *yes))
}

/// Copies the `earlier` tables (renamed `…_before`) into the new ones, each row with its day: a
/// datapoint's is its session's (`rollup::SessionRow::day`), an event's its time's.
async fn copy<B: Backend>(b: &B, dialect: Dialect, earlier: &[&str]) -> Result<(), Error> {
    let session_day = day_of(dialect, "COALESCE(s.time, d.time)");
    let datapoints = "FROM datapoints_before d
        LEFT JOIN datapoints_before s ON s.api_key = d.api_key AND s.session_id = d.session_id AND s.name = 'ss'";
    let event_day = day_of(dialect, "time");
    let mut days = Vec::new();
    if earlier.contains(&"datapoints") {
        days.push(format!("SELECT DISTINCT {session_day} {datapoints}"));
    }
    if earlier.contains(&"events") {
        days.push(format!("SELECT DISTINCT {event_day} FROM events_before"));
    }
    let days: BTreeSet<i64> = b.query::<(i64,)>(&days.join(" UNION "), &[]).await?.into_iter().map(|(day,)| day).collect();
    b.make_days(&days).await?;
    for table in earlier {
        let copy = match *table {
            "datapoints" => format!(
                "INSERT INTO datapoints (api_key, session_id, name, time, duration, user_id, device_id, received, day)
                 SELECT d.api_key, d.session_id, d.name, d.time, d.duration, d.user_id, d.device_id, d.received, {session_day} {datapoints}"
            ),
            "events" => format!(
                "INSERT INTO events (api_key, device_id, name, time, data, session_id, user_id, received, day)
                 SELECT api_key, device_id, name, time, data, session_id, user_id, received, {event_day} FROM events_before"
            ),
            _ => "INSERT INTO sessions (api_key, session_id, user_id, device_id, start_time, end_time, duration, day)
                  SELECT api_key, session_id, user_id, device_id, start_time, end_time, duration, day FROM sessions_before"
                .to_owned(),
        };
        b.execute_batch(&format!("{copy}; DROP TABLE {table}_before")).await?;
    }
    Ok(())
}
