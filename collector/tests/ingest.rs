//! Datapoints in, sessions out: what is stored and how the queries read it.

mod common;

use common::{batch, se, ss, uuid, Server, TempDir};
use serde_json::{json, Value};

#[test]
fn a_batch_is_stored_and_shows_in_the_queries() {
    let dir = TempDir::new("stored");
    let server = Server::start(&dir, &[]);
    let body = json!({ "api_key": "API-KEY", "time": 1767227460.5, "sdk_version": "0.1.0", "device_id": "dev-1",
        "user_id": "user-42",
        "events": [
            { "name": "se", "time": 1767225900.123, "session_id": uuid(1), "data": { "d": 300.0 }, "user_id": "user-42" },
            { "name": "ss", "time": 1767227460.456, "session_id": uuid(2), "data": {} } ] });
    let response = server.send(&body);
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(response.json(), json!({}));

    assert_eq!(server.get_json("/api/v3/keys"), json!(["API-KEY"]));
    assert_eq!(
        server.sessions("api_key=API-KEY"),
        [
            json!({ "session_id": uuid(1), "user_id": "user-42", "device_id": "dev-1", "start": null, "end": 1767225900.123, "duration": 300.0, "open": false }),
            json!({ "session_id": uuid(2), "user_id": "user-42", "device_id": "dev-1", "start": 1767227460.456, "end": null, "duration": null, "open": true }),
        ]
    );
    let tally = json!({ "sessions": 2, "open": 1, "total_seconds": 300.0, "median_seconds": 300.0 });
    let mut user = tally.clone();
    user["user_id"] = json!("user-42");
    let mut device = tally;
    device["device_id"] = json!("dev-1");
    assert_eq!(server.usage("API-KEY"), json!({ "users": [user], "devices": [device], "users_matching": 1, "devices_matching": 1 }));
    // Another key sees nothing of it.
    assert_eq!(server.sessions("api_key=OTHER"), Vec::<Value>::new());
    assert_eq!(server.usage("OTHER"), json!({ "users": [], "devices": [], "users_matching": 0, "devices_matching": 0 }));
}

#[test]
fn sending_the_same_datapoints_again_changes_nothing() {
    let dir = TempDir::new("idempotent");
    let server = Server::start(&dir, &[]);
    let first = batch("k", "dev", Some("u"), vec![ss(1, 100.0), se(1, 160.0, 60.0), ss(2, 200.0)]);
    assert_eq!(server.send(&first).status, 200);
    let snapshot = (server.sessions("api_key=k"), server.usage("k"));

    assert_eq!(server.send(&first).status, 200);
    // A repeat is ignored even when it says something else: the first datapoint stands.
    let altered = batch("k", "other-dev", Some("v"), vec![ss(1, 999.0), se(1, 999.0, 1.0), ss(2, 999.0)]);
    assert_eq!(server.send(&altered).status, 200);
    assert_eq!((server.sessions("api_key=k"), server.usage("k")), snapshot);

    // Within one batch too: the first of a datapoint sent twice is the one kept, counted once.
    let twice = batch("k", "dev", Some("u"), vec![ss(3, 300.0), se(3, 310.0, 10.0), ss(3, 301.0), se(3, 320.0, 20.0)]);
    assert_eq!(server.send(&twice).status, 200);
    let third = server.sessions("api_key=k&user_id=u").into_iter().find(|s| s["session_id"] == json!(uuid(3))).unwrap();
    assert_eq!((&third["start"], &third["end"], &third["duration"]), (&json!(300.0), &json!(310.0), &json!(10.0)));
    assert_eq!(server.usage("k")["users"][0]["sessions"], json!(3));
    assert_eq!(server.usage("k")["users"][0]["total_seconds"], json!(70.0));
}

#[test]
fn bodies_are_read_as_json_whatever_their_content_type() {
    let dir = TempDir::new("content-type");
    let server = Server::start(&dir, &[]);
    // navigator.sendBeacon sends a string body as text/plain.
    let beacon = batch("k", "dev", None, vec![ss(1, 1.0)]).to_string();
    assert_eq!(server.send_raw(beacon.as_bytes(), "text/plain;charset=UTF-8").status, 200);
    let untyped = batch("k", "dev", None, vec![ss(2, 2.0)]).to_string();
    let response = server.request("POST", "/api/v3/data", &[], untyped.as_bytes());
    assert_eq!(response.status, 200, "{}", response.text());
    let ids: Vec<_> = server.sessions("api_key=k").iter().map(|s| s["session_id"].clone()).collect();
    assert_eq!(ids, [json!(uuid(1)), json!(uuid(2))]);
}

#[test]
fn a_session_ends_at_its_se_datapoint_time_not_on_arrival() {
    let dir = TempDir::new("end-time");
    let server = Server::start(&dir, &[]);
    // Sent long after the fact (times in 2001), as an SDK does with a stored outbox.
    let start = 1_000_000_000.25;
    let body = batch("k", "dev", Some("u"), vec![ss(7, start), se(7, start + 42.5, 42.5)]);
    assert_eq!(server.send(&body).status, 200);
    let sessions = server.sessions("api_key=k");
    assert_eq!(sessions[0]["start"], json!(start));
    assert_eq!(sessions[0]["end"], json!(start + 42.5));
    assert_eq!(sessions[0]["duration"], json!(42.5));
    assert_eq!(sessions[0]["open"], json!(false));
}

#[test]
fn an_ss_without_se_is_open_until_the_se_arrives() {
    let dir = TempDir::new("open");
    let server = Server::start(&dir, &[]);
    assert_eq!(server.send(&batch("k", "dev", None, vec![ss(1, 50.0)])).status, 200);
    let session = &server.sessions("api_key=k")[0];
    assert_eq!((&session["open"], &session["end"], &session["duration"]), (&json!(true), &Value::Null, &Value::Null));
    let anonymous = json!({ "user_id": null, "sessions": 1, "open": 1, "total_seconds": 0.0, "median_seconds": null });
    assert_eq!(server.usage("k")["users"], json!([anonymous]));

    assert_eq!(server.send(&batch("k", "dev", None, vec![se(1, 80.0, 30.0)])).status, 200);
    let session = &server.sessions("api_key=k")[0];
    assert_eq!((&session["open"], &session["start"], &session["end"]), (&json!(false), &json!(50.0), &json!(80.0)));
}

#[test]
fn users_and_devices_are_tallied_and_filtered() {
    let dir = TempDir::new("tally");
    let server = Server::start(&dir, &[]);
    // alice on two devices: three ended sessions (10, 20, 60 s) and one open; bob: one ended on
    // dev-b, though the batch was sent as alice (an event's own user_id wins); one anonymous.
    let sends = [
        batch("k", "dev-a", Some("alice"), vec![ss(1, 100.0), se(1, 110.0, 10.0), ss(2, 200.0), se(2, 220.0, 20.0)]),
        batch("k", "dev-b", Some("alice"), vec![ss(3, 300.0), se(3, 360.0, 60.0), ss(4, 400.0)]),
        batch(
            "k",
            "dev-b",
            Some("alice"),
            vec![
                json!({ "name": "ss", "time": 500.0, "session_id": uuid(5), "data": {}, "user_id": "bob" }),
                json!({ "name": "se", "time": 505.0, "session_id": uuid(5), "data": { "d": 5.0 }, "user_id": "bob" }),
            ],
        ),
        batch("k", "dev-a", None, vec![ss(6, 50.0), se(6, 51.0, 1.0)]),
    ];
    for body in &sends {
        assert_eq!(server.send(body).status, 200);
    }
    // Most recent session first: bob (500), alice (400), anonymous (50).
    assert_eq!(
        server.usage("k"),
        json!({
            "users": [
                { "user_id": "bob", "sessions": 1, "open": 0, "total_seconds": 5.0, "median_seconds": 5.0 },
                { "user_id": "alice", "sessions": 4, "open": 1, "total_seconds": 90.0, "median_seconds": 20.0 },
                { "user_id": null, "sessions": 1, "open": 0, "total_seconds": 1.0, "median_seconds": 1.0 },
            ],
            "devices": [
                { "device_id": "dev-b", "sessions": 3, "open": 1, "total_seconds": 65.0, "median_seconds": 32.5 },
                { "device_id": "dev-a", "sessions": 3, "open": 0, "total_seconds": 31.0, "median_seconds": 10.0 },
            ],
            "users_matching": 3,
            "devices_matching": 2,
        })
    );
    // Searched (ignoring case; anonymous sessions are "anonymous") and limited.
    let searched = server.get_json("/api/v3/usage?api_key=k&q=ALI&limit=5");
    assert_eq!((searched["users"][0]["user_id"].clone(), searched["users_matching"].clone()), (json!("alice"), json!(1)));
    assert_eq!(searched["devices_matching"], json!(0));
    assert_eq!(server.get_json("/api/v3/usage?api_key=k&q=anon")["users"][0]["user_id"], json!(null));
    let limited = server.get_json("/api/v3/usage?api_key=k&limit=1");
    assert_eq!((limited["users"].as_array().unwrap().len(), limited["users_matching"].clone()), (1, json!(3)));
    let ids = |query: &str| -> Vec<Value> { server.sessions(query).iter().map(|s| s["session_id"].clone()).collect() };
    // Ordered by start.
    assert_eq!(ids("api_key=k"), [6, 1, 2, 3, 4, 5].map(|n| json!(uuid(n))));
    assert_eq!(ids("api_key=k&user_id=alice"), [1, 2, 3, 4].map(|n| json!(uuid(n))));
    assert_eq!(ids("api_key=k&device_id=dev-b"), [3, 4, 5].map(|n| json!(uuid(n))));
    assert_eq!(ids("api_key=k&user_id=alice&device_id=dev-a"), [1, 2].map(|n| json!(uuid(n))));
    assert_eq!(ids("api_key=k&user_id=nobody"), Vec::<Value>::new());
}

#[test]
fn session_ids_are_case_insensitive() {
    let dir = TempDir::new("case");
    let server = Server::start(&dir, &[]);
    let upper = uuid(0xabc).to_ascii_uppercase();
    let body = batch("k", "dev", None, vec![json!({ "name": "ss", "time": 1.0, "session_id": upper, "data": {} }), se(0xabc, 2.0, 1.0)]);
    assert_eq!(server.send(&body).status, 200);
    let sessions = server.sessions("api_key=k");
    assert_eq!(sessions.len(), 1);
    assert_eq!((&sessions[0]["session_id"], &sessions[0]["open"]), (&json!(uuid(0xabc)), &json!(false)));
}

#[test]
fn the_keys_with_data_are_listed() {
    let dir = TempDir::new("keys");
    let server = Server::start(&dir, &[]);
    assert_eq!(server.get_json("/api/v3/keys"), json!([]));
    for key in ["zeta", "alpha", "zeta"] {
        assert_eq!(server.send(&batch(key, "dev", None, vec![ss(1, 1.0)])).status, 200);
    }
    // An empty batch is valid and stores nothing.
    assert_eq!(server.send(&batch("empty", "dev", None, vec![])).status, 200);
    assert_eq!(server.get_json("/api/v3/keys"), json!(["alpha", "zeta"]));
}

#[test]
fn what_braze_sends_is_kept_custom_events_and_all_once_each() {
    let dir = TempDir::new("braze-shapes");
    let server = Server::start(&dir, &[]);
    // As Braze's Web SDK 3.5.1 sends it: ids that are not v4 UUIDs, the user in the events, the
    // key in the body and the header, its `device` and `respond_with` beside the events.
    let session = "2e2a0c43-63d8-95b5-5c8b-77a295e2a639";
    let body = json!({
        "respond_with": { "user_id": "user-7", "config": { "config_time": 0 } },
        "events": [
            { "name": "ss", "time": 1796168600.117, "data": {}, "session_id": session, "user_id": "user-7" },
            { "name": "ce", "time": 1796168600.5, "data": { "n": "clicked", "p": { "color": "red" } }, "session_id": session, "user_id": "user-7" },
            { "name": "lr", "time": 1796168600.6, "data": { "latitude": 48.8, "longitude": 2.3 } }
        ],
        "device": { "browser": "Chrome", "locale": "en-us" },
        "api_key": "braze-key", "time": 1796168600, "sdk_version": "3.5.1", "device_id": "86c0343b-d557-8d35-6cf4-47ea1afb3a05",
        "sdk_metadata": ["npm"]
    });
    for _ in 0..2 {
        let response = server.request(
            "POST",
            "/api/v3/data/",
            &[("Content-Type", "application/json"), ("X-Braze-Api-Key", "braze-key")],
            body.to_string().as_bytes(),
        );
        assert_eq!((response.status, response.json()), (200, json!({})), "sent twice: stored once");
    }
    let sessions = server.sessions("api_key=braze-key&user_id=user-7");
    assert_eq!(sessions.len(), 1);
    assert_eq!((&sessions[0]["session_id"], &sessions[0]["open"]), (&json!(session), &json!(true)));
    let events = server.get_json("/api/v3/events?api_key=braze-key");
    assert_eq!(
        events,
        json!([
            { "name": "ce", "time": 1796168600.5, "session_id": session, "user_id": "user-7",
              "device_id": "86c0343b-d557-8d35-6cf4-47ea1afb3a05", "data": { "n": "clicked", "p": { "color": "red" } } },
            { "name": "lr", "time": 1796168600.6, "session_id": null, "user_id": null,
              "device_id": "86c0343b-d557-8d35-6cf4-47ea1afb3a05", "data": { "latitude": 48.8, "longitude": 2.3 } }
        ])
    );
    assert_eq!(server.get_json("/api/v3/events?api_key=braze-key&user_id=user-7").as_array().unwrap().len(), 1);
}

#[test]
fn sessions_per_day_and_their_median_length_cover_every_day() {
    let dir = TempDir::new("daily");
    let server = Server::start(&dir, &[]);
    let day = 86_400.0;
    let start = 1_767_225_600.0; // 2026-01-01
    let events = vec![
        ss(1, start + 10.0),
        se(1, start + 70.0, 60.0),
        ss(2, start + 100.0),
        se(2, start + 400.0, 300.0),
        ss(3, start + 2.0 * day + 5.0), // still open
    ];
    assert_eq!(server.send(&batch("k", "dev", Some("u"), events)).status, 200);
    assert_eq!(
        server.get_json("/api/v3/daily?api_key=k"),
        json!([
            { "day": "2026-01-01", "sessions": 2, "median_seconds": 180.0 },
            { "day": "2026-01-02", "sessions": 0, "median_seconds": null },
            { "day": "2026-01-03", "sessions": 1, "median_seconds": null },
        ])
    );
    assert_eq!(server.get_json("/api/v3/daily?api_key=none"), json!([]));
}
