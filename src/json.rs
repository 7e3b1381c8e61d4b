//! A small JSON writer for the records and the wire body. Integers and Unix times are written with
//! integer arithmetic (times in seconds exactly to the millisecond), so neither `core::fmt` nor
//! float formatting is linked into the wasm; reading JSON is left to the browser's `JSON.parse`.

use crate::ascii;
use crate::engine::Uuid;
use alloc::string::String;

/// Writes one JSON object; `write` adds its fields.
pub fn object(write: impl FnOnce(&mut Object)) -> String {
    let mut out = String::with_capacity(128);
    Object::nested(&mut out, write);
    out
}

pub struct Object<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> Object<'a> {
    fn nested(out: &'a mut String, write: impl FnOnce(&mut Object)) {
        ascii::push(out, b'{');
        write(&mut Object { out, empty: true });
        ascii::push(out, b'}');
    }

    /// Keys are the SDK's own ASCII names: they need no escaping.
    fn key(&mut self, key: &str) -> &mut String {
        if !self.empty {
            ascii::push(self.out, b',');
        }
        self.empty = false;
        ascii::push(self.out, b'"');
        self.out.push_str(key);
        self.out.push_str("\":");
        self.out
    }

    pub fn str(&mut self, key: &str, value: &str) -> &mut Self {
        string(self.key(key), value);
        self
    }

    /// A UUID, in its canonical form.
    pub fn id(&mut self, key: &str, id: &Uuid) -> &mut Self {
        quoted_id(self.key(key), id);
        self
    }

    /// Left out when `None`.
    pub fn opt_str(&mut self, key: &str, value: Option<&str>) -> &mut Self {
        if let Some(value) = value {
            self.str(key, value);
        }
        self
    }

    pub fn uint(&mut self, key: &str, value: u64) -> &mut Self {
        push_uint(self.key(key), value);
        self
    }

    /// Milliseconds written as seconds: 1767225900123 as 1767225900.123.
    pub fn seconds(&mut self, key: &str, ms: u64) -> &mut Self {
        let out = self.key(key);
        push_uint(out, ms / 1000);
        let mut fraction = ms % 1000;
        if fraction != 0 {
            ascii::push(out, b'.');
            let mut digits = 3;
            while fraction % 10 == 0 {
                fraction /= 10;
                digits -= 1;
            }
            let mut scale = 10u64.pow(digits - 1);
            while scale > 0 {
                ascii::push(out, b'0' + (fraction / scale % 10) as u8);
                scale /= 10;
            }
        }
        self
    }

    pub fn bool(&mut self, key: &str, value: bool) -> &mut Self {
        self.key(key).push_str(if value { "true" } else { "false" });
        self
    }

    pub fn object(&mut self, key: &str, write: impl FnOnce(&mut Object)) -> &mut Self {
        Object::nested(self.key(key), write);
        self
    }

    /// An array of what `write` makes of each item (objects or strings).
    pub fn array<T>(&mut self, key: &str, items: impl IntoIterator<Item = T>, mut write: impl FnMut(Item, T)) -> &mut Self {
        let out = self.key(key);
        ascii::push(out, b'[');
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                ascii::push(out, b',');
            }
            write(Item { out }, item);
        }
        ascii::push(out, b']');
        self
    }
}

/// One element of an array.
pub struct Item<'a> {
    out: &'a mut String,
}

impl Item<'_> {
    pub fn object(self, write: impl FnOnce(&mut Object)) {
        Object::nested(self.out, write);
    }

    pub fn id(self, id: &Uuid) {
        quoted_id(self.out, id);
    }
}

/// A whole number as decimal text.
pub fn number(value: u64) -> String {
    let mut out = String::new();
    push_uint(&mut out, value);
    out
}

/// Decimal text (digits only, as `number` writes them), as bytes, back to a whole number; `None` for anything
/// else, or a number past `u64`. (`str::parse` would link its error types and sign handling.)
pub fn parse_number(text: &[u8]) -> Option<u64> {
    if text.is_empty() {
        return None;
    }
    text.iter().try_fold(0u64, |n, b| if b.is_ascii_digit() { n.checked_mul(10)?.checked_add(u64::from(b - b'0')) } else { None })
}

/// Appends a whole number as decimal text.
pub fn push_uint(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (value % 10) as u8;
        len += 1;
        value /= 10;
        if value == 0 || len == digits.len() {
            break;
        }
    }
    while len > 0 {
        len -= 1;
        ascii::push(out, digits[len]);
    }
}

fn quoted_id(out: &mut String, id: &Uuid) {
    ascii::push(out, b'"');
    id.push_to(out);
    ascii::push(out, b'"');
}

fn string(out: &mut String, value: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    ascii::push(out, b'"');
    // Runs of what needs no escape are copied whole: only ASCII is ever escaped, so every cut
    // falls between characters.
    let mut from = 0;
    for (i, b) in value.bytes().enumerate() {
        if b == b'"' || b == b'\\' || b < 0x20 {
            out.push_str(&value[from..i]);
            from = i + 1;
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                _ => {
                    out.push_str("\\u00");
                    ascii::push(out, HEX[(b as usize) >> 4]);
                    ascii::push(out, HEX[(b as usize) & 0xf]);
                }
            }
        }
    }
    out.push_str(&value[from..]);
    ascii::push(out, b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_valid_json_for_every_kind_of_value() {
        let text = object(|o| {
            o.str("s", "a\"b\\c\n\u{1}é")
                .opt_str("none", None)
                .opt_str("some", Some("x"))
                .uint("zero", 0)
                .uint("max", u64::MAX)
                .seconds("t1", 1_767_225_900_123)
                .seconds("t2", 1_767_225_900_120)
                .seconds("t3", 1_767_225_900_100)
                .seconds("t4", 1_767_225_900_000)
                .seconds("t5", 5)
                .bool("yes", true)
                .object("empty", |_| {})
                .array("list", [Uuid::from_random([0xab; 16])], |item, id| item.id(&id))
                .array("objects", [1u64, 2], |item, n| {
                    item.object(|o| {
                        o.uint("n", n);
                    })
                });
        });
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            parsed,
            serde_json::json!({
                "s": "a\"b\\c\n\u{1}é", "some": "x", "zero": 0, "max": u64::MAX,
                "t1": 1767225900.123, "t2": 1767225900.12, "t3": 1767225900.1, "t4": 1767225900, "t5": 0.005,
                "yes": true, "empty": {}, "list": ["abababab-abab-4bab-abab-abababababab"], "objects": [{"n": 1}, {"n": 2}],
            })
        );
    }
}
