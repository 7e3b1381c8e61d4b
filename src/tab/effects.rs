//! What the core tells the browser to do, in order (docs/design.md section 2).

use super::protocol::Message;
use crate::engine::Millis;
use alloc::string::String;
use alloc::vec::Vec;

#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// localStorage `key` = `value`.
    Store { key: String, value: String },
    /// localStorage `key` removed.
    Remove(String),
    /// Cookie `name` on the site's registrable domain for `days` (`None`: removed).
    Cookie { name: String, value: Option<String>, days: u32 },
    /// A `fetch` POST of `body` to `url`, whose answer is reported with `request`. With SDK
    /// authentication, Braze's headers: the API key and the batch's user's signature.
    Fetch { request: u32, url: String, body: String, api_key: Option<String>, signature: Option<String> },
    /// A `navigator.sendBeacon` of `body` to `url`.
    Beacon { url: String, body: String },
    /// Abandon the request in flight.
    Abort,
    /// Arm the one timer to fire in this many ms, replacing the one armed; `None`: disarm.
    Timer(Option<Millis>),
    /// Listen to the page (visibility, pagehide and pageshow, storage, interaction), or stop.
    Listen(bool),
    /// Call the page's function `function` with the value of `json`; `once`: in a microtask, and
    /// forget it after (flush callbacks).
    Call { function: u32, json: String, once: bool },
    /// The page's function is no longer needed.
    Forget(u32),
    /// Log `message` with its details, to the page's logger if it gave one, else the console.
    Log { message: Message, a: String, b: String, logger: Option<u32> },
}

/// The answer a façade method returns to the page.
#[derive(Clone, Debug, PartialEq, Default)]
pub enum Reply {
    #[default]
    Nothing,
    Bool(bool),
    Text(String),
}

/// What one input leads to: the effects, to be carried out at once and in full, in order, and the
/// method's answer.
#[must_use = "the writes, requests and callbacks are lost unless carried out"]
#[derive(Debug, Default, PartialEq)]
pub struct Effects {
    pub reply: Reply,
    pub list: Vec<Effect>,
}

/// Effects being gathered, with the log's switch and sink.
pub struct Out {
    pub list: Vec<Effect>,
    /// Calls of the page's functions, carried out after everything else: a function that calls
    /// the SDK again then finds it done with this input.
    pub calls: Vec<Effect>,
    pub logging: bool,
    pub logger: Option<u32>,
    /// A function the page passed to this call was kept (as a subscriber, logger or callback).
    pub kept: bool,
}

impl Out {
    pub fn push(&mut self, effect: Effect) {
        self.list.push(effect);
    }

    pub fn store(&mut self, key: String, value: String) {
        self.push(Effect::Store { key, value });
    }

    pub fn remove(&mut self, key: String) {
        self.push(Effect::Remove(key));
    }

    /// Calls function `function` of the page with `json`.
    pub fn call(&mut self, function: u32, json: &str, once: bool) {
        self.calls.push(Effect::Call { function, json: json.into(), once });
    }

    pub fn say(&mut self, message: Message) {
        self.say_with(message, "", "");
    }

    /// Logs `message` when logging is on (or the message is always shown).
    pub fn say_with(&mut self, message: Message, a: &str, b: &str) {
        if self.logging || message.always() {
            self.push(Effect::Log { message, a: a.into(), b: b.into(), logger: self.logger });
        }
    }
}
