//! The persisted record (docs/design.md section 3): versioned, and never trusted when malformed.
//! (Turning stored JSON into a record is the browser adapter's job: tests/web_*.rs.)

use appboy_wasm::engine::*;

const ID: &str = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

fn session(start: f64, last: f64) -> StoredSession {
    StoredSession { id: ID.into(), root: ID.into(), seq: 0, prev: vec![], start, last, ended: false }
}

fn record(session: Option<StoredSession>) -> StateRecord {
    StateRecord { v: RECORD_VERSION, user: Some("u".into()), session }
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
    engine.handle(1_000, Input::ChangeUser("u"));
    engine.handle(2_000, Input::Open);
    engine.handle(200_000, Input::Activity);
    let record = encode_state(engine.state());
    assert_eq!(record.v, RECORD_VERSION);
    assert_eq!(decode_state(record).as_ref(), Ok(engine.state()));
}

#[test]
fn the_record_is_written_as_versioned_json() {
    let mut engine = Engine::new(60_000, [3; 16]);
    engine.handle(1_767_225_600_000, Input::Open);
    let text = encode_state(engine.state()).to_json();
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(value["v"], 1);
    assert_eq!(value["session"]["start"], 1_767_225_600_000u64);
    assert_eq!(value["session"]["ended"], false);
    assert!(value.get("user").is_none());
}
