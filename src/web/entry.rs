//! The one way into the wasm (docs/design.md section 2): `handle(kind, a, b, c, d, now)`, where
//! `kind` is a method of `appboy` (`tab::Method`, as `front.js` calls them) or, after them, what
//! `browser.js` reports (`tab::ReportKind`). It turns the values into the core's, runs the page's
//! `Tab` and hands its effects to `browser::act`, as the bytes `tab::Effects` writes. One export keeps a single shim in the
//! wasm and the glue; values arrive as plain `JsValue`s, so that wrong types reach the core (and
//! are logged) instead of throwing in generated code.

use super::browser;
use super::host::Browser;
use crate::tab::{Arg, Event, Method, Reply, ReportKind, Reported, Tab};
use alloc::vec::Vec;
use core::cell::RefCell;
use wasm_bindgen::prelude::*;

/// A static for the page's `Tab`. wasm32 without the atomics feature runs a single thread, so the
/// value is never shared across threads.
struct Local(RefCell<Option<Tab>>);

// SAFETY: see above: there is no second thread to share it with.
unsafe impl Sync for Local {}

static TAB: Local = Local(RefCell::new(None));

#[wasm_bindgen]
pub fn handle(kind: u32, a: JsValue, b: JsValue, c: JsValue, d: JsValue, now: f64) -> JsValue {
    let now = if now.is_finite() && now > 0.0 { now as u64 } else { 0 };
    let methods = Method::NAMES.len() as u32;
    let (key, value, retry_after, body, threw);
    let event = if let Some(method) = Method::from(kind) {
        Event::Call(method, arg(&a, true), arg(&b, true))
    } else {
        match ReportKind::from(kind.wrapping_sub(methods)) {
            Some(ReportKind::Hidden) => Event::Hidden,
            Some(ReportKind::Shown) => Event::Shown,
            Some(ReportKind::Interaction) => Event::Interaction,
            Some(ReportKind::Left) => Event::Left,
            Some(ReportKind::Timer) => Event::Timer,
            Some(ReportKind::Storage) => {
                (key, value) = (a.as_string().unwrap_or_default(), b.as_string());
                Event::Storage { key: &key, value: value.as_deref() }
            }
            Some(ReportKind::Answer) => {
                (retry_after, body) = (b.as_string(), c.as_string());
                let status = a.as_f64().filter(|s| *s >= 0.0 && *s < 1000.0).unwrap_or_default() as u16;
                let request = d.as_f64().unwrap_or_default() as u32;
                Event::Answer(Reported { request, status, retry_after: retry_after.as_deref(), body: body.as_deref() })
            }
            Some(ReportKind::Threw) => {
                threw = a.as_string().unwrap_or_default();
                Event::Threw(&threw)
            }
            Some(ReportKind::StorageFailed) => Event::StorageFailed { reading: a.as_bool() == Some(true) },
            None => return JsValue::UNDEFINED,
        }
    };
    // The borrow ends before the effects are carried out: a function of the page that calls the
    // SDK again finds it free.
    let effects = {
        let Ok(mut tab) = TAB.0.try_borrow_mut() else { return JsValue::UNDEFINED };
        tab.get_or_insert_with(Tab::new).handle(now, event, &Browser)
    };
    // Most calls (a warm `openSession()`) change nothing the browser holds: no call across.
    if !effects.bytes().is_empty() {
        browser::act(effects.bytes());
    }
    match &effects.reply {
        Reply::Nothing => JsValue::UNDEFINED,
        Reply::Bool(b) => JsValue::from_bool(*b),
        Reply::Text(s) => JsValue::from_str(s),
    }
}

/// A value of the page's, as the core takes it; `top`: an argument itself, not a field of one.
fn arg(value: &JsValue, top: bool) -> Arg {
    if value.is_undefined() || value.is_null() {
        Arg::Absent
    } else if let Some(b) = value.as_bool() {
        Arg::Bool(b)
    } else if let Some(n) = value.as_f64() {
        Arg::Number(n)
    } else if let Some(s) = value.as_string() {
        Arg::Text(s)
    } else if !top {
        Arg::Other
    } else if value.is_function() {
        Arg::Function(browser::keep(value))
    } else if value.is_object() {
        let entries = browser::entries(value);
        let mut fields = Vec::new();
        for i in 0..browser::length(&entries).max(0) as u32 / 2 {
            fields.push((browser::item(&entries, 2 * i).as_string().unwrap_or_default(), arg(&browser::item(&entries, 2 * i + 1), false)));
        }
        Arg::Object(fields)
    } else {
        Arg::Other
    }
}
