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
fn each_bad_field_is_a_400_naming_it() {
    let dir = TempDir::new("bad-fields");
    let server = Server::start(&dir, &[]);
    let good = || batch("k", "dev", Some("u"), vec![ss(1, 10.0), se(1, 20.0, 10.0)]);
    let with = |path: &[&str], value: Value| {
        let mut body = good();
        let mut target = &mut body;
        for step in path {
            target = match step.parse::<usize>() {
                Ok(i) => &mut target[i],
                Err(_) => &mut target[*step],
            };
        }
        *target = value;
        body
    };
    let without = |field: &str| {
        let mut body = good();
        body.as_object_mut().unwrap().remove(field);
        body
    };
    let without_in_event = |i: usize, field: &str| {
        let mut body = good();
        body["events"][i].as_object_mut().unwrap().remove(field);
        body
    };
    let too_many = batch("k", "dev", None, (0..1001).map(|n| ss(n, 1.0)).collect());
    let cases = [
        (json!([good()]), "the body is not a JSON object"),
        (without("api_key"), "api_key is missing"),
        (with(&["api_key"], json!(5)), "api_key is not a string"),
        (with(&["api_key"], json!("")), "api_key is empty"),
        (without("device_id"), "device_id is missing"),
        (with(&["device_id"], json!("")), "device_id is empty"),
        (with(&["device_id"], json!(["dev"])), "device_id is not a string"),
        (with(&["user_id"], json!(42)), "user_id is not a string"),
        (with(&["sdk_version"], json!(1)), "sdk_version is not a string"),
        (with(&["time"], json!("now")), "time is not a number"),
        (without("events"), "events is missing"),
        (with(&["events"], json!({})), "events is not an array"),
        (too_many, "events has 1001 items, more than 1000"),
        (with(&["events", "1"], json!("se")), "events[1] is not an object"),
        (with(&["events", "1", "name"], json!("sx")), "events[1].name is not \"ss\" or \"se\""),
        (without_in_event(0, "name"), "events[0].name is missing"),
        (without_in_event(1, "time"), "events[1].time is missing"),
        (with(&["events", "1", "time"], json!(-1.0)), "events[1].time is not a finite number >= 0"),
        (with(&["events", "1", "time"], json!("20")), "events[1].time is not a number"),
        (without_in_event(0, "session_id"), "events[0].session_id is missing"),
        (with(&["events", "1", "session_id"], json!("not-a-uuid")), "events[1].session_id is not a UUID"),
        (with(&["events", "1", "session_id"], json!(uuid(1).replace('-', ""))), "events[1].session_id is not a UUID"),
        (with(&["events", "1", "session_id"], json!(7)), "events[1].session_id is not a string"),
        (without_in_event(0, "data"), "events[0].data is missing"),
        (with(&["events", "0", "data"], json!([])), "events[0].data is not an object"),
        (with(&["events", "1", "data"], json!({})), "events[1].data.d is missing"),
        (with(&["events", "1", "data", "d"], json!(-3)), "events[1].data.d is not a finite number >= 0"),
        (with(&["events", "1", "data", "d"], json!("3")), "events[1].data.d is not a number"),
        (with(&["events", "1", "user_id"], json!(false)), "events[1].user_id is not a string"),
    ];
    for (body, message) in cases {
        let response = server.send(&body);
        assert_eq!(response.status, 400, "for {message}: {}", response.text());
        assert_eq!(response.error(), message);
    }
    // A refused batch stores nothing, not even its valid datapoints.
    assert_eq!(server.get_json("/api/v3/keys"), json!([]));
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
    // A body without a usable key is still malformed.
    let response = server.send(&json!({ "device_id": "dev", "events": [] }));
    assert_eq!((response.status, response.error()), (400, "api_key is missing".to_owned()));
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
