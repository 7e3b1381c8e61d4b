//! What the native tests share.

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
