//! `--retention-days`: sessions (with their datapoints) and events older than the retention go,
//! and what is left reads as a database that never held them; datapoints older than the
//! retention are refused. On PostgreSQL old days go as whole partitions; on an older database
//! the tables are first copied into the layout by day.

mod common;

use common::{batch, uuid, Server, TempDir};
use serde_json::{json, Value};
use std::process::Command;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const DAY: f64 = 86_400.0;

fn ss(session: u64, time: f64) -> Value {
    json!({ "name": "ss", "time": time, "session_id": uuid(session), "data": {} })
}

fn se(session: u64, time: f64, duration: f64) -> Value {
    json!({ "name": "se", "time": time, "session_id": uuid(session), "data": { "d": duration } })
}

fn event(name: &str, time: f64) -> Value {
    json!({ "name": name, "time": time, "data": { "n": name } })
}

/// Today's first second, and the first day a retention of 30 days keeps.
fn days() -> (f64, f64) {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
    let today = (now / DAY).floor() * DAY;
    (today, today - 30.0 * DAY)
}

/// The kept batches and the old ones: several users and devices, a session spanning the first
/// day kept (it counts on the day before, and goes whole), an anonymous old device.
fn data() -> (Vec<Value>, Vec<Value>) {
    let (today, first_kept) = days();
    let kept = vec![
        batch("k", "d1", Some("kept"), vec![ss(2, today - 10.0 * DAY + 7200.0), se(2, today - 10.0 * DAY + 7500.0, 300.0)]),
        batch("k", "d2", Some("kept"), vec![ss(3, today - 5.0 * DAY + 60.0), event("kept", today - 10.0 * DAY)]),
        batch("k", "d1", Some("other"), vec![ss(6, today - 2.0 * DAY), se(6, today - 2.0 * DAY + 40.0, 40.0)]),
    ];
    let old = vec![
        batch("k", "d1", Some("old"), vec![ss(1, today - 40.0 * DAY + 3600.0), se(1, today - 40.0 * DAY + 4200.0, 600.0)]),
        batch("k", "d2", Some("span"), vec![ss(4, first_kept - 120.0), se(4, first_kept + 60.0, 180.0), event("old", today - 40.0 * DAY)]),
        batch("k", "d3", None, vec![ss(5, today - 35.0 * DAY), se(5, today - 35.0 * DAY + 10.0, 10.0)]),
    ];
    (kept, old)
}

/// Everything the dashboard reads.
fn served(server: &Server) -> Value {
    json!({
        "sessions": server.sessions("api_key=k"),
        "events": server.get_json("/api/v3/events?api_key=k"),
        "usage": server.usage("k"),
        "daily": server.get_json("/api/v3/daily?api_key=k"),
        "keys": server.get_json("/api/v3/keys"),
    })
}

/// Waits for the collector's first pruning to have run (it runs at start, in the background).
fn pruned(server: &Server) -> String {
    let started = Instant::now();
    loop {
        if let Some(line) = server.log().lines().find(|l| l.contains("retention of 30 days: removed")) {
            return line.to_owned();
        }
        assert!(started.elapsed() < Duration::from_secs(20), "no pruning in the log:\n{}", server.log());
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The answer of a query on PostgreSQL, else `None`.
fn on_postgres(dir: &TempDir, query: &str) -> Option<String> {
    std::env::var("COLLECTOR_TEST_PG").ok()?;
    let output = Command::new("psql").args([&dir.database(), "-tAc", query]).output().expect("psql runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    Some(String::from_utf8(output.stdout).unwrap().trim().to_owned())
}

#[test]
fn old_sessions_and_events_go_and_what_is_left_reads_as_if_they_never_came() {
    let (kept, old) = data();
    let dir = TempDir::new("retention");
    let (today, first_kept) = days();
    let old_day = ((today - 40.0 * DAY) / DAY) as i64;
    let kept_day = ((today - 10.0 * DAY) / DAY) as i64;
    {
        let keeping_all = Server::start(&dir, &[]);
        for body in kept.iter().chain(&old) {
            assert_eq!(keeping_all.send(body).status, 200);
        }
        assert_eq!(keeping_all.sessions("api_key=k").len(), 6);
    }
    let partitions = |day: i64| format!("SELECT COUNT(*) FROM pg_class WHERE relname LIKE '%\\_day{day}'");
    assert_eq!(on_postgres(&dir, &partitions(old_day)).as_deref().unwrap_or("2"), "2");

    let server = Server::start(&dir, &["--retention-days", "30"]);
    let line = pruned(&server);
    assert!(line.contains("removed 3 sessions (6 datapoints), 1 events"), "{line}");
    let fresh_dir = TempDir::new("retention-fresh");
    let fresh = Server::start(&fresh_dir, &[]);
    for body in &kept {
        assert_eq!(fresh.send(body).status, 200);
    }
    let left = served(&server);
    assert_eq!(left, served(&fresh));
    assert_eq!(left["sessions"].as_array().map(Vec::len), Some(3));
    assert_eq!(left["events"].as_array().map(Vec::len), Some(1));
    // The old days' partitions are gone, the kept days' are there.
    assert_eq!(on_postgres(&dir, &partitions(old_day)).as_deref().unwrap_or("0"), "0");
    assert_eq!(on_postgres(&dir, &partitions(kept_day)).as_deref().unwrap_or("2"), "2");

    // Sent again, the old datapoints are refused, the spanning session's end too (its session
    // started before the retention); the kept ones change nothing.
    let response = server.send(&old[1]);
    let reason = "older than the collector's retention";
    assert_eq!(
        response.json(),
        json!({ "rejected": [{ "index": 0, "reason": reason }, { "index": 1, "reason": reason }, { "index": 2, "reason": reason }] })
    );
    assert_eq!(server.send(&old[0]).json()["rejected"].as_array().map(Vec::len), Some(2));
    let response = server.send(&batch("k", "d2", None, vec![se(7, first_kept + 60.0, 30.0)]));
    assert_eq!(response.json(), json!({}));
    assert_eq!(server.sessions("api_key=k").len(), 4);
    drop(server);

    // Rebuilt from the datapoints left, the summaries are the same: nothing of the pruned
    // sessions was left behind.
    let rebuilt_from = served(&Server::start(&dir, &[]));
    dir.execute(
        "DROP TABLE sessions; DROP TABLE user_tallies; DROP TABLE device_tallies; DROP TABLE day_tallies; DROP TABLE tally_changes;",
    );
    assert_eq!(served(&Server::start(&dir, &[])), rebuilt_from);
}

#[test]
fn without_a_retention_nothing_is_removed() {
    let (kept, old) = data();
    let dir = TempDir::new("no-retention");
    let server = Server::start(&dir, &[]);
    for body in kept.iter().chain(&old) {
        assert_eq!(server.send(body).json(), json!({}));
    }
    drop(server);
    let server = Server::start(&dir, &[]);
    assert_eq!(server.sessions("api_key=k").len(), 6);
    assert!(!server.log().contains("retention"));
}

#[test]
fn a_database_from_before_days_is_copied_into_the_new_layout_and_keeps_its_data() {
    let dir = TempDir::new("before-days");
    // The tables as they were, with their indexes' names, and a session whose se came first.
    dir.execute(
        "CREATE TABLE datapoints (api_key TEXT NOT NULL, session_id TEXT NOT NULL, name TEXT NOT NULL, time DOUBLE PRECISION NOT NULL,
             duration DOUBLE PRECISION, user_id TEXT, device_id TEXT NOT NULL, received DOUBLE PRECISION NOT NULL,
             PRIMARY KEY (api_key, session_id, name));
         CREATE TABLE events (api_key TEXT NOT NULL, device_id TEXT NOT NULL, name TEXT NOT NULL, time DOUBLE PRECISION NOT NULL,
             data TEXT NOT NULL, session_id TEXT, user_id TEXT, received DOUBLE PRECISION NOT NULL,
             PRIMARY KEY (api_key, device_id, name, time, data));
         CREATE INDEX events_by_user ON events (api_key, user_id);
         CREATE TABLE sessions (api_key TEXT NOT NULL, session_id TEXT NOT NULL, user_id TEXT NOT NULL, device_id TEXT NOT NULL,
             start_time DOUBLE PRECISION, end_time DOUBLE PRECISION, duration DOUBLE PRECISION, day BIGINT NOT NULL,
             PRIMARY KEY (api_key, session_id));
         CREATE INDEX sessions_by_user ON sessions (api_key, user_id, duration);
         INSERT INTO datapoints VALUES ('k', 'a', 'se', 86410.0, 20.0, 'u', 'd', 1.0), ('k', 'a', 'ss', 86000.0, NULL, 'u', 'd', 2.0),
             ('k', 'b', 'ss', 200000.0, NULL, NULL, 'd', 3.0);
         INSERT INTO events VALUES ('k', 'd', 'ce', 90000.0, '{\"x\": 1}', 'a', 'u', 1.0);",
    );
    let server = Server::start(&dir, &[]);
    let sessions = server.sessions("api_key=k");
    assert_eq!(sessions.len(), 2, "{sessions:?}");
    assert_eq!((&sessions[0]["start"], &sessions[0]["end"]), (&json!(86000.0), &json!(86410.0)));
    assert_eq!(server.get_json("/api/v3/events?api_key=k")[0]["data"], json!({ "x": 1 }));
    assert_eq!(server.usage("k")["users"].as_array().map(Vec::len), Some(2));
    // Stored once still, and new datapoints stored beside.
    assert_eq!(
        server.send(&batch("k", "d", Some("u"), vec![json!({ "name": "ss", "time": 1.0, "session_id": "a", "data": {} })])).status,
        200
    );
    assert_eq!(server.send(&batch("k", "d", None, vec![se(9, 300_000.0, 5.0)])).status, 200);
    assert_eq!(server.sessions("api_key=k").len(), 3);
    assert_eq!(on_postgres(&dir, "SELECT relkind FROM pg_class WHERE relname = 'datapoints'").as_deref().unwrap_or("p"), "p");
    assert_eq!(on_postgres(&dir, "SELECT day FROM datapoints WHERE session_id = 'a' AND name = 'se'").as_deref().unwrap_or("0"), "0");
}
