//! The `appboy` object of design.md section 2: static methods on an exported class. Arguments
//! arrive as plain `JsValue`s so that wrong types reach Rust (and are logged) instead of throwing
//! in the generated glue; nothing here panics or lets a JavaScript exception through.

use super::log;
use super::sdk::{self, Call, Unavailable};
use alloc::string::String;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// Braze's limit on user ids, in bytes.
const MAX_USER_ID_BYTES: usize = 997;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** Options of `appboy.initialize`. Unknown options are ignored with a logged warning. */
export interface InitializationOptions {
  /** Inactivity, in seconds, after which a session ends. Default 1800; below 1 is raised to 1. */
  sessionTimeoutInSeconds?: number;
  /** Where datapoints go: `https://` is added without a scheme, `/api/v3` without a path. Default: the page's origin. */
  baseUrl?: string;
  /** Log to the console (or to `setLogger`'s function). Default false. */
  enableLogging?: boolean;
  /** Seconds between retries while datapoints wait to be sent. Default 10, at least 1. */
  flushIntervalInSeconds?: number;
}

/** The open session, as `subscribeToSessionUpdates` reports it; times are Unix milliseconds. */
export interface SessionUpdate {
  id: string;
  startedAt: number;
  lastActivityAt: number;
  /** When the session ends unless there is activity before. */
  expiresAt: number;
}
"#;

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

/// Initializes the SDK with the app's API key and options (or the session timeout in seconds).
/// Returns whether the SDK is initialized; a second call keeps the first configuration.
#[wasm_bindgen(js_namespace = appboy)]
pub fn initialize(
    #[wasm_bindgen(unchecked_param_type = "string")] api_key: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "InitializationOptions | number")] options: Option<JsValue>,
) -> bool {
    if sdk::is_initialized() {
        log::warn(&["initialize() again: the first configuration stays"]);
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
    sdk::install(key, &options.unwrap_or(JsValue::UNDEFINED))
}

/// Starts a session, or continues the open one: call it on every page load.
#[wasm_bindgen(js_namespace = appboy, js_name = openSession)]
pub fn open_session() {
    on_sdk("openSession()", Call::Open);
}

/// Sets the user. A different user than before ends the session now and starts a new one
/// for the new user; the same user changes nothing.
#[wasm_bindgen(js_namespace = appboy, js_name = changeUser)]
pub fn change_user(#[wasm_bindgen(unchecked_param_type = "string")] user_id: JsValue) {
    let Some(user) = user_id.as_string().filter(|u| !u.is_empty() && u.len() <= MAX_USER_ID_BYTES) else {
        log::error(&["changeUser() needs a non-empty string of at most 997 bytes"]);
        return;
    };
    on_sdk("changeUser()", Call::ChangeUser(&user));
}

/// Sends the datapoints waiting in the outbox now.
#[wasm_bindgen(js_namespace = appboy, js_name = requestImmediateDataFlush)]
pub fn request_immediate_data_flush() {
    on_sdk("requestImmediateDataFlush()", Call::Flush);
}

/// The device's id (a UUID kept in localStorage), or `undefined` before `initialize`.
#[wasm_bindgen(js_namespace = appboy, js_name = getDeviceId)]
pub fn get_device_id() -> Option<String> {
    on_sdk("getDeviceId()", Call::DeviceId)
}

/// The user set with `changeUser`, if any.
#[wasm_bindgen(js_namespace = appboy, js_name = getUserId)]
pub fn get_user_id() -> Option<String> {
    on_sdk("getUserId()", Call::UserId)
}

/// The open session's id, or `undefined` when no session is open.
#[wasm_bindgen(js_namespace = appboy, js_name = getSessionId)]
pub fn get_session_id() -> Option<String> {
    on_sdk("getSessionId()", Call::SessionId)
}

/// Calls `callback` when a session starts or ends (with `null`), and at most once a second
/// as activity extends it. Returns the subscription's id for `removeSubscription`.
#[wasm_bindgen(js_namespace = appboy, js_name = subscribeToSessionUpdates)]
pub fn subscribe_to_session_updates(
    #[wasm_bindgen(unchecked_param_type = "(session: SessionUpdate | null) => void")] callback: JsValue,
) -> Option<String> {
    let Some(callback) = callback.dyn_into::<js_sys::Function>().ok() else {
        log::error(&["subscribeToSessionUpdates() needs a function"]);
        return None;
    };
    on_sdk("subscribeToSessionUpdates()", Call::Subscribe(callback))
}

/// Stops the callbacks of a subscription.
#[wasm_bindgen(js_namespace = appboy, js_name = removeSubscription)]
pub fn remove_subscription(#[wasm_bindgen(unchecked_param_type = "string")] id: JsValue) {
    let id = id.as_string().unwrap_or_default();
    if !sdk::is_initialized() {
        return not_initialized("removeSubscription()");
    }
    if on_sdk("removeSubscription()", Call::Unsubscribe(&id)).is_none() {
        log::warn(&["removeSubscription(): no subscription ", &id]);
    }
}

/// Turns logging on or off.
#[wasm_bindgen(js_namespace = appboy, js_name = toggleLogging)]
pub fn toggle_logging() {
    log::set_enabled(!log::enabled());
    log::info(&["logging enabled"]);
}

/// Sends log messages to `logger(message)` instead of the console; `null` restores the console.
#[wasm_bindgen(js_namespace = appboy, js_name = setLogger)]
pub fn set_logger(#[wasm_bindgen(unchecked_param_type = "((message: string) => void) | null")] logger: JsValue) {
    match logger.dyn_into::<js_sys::Function>() {
        Ok(f) => log::set_sink(Some(f)),
        Err(other) if other.is_null() || other.is_undefined() => log::set_sink(None),
        Err(_) => log::error(&["setLogger() needs a function or null"]),
    }
}

/// Deletes everything the SDK stored for this API key (device id, user, session, unsent
/// datapoints) and starts afresh: a new device id, no session until `openSession`.
#[wasm_bindgen(js_namespace = appboy, js_name = wipeData)]
pub fn wipe_data() {
    on_sdk("wipeData()", Call::Wipe);
}

/// Stops the SDK: timers, listeners and subscriptions go; `initialize` may be called again.
#[wasm_bindgen(js_namespace = appboy)]
pub fn destroy() {
    if !sdk::uninstall() {
        not_initialized("destroy()");
    }
}
