//! The SDK's log: silent unless `enableLogging` (or `toggleLogging()`), to the console or to a
//! function the page gives with `setLogger`. Messages are joined from pieces, not formatted:
//! `core::fmt` would weigh more than the engine.

use alloc::string::String;
use core::cell::{Cell, RefCell};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = console, js_name = log)]
    fn console_log(message: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = console, js_name = warn)]
    fn console_warn(message: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(catch, js_namespace = console, js_name = error)]
    fn console_error(message: &str) -> Result<(), JsValue>;
}

thread_local! {
    static ENABLED: Cell<bool> = const { Cell::new(false) };
    static SINK: RefCell<Option<js_sys::Function>> = const { RefCell::new(None) };
}

#[derive(Clone, Copy)]
enum Level {
    Info,
    Warn,
    Error,
}

pub fn enabled() -> bool {
    ENABLED.with(Cell::get)
}

pub fn set_enabled(on: bool) {
    ENABLED.with(|e| e.set(on));
}

/// A function that receives each message instead of the console; `None` restores the console.
pub fn set_sink(sink: Option<js_sys::Function>) {
    SINK.with(|s| *s.borrow_mut() = sink);
}

pub fn info(parts: &[&str]) {
    write(Level::Info, parts);
}

pub fn warn(parts: &[&str]) {
    write(Level::Warn, parts);
}

pub fn error(parts: &[&str]) {
    write(Level::Error, parts);
}

fn write(level: Level, parts: &[&str]) {
    if !enabled() {
        return;
    }
    let mut message = String::from("Appboy: ");
    for part in parts {
        message.push_str(part);
    }
    // A logger that throws is the page's problem, not a reason to throw into it.
    let sink = SINK.with(|s| s.borrow().clone());
    let _ = match sink {
        Some(f) => f.call1(&JsValue::NULL, &JsValue::from_str(&message)).map(drop),
        None => match level {
            Level::Info => console_log(&message),
            Level::Warn => console_warn(&message),
            Level::Error => console_error(&message),
        },
    };
}
