//! The `appboy` object of design.md section 2: static methods on an exported class. Arguments
//! arrive as plain `JsValue`s so that wrong types reach Rust (and are logged) instead of throwing
//! in the generated glue; nothing here panics or lets a JavaScript exception through.

use super::sdk::{self, Call, Unavailable};
use super::log;
use alloc::string::String;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Braze's limit on user ids, in bytes.
const MAX_USER_ID_BYTES: usize = 997;

#[wasm_bindgen(js_name = appboy)]
pub struct Appboy;

fn not_initialized(name: &str) {
    log::warn(&[name, " was called before initialize(); ignoring it"]);
}

/// Runs `call`, logging when there is no SDK to run it on.
fn on_sdk(name: &str, call: Call) -> Option<String> {
    match sdk::call(call) {
        Ok(answer) => answer,
        Err(Unavailable::NotInitialized) => {
            not_initialized(name);
            None
        }
        Err(Unavailable::Busy) => {
            log::warn(&[name, " was called from inside an SDK callback; ignoring it"]);
            None
        }
    }
}

#[wasm_bindgen(js_class = appboy)]
impl Appboy {
    /// Initializes the SDK; whether it is initialized afterwards.
    pub fn initialize(api_key: JsValue, options: JsValue) -> bool {
        if sdk::is_initialized() {
            log::warn(&["initialize() was called again; keeping the first configuration"]);
            return true;
        }
        let Some(key) = api_key.as_string().filter(|k| !k.trim_ascii().is_empty()) else {
            // Shown even with logging off: without a key nothing else can work.
            let was = log::enabled();
            log::set_enabled(true);
            log::error(&["initialize() needs the API key as a non-empty string"]);
            log::set_enabled(was);
            return false;
        };
        sdk::install(key, &options)
    }

    #[wasm_bindgen(js_name = openSession)]
    pub fn open_session() {
        on_sdk("openSession()", Call::Open);
    }

    #[wasm_bindgen(js_name = changeUser)]
    pub fn change_user(user_id: JsValue) {
        let Some(user) = user_id.as_string().filter(|u| !u.is_empty() && u.len() <= MAX_USER_ID_BYTES) else {
            log::error(&["changeUser() needs a non-empty string of at most 997 bytes"]);
            return;
        };
        on_sdk("changeUser()", Call::ChangeUser(&user));
    }

    #[wasm_bindgen(js_name = requestImmediateDataFlush)]
    pub fn request_immediate_data_flush() {
        on_sdk("requestImmediateDataFlush()", Call::Flush);
    }

    #[wasm_bindgen(js_name = getDeviceId)]
    pub fn get_device_id() -> Option<String> {
        on_sdk("getDeviceId()", Call::DeviceId)
    }

    #[wasm_bindgen(js_name = getUserId)]
    pub fn get_user_id() -> Option<String> {
        on_sdk("getUserId()", Call::UserId)
    }

    #[wasm_bindgen(js_name = getSessionId)]
    pub fn get_session_id() -> Option<String> {
        on_sdk("getSessionId()", Call::SessionId)
    }

    /// Calls `callback` with `{id, startedAt, lastActivityAt, expiresAt}` (Unix ms) whenever the
    /// session changes, and with `null` when it ends; returns the subscription's id.
    #[wasm_bindgen(js_name = subscribeToSessionUpdates)]
    pub fn subscribe_to_session_updates(callback: JsValue) -> Option<String> {
        let Some(callback) = callback.dyn_into::<js_sys::Function>().ok() else {
            log::error(&["subscribeToSessionUpdates() needs a function"]);
            return None;
        };
        on_sdk("subscribeToSessionUpdates()", Call::Subscribe(callback))
    }

    #[wasm_bindgen(js_name = removeSubscription)]
    pub fn remove_subscription(id: JsValue) {
        let id = id.as_string().unwrap_or_default();
        if !sdk::is_initialized() {
            return not_initialized("removeSubscription()");
        }
        if on_sdk("removeSubscription()", Call::Unsubscribe(&id)).is_none() {
            log::warn(&["removeSubscription(): no subscription ", &id]);
        }
    }

    #[wasm_bindgen(js_name = toggleLogging)]
    pub fn toggle_logging() {
        log::set_enabled(!log::enabled());
        log::info(&["logging enabled"]);
    }

    /// Sends log messages to `logger(message)` instead of the console; `null` restores the console.
    #[wasm_bindgen(js_name = setLogger)]
    pub fn set_logger(logger: JsValue) {
        match logger.dyn_into::<js_sys::Function>() {
            Ok(f) => log::set_sink(Some(f)),
            Err(other) if other.is_null() || other.is_undefined() => log::set_sink(None),
            Err(_) => log::error(&["setLogger() needs a function or null"]),
        }
    }

    #[wasm_bindgen(js_name = wipeData)]
    pub fn wipe_data() {
        on_sdk("wipeData()", Call::Wipe);
    }

    /// Stops the SDK: timers, listeners and subscriptions go; `initialize` may be called again.
    pub fn destroy() {
        if !sdk::uninstall() {
            not_initialized("destroy()");
        }
    }
}
