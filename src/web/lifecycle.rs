//! Page lifecycle and interaction listeners (design.md section 1) that feed the SDK. They are
//! removed when the `Lifecycle` is dropped (`destroy()`).

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

pub enum PageEvent {
    /// pagehide, or visibilitychange to hidden: the user is leaving.
    Hidden,
    /// visibilitychange to visible, or pageshow from the back/forward cache: a return.
    Shown,
    /// Pointer, key or scroll.
    Interaction,
    /// Another tab wrote localStorage.
    Storage { key: String, value: Option<String> },
}

/// The DOM events listened to, on the window except `visibilitychange` (on the document).
const EVENTS: [&str; 7] = ["pagehide", "pageshow", "visibilitychange", "storage", "pointerdown", "keydown", "scroll"];

type Listener = Closure<dyn FnMut(web_sys::Event)>;

pub struct Lifecycle {
    listeners: Vec<(web_sys::EventTarget, &'static str, Listener)>,
}

impl Lifecycle {
    /// Listens on the page; `handle` gets each event.
    pub fn attach(handle: fn(PageEvent)) -> Lifecycle {
        let mut listeners = Vec::new();
        let Some(window) = web_sys::window() else { return Lifecycle { listeners } };
        for name in EVENTS {
            let target: web_sys::EventTarget = if name == "visibilitychange" {
                match window.document() {
                    Some(document) => document.into(),
                    None => continue,
                }
            } else {
                window.clone().into()
            };
            // One closure type for every event keeps the generated glue to one shim.
            let listener: Listener = Closure::wrap(Box::new(move |event: web_sys::Event| {
                if let Some(event) = page_event(name, &event) {
                    handle(event);
                }
            }));
            // Capture, so that scrolls of any element count; passive, so that scrolling never waits.
            let options = web_sys::AddEventListenerOptions::new();
            options.set_capture(true);
            options.set_passive(true);
            if target.add_event_listener_with_callback_and_add_event_listener_options(name, listener.as_ref().unchecked_ref(), &options).is_ok() {
                listeners.push((target, name, listener));
            }
        }
        Lifecycle { listeners }
    }
}

fn page_event(name: &str, event: &web_sys::Event) -> Option<PageEvent> {
    Some(match name {
        "pagehide" => PageEvent::Hidden,
        // Only a page that comes back from the back/forward cache (`persisted`) is a return.
        "pageshow" => {
            let persisted = js_sys::Reflect::get(event, &"persisted".into()).ok()?.as_bool()?;
            persisted.then_some(PageEvent::Shown)?
        }
        "visibilitychange" => {
            let document = web_sys::window()?.document()?;
            if document.visibility_state() == web_sys::VisibilityState::Hidden {
                PageEvent::Hidden
            } else {
                PageEvent::Shown
            }
        }
        "storage" => {
            let event = event.dyn_ref::<web_sys::StorageEvent>()?;
            PageEvent::Storage { key: event.key()?, value: event.new_value() }
        }
        _ => PageEvent::Interaction,
    })
}

impl Drop for Lifecycle {
    fn drop(&mut self) {
        for (target, name, listener) in &self.listeners {
            let _ = target.remove_event_listener_with_callback_and_bool(name, listener.as_ref().unchecked_ref(), true);
        }
    }
}
