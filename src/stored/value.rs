//! Reading a record back: from a parsed JSON value, whatever parsed it (the browser's `JSON.parse`
//! in the SDK, so that no JSON parser is in the wasm; serde_json in the native tests). Anything of
//! the wrong shape reads as `None`; what the values mean is checked by the records.

use alloc::string::String;
use alloc::vec::Vec;

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

/// `Some(None)` when absent, `None` when present but not of the type.
pub(super) fn optional<V: Value, T>(value: V, read: impl FnOnce(&V) -> Option<T>) -> Option<Option<T>> {
    if value.is_absent() {
        Some(None)
    } else {
        read(&value).map(Some)
    }
}

pub(super) fn version(object: &impl Value) -> Option<u32> {
    object.get("v").as_f64().filter(|v| *v >= 0.0 && *v <= u32::MAX as f64).map(|v| v as u32)
}

pub(super) fn array<V: Value, T>(value: &V, read: impl Fn(&V) -> Option<T>) -> Option<Vec<T>> {
    let mut items = Vec::new();
    for index in 0..value.length()? {
        items.push(read(&value.item(index))?);
    }
    Some(items)
}
