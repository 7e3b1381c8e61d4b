//! Randomness for ids: `crypto.getRandomValues`, as design.md section 4 asks.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]) -> Result<JsValue, JsValue>;
}

/// 16 random bytes. Where `crypto` is missing (very old or unusual hosts) `Math.random` stands in:
/// ids must still be made, and a throw into the page is worse than weaker randomness.
pub fn bytes() -> [u8; 16] {
    let mut buf = [0u8; 16];
    if get_random_values(&mut buf).is_err() {
        for byte in buf.iter_mut() {
            *byte = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    buf
}
