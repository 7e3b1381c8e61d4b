//! The persisted record (design.md section 3): versioned, and never trusted when malformed.

use appboy_wasm::engine::*;

const ID: &str = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

fn record(json: &str) -> Result<State, Rejected> {
    decode_state(serde_json::from_str(json).expect("well-formed JSON"))
}

#[test]
fn a_valid_record_decodes() {
    let json = format!(r#"{{"v":1,"user":"u","session":{{"id":"{ID}","root":"{ID}","seq":0,"start":1000,"last":2000}}}}"#);
    let state = record(&json).unwrap();
    let session = state.session.unwrap();
    assert_eq!((session.started_at, session.last_activity, session.ended), (1000, 2000, false));
    assert_eq!(state.user_id.as_deref(), Some("u"));
}

#[test]
fn an_empty_record_is_no_session() {
    assert_eq!(record(r#"{"v":1}"#), Ok(State::default()));
}

#[test]
fn another_version_is_refused() {
    assert_eq!(record(r#"{"v":2}"#), Err(Rejected::Version));
}

#[test]
fn malformed_ids_are_refused() {
    for (id, root, prev) in [("nope", ID, "[]"), (ID, "x", "[]"), (ID, ID, r#"["zz"]"#)] {
        let json = format!(r#"{{"v":1,"session":{{"id":"{id}","root":"{root}","seq":0,"prev":{prev},"start":1,"last":1}}}}"#);
        assert_eq!(record(&json), Err(Rejected::Id), "{json}");
    }
    let nine = vec![format!("\"{ID}\""); 9].join(",");
    let json = format!(r#"{{"v":1,"session":{{"id":"{ID}","root":"{ID}","seq":9,"prev":[{nine}],"start":1,"last":1}}}}"#);
    assert_eq!(record(&json), Err(Rejected::Id));
}

#[test]
fn impossible_times_are_refused() {
    for (start, last) in [("5", "4"), ("-1", "4"), ("1.5", "4"), ("1", "1e300")] {
        let json = format!(r#"{{"v":1,"session":{{"id":"{ID}","root":"{ID}","seq":0,"start":{start},"last":{last}}}}}"#);
        assert_eq!(record(&json), Err(Rejected::Time), "{json}");
    }
}

#[test]
fn encoding_is_versioned() {
    assert_eq!(encode_state(&State::default()).v, RECORD_VERSION);
}
