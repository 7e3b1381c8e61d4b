//! The `appboy` object of docs/design.md section 2, as one exported entry point: `dispatch(method,
//! a, b)`, which `src/package/front.js` turns into the object's methods (its `METHODS` lists them in
//! the order of `Method`). One export instead of one per method keeps a single shim in the wasm
//! and in the glue. Arguments arrive as plain `JsValue`s, so that wrong types reach Rust (and are
//! logged) instead of throwing in generated code; nothing here panics or lets an exception through.
//! The types and documentation that JavaScript and TypeScript users see are in
//! `src/package/appboy_wasm.d.ts`.

use super::log::{self, Message};
use super::sdk::Call;
use super::slot::{self, Unavailable};
use alloc::string::String;
use wasm_bindgen::prelude::*;

/// Braze's limit on user ids, in bytes.
const MAX_USER_ID_BYTES: usize = 997;

/// The methods of `appboy`, numbered as `front.js`'s `METHODS` lists them.
#[derive(Clone, Copy)]
enum Method {
    Initialize,
    OpenSession,
    ChangeUser,
    RequestImmediateDataFlush,
    GetDeviceId,
    GetUserId,
    GetSessionId,
    SubscribeToSessionUpdates,
    RemoveSubscription,
    ToggleLogging,
    SetLogger,
    WipeData,
    Destroy,
}

const METHODS: [Method; 13] = [
    Method::Initialize,
    Method::OpenSession,
    Method::ChangeUser,
    Method::RequestImmediateDataFlush,
    Method::GetDeviceId,
    Method::GetUserId,
    Method::GetSessionId,
    Method::SubscribeToSessionUpdates,
    Method::RemoveSubscription,
    Method::ToggleLogging,
    Method::SetLogger,
    Method::WipeData,
    Method::Destroy,
];

/// Runs method number `method` of `appboy` with its first two arguments; what it returns is the
/// method's answer (a boolean, a string or `undefined`).
#[wasm_bindgen]
pub fn dispatch(method: u8, a: JsValue, b: JsValue) -> JsValue {
    let Some(&method) = METHODS.get(method as usize) else { return JsValue::UNDEFINED };
    match method {
        Method::Initialize => JsValue::from_bool(initialize(a, b)),
        Method::OpenSession => text(on_sdk("openSession()", Call::Open)),
        Method::ChangeUser => text(change_user(a)),
        Method::RequestImmediateDataFlush => text(on_sdk("requestImmediateDataFlush()", Call::Flush)),
        Method::GetDeviceId => text(on_sdk("getDeviceId()", Call::DeviceId)),
        Method::GetUserId => text(on_sdk("getUserId()", Call::UserId)),
        Method::GetSessionId => text(on_sdk("getSessionId()", Call::SessionId)),
        Method::SubscribeToSessionUpdates => text(subscribe(a)),
        Method::RemoveSubscription => text(remove_subscription(a)),
        Method::ToggleLogging => {
            log::set_enabled(!log::enabled());
            log::say(Message::LoggingEnabled);
            JsValue::UNDEFINED
        }
        Method::SetLogger => {
            set_logger(a);
            JsValue::UNDEFINED
        }
        Method::WipeData => text(on_sdk("wipeData()", Call::Wipe)),
        Method::Destroy => {
            if !slot::uninstall() {
                not_initialized("destroy()");
            }
            JsValue::UNDEFINED
        }
    }
}

fn text(answer: Option<String>) -> JsValue {
    answer.map_or(JsValue::UNDEFINED, |s| JsValue::from_str(&s))
}

fn not_initialized(name: &str) {
    log::say_with(Message::NotInitialized, name, "");
}

/// Runs `call`, logging when there is no SDK to run it on.
fn on_sdk(name: &str, call: Call) -> Option<String> {
    match slot::call(call) {
        Ok(answer) => answer,
        Err(Unavailable::NotInitialized) => {
            not_initialized(name);
            None
        }
        Err(Unavailable::Busy) => {
            log::say_with(Message::Busy, name, "");
            None
        }
    }
}

/// Whether the SDK is initialized; a second call keeps the first configuration.
fn initialize(api_key: JsValue, options: JsValue) -> bool {
    if slot::is_initialized() {
        log::say(Message::InitializedAgain);
        return true;
    }
    let Some(key) = api_key.as_string().filter(|k| !k.trim_ascii().is_empty()) else {
        log::say(Message::NoApiKey);
        return false;
    };
    slot::install(key, &options)
}

fn change_user(user_id: JsValue) -> Option<String> {
    let Some(user) = user_id.as_string().filter(|u| !u.is_empty() && u.len() <= MAX_USER_ID_BYTES) else {
        log::say(Message::BadUserId);
        return None;
    };
    on_sdk("changeUser()", Call::ChangeUser(&user))
}

fn subscribe(callback: JsValue) -> Option<String> {
    if !callback.is_function() {
        log::say(Message::SubscriberNotFunction);
        return None;
    }
    on_sdk("subscribeToSessionUpdates()", Call::Subscribe(callback))
}

fn remove_subscription(id: JsValue) -> Option<String> {
    let id = id.as_string().unwrap_or_default();
    if !slot::is_initialized() {
        not_initialized("removeSubscription()");
    } else if on_sdk("removeSubscription()", Call::Unsubscribe(&id)).is_none() {
        log::say_with(Message::NoSubscription, &id, "");
    }
    None
}

fn set_logger(logger: JsValue) {
    if logger.is_function() {
        log::set_sink(&logger);
    } else if logger.is_null() || logger.is_undefined() {
        log::set_sink(&JsValue::NULL);
    } else {
        log::say(Message::LoggerNotFunction);
    }
}
