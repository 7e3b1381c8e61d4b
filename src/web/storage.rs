//! Persisted state in localStorage under keys namespaced by API key (`appboy.<apiKey>.<name>`),
//! with JSON made by the browser's own `JSON`. When localStorage is missing or throws (private
//! modes, disabled storage, quota exceeded) the values live in memory for the page's lifetime.

use super::log::Log;
use alloc::collections::BTreeMap;
use alloc::string::String;
use core::cell::{Cell, RefCell};
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::JsValue;

pub struct Storage {
    prefix: String,
    local: Option<web_sys::Storage>,
    /// localStorage failed once: from then on this page keeps its values here.
    degraded: Cell<bool>,
    memory: RefCell<BTreeMap<String, String>>,
}

impl Storage {
    pub fn open(api_key: &str, log: &Log) -> Storage {
        let local = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
        if local.is_none() {
            log.warn(&["localStorage is unavailable; session state is kept in memory for this page"]);
        }
        Storage { prefix: key_prefix(api_key), local, degraded: Cell::new(false), memory: RefCell::default() }
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

    pub fn is_degraded(&self) -> bool {
        self.local.is_none() || self.degraded.get()
    }

    pub fn get(&self, name: &str, log: &Log) -> Option<String> {
        let key = self.key(name);
        if let Some(local) = self.local.as_ref().filter(|_| !self.degraded.get()) {
            match local.get_item(&key) {
                Ok(value) => return value,
                Err(_) => self.degrade(log, "read"),
            }
        }
        // Degraded: what this page wrote since, else what localStorage still holds.
        let written = self.memory.borrow().get(&key).cloned();
        written.or_else(|| self.local.as_ref()?.get_item(&key).ok().flatten())
    }

    pub fn set(&self, name: &str, value: &str, log: &Log) {
        let key = self.key(name);
        if let Some(local) = self.local.as_ref().filter(|_| !self.degraded.get()) {
            if local.set_item(&key, value).is_ok() {
                return;
            }
            self.degrade(log, "write");
        }
        self.memory.borrow_mut().insert(key, value.into());
    }

    pub fn remove(&self, name: &str) {
        let key = self.key(name);
        if let Some(local) = &self.local {
            let _ = local.remove_item(&key);
        }
        self.memory.borrow_mut().remove(&key);
    }

    /// Reads and decodes a value; one that is not valid JSON of the expected shape is logged,
    /// removed and taken as absent.
    pub fn load<T: DeserializeOwned>(&self, name: &str, log: &Log) -> Option<T> {
        let text = self.get(name, log)?;
        match parse::<T>(&text) {
            Some(value) => Some(value),
            None => {
                self.discard(name, log, "unreadable");
                None
            }
        }
    }

    pub fn save<T: Serialize>(&self, name: &str, value: &T, log: &Log) {
        if let Some(text) = stringify(value) {
            self.set(name, &text, log);
        }
    }

    /// Drops a stored value that cannot be trusted, saying why.
    pub fn discard(&self, name: &str, log: &Log, why: &str) {
        log.warn(&["discarding stored ", name, " (", why, ")"]);
        self.remove(name);
    }

    fn degrade(&self, log: &Log, what: &str) {
        if !self.degraded.replace(true) {
            log.warn(&["localStorage ", what, " failed; session state is kept in memory for this page"]);
        }
    }
}

pub fn key_prefix(api_key: &str) -> String {
    let mut prefix = String::from("appboy.");
    prefix.push_str(api_key);
    prefix.push('.');
    prefix
}

/// JSON text to a Rust value, through the browser's parser.
pub fn parse<T: DeserializeOwned>(text: &str) -> Option<T> {
    let value = js_sys::JSON::parse(text).ok()?;
    serde_wasm_bindgen::from_value(value).ok()
}

/// A Rust value to JSON text, through the browser's serializer.
pub fn stringify<T: Serialize>(value: &T) -> Option<String> {
    let value: JsValue = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).ok()?;
    js_sys::JSON::stringify(&value).ok()?.as_string()
}
