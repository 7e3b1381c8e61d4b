//! The page's one SDK, in a static cell. Every entry point (façade call, timer, page event,
//! response) reaches it as a `Call` through `call`, which tells subscribers about session changes
//! once the cell is released, so a subscriber or logger that calls back into `appboy` finds the
//! SDK free. (One enum rather than a closure per caller: the wasm carries one dispatch instead of
//! a dozen shims.)

use super::lifecycle::Report;
use super::options::Options;
use super::sdk::{Call, Sdk};
use super::{browser, Local};
use alloc::string::String;
use core::cell::RefCell;
use wasm_bindgen::JsValue;

static SDK: Local<RefCell<Option<Sdk>>> = Local(RefCell::new(None));

/// Why a call found no SDK to run on.
pub enum Unavailable {
    NotInitialized,
    /// Called from a logger or subscriber while the SDK was running.
    Busy,
}

pub fn is_initialized() -> bool {
    SDK.0.try_borrow().map_or(true, |sdk| sdk.is_some())
}

/// Runs `call` on the SDK; its answer is an id for the calls that ask for one.
pub fn call(call: Call) -> Result<Option<String>, Unavailable> {
    let (answer, news) = {
        let Ok(mut slot) = SDK.0.try_borrow_mut() else { return Err(Unavailable::Busy) };
        let sdk = slot.as_mut().ok_or(Unavailable::NotInitialized)?;
        let answer = sdk.run(call);
        (answer, sdk.news())
    };
    // The subscribers (kept by browser.js) hear of the open session, in Unix ms, or of none.
    match news {
        Some(Some(s)) => browser::notify(&s.id.to_hyphenated(), s.started_at as f64, s.last_activity as f64, s.expires_at as f64),
        Some(None) => browser::notify("", 0.0, 0.0, 0.0),
        None => {}
    }
    Ok(answer)
}

/// Takes what browser.js reports (`lifecycle::report`); with no SDK running, nothing.
pub fn report(report: Report) {
    let _ = call(Call::Report(report));
}

/// Creates the SDK; `false` if one already exists.
pub fn install(api_key: String, options: &JsValue) -> bool {
    let Ok(mut slot) = SDK.0.try_borrow_mut() else { return false };
    if slot.is_some() {
        return false;
    }
    *slot = Some(Sdk::new(api_key, Options::read(options)));
    true
}

/// Drops the SDK if `disableSDK()` stopped it.
pub fn uninstall_disabled() {
    let disabled = SDK.0.try_borrow().is_ok_and(|slot| slot.as_ref().is_some_and(Sdk::is_disabled));
    if disabled {
        uninstall();
    }
}

/// Drops the SDK: its timers are cancelled and its listeners removed.
pub fn uninstall() -> bool {
    let sdk = SDK.0.try_borrow_mut().ok().and_then(|mut slot| slot.take());
    if sdk.is_some() {
        browser::unsubscribe_all();
    }
    sdk.is_some()
}
