//! Two collectors on one database, as behind a load balancer (PostgreSQL under
//! `COLLECTOR_TEST_PG`, else one SQLite file): a datapoint sent to both is stored once, and either
//! serves what the other stored.

mod common;

use common::{batch, se, ss, Server, TempDir};
use serde_json::json;

#[test]
fn two_collectors_on_one_database_store_once_and_serve_each_others_data() {
    let dir = TempDir::new("shared");
    let (a, b) = (Server::start(&dir, &[]), Server::start(&dir, &[]));
    let body = batch("k", "dev", Some("u"), vec![ss(1, 10.0), se(1, 20.0, 10.0)]);
    // The same batch to both at once, several times over, as a client retrying through a
    // balancer would.
    std::thread::scope(|scope| {
        for server in [&a, &b, &a, &b, &a, &b] {
            let body = &body;
            scope.spawn(move || assert_eq!(server.send(body).status, 200));
        }
    });
    let custom = json!({ "name": "ce", "time": 15.0, "session_id": common::uuid(1), "data": { "n": "clicked" } });
    assert_eq!(a.send(&batch("k", "dev", Some("u"), vec![custom.clone(), ss(2, 30.0)])).status, 200);
    for server in [&a, &b] {
        let sessions = server.sessions("api_key=k");
        assert_eq!(sessions.len(), 2, "{sessions:?}");
        assert_eq!((&sessions[0]["end"], &sessions[1]["open"]), (&json!(20.0), &json!(true)));
        assert_eq!(server.get_json("/api/v3/events?api_key=k").as_array().map(Vec::len), Some(1));
    }
}

#[test]
fn a_sessions_start_and_end_arriving_at_once_at_two_collectors_make_one_session() {
    let dir = TempDir::new("shared_race");
    let (a, b) = (Server::start(&dir, &[]), Server::start(&dir, &[]));
    const N: u64 = 150;
    // Each session's ss goes to one collector while its se goes to the other, at the same moment:
    // each builds on the session's row as the other leaves it, or the session is counted twice,
    // or loses its start or its end.
    std::thread::scope(|scope| {
        for (server, starts) in [(&a, true), (&b, false), (&b, true), (&a, false)] {
            scope.spawn(move || {
                for n in 0..N {
                    let point = if starts { ss(n, 1000.0 * n as f64) } else { se(n, 1000.0 * n as f64 + 10.0, (n % 7) as f64) };
                    assert_eq!(server.send(&batch("k", "dev", Some("u"), vec![point])).status, 200);
                }
            });
        }
    });
    let median = |range: std::ops::Range<u64>| {
        let mut d: Vec<f64> = range.map(|n| (n % 7) as f64).collect();
        d.sort_by(f64::total_cmp);
        let mid = d.len() / 2;
        if d.len() % 2 == 1 {
            d[mid]
        } else {
            (d[mid - 1] + d[mid]) / 2.0
        }
    };
    let total: f64 = (0..N).map(|n| (n % 7) as f64).sum();
    let tally = json!({ "sessions": N, "open": 0, "total_seconds": total, "median_seconds": median(0..N) });
    let mut user = tally.clone();
    user["user_id"] = json!("u");
    let mut device = tally;
    device["device_id"] = json!("dev");
    // Sessions 0 to 86 start on the first day, 87 to 149 on the second.
    let days = json!([
        { "day": "1970-01-01", "sessions": 87, "median_seconds": median(0..87) },
        { "day": "1970-01-02", "sessions": 63, "median_seconds": median(87..N) },
    ]);
    for server in [&a, &b] {
        assert_eq!(server.usage("k"), json!({ "users": [user], "devices": [device], "users_matching": 1, "devices_matching": 1 }));
        assert_eq!(server.get_json("/api/v3/daily?api_key=k"), days);
        assert!(server.sessions("api_key=k").iter().all(|s| s["start"].is_number() && s["end"].is_number()));
    }
}
