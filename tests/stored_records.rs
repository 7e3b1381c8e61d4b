//! The persisted records (docs/design.md section 3): versioned, written as JSON and read back
//! from it, and never trusted when malformed.

mod support;

use appboy_wasm::engine::*;
use appboy_wasm::stored::*;
use appboy_wasm::wire::{Event, EventData};
use support::Json;

const ID: &str = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

fn session(start: f64, last: f64) -> StoredSession {
    StoredSession { id: ID.into(), root: ID.into(), seq: 0, prev: vec![], start, last, ended: false }
}

fn record(session: Option<StoredSession>) -> StateRecord {
    StateRecord { v: VERSION, user: Some("u".into()), session }
}

#[test]
fn a_valid_record_decodes() {
    let state = decode_state(record(Some(session(1000.0, 2000.0)))).unwrap();
    let s = state.session.unwrap();
    assert_eq!((s.started_at, s.last_activity, s.ended, s.seq), (1000, 2000, false, 0));
    assert_eq!(state.user_id.as_deref(), Some("u"));
}

#[test]
fn an_empty_record_is_no_session() {
    assert_eq!(decode_state(record(None)).unwrap().session, None);
}

#[test]
fn another_version_is_refused() {
    let mut r = record(None);
    r.v = 2;
    assert_eq!(decode_state(r), Err(Rejected::Version));
}

#[test]
fn malformed_ids_are_refused() {
    let mut bad_id = session(1.0, 1.0);
    bad_id.id = "nope".into();
    let mut bad_root = session(1.0, 1.0);
    bad_root.root = "x".into();
    let mut bad_prev = session(1.0, 1.0);
    bad_prev.prev = vec!["zz".into()];
    let mut too_many = session(1.0, 1.0);
    too_many.prev = vec![ID.into(); 9];
    for s in [bad_id, bad_root, bad_prev, too_many] {
        assert_eq!(decode_state(record(Some(s))), Err(Rejected::Id));
    }
}

#[test]
fn impossible_times_are_refused() {
    for (start, last) in [(5.0, 4.0), (-1.0, 4.0), (1.5, 4.0), (1.0, 1e300), (f64::NAN, 1.0)] {
        assert_eq!(decode_state(record(Some(session(start, last)))), Err(Rejected::Time), "{start} {last}");
    }
}

#[test]
fn encoding_then_decoding_gives_the_state_back() {
    let mut engine = Engine::new(60_000, [3; 16]);
    let _ = engine.handle(1_000, Input::ChangeUser("u"));
    let _ = engine.handle(2_000, Input::Open);
    let _ = engine.handle(200_000, Input::Activity);
    let record = encode_state(engine.state());
    assert_eq!(record.v, VERSION);
    assert_eq!(decode_state(record).as_ref(), Ok(engine.state()));
}

#[test]
fn the_record_is_written_as_versioned_json() {
    let mut engine = Engine::new(60_000, [3; 16]);
    let _ = engine.handle(1_767_225_600_000, Input::Open);
    let text = encode_state(engine.state()).to_json();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["v"], 1);
    assert_eq!(value["session"]["start"], 1_767_225_600_000u64);
    assert_eq!(value["session"]["ended"], false);
    assert!(value.get("user").is_none());
}

#[test]
fn the_state_record_reads_back_from_its_json() {
    let mut engine = Engine::new(60_000, [4; 16]);
    let _ = engine.handle(1_767_225_600_000, Input::ChangeUser("ü\"1"));
    let _ = engine.handle(1_767_225_600_123, Input::Open);
    let record = encode_state(engine.state());
    let back = StateRecord::read(&Json::parse(&record.to_json())).expect("readable");
    assert_eq!(back, record);
    assert_eq!(decode_state(back).as_ref(), Ok(engine.state()));
}

#[test]
fn a_state_record_of_the_wrong_shape_reads_as_nothing() {
    for text in [r#"{"v":"1"}"#, r#"{"v":1,"user":7}"#, r#"{"v":1,"session":{"id":"x"}}"#, r#"[1]"#, "7", "{not json"] {
        assert!(StateRecord::read(&Json::parse(text)).is_none(), "{text}");
    }
    let bare = StateRecord::read(&Json::parse(r#"{"v":1}"#)).unwrap();
    assert_eq!((bare.user, bare.session), (None, None));
}

fn event(name: &str, time: u64, d: Option<u64>, user: Option<&str>) -> Event {
    Event { name: name.into(), time, session_id: ID.into(), data: EventData { d }, user_id: user.map(String::from) }
}

#[test]
fn an_outbox_reads_back_from_its_json_to_the_millisecond() {
    let events = vec![event("ss", 1_767_225_600_001, None, Some("u")), event("se", 1_767_225_660_999, Some(60_998), None)];
    let text = OutboxRecord::write(&events, 1_767_225_661_000, true);
    let record = OutboxRecord { v: VERSION, seen: 1_767_225_661_000, left: true, events };
    assert_eq!(OutboxRecord::read(&Json::parse(&text)), Some(record));
    assert!(OutboxRecord::left_behind("outbox.tab", Some(&text)));
    assert!(!OutboxRecord::left_behind("session", Some(&text)));
    assert!(!OutboxRecord::left_behind("outbox.tab", Some(&OutboxRecord::write(&[], 1, false))));
}

#[test]
fn an_outbox_that_is_not_ours_reads_as_nothing() {
    let ok = r#"{"v":1,"seen":5,"events":[{"name":"ss","time":1.5,"session_id":"6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b","data":{}}]}"#;
    let read = OutboxRecord::read(&Json::parse(ok)).expect("a minimal outbox");
    assert_eq!((read.seen, read.left, read.events[0].time), (5, false, 1_500));
    for bad in [
        ok.replace(r#""v":1"#, r#""v":2"#),
        ok.replace(r#""name":"ss""#, r#""name":"purchase""#),
        ok.replace(ID, "not-a-uuid"),
        ok.replace(r#""time":1.5"#, r#""time":-1"#),
        ok.replace(r#""data":{}"#, r#""data":{"d":"1"}"#),
        ok.replace(r#""events":["#, r#""events":{"#).replace("}]}", "}}}"),
    ] {
        assert!(OutboxRecord::read(&Json::parse(&bad)).is_none(), "{bad}");
    }
}

#[test]
fn a_device_record_holds_a_v4_uuid_of_this_version() {
    let id = Uuid::parse(ID).unwrap();
    let back = DeviceRecord::read(&Json::parse(&DeviceRecord::new(id).to_json())).unwrap();
    assert_eq!(back.valid_id(), Some(id));
    let other = DeviceRecord::read(&Json::parse(r#"{"v":2,"id":"6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"}"#)).unwrap();
    assert_eq!(other.valid_id(), None);
    assert!(DeviceRecord::read(&Json::parse(r#"{"v":1}"#)).is_none());
}
