// The SDK's wasm, embedded in this module (docs/design.md section 2): one request, nothing for a
// bundler to emit. scripts/lib/package.mjs writes the bytes as a string of one character per
// byte, each shifted by the constant that gzips smallest, so gzip's matches stay aligned with the
// wasm's and most bytes stay printable ASCII when a bundler's minifier re-escapes the string.
/* global __APPBOY_WASM__, __APPBOY_SHIFT__ */
export function wasmBytes() {
  const text = __APPBOY_WASM__;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) - __APPBOY_SHIFT__;
  return bytes;
}
