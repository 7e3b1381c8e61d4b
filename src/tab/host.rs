//! What the core reads from the world it runs in, synchronously, and the values the page passes.
//! Reads are facts, not decisions: what localStorage and the cookies hold now, whether the browser
//! keeps cookies, randomness. Every write goes out as an `Effect`.

use crate::stored::Value;
use alloc::string::String;
use alloc::vec::Vec;

/// The browser as the core sees it (`web::host` in the wasm, the simulated world in the tests).
pub trait Host {
    type Value: Value;
    /// The text stored under localStorage `key`.
    fn get(&self, key: &str) -> Option<String>;
    /// The localStorage keys that start with `prefix`.
    fn keys(&self, prefix: &str) -> Vec<String>;
    /// JSON text parsed (anything unparsable reads as absent).
    fn parse(&self, text: &str) -> Self::Value;
    /// Whether localStorage failed on this page and values live in memory (no other tab sees them).
    fn degraded(&self) -> bool;
    /// The value of cookie `name` that this page sees.
    fn cookie(&self, name: &str) -> Option<String>;
    /// Whether the browser keeps cookies for this page.
    fn cookies(&self) -> bool;
    /// The page's origin (`https://www.example.com`).
    fn origin(&self) -> String;
    /// `navigator.userAgent`.
    fn user_agent(&self) -> String;
    /// Sixteen random bytes.
    fn random(&self) -> [u8; 16];
}

/// A value the page passed to a method, as the adapter found it. Functions are kept by the adapter
/// under a handle; the core says when to call and when to forget them.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// `undefined` or `null`.
    Absent,
    Bool(bool),
    Number(f64),
    Text(String),
    Function(u32),
    /// A plain object's own fields (one level: deeper values are `Other`).
    Object(Vec<(String, Arg)>),
    Other,
}

impl Arg {
    pub fn is_absent(&self) -> bool {
        matches!(self, Arg::Absent)
    }

    pub fn number(&self) -> Option<f64> {
        match self {
            Arg::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn text(&self) -> Option<&str> {
        match self {
            Arg::Text(s) => Some(s),
            _ => None,
        }
    }

    pub fn function(&self) -> Option<u32> {
        match self {
            Arg::Function(f) => Some(*f),
            _ => None,
        }
    }

    /// Whether field `name` is `true` (an option that is on).
    pub fn on(&self, name: &str) -> bool {
        matches!(self.field(name), Arg::Bool(true))
    }

    /// Field `name` of an object; absent for anything else.
    pub fn field(&self, name: &str) -> &Arg {
        match self {
            Arg::Object(fields) => fields.iter().find(|(k, _)| k == name).map_or(&Arg::Absent, |(_, v)| v),
            _ => &Arg::Absent,
        }
    }
}
