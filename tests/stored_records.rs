//! The persisted records (docs/design.md section 3): versioned JSON, written by `src/stored/` and
//! read back by it (here from serde_json's parse, in the browser from `JSON.parse`), never trusted
//! when malformed.

mod support;

use appboy_wasm::engine::*;
use appboy_wasm::stored::*;
use serde_json::{json, Value as Json};
use support::Json as Parsed;

const ID: &str = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

/// A stored session record, as JSON, with `session` changed as `edit` says.
fn record(edit: impl FnOnce(&mut Json)) -> Json {
    let mut session = json!({"id": ID, "root": ID, "seq": 0, "prev": [], "start": 1000, "last": 2000, "ended": false});
    edit(&mut session);
    json!({"v": 1, "user": "u", "session": session})
}

fn read(record: &Json) -> Result<State, Rejected> {
    read_state(&Parsed(record.clone()))
}

#[test]
fn a_valid_record_reads() {
    let state = read(&record(|_| {})).unwrap();
    let s = state.session.unwrap();
    assert_eq!((s.started_at, s.last_activity, s.ended, s.seq), (1000, 2000, false, 0));
    assert_eq!(state.user_id.as_deref(), Some("u"));
}

#[test]
fn a_record_without_session_or_user_is_none_of_them() {
    let state = read(&json!({"v": 1})).unwrap();
    assert_eq!((state.session, state.user_id), (None, None));
    let state = read(&json!({"v": 1, "user": null, "session": null})).unwrap();
    assert_eq!((state.session, state.user_id), (None, None));
}

#[test]
fn another_version_is_refused() {
    assert_eq!(read(&json!({"v": 2})), Err(Rejected::Version));
}

#[test]
fn malformed_ids_are_refused() {
    let edits: [fn(&mut Json); 4] =
        [|s| s["id"] = json!("nope"), |s| s["root"] = json!("x"), |s| s["prev"] = json!(["zz"]), |s| s["prev"] = json!(vec![ID; 9])];
    for edit in edits {
        assert_eq!(read(&record(edit)), Err(Rejected::Id));
    }
}

#[test]
fn impossible_times_are_refused() {
    for (start, last) in [(json!(5), json!(4)), (json!(-1), json!(4)), (json!(1.5), json!(4)), (json!(1), json!(1e300))] {
        assert_eq!(read(&record(|s| (s["start"], s["last"]) = (start.clone(), last.clone()))), Err(Rejected::Time), "{start} {last}");
    }
}

#[test]
fn records_of_the_wrong_shape_are_unreadable() {
    let shapes = [json!({"v": "1"}), json!({"v": 1, "user": 7}), json!({"v": 1, "session": {"id": ID}}), json!([1]), json!(7)];
    for shape in shapes {
        assert_eq!(read(&shape), Err(Rejected::Shape), "{shape}");
    }
    assert_eq!(read(&record(|s| s["ended"] = json!("yes"))), Err(Rejected::Shape));
    assert_eq!(read_state(&Parsed::parse("{not json")), Err(Rejected::Shape));
}

#[test]
fn the_state_is_written_as_versioned_json_and_reads_back() {
    let mut engine = Engine::new(60_000, [3; 16]);
    let _ = engine.handle(1_767_225_600_000, Input::ChangeUser("ü\"1"));
    let _ = engine.handle(1_767_225_600_123, Input::Open);
    let _ = engine.handle(1_767_225_630_000, Input::Activity);
    let text = write_state(engine.state());
    let value: Json = serde_json::from_str(&text).unwrap();
    assert_eq!(value["v"], 1);
    assert_eq!(value["user"], "ü\"1");
    assert_eq!(value["session"]["start"], 1_767_225_600_123u64);
    assert_eq!(value["session"]["last"], 1_767_225_630_000u64);
    assert_eq!(value["session"]["ended"], false);
    assert_eq!(read_state(&Parsed::parse(&text)).as_ref(), Ok(engine.state()));
    let anonymous = write_state(&State::default());
    assert_eq!(serde_json::from_str::<Json>(&anonymous).unwrap(), json!({"v": 1}));
}

fn datapoint(kind: Kind, time: Millis, user: Option<&str>) -> Datapoint {
    Datapoint { kind, time, session_id: Uuid::parse(ID).unwrap(), user_id: user.map(String::from) }
}

#[test]
fn an_outbox_reads_back_from_its_json_to_the_millisecond() {
    let events =
        vec![datapoint(Kind::Start, 1_767_225_600_001, Some("u")), datapoint(Kind::End { duration: 60_998 }, 1_767_225_660_999, None)];
    let text = OutboxRecord::write(&events, 1_767_225_661_000, true);
    let record = OutboxRecord { v: VERSION, seen: 1_767_225_661_000, left: true, events };
    assert_eq!(OutboxRecord::read(&Parsed::parse(&text)), Ok(record));
    assert!(OutboxRecord::left_behind("outbox.tab", Some(&text)));
    assert!(!OutboxRecord::left_behind("session", Some(&text)));
    assert!(!OutboxRecord::left_behind("outbox.tab", Some(&OutboxRecord::write(&[], 1, false))));
}

#[test]
fn an_outbox_that_is_not_ours_reads_as_nothing() {
    let ok = r#"{"v":1,"seen":5,"events":[{"name":"ss","time":1.5,"session_id":"6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b","data":{}}]}"#;
    let read = OutboxRecord::read(&Parsed::parse(ok)).expect("a minimal outbox");
    assert_eq!((read.seen, read.left, read.events[0].time), (5, false, 1_500));
    for bad in [
        ok.replace(r#""v":1"#, r#""v":2"#),
        ok.replace(r#""name":"ss""#, r#""name":"purchase""#),
        ok.replace(r#""name":"ss""#, r#""name":"se""#),
        ok.replace(ID, "not-a-uuid"),
        ok.replace(r#""time":1.5"#, r#""time":-1"#),
        ok.replace(r#""seen":5"#, r#""seen":"5""#),
        ok.replace(r#""events":["#, r#""events":{"#).replace("}]}", "}}}"),
    ] {
        assert!(OutboxRecord::read(&Parsed::parse(&bad)).is_err(), "{bad}");
    }
}

#[test]
fn a_device_record_holds_a_v4_uuid_of_this_version() {
    let id = Uuid::parse(ID).unwrap();
    assert_eq!(read_device(&Parsed::parse(&write_device(id))), Ok(id));
    assert!(read_device(&Parsed(json!({"v": 2, "id": ID}))).is_err());
    assert!(read_device(&Parsed(json!({"v": 1}))).is_err());
    assert!(read_device(&Parsed(json!({"v": 1, "id": "6f1c2a3b"}))).is_err());
}
