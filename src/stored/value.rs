//! Reading a record back: from a parsed JSON value, whatever parsed it (the browser's `JSON.parse`
//! in the SDK, so that no JSON parser is in the wasm; serde_json in the native tests). Anything of
//! the wrong shape reads as `None`; what the values mean is checked by the records.

use alloc::string::String;

pub trait Value: Sized {
    /// The member `key` of an object; an absent value for anything else.
    fn get(&self, key: &str) -> Self;
    /// `undefined` or `null`.
    fn is_absent(&self) -> bool;
    fn as_string(&self) -> Option<String>;
    fn as_f64(&self) -> Option<f64>;
    fn as_bool(&self) -> Option<bool>;
    /// The length of an array; `None` for anything else.
    fn length(&self) -> Option<u32>;
    /// Item `index` of an array.
    fn item(&self, index: u32) -> Self;
}

pub(super) fn version(object: &impl Value) -> Option<u32> {
    object.get("v").as_f64().filter(|v| *v >= 0.0 && *v <= u32::MAX as f64).map(|v| v as u32)
}
