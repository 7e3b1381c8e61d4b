//! The browser adapter (`src/web/`) in headless Chromium: the core's reads answered by the real
//! localStorage, cookies and crypto, and its effects carried out by `browser.js`, through the one
//! export the package calls.
#![cfg(target_arch = "wasm32")]

use appboy_wasm::tab::{Host, Method};
use appboy_wasm::web::{entry::handle, host::Browser};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn local() -> web_sys::Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn call(method: Method, a: JsValue, b: JsValue, now: f64) -> JsValue {
    handle(method as u32, a, b, JsValue::UNDEFINED, JsValue::UNDEFINED, now)
}

fn options(timeout: f64) -> JsValue {
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"sessionTimeoutInSeconds".into(), &timeout.into()).unwrap();
    o.into()
}

#[wasm_bindgen_test]
fn the_host_reads_storage_and_makes_random_bytes() {
    local().set_item("appboy.host.x", "1").unwrap();
    assert_eq!(Browser.get("appboy.host.x").as_deref(), Some("1"));
    assert_eq!(Browser.get("appboy.host.absent"), None);
    assert!(Browser.keys("appboy.host.").contains(&"appboy.host.x".to_string()));
    assert_ne!(Browser.random(), Browser.random());
    assert!(Browser.origin().starts_with("http"));
}

#[wasm_bindgen_test]
fn a_session_is_written_to_local_storage_continued_and_ended_at_the_last_activity() {
    local().clear().unwrap();
    let t = 1_767_225_600_000.0;
    assert_eq!(call(Method::Initialize, "key-a".into(), options(60.0), t), JsValue::TRUE);
    call(Method::OpenSession, JsValue::UNDEFINED, JsValue::UNDEFINED, t);
    let raw = local().get_item("appboy.key-a.session").unwrap().expect("namespaced key written");
    assert!(raw.starts_with("{\"v\":1,"), "{raw}");
    assert!(local().get_item("appboy.key-a.device").unwrap().is_some());
    let first = call(Method::GetSessionId, JsValue::UNDEFINED, JsValue::UNDEFINED, t).as_string().unwrap();

    // Within the timeout: the same session.
    call(Method::OpenSession, JsValue::UNDEFINED, JsValue::UNDEFINED, t + 10_000.0);
    assert_eq!(call(Method::GetSessionId, JsValue::UNDEFINED, JsValue::UNDEFINED, t + 10_000.0).as_string().unwrap(), first);

    // After it: a new one, and the outbox holds the end dated at the last activity.
    call(Method::OpenSession, JsValue::UNDEFINED, JsValue::UNDEFINED, t + 80_000.0);
    assert_ne!(call(Method::GetSessionId, JsValue::UNDEFINED, JsValue::UNDEFINED, t + 80_000.0).as_string().unwrap(), first);
    let outbox = (0..local().length().unwrap())
        .filter_map(|i| local().key(i).unwrap())
        .find(|k| k.starts_with("appboy.key-a.outbox."))
        .and_then(|k| local().get_item(&k).unwrap())
        .expect("an outbox");
    assert!(outbox.contains(&format!("{{\"name\":\"se\",\"time\":1767225610,\"session_id\":\"{first}\"")), "{outbox}");
    call(Method::Destroy, JsValue::UNDEFINED, JsValue::UNDEFINED, t + 80_000.0);
}

#[wasm_bindgen_test]
fn a_corrupt_stored_value_is_discarded_and_other_keys_are_left_alone() {
    local().set_item("appboy.key-b.session", "{not json").unwrap();
    local().set_item("appboy.other.session", "x").unwrap();
    assert_eq!(call(Method::Initialize, "key-b".into(), JsValue::UNDEFINED, 1_767_225_600_000.0), JsValue::TRUE);
    assert_eq!(local().get_item("appboy.key-b.session").unwrap(), None);
    assert_eq!(local().get_item("appboy.other.session").unwrap().as_deref(), Some("x"));
    call(Method::Destroy, JsValue::UNDEFINED, JsValue::UNDEFINED, 1_767_225_600_000.0);
}
