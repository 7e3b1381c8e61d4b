//! The `appboy` object of docs/design.md section 2, as one exported entry point: `dispatch(method,
//! a, b)`, which `src/package/front.js` turns into the object's methods (its `METHODS` lists them in
//! the order of `Method`). One export instead of one per method keeps a single shim in the wasm
//! and in the glue. Arguments arrive as plain `JsValue`s, so that wrong types reach Rust (and are
//! logged) instead of throwing in generated code; nothing here panics or lets an exception through.
//! The types and documentation that JavaScript and TypeScript users see are in
//! `src/package/appboy_wasm.d.ts`.

use super::browser;
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
    DisableSdk,
    EnableSdk,
    IsDisabled,
    SetSdkAuthenticationSignature,
    SubscribeToSdkAuthenticationFailures,
}

const METHODS: [Method; 18] = [
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
    Method::DisableSdk,
    Method::EnableSdk,
    Method::IsDisabled,
    Method::SetSdkAuthenticationSignature,
    Method::SubscribeToSdkAuthenticationFailures,
];

/// Runs method number `method` of `appboy` with its first two arguments; what it returns is the
/// method's answer (a boolean, a string or `undefined`).
#[wasm_bindgen]
pub fn dispatch(method: u8, a: JsValue, b: JsValue) -> JsValue {
    let Some(&method) = METHODS.get(method as usize) else { return JsValue::UNDEFINED };
    // Opted out (docs/design.md section 2): every call but these is ignored.
    let always = matches!(method, Method::DisableSdk | Method::EnableSdk | Method::IsDisabled | Method::ToggleLogging | Method::SetLogger);
    if !always && browser::opted_out() {
        log::say(Message::Disabled);
        return match method {
            Method::Initialize => JsValue::FALSE,
            Method::RequestImmediateDataFlush => {
                // Nothing waits for this page: what came before `disableSDK()` was sent then.
                if let Some(n) = flush_callback(a) {
                    browser::flushed(n, true);
                }
                JsValue::UNDEFINED
            }
            _ => JsValue::UNDEFINED,
        };
    }
    match method {
        Method::Initialize => JsValue::from_bool(initialize(a, b)),
        Method::OpenSession => text(on_sdk("openSession()", Call::Open)),
        Method::ChangeUser => text(change_user(a, b)),
        Method::RequestImmediateDataFlush => {
            flush(a);
            JsValue::UNDEFINED
        }
        Method::GetDeviceId => text(on_sdk("getDeviceId()", Call::DeviceId)),
        Method::GetUserId => text(on_sdk("getUserId()", Call::UserId)),
        Method::GetSessionId => text(on_sdk("getSessionId()", Call::SessionId)),
        Method::SubscribeToSessionUpdates => text(subscribe(a, false)),
        Method::SubscribeToSdkAuthenticationFailures => text(subscribe(a, true)),
        Method::SetSdkAuthenticationSignature => {
            text(signature(a).and_then(|s| on_sdk("setSdkAuthenticationSignature()", Call::Signature(s))))
        }
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
        Method::DisableSdk => {
            // What was recorded before goes now; the SDK then records nothing, on this page and
            // the site's later ones.
            browser::set_opted_out(true);
            if let Err(Unavailable::Busy) = slot::call(Call::Disable) {
                log::say_with(Message::Busy, "disableSDK()", "");
            }
            JsValue::UNDEFINED
        }
        Method::EnableSdk => {
            // Lifted; the page initializes again. A disabled SDK still delivering goes, and its
            // outbox is taken over by the next one.
            browser::set_opted_out(false);
            slot::uninstall_disabled();
            JsValue::UNDEFINED
        }
        Method::IsDisabled => JsValue::from_bool(browser::opted_out()),
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
    on_sdk_or(name, call).unwrap_or_default()
}

/// `on_sdk`, saying why there was no SDK.
fn on_sdk_or(name: &str, call: Call) -> Result<Option<String>, Unavailable> {
    let answer = slot::call(call);
    match answer {
        Err(Unavailable::NotInitialized) => not_initialized(name),
        Err(Unavailable::Busy) => log::say_with(Message::Busy, name, ""),
        Ok(_) => {}
    }
    answer
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

fn change_user(user_id: JsValue, signature: JsValue) -> Option<String> {
    let Some(user) = user_id.as_string().filter(|u| !u.is_empty() && u.len() <= MAX_USER_ID_BYTES) else {
        log::say(Message::BadUserId);
        return None;
    };
    on_sdk("changeUser()", Call::ChangeUser(&user, self::signature(signature)))
}

/// A signature (SDK authentication) as the page gave it: a non-empty string, never parsed.
fn signature(value: JsValue) -> Option<String> {
    value.as_string().filter(|s| !s.is_empty())
}

/// Its callback is called once whatever happens: by the delivery machine, else at once with
/// `true` when there is no SDK (nothing of this page waits; the README says so), or `false` when
/// called from inside an SDK callback (nothing was sent).
fn flush(callback: JsValue) {
    let callback = flush_callback(callback);
    let settled = match on_sdk_or("requestImmediateDataFlush()", Call::Flush(callback)) {
        Ok(_) => return,
        Err(unavailable) => matches!(unavailable, Unavailable::NotInitialized),
    };
    if let Some(n) = callback {
        browser::flushed(n, settled);
    }
}

/// The page's flush callback, kept by `browser.js` under the number it returns; anything but a
/// function or nothing is logged and ignored.
fn flush_callback(callback: JsValue) -> Option<u32> {
    if callback.is_function() {
        return Some(browser::await_flush(&callback));
    }
    if !callback.is_undefined() && !callback.is_null() {
        log::say(Message::FlushCallbackNotFunction);
    }
    None
}

fn subscribe(callback: JsValue, auth: bool) -> Option<String> {
    if !callback.is_function() {
        log::say(if auth { Message::AuthSubscriberNotFunction } else { Message::SubscriberNotFunction });
        return None;
    }
    let name = if auth { "subscribeToSdkAuthenticationFailures()" } else { "subscribeToSessionUpdates()" };
    on_sdk(name, Call::Subscribe(callback, auth))
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
