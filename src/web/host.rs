//! The core's reads (`tab::Host`), answered by the browser through `browser.js`: localStorage (or,
//! once it failed on this page, the values `browser.js` keeps in memory), cookies, randomness,
//! and JSON parsed by the browser's `JSON.parse`, so that no JSON parser is in the wasm.

use super::browser;
use crate::stored::Value;
use crate::tab::Host;
use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::JsValue;

pub struct Browser;

impl Host for Browser {
    type Value = JsValue;

    fn get(&self, key: &str) -> Option<String> {
        browser::storage_get(key)
    }

    fn keys(&self, prefix: &str) -> Vec<String> {
        let keys = browser::storage_keys(prefix);
        let mut found = Vec::new();
        for i in 0..browser::length(&keys).max(0) as u32 {
            if let Some(key) = browser::item(&keys, i).as_string() {
                found.push(key);
            }
        }
        found
    }

    fn parse(&self, text: &str) -> JsValue {
        browser::parse(text)
    }

    fn degraded(&self) -> bool {
        browser::storage_degraded()
    }

    fn cookie(&self, name: &str) -> Option<String> {
        browser::cookie_get(name)
    }

    fn cookies(&self) -> bool {
        browser::cookies_enabled()
    }

    fn origin(&self) -> String {
        browser::origin()
    }

    fn user_agent(&self) -> String {
        browser::user_agent()
    }

    fn random(&self) -> [u8; 16] {
        let mut bytes = [0; 16];
        browser::random_fill(&mut bytes);
        bytes
    }
}

/// What `JSON.parse` gives, read without trusting it (`browser::field` catches getters that throw).
impl Value for JsValue {
    fn get(&self, key: &str) -> JsValue {
        browser::field(self, key)
    }

    fn is_absent(&self) -> bool {
        self.is_undefined() || self.is_null()
    }

    fn as_string(&self) -> Option<String> {
        JsValue::as_string(self)
    }

    fn as_f64(&self) -> Option<f64> {
        JsValue::as_f64(self)
    }

    fn as_bool(&self) -> Option<bool> {
        JsValue::as_bool(self)
    }

    fn length(&self) -> Option<u32> {
        u32::try_from(browser::length(self)).ok()
    }

    fn item(&self, index: u32) -> JsValue {
        browser::item(self, index)
    }
}
