//! Appending ASCII to a string (digits, hex, punctuation) without `String::push`, which links a
//! `char`'s UTF-8 encoding, or a safe conversion, which links UTF-8 validation (0.06 and 0.3 KB
//! gzipped of the wasm; docs/design.md section 8).

use alloc::string::String;

/// Appends ASCII byte `b`; anything else is written as `?`.
pub fn push(out: &mut String, b: u8) {
    let b = if b.is_ascii() { b } else { b'?' };
    // SAFETY: an ASCII byte leaves the string UTF-8.
    unsafe { out.as_mut_vec() }.push(b);
}

#[cfg(test)]
mod tests {
    #[test]
    fn appends_ascii_and_a_question_mark_for_anything_else() {
        let mut out = alloc::string::String::from("é");
        for b in [b'a', b'0', b'{', 0xe9, 0x7f] {
            super::push(&mut out, b);
        }
        assert_eq!(out, "éa0{?\u{7f}");
    }
}
