//! The SDK's log: silent unless `enableLogging` (or `toggleLogging()`), to the console or to a
//! function the page gives with `setLogger`. Messages are joined from pieces, not formatted:
//! `core::fmt` would weigh more than the engine.

use super::{browser, Local};
use alloc::string::String;
use core::cell::{Cell, RefCell};
use wasm_bindgen::JsValue;

static ENABLED: Local<Cell<bool>> = Local(Cell::new(false));
static SINK: Local<RefCell<Option<js_sys::Function>>> = Local(RefCell::new(None));

pub fn enabled() -> bool {
    ENABLED.0.get()
}

pub fn set_enabled(on: bool) {
    ENABLED.0.set(on);
}

/// A function that receives each message instead of the console; `None` restores the console.
pub fn set_sink(sink: Option<js_sys::Function>) {
    if let Ok(mut slot) = SINK.0.try_borrow_mut() {
        *slot = sink;
    }
}

pub fn info(parts: &[&str]) {
    write("log", parts);
}

pub fn warn(parts: &[&str]) {
    write("warn", parts);
}

pub fn error(parts: &[&str]) {
    write("error", parts);
}

/// `level`: the console method.
fn write(level: &str, parts: &[&str]) {
    if !enabled() {
        return;
    }
    let mut message = String::from("Appboy: ");
    for part in parts {
        message.push_str(part);
    }
    let sink = SINK.0.try_borrow().ok().and_then(|s| s.clone()).map_or(JsValue::UNDEFINED, JsValue::from);
    browser::log(level, &message, &sink);
}
