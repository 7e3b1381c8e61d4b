//! Bindings to `browser.js`, the JavaScript half of the adapter: the reads the core makes
//! (`host.rs`) and one function that carries out each effect (`entry.rs`).

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
    /// The localStorage keys that start with `prefix`.
    #[wasm_bindgen(js_name = storageKeys)]
    pub fn storage_keys(prefix: &str) -> js_sys::Array;
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
    /// `key, value` for each own key of `o`, one after the other.
    pub fn entries(o: &JsValue) -> js_sys::Array;
    /// Keeps a function of the page; its handle.
    pub fn keep(f: &JsValue) -> u32;

    /// Carries out the effects written as `tab::Effects::bytes` gives them.
    pub fn act(effects: &[u8]);
}
