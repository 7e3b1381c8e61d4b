//! The SDK's log: silent unless `enableLogging` (or `toggleLogging()`), to the console or to a
//! function the page gives with `setLogger`. The text of each message, with its console level,
//! is in `browser.js` (`MESSAGES`, in the order of `Message`), and so are the on/off switch and
//! the page's logger: Rust says which message, with up to two details. Building the text in Rust
//! from pieces cost 1.5 KB gzipped of the module (docs/design.md section 8).

use super::browser;
use wasm_bindgen::JsValue;

/// What the SDK logs, numbered as browser.js's `MESSAGES` lists them.
#[derive(Clone, Copy)]
pub enum Message {
    /// The data endpoint's URL.
    Initialized,
    /// A stored value's name and why it cannot be trusted.
    Discarding,
    /// Whether reading or writing failed; logged by browser.js itself (its `STORAGE_FAILED`),
    /// which keeps the values in memory from then on.
    StorageFailed,
    /// The option's name.
    UnknownOption,
    OptionsNotObject,
    TimeoutRaised,
    TimeoutNotNumber,
    BaseUrlNotString,
    FlushIntervalInvalid,
    OutboxFull,
    SendFailed,
    BatchRefused,
    LoggingEnabled,
    /// The method's name.
    NotInitialized,
    /// The method's name.
    Busy,
    InitializedAgain,
    /// Shown even with logging off: without a key nothing else can work.
    NoApiKey,
    BadUserId,
    SubscriberNotFunction,
    /// The subscription's id.
    NoSubscription,
    LoggerNotFunction,
    FlushCallbackNotFunction,
    /// What it threw; logged by browser.js itself (its `CALLBACK_THREW`), and shown even with
    /// logging off: the page's own code failed.
    CallbackThrew,
    Disabled,
    /// Logged by browser.js itself, as it tells the subscribers.
    SignatureRefused,
    AuthSubscriberNotFunction,
}

pub fn say(message: Message) {
    say_with(message, "", "");
}

pub fn say_with(message: Message, a: &str, b: &str) {
    browser::log(message as u8, a, b);
}

pub fn enabled() -> bool {
    browser::logging()
}

pub fn set_enabled(on: bool) {
    browser::set_logging(on);
}

/// A function that receives each message instead of the console; `null` restores the console.
pub fn set_sink(sink: &JsValue) {
    browser::set_logger(sink);
}
