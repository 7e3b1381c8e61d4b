//! What the core tells the browser to do, in order (docs/design.md section 2), written as the one
//! byte stream `browser.js` reads (`act`): no value of its own for each effect, to be made, moved
//! and freed in the wasm. `Effects::list` reads the stream back for the tests and the simulation.
//!
//! Each effect is its `EffectKind` as a byte, then its fields in the order below: a number as four
//! bytes, little-endian; a text as its length in bytes (a number), then its UTF-8.

use super::protocol::{EffectKind, Message};
use crate::engine::Millis;
use alloc::string::String;
use alloc::vec::Vec;

/// One effect, as `Effects::list` reads it back.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// localStorage `key` = `value`. (Text, text.)
    Store { key: String, value: String },
    /// localStorage `key` removed. (Text.)
    Remove(String),
    /// Cookie `name` on the site's registrable domain for `days` (`None`, and 0 days: removed).
    /// (Text, text, number.)
    Cookie { name: String, value: Option<String>, days: u32 },
    /// A `fetch` POST of `body` to `url`, whose answer is reported with `request`. With SDK
    /// authentication, Braze's headers: the API key and the batch's user's signature. (Number,
    /// text, text, text, text; an empty text for a header not sent.)
    Fetch { request: u32, url: String, body: String, api_key: Option<String>, signature: Option<String> },
    /// A `navigator.sendBeacon` of `body` to `url`. (Text, text.)
    Beacon { url: String, body: String },
    /// Abandon the request in flight.
    Abort,
    /// Arm the one timer to fire in this many ms, replacing the one armed; `None`: disarm.
    /// (Number; `NONE` for none.)
    Timer(Option<Millis>),
    /// Listen to the page (visibility, pagehide and pageshow, storage, interaction), or stop.
    /// (Number, 1 or 0.)
    Listen(bool),
    /// Call the page's function `function` with the value of `json`; `once`: in a microtask, and
    /// forget it after (flush callbacks). (Number, text, number 1 or 0.)
    Call { function: u32, json: String, once: bool },
    /// The page's function is no longer needed. (Number.)
    Forget(u32),
    /// Log `message` with its details, to the page's logger if it gave one, else the console.
    /// (Number, text, text, number; `NONE` for no logger.)
    Log { message: Message, a: String, b: String, logger: Option<u32> },
}

/// A number that stands for none: no timer, no logger.
const NONE: u32 = u32::MAX;

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
    bytes: Vec<u8>,
}

impl Effects {
    /// The effects, as `browser.js` reads them.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The effects, read back from the bytes.
    pub fn list(&self) -> Vec<Effect> {
        let mut read = Reader { bytes: &self.bytes, at: 0 };
        let mut list = Vec::new();
        while let Some(&kind) = read.bytes.get(read.at) {
            read.at += 1;
            list.push(match EffectKind::from(kind.into()).expect("an effect kind") {
                EffectKind::Store => Effect::Store { key: read.text(), value: read.text() },
                EffectKind::Remove => Effect::Remove(read.text()),
                EffectKind::Cookie => {
                    let (name, value, days) = (read.text(), read.text(), read.number());
                    Effect::Cookie { name, value: (days > 0).then_some(value), days }
                }
                EffectKind::Fetch => {
                    let (request, url, body) = (read.number(), read.text(), read.text());
                    let mut header = || Some(read.text()).filter(|t| !t.is_empty());
                    Effect::Fetch { request, url, body, api_key: header(), signature: header() }
                }
                EffectKind::Beacon => Effect::Beacon { url: read.text(), body: read.text() },
                EffectKind::Abort => Effect::Abort,
                EffectKind::Timer => Effect::Timer(Some(read.number()).filter(|n| *n != NONE).map(Millis::from)),
                EffectKind::Listen => Effect::Listen(read.number() == 1),
                EffectKind::Call => Effect::Call { function: read.number(), json: read.text(), once: read.number() == 1 },
                EffectKind::Forget => Effect::Forget(read.number()),
                EffectKind::Log => Effect::Log {
                    message: Message::from(read.number()).expect("a message"),
                    a: read.text(),
                    b: read.text(),
                    logger: Some(read.number()).filter(|n| *n != NONE),
                },
            });
        }
        list
    }
}

/// Not in the release wasm: a second caller of `Out`'s writers changes what the compiler inlines
/// there, even once this function is dropped (35 B).
#[cfg(feature = "std")]
impl Effects {
    /// The stream `Out` writes for `list`, the calls last (as `Tab::handle` orders them): what
    /// `tests/protocol.rs` hands `browser.js` to check that both sides read one format.
    pub fn written(list: &[Effect]) -> Effects {
        let mut out = Out::new(true, None);
        for effect in list {
            match effect {
                Effect::Store { key, value } => out.store(key, value),
                Effect::Remove(key) => out.remove(key),
                Effect::Cookie { name, value, days } => out.cookie(name, value.as_deref(), *days),
                Effect::Fetch { request, url, body, api_key, signature } => {
                    out.fetch(*request, url, body, api_key.as_deref().unwrap_or_default(), signature.as_deref().unwrap_or_default())
                }
                Effect::Beacon { url, body } => out.beacon(url, body),
                Effect::Abort => out.abort(),
                Effect::Timer(delay) => out.timer(*delay),
                Effect::Listen(on) => out.listen(*on),
                Effect::Call { function, json, once } => out.call(*function, json, *once),
                Effect::Forget(function) => out.forget(*function),
                Effect::Log { message, a, b, logger } => {
                    out.logger = *logger;
                    out.say_with(*message, a, b);
                }
            }
        }
        out.finish(Reply::Nothing)
    }
}

/// Reads the stream that `Out` writes.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn number(&mut self) -> u32 {
        let n = u32::from_le_bytes(self.bytes[self.at..self.at + 4].try_into().expect("four bytes"));
        self.at += 4;
        n
    }

    fn text(&mut self) -> String {
        let len = self.number() as usize;
        self.at += len;
        String::from_utf8(self.bytes[self.at - len..self.at].to_vec()).expect("UTF-8")
    }
}

/// Effects being written, with the log's switch and sink.
pub struct Out {
    bytes: Vec<u8>,
    /// Calls of the page's functions, carried out after everything else: a function that calls
    /// the SDK again then finds it done with this input.
    calls: Vec<u8>,
    pub logging: bool,
    pub logger: Option<u32>,
    /// A function the page passed to this call was kept (as a subscriber, logger or callback).
    pub kept: bool,
}

/// Writes `n` to `bytes`.
fn number(bytes: &mut Vec<u8>, n: u32) {
    bytes.extend_from_slice(&n.to_le_bytes());
}

/// Writes `text` to `bytes`.
fn text(bytes: &mut Vec<u8>, text: &str) {
    number(bytes, text.len() as u32);
    bytes.extend_from_slice(text.as_bytes());
}

impl Out {
    pub fn new(logging: bool, logger: Option<u32>) -> Out {
        Out { bytes: Vec::new(), calls: Vec::new(), logging, logger, kept: false }
    }

    /// The effects written, the calls last, with the method's answer.
    pub fn finish(mut self, reply: Reply) -> Effects {
        self.bytes.append(&mut self.calls);
        Effects { reply, bytes: self.bytes }
    }

    fn kind(&mut self, kind: EffectKind) -> &mut Vec<u8> {
        self.bytes.push(kind as u8);
        &mut self.bytes
    }

    pub fn store(&mut self, key: &str, value: &str) {
        let bytes = self.kind(EffectKind::Store);
        text(bytes, key);
        text(bytes, value);
    }

    pub fn remove(&mut self, key: &str) {
        self.remove_at(key, "");
    }

    /// Removes localStorage `prefix` + `name`. (The key is written in its two parts, not made as
    /// a string of its own and freed: 62 B of the module with `store_at`.)
    pub fn remove_at(&mut self, prefix: &str, name: &str) {
        let bytes = self.kind(EffectKind::Remove);
        number(bytes, (prefix.len() + name.len()) as u32);
        bytes.extend_from_slice(prefix.as_bytes());
        bytes.extend_from_slice(name.as_bytes());
    }

    /// Stores `value` under localStorage `prefix` + `name`.
    pub fn store_at(&mut self, prefix: &str, name: &str, value: &str) {
        let bytes = self.kind(EffectKind::Store);
        number(bytes, (prefix.len() + name.len()) as u32);
        bytes.extend_from_slice(prefix.as_bytes());
        bytes.extend_from_slice(name.as_bytes());
        text(bytes, value);
    }

    /// Writes cookie `name` for `days`, or removes it (`None`).
    pub fn cookie(&mut self, name: &str, value: Option<&str>, days: u32) {
        let bytes = self.kind(EffectKind::Cookie);
        text(bytes, name);
        text(bytes, value.unwrap_or_default());
        number(bytes, if value.is_some() { days } else { 0 });
    }

    /// A `fetch` of request `request`; `api_key` and `signature` are sent when not empty.
    pub fn fetch(&mut self, request: u32, url: &str, body: &str, api_key: &str, signature: &str) {
        let bytes = self.kind(EffectKind::Fetch);
        number(bytes, request);
        for field in [url, body, api_key, signature] {
            text(bytes, field);
        }
    }

    pub fn beacon(&mut self, url: &str, body: &str) {
        let bytes = self.kind(EffectKind::Beacon);
        text(bytes, url);
        text(bytes, body);
    }

    pub fn abort(&mut self) {
        self.kind(EffectKind::Abort);
    }

    /// Arms the one timer to fire in `delay` ms (at most `NONE - 1`), or disarms it.
    pub fn timer(&mut self, delay: Option<Millis>) {
        let delay = delay.map_or(NONE, |d| d as u32);
        number(self.kind(EffectKind::Timer), delay);
    }

    pub fn listen(&mut self, on: bool) {
        number(self.kind(EffectKind::Listen), on.into());
    }

    pub fn forget(&mut self, function: u32) {
        number(self.kind(EffectKind::Forget), function);
    }

    /// Calls function `function` of the page with `json`.
    pub fn call(&mut self, function: u32, json: &str, once: bool) {
        let bytes = &mut self.calls;
        bytes.push(EffectKind::Call as u8);
        number(bytes, function);
        text(bytes, json);
        number(bytes, once.into());
    }

    pub fn say(&mut self, message: Message) {
        self.say_with(message, "", "");
    }

    /// Logs `message` when logging is on (or the message is always shown).
    pub fn say_with(&mut self, message: Message, a: &str, b: &str) {
        if self.logging || message.always() {
            let logger = self.logger.unwrap_or(NONE);
            let bytes = self.kind(EffectKind::Log);
            number(bytes, message as u32);
            text(bytes, a);
            text(bytes, b);
            number(bytes, logger);
        }
    }
}
