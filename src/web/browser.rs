//! Bindings to `browser.js`, the JavaScript half of the adapter: the reads the core makes
//! (`host.rs`) and one function that carries out the effects (`entry.rs`). Arrays are read with
//! `length` and `item`, not js-sys's `Array`: linking js-sys kept about fifty of its closure shims
//! in the wasm's table (0.27 KB gzipped).

use alloc::string::String;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/web/browser.js")]
extern "C" {
    /// `None` when absent.
    #[wasm_bindgen(js_name = storageGet)]
    pub fn storage_get(key: &str) -> Option<String>;
    /// Whether localStorage failed on this page, and values live in memory.
    #[wasm_bindgen(js_name = storageDegraded)]
    pub fn storage_degraded() -> bool;
    /// The localStorage keys that start with `prefix`, as an array.
    #[wasm_bindgen(js_name = storageKeys)]
    pub fn storage_keys(prefix: &str) -> JsValue;
    #[wasm_bindgen(js_name = cookieGet)]
    pub fn cookie_get(name: &str) -> Option<String>;
    #[wasm_bindgen(js_name = cookiesEnabled)]
    pub fn cookies_enabled() -> bool;
    pub fn origin() -> String;
    #[wasm_bindgen(js_name = userAgent)]
    pub fn user_agent() -> String;
    #[wasm_bindgen(js_name = randomFill)]
    pub fn random_fill(bytes: &mut [u8]);

    pub fn parse(text: &str) -> JsValue;
    /// `o[key]`, or `undefined` if that throws.
    pub fn field(o: &JsValue, key: &str) -> JsValue;
    /// `key, value` for each own key of `o`, one after the other, as an array.
    pub fn entries(o: &JsValue) -> JsValue;
    /// The length of array `o`; -1 for anything else.
    pub fn length(o: &JsValue) -> i32;
    /// `o[index]`.
    pub fn item(o: &JsValue, index: u32) -> JsValue;
    /// Keeps a function of the page; its handle.
    pub fn keep(f: &JsValue) -> u32;

    /// Carries out the effects written as `tab::Effects::bytes` gives them.
    pub fn act(effects: &[u8]);
}
