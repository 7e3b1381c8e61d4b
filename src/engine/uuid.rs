//! UUID v4 values for session and device ids, formatted and parsed by hand: `core::fmt` would cost
//! the wasm more than the whole engine.

use alloc::string::String;

/// A version 4, variant 1 UUID.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Uuid([u8; 16]);

const HEX: &[u8; 16] = b"0123456789abcdef";

impl Uuid {
    /// Turns 16 random bytes (from `crypto.getRandomValues`) into a v4 UUID.
    pub fn from_random(mut bytes: [u8; 16]) -> Uuid {
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        Uuid(bytes)
    }

    /// A v4 UUID determined by this one and `salt`. Tabs that see the same state derive the same
    /// successor, so the datapoints they race to emit are identical and collapse at the endpoint.
    pub fn derive(&self, salt: &[u8]) -> Uuid {
        let hi = mix_lane(0x9e37_79b9_7f4a_7c15, &self.0, salt);
        let lo = mix_lane(0xd1b5_4a32_d192_ed03, &self.0, salt);
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&hi.to_be_bytes());
        bytes[8..].copy_from_slice(&lo.to_be_bytes());
        Uuid::from_random(bytes)
    }

    /// The canonical lowercase, hyphenated form.
    pub fn to_hyphenated(&self) -> String {
        let mut out = String::with_capacity(36);
        self.push_to(&mut out);
        out
    }

    /// Appends the canonical form to `out` (no string of its own to make and free).
    pub fn push_to(&self, out: &mut String) {
        for (i, byte) in self.0.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                crate::ascii::push(out, b'-');
            }
            crate::ascii::push(out, HEX[(byte >> 4) as usize]);
            crate::ascii::push(out, HEX[(byte & 0x0f) as usize]);
        }
    }

    /// Parses the canonical form of a v4 UUID; anything else (other versions included) is `None`,
    /// so a foreign value in storage is never trusted as an id.
    pub fn parse(text: &str) -> Option<Uuid> {
        let text = text.as_bytes();
        if text.len() != 36 {
            return None;
        }
        let mut bytes = [0u8; 16];
        let mut digits = text.iter();
        for (i, byte) in bytes.iter_mut().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) && digits.next() != Some(&b'-') {
                return None;
            }
            *byte = (hex_value(*digits.next()?)? << 4) | hex_value(*digits.next()?)?;
        }
        let uuid = Uuid::from_random(bytes);
        (uuid.0 == bytes).then_some(uuid)
    }
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// FNV-1a over the id and the length-prefixed salt, finished with the SplitMix64 finalizer.
fn mix_lane(seed: u64, id: &[u8; 16], salt: &[u8]) -> u64 {
    let mut hash = seed;
    for bytes in [&id[..], &(salt.len() as u64).to_le_bytes(), salt] {
        for &byte in bytes {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash = (hash ^ (hash >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    hash = (hash ^ (hash >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    hash ^ (hash >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_the_canonical_form() {
        let id = Uuid::from_random([0xab; 16]);
        let text = id.to_hyphenated();
        assert_eq!(text, "abababab-abab-4bab-abab-abababababab");
        assert_eq!(Uuid::parse(&text), Some(id));
        assert_eq!(Uuid::parse(&text.to_uppercase()), Some(id));
    }

    #[test]
    fn refuses_what_is_not_a_v4_uuid() {
        for bad in [
            "",
            "abababab-abab-4bab-abab-ababababab",
            "abababab-abab-1bab-abab-abababababab",
            "abababab-abab-4bab-1bab-abababababab",
            "abababab_abab-4bab-abab-abababababab",
            "abababab-abab-4bab-abab-abababababaz",
            "abababab-abab-4bab-abab-abababababab0",
            "éababab-abab-4bab-abab-abababababab",
        ] {
            assert_eq!(Uuid::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn derivation_is_deterministic_and_depends_on_the_salt() {
        let id = Uuid::from_random([7; 16]);
        assert_eq!(id.derive(b"x"), id.derive(b"x"));
        assert_ne!(id.derive(b"x"), id.derive(b"y"));
        assert_ne!(id.derive(b""), id);
        let derived = id.derive(b"x");
        assert_eq!(Uuid::parse(&derived.to_hyphenated()), Some(derived));
        // Tabs of two versions of the SDK derive the same successor: the derivation never changes.
        assert_eq!(derived.to_hyphenated(), "7746cfc5-c543-4e1c-800c-bf4ded2b12d4");
    }
}
