//! The wire format of docs/design.md section 4, checked by parsing what is written.

use appboy_wasm::engine::{Datapoint, Kind, Uuid};
use appboy_wasm::json;
use appboy_wasm::wire::*;
use serde_json::{json, Value};

const ID: &str = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

fn event_json(dp: &Datapoint) -> Value {
    serde_json::from_str(&json::object(|o| write_datapoint(dp, o))).unwrap()
}

#[test]
fn an_end_carries_its_duration_in_seconds_and_the_user() {
    let dp = Datapoint {
        kind: Kind::End { duration: 300_000 },
        time: 1_767_225_900_123,
        session_id: Uuid::parse(ID).unwrap(),
        user_id: Some("user-42".into()),
    };
    assert_eq!(event_json(&dp), json!({"name":"se","time":1767225900.123,"session_id":ID,"data":{"d":300},"user_id":"user-42"}));
}

#[test]
fn a_start_has_empty_data_and_no_user_when_none_is_set() {
    let dp = Datapoint { kind: Kind::Start, time: 1_767_227_460_456, session_id: Uuid::parse(ID).unwrap(), user_id: None };
    assert_eq!(event_json(&dp), json!({"name":"ss","time":1767227460.456,"session_id":ID,"data":{}}));
}

#[test]
fn the_batch_has_the_braze_fields() {
    let dp = Datapoint { kind: Kind::Start, time: 1_767_227_460_456, session_id: Uuid::parse(ID).unwrap(), user_id: Some("u\"1".into()) };
    let events = [dp.clone()];
    let device = Uuid::parse(ID).unwrap();
    let sender = Sender { api_key: "K", device_id: &device, user_id: Some("u\"1") };
    let batch = Batch { sender: &sender, time: 1_767_227_461_500, events: &events };
    let body: Value = serde_json::from_str(&batch.to_json()).unwrap();
    assert_eq!(
        body,
        json!({"api_key":"K","time":1767227461.5,"sdk_version":"0.1.0","device_id":ID,"user_id":"u\"1",
               "events":[{"name":"ss","time":1767227460.456,"session_id":ID,"data":{},"user_id":"u\"1"}]})
    );
    let anonymous = Sender { user_id: None, ..sender };
    let body = Batch { sender: &anonymous, events: &events, ..batch }.to_json();
    assert!(serde_json::from_str::<Value>(&body).unwrap().get("user_id").is_none());
    // Datapoints of another user, or none, in the batch: it names no user.
    let before = Datapoint { user_id: None, ..dp };
    let body = Batch { events: &[before, events[0].clone()], ..batch }.to_json();
    assert!(serde_json::from_str::<Value>(&body).unwrap().get("user_id").is_none());
}

#[test]
fn base_urls_become_data_endpoints() {
    let origin = "http://localhost:8080";
    for (base, url) in [
        (None, "http://localhost:8080/api/v3/data/"),
        (Some(""), "http://localhost:8080/api/v3/data/"),
        (Some("sdk.example.com"), "https://sdk.example.com/api/v3/data/"),
        (Some("https://sdk.example.com"), "https://sdk.example.com/api/v3/data/"),
        (Some("https://sdk.example.com/"), "https://sdk.example.com/api/v3/data/"),
        (Some("https://sdk.example.com/api/v3/"), "https://sdk.example.com/api/v3/data/"),
        (Some("http://127.0.0.1:9/custom"), "http://127.0.0.1:9/custom/data/"),
        (Some("sdk.example.com/custom/"), "https://sdk.example.com/custom/data/"),
    ] {
        assert_eq!(data_url(base, origin), url, "{base:?}");
    }
}
