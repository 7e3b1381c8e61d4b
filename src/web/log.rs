//! The SDK's log: silent unless `enableLogging` (or `toggleLogging()`), to the console or to a
//! function the page gives with `setLogger`. Messages are joined from pieces, not formatted:
//! `core::fmt` would weigh more than the engine.

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

#[derive(Clone, Copy)]
pub enum Level {
    Info,
    Warn,
    Error,
}

#[derive(Default)]
pub struct Log {
    enabled: Cell<bool>,
    sink: RefCell<Option<js_sys::Function>>,
}

impl Log {
    pub fn enabled(&self) -> bool {
        self.enabled.get()
    }

    pub fn set_enabled(&self, on: bool) {
        self.enabled.set(on);
    }

    /// A function that receives each message instead of the console; `None` restores the console.
    pub fn set_sink(&self, sink: Option<js_sys::Function>) {
        *self.sink.borrow_mut() = sink;
    }

    pub fn info(&self, parts: &[&str]) {
        self.write(Level::Info, parts);
    }

    pub fn warn(&self, parts: &[&str]) {
        self.write(Level::Warn, parts);
    }

    pub fn error(&self, parts: &[&str]) {
        self.write(Level::Error, parts);
    }

    fn write(&self, level: Level, parts: &[&str]) {
        if !self.enabled.get() {
            return;
        }
        let mut message = alloc::string::String::from("Appboy: ");
        for part in parts {
            message.push_str(part);
        }
        // A logger that throws is the page's problem, not a reason to throw into it.
        let sink = self.sink.borrow().clone();
        let _ = match sink {
            Some(f) => f.call1(&JsValue::NULL, &JsValue::from_str(&message)).map(drop),
            None => match level {
                Level::Info => console_log(&message),
                Level::Warn => console_warn(&message),
                Level::Error => console_error(&message),
            },
        };
    }
}
