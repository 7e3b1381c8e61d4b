//! Every refusal: its status, and a JSON error that names what is wrong.

mod common;

use common::{batch, se, ss, uuid, Server, TempDir};
use serde_json::{json, Value};

const LIMIT: usize = 1 << 20;

#[test]
fn a_body_that_is_not_json_is_a_400() {
    let dir = TempDir::new("not-json");
    let server = Server::start(&dir, &[]);
    for body in [&b"{\"api_key\": "[..], b"", b"not json", b"\xff\xfe"] {
        let response = server.send_raw(body, "application/json");
        assert_eq!(response.status, 400, "{}", response.text());
        assert!(response.error().starts_with("the body is not JSON"), "{}", response.error());
    }
}

#[test]
fn only_a_body_that_is_not_a_batch_is_a_400() {
    let dir = TempDir::new("not-a-batch");
    let server = Server::start(&dir, &[]);
    let good = || batch("k", "dev", Some("u"), vec![ss(1, 10.0), se(1, 20.0, 10.0)]);
    let without = |field: &str| {
        let mut body = good();
        body.as_object_mut().unwrap().remove(field);
        body
    };
    let with = |field: &str, value: Value| {
        let mut body = good();
        body[field] = value;
        body
    };
    let cases = [
        (json!([good()]), "the body is not a JSON object"),
        (without("api_key"), "api_key is missing"),
        (with("api_key", json!(5)), "api_key is missing"),
        (with("api_key", json!("")), "api_key is empty"),
        (without("events"), "events is missing"),
        (with("events", json!({})), "events is not an array"),
    ];
    for (body, message) in cases {
        let response = server.send(&body);
        assert_eq!(response.status, 400, "for {message}: {}", response.text());
        assert_eq!(response.error(), message);
    }
    assert_eq!(server.get_json("/api/v3/keys"), json!([]));
    // Whatever else is off in the envelope is not a reason to lose its datapoints.
    for body in [without("device_id"), with("user_id", json!(42)), with("sdk_version", json!(1)), with("time", json!("now"))] {
        let response = server.send(&body);
        assert_eq!((response.status, response.json()), (200, json!({})), "{body}");
    }
}

#[test]
fn each_bad_datapoint_is_left_out_and_named_and_the_good_ones_are_stored() {
    let dir = TempDir::new("bad-datapoints");
    let server = Server::start(&dir, &[]);
    let mut events = vec![ss(1, 10.0)];
    let bad = [
        (json!("se"), "not an object"),
        (json!({ "time": 1.0, "session_id": uuid(2), "data": {} }), "name is missing"),
        (json!({ "name": "ss", "session_id": uuid(2), "data": {} }), "time is missing"),
        (json!({ "name": "ss", "time": -1.0, "session_id": uuid(2), "data": {} }), "time is not a finite number >= 0"),
        (json!({ "name": "ss", "time": "20", "session_id": uuid(2), "data": {} }), "time is not a number"),
        (json!({ "name": "ss", "time": 1.0, "data": {} }), "session_id is missing"),
        (json!({ "name": "ss", "time": 1.0, "session_id": 7, "data": {} }), "session_id is not a string"),
        (json!({ "name": "ss", "time": 1.0, "session_id": uuid(2), "data": [] }), "data is not an object"),
        (json!({ "name": "se", "time": 1.0, "session_id": uuid(2), "data": {} }), "data.d is missing"),
        (json!({ "name": "se", "time": 1.0, "session_id": uuid(2), "data": { "d": -3 } }), "data.d is not a finite number >= 0"),
        (json!({ "name": "se", "time": 1.0, "session_id": uuid(2), "data": { "d": "3" } }), "data.d is not a number"),
        (json!({ "name": "ss", "time": 1.0, "session_id": uuid(2), "data": {}, "user_id": false }), "user_id is not a string"),
    ];
    events.extend(bad.iter().map(|(event, _)| event.clone()));
    events.push(se(1, 20.0, 10.0));
    let response = server.send(&batch("k", "dev", Some("u"), events));
    assert_eq!(response.status, 200, "{}", response.text());
    let expected: Vec<Value> = bad.iter().enumerate().map(|(i, (_, reason))| json!({ "index": i + 1, "reason": reason })).collect();
    assert_eq!(response.json(), json!({ "rejected": expected }));
    let sessions = server.sessions("api_key=k");
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    assert_eq!((sessions[0]["start"].clone(), sessions[0]["end"].clone()), (json!(10.0), json!(20.0)));
    // Past Braze's 1,000 a request, datapoints are left out too.
    let response = server.send(&batch("k", "dev", None, (0..1001).map(|n| ss(n + 10, 1.0)).collect()));
    assert_eq!(response.json(), json!({ "rejected": [{ "index": 1000, "reason": "more than 1000 datapoints in one batch" }] }));
}

/// A valid batch padded with spaces to exactly `len` bytes.
fn padded(len: usize) -> Vec<u8> {
    let mut body = batch("k", "dev", None, vec![ss(1, 1.0)]).to_string().into_bytes();
    body.resize(len, b' ');
    body
}

#[test]
fn a_body_over_one_mebibyte_is_a_413() {
    let dir = TempDir::new("too-large");
    let server = Server::start(&dir, &[]);
    let response = server.send_raw(&padded(LIMIT + 1), "application/json");
    assert_eq!(response.status, 413, "{}", response.text());
    assert_eq!(response.error(), "the body is larger than 1048576 bytes");
    assert_eq!(server.get_json("/api/v3/keys"), json!([]));
    // The limit itself is allowed.
    let response = server.send_raw(&padded(LIMIT), "application/json");
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(server.get_json("/api/v3/keys"), json!(["k"]));
}

#[test]
fn a_key_not_served_is_a_401() {
    let dir = TempDir::new("keys-served");
    let server = Server::start(&dir, &["--api-key", "alpha", "--api-key", "beta"]);
    for key in ["alpha", "beta"] {
        assert_eq!(server.send(&batch(key, "dev", None, vec![ss(1, 1.0)])).status, 200);
    }
    let response = server.send(&batch("gamma", "dev", None, vec![ss(1, 1.0)]));
    assert_eq!(response.status, 401, "{}", response.text());
    assert_eq!(response.error(), "API key \"gamma\" is not served here");
    // The key is checked before the rest: a stranger learns nothing about its body.
    let mut bad = batch("gamma", "dev", None, vec![]);
    bad["events"] = json!("none");
    assert_eq!(server.send(&bad).status, 401);
    // A body without a usable key is still malformed; the key may come in Braze's header.
    let response = server.send(&json!({ "device_id": "dev", "events": [] }));
    assert_eq!((response.status, response.error()), (400, "api_key is missing".to_owned()));
    let body = json!({ "device_id": "dev", "events": [ss(2, 1.0)] }).to_string();
    let response =
        server.request("POST", "/api/v3/data/", &[("Content-Type", "application/json"), ("X-Braze-Api-Key", "gamma")], body.as_bytes());
    assert_eq!(response.status, 401);
    let response =
        server.request("POST", "/api/v3/data/", &[("Content-Type", "text/plain"), ("X-Braze-Api-Key", "alpha")], body.as_bytes());
    assert_eq!(response.status, 200, "{}", response.text());
    assert_eq!(server.sessions("api_key=alpha").len(), 2);
    assert_eq!(server.get_json("/api/v3/keys"), json!(["alpha", "beta"]));
}

#[test]
fn a_query_without_api_key_is_a_400() {
    let dir = TempDir::new("query-key");
    let server = Server::start(&dir, &[]);
    for path in ["/api/v3/usage", "/api/v3/sessions", "/api/v3/sessions?user_id=u", "/api/v3/usage?api_key="] {
        let response = server.read(path);
        assert_eq!(response.status, 400, "{path}: {}", response.text());
        assert_eq!(response.error(), "the api_key query parameter is missing");
    }
}
