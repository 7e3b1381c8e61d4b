//! Persisted state in localStorage under keys namespaced by API key (`appboy.<apiKey>.<name>`),
//! as JSON text (written by `crate::json`, read by the browser's `JSON.parse`). When localStorage
//! is missing or throws (private modes, disabled storage, quota exceeded) the values live in
//! memory for the page's lifetime: `browser.js` keeps them, and says so in the log.

use super::browser;
use super::log::{self, Message};
use crate::stored::Value;
use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::{JsCast, JsValue};

pub struct Storage {
    prefix: String,
}

impl Storage {
    pub fn open(api_key: &str) -> Storage {
        let mut prefix = String::from("appboy.");
        prefix.push_str(api_key);
        prefix.push('.');
        Storage { prefix }
    }

    /// The full localStorage key of `name`.
    pub fn key(&self, name: &str) -> String {
        let mut key = self.prefix.clone();
        key.push_str(name);
        key
    }

    /// Whether `key` (as a `storage` event names it) is one of this SDK's, and which.
    pub fn name_of<'k>(&self, key: &'k str) -> Option<&'k str> {
        key.strip_prefix(self.prefix.as_str())
    }

    /// The names of the stored values that start with `prefix`, as localStorage lists them.
    pub fn names(&self, prefix: &str) -> Vec<String> {
        let mut names = Vec::new();
        for key in browser::storage_keys(&self.key(prefix)).iter() {
            if let Some(name) = key.as_string().as_deref().and_then(|k| self.name_of(k)) {
                names.push(name.into());
            }
        }
        names
    }

    /// Whether the values live in memory (localStorage failed on this page).
    pub fn is_degraded(&self) -> bool {
        browser::storage_degraded()
    }

    pub fn get(&self, name: &str) -> Option<String> {
        browser::storage_get(&self.key(name))
    }

    pub fn set(&self, name: &str, value: &str) {
        browser::storage_set(&self.key(name), value);
    }

    pub fn remove(&self, name: &str) {
        browser::storage_remove(&self.key(name));
    }

    /// Reads a stored record (with its `read` in `crate::stored`).
    pub fn load<T>(&self, name: &str, read: fn(&JsValue) -> Result<T, &'static str>) -> Option<T> {
        self.trust(name, &self.get(name)?, read)
    }

    /// A record of `name` from its JSON text (stored, or in another tab's `storage` event); one
    /// that cannot be trusted is logged, removed and taken as absent.
    pub fn trust<T>(&self, name: &str, text: &str, read: fn(&JsValue) -> Result<T, &'static str>) -> Option<T> {
        read(&browser::parse(text)).map_err(|why| self.discard(name, why)).ok()
    }

    /// Drops a stored value that cannot be trusted, saying why.
    pub fn discard(&self, name: &str, why: &str) {
        log::say_with(Message::Discarding, name, why);
        self.remove(name);
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
        Some(self.dyn_ref::<js_sys::Array>()?.length())
    }

    fn item(&self, index: u32) -> JsValue {
        self.unchecked_ref::<js_sys::Array>().get(index)
    }
}
