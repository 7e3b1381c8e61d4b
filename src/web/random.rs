//! Randomness for ids: `crypto.getRandomValues` (docs/design.md section 4), through `browser.js`.

use super::browser;

pub fn bytes() -> [u8; 16] {
    let mut buf = [0u8; 16];
    browser::random_fill(&mut buf);
    buf
}
