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
