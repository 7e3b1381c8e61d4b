//! PostgreSQL's partitions: `datapoints` and `events` are partitioned by `day`, a partition a day
//! for each (`datapoints_day20454` holds day 20454, 2026-01-01), made when a batch first needs the
//! day and dropped whole when the retention has passed it (`Postgres::prune`). Both happen under
//! one advisory lock, so that collectors sharing the database do not race. `sessions`, a row a
//! session, is not partitioned: each batch finds its sessions' rows by id, whatever their day,
//! which over daily partitions is a lookup in every one of them.

use std::collections::BTreeSet;

/// In the order a batch takes its tables' locks, as making or dropping a partition takes its
/// table's whole (a batch reads `sessions` first, then writes `datapoints`, then `events`).
pub const TABLES: [&str; 2] = ["datapoints", "events"];

/// Held by whoever makes or drops partitions, until the end of its transaction.
pub const LOCK: &str = "SELECT pg_advisory_xact_lock(7261003)";

/// The statements that make the days' partitions that are missing, under `LOCK`.
pub fn create(days: &BTreeSet<i64>) -> String {
    let mut statements = vec![LOCK.to_owned()];
    for &day in days {
        // A day past the last that a bigint holds (a clock gone wild) is bounded by MAXVALUE.
        let to = day.checked_add(1).map_or_else(|| "MAXVALUE".to_owned(), |to| to.to_string());
        for table in TABLES {
            statements
                .push(format!("CREATE TABLE IF NOT EXISTS {} PARTITION OF {table} FOR VALUES FROM ({day}) TO ({to})", name(table, day)));
        }
    }
    statements.join(";\n")
}

pub fn name(table: &str, day: i64) -> String {
    format!("{table}_day{day}")
}

/// The partitions there are, by name.
pub const LIST: &str = "SELECT CAST(c.relname AS TEXT) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent IN (CAST('datapoints' AS regclass), CAST('events' AS regclass))";

/// The day a partition's name holds.
pub fn day(name: &str) -> Option<i64> {
    TABLES.iter().find_map(|table| name.strip_prefix(table)?.strip_prefix("_day")?.parse().ok())
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_hold_their_day() {
        assert_eq!(super::day(&super::name("datapoints", 20_454)), Some(20_454));
        assert_eq!(super::day("datapoints_before"), None);
        assert!(super::create(&[i64::MAX].into()).contains("TO (MAXVALUE)"));
    }
}
