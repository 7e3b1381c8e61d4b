//! What the native tests share. (Each test crate uses part of it.)
#![allow(dead_code)]

use appboy_wasm::engine::{Datapoint, Kind, Millis, Uuid};
use appboy_wasm::tab::Host;
use std::cell::Cell;
use std::collections::BTreeMap;

/// Datapoint `n` of a test: an `ss` (or an `se` lasting 0) of session `n`, at `t0 + n`.
pub fn datapoint(name: &str, n: usize, t0: Millis) -> Datapoint {
    Datapoint {
        kind: if name == "ss" { Kind::Start } else { Kind::End { duration: 0 } },
        time: t0 + n as u64,
        session_id: Uuid::parse(&format!("{n:08}-0000-4000-8000-000000000000")).unwrap(),
        user_id: None,
    }
}

/// A value parsed by serde_json, read by the records as the SDK reads the browser's `JSON.parse`.
pub struct Json(pub serde_json::Value);

impl Json {
    pub fn parse(text: &str) -> Json {
        Json(serde_json::from_str(text).unwrap_or(serde_json::Value::Null))
    }
}

impl appboy_wasm::stored::Value for Json {
    fn get(&self, key: &str) -> Json {
        Json(self.0.get(key).cloned().unwrap_or(serde_json::Value::Null))
    }

    fn is_absent(&self) -> bool {
        self.0.is_null()
    }

    fn as_string(&self) -> Option<String> {
        self.0.as_str().map(String::from)
    }

    fn as_f64(&self) -> Option<f64> {
        self.0.as_f64()
    }

    fn as_bool(&self) -> Option<bool> {
        self.0.as_bool()
    }

    fn length(&self) -> Option<u32> {
        self.0.as_array().map(|a| a.len() as u32)
    }

    fn item(&self, index: u32) -> Json {
        Json(self.0[index as usize].clone())
    }
}

/// The browser as a tab's core sees it (`tab::Host`), over maps: one origin's localStorage and the
/// site's cookies, with randomness from a seed.
pub struct MapHost<'a> {
    pub storage: &'a BTreeMap<String, String>,
    pub cookies: &'a BTreeMap<String, String>,
    pub origin: &'a str,
    pub user_agent: &'a str,
    pub seed: Cell<u64>,
}

impl Host for MapHost<'_> {
    type Value = Json;

    fn get(&self, key: &str) -> Option<String> {
        self.storage.get(key).cloned()
    }

    fn keys(&self, prefix: &str) -> Vec<String> {
        self.storage.keys().filter(|k| k.starts_with(prefix)).cloned().collect()
    }

    fn parse(&self, text: &str) -> Json {
        Json::parse(text)
    }

    fn degraded(&self) -> bool {
        false
    }

    fn cookie(&self, name: &str) -> Option<String> {
        self.cookies.get(name).cloned()
    }

    fn cookies(&self) -> bool {
        true
    }

    fn origin(&self) -> String {
        self.origin.into()
    }

    fn user_agent(&self) -> String {
        self.user_agent.into()
    }

    /// splitmix64, twice.
    fn random(&self) -> [u8; 16] {
        let mut bytes = [0; 16];
        for half in bytes.chunks_mut(8) {
            self.seed.set(self.seed.get().wrapping_add(0x9e37_79b9_7f4a_7c15));
            let mut z = self.seed.get();
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            half.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
        }
        bytes
    }
}
