//! What the native tests share. (Each test crate uses part of it.)
#![allow(dead_code)]

use appboy_wasm::engine::{Datapoint, Kind, Millis, Uuid};

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
