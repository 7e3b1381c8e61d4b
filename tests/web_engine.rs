//! The engine driven through the browser's clock, crypto and localStorage, in headless Chromium.
#![cfg(target_arch = "wasm32")]

use appboy_wasm::engine::State;
use appboy_wasm::engine::{Engine, Input, Kind};
use appboy_wasm::stored::{read_state, write_state};
use appboy_wasm::web::{clock, random, storage::Storage};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn local() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

#[wasm_bindgen_test]
fn the_browser_clock_reads_unix_milliseconds() {
    let now = clock::now();
    assert!(now > 1_700_000_000_000, "{now}");
    assert!(clock::now() >= now);
}

#[wasm_bindgen_test]
fn random_bytes_differ_between_calls() {
    assert_ne!(random::bytes(), random::bytes());
}

#[wasm_bindgen_test]
fn a_session_persisted_in_local_storage_is_continued_by_the_next_page() {
    local().clear().unwrap();
    let store = Storage::open("key-a");
    let mut page1 = Engine::new(60_000, random::bytes());
    let t = clock::now();
    let out = page1.handle(t, Input::Open);
    assert_eq!(out.datapoints[0].kind, Kind::Start);
    assert!(out.persist);
    store.set("session", &write_state(page1.state()));

    let raw = local().get_item("appboy.key-a.session").unwrap().expect("namespaced key written");
    assert!(raw.starts_with("{\"v\":1,"), "{raw}");

    // The next page load, 10 s later: same session, no datapoint.
    let mut page2 = Engine::new(60_000, random::bytes());
    let state = store.load("session", read).unwrap();
    let _ = page2.handle(t, Input::Restore(state));
    assert!(page2.handle(t + 10_000, Input::Open).datapoints.is_empty());
    assert_eq!(page2.session().map(|s| s.id), page1.session().map(|s| s.id));

    // And after the timeout: the end is dated at the first page's activity.
    let out = page2.handle(t + 10_000 + 60_000, Input::Shown);
    assert_eq!(out.datapoints[0].time, t + 10_000);
    assert_eq!(out.datapoints[1].kind, Kind::Start);
}

#[wasm_bindgen_test]
fn a_corrupt_stored_value_is_discarded() {
    local().set_item("appboy.key-b.session", "{not json").unwrap();
    let store = Storage::open("key-b");
    assert!(store.load("session", read).is_none());
    assert_eq!(local().get_item("appboy.key-b.session").unwrap(), None);
}

#[wasm_bindgen_test]
fn keys_of_other_api_keys_are_left_alone() {
    local().set_item("appboy.other.session", "x").unwrap();
    let store = Storage::open("key-c");
    store.set("session", "y");
    assert_eq!(local().get_item("appboy.other.session").unwrap().as_deref(), Some("x"));
    assert_eq!(store.name_of("appboy.key-c.session"), Some("session"));
    assert_eq!(store.name_of("appboy.other.session"), None);
}

fn read(value: &wasm_bindgen::JsValue) -> Result<State, &'static str> {
    read_state(value).map_err(|why| why.reason())
}
