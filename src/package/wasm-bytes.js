// The SDK's wasm, embedded in this module (docs/design.md section 2): one request, nothing for a
// bundler to emit. scripts/lib/package.mjs writes the bytes as a string of one character per
// byte: the commonest byte values as printable ASCII, the next as control characters, the rarest
// as the characters left, so that most of them stay one byte of UTF-8, and ASCII when a bundler's
// minifier re-escapes the string. `__APPBOY_CLASSES__` gives the class of each byte value (a digit
// 0, 1 or 2); within a class the values take its characters in ascending order.
//
// A bundle that keeps the characters above 0x7f raw, loaded as a classic script with no charset
// in its Content-Type on a page that declares none, is decoded in the page's legacy charset
// (windows-1252 in most locales), not UTF-8: each of those characters arrives as two. Where that
// charset has one character per byte, this is undone: the text goes back to that charset's bytes
// (a table made by decoding all 256 of them: no non-ASCII character in this source, which a
// minifier could write raw and the page garble too), which are then decoded as UTF-8. Text that
// is still not one character per byte of the wasm (a multi-byte charset) gives null, never
// garbage to compile: front.js says why.
//
// The text is the body of a function that scripts/lib/package.mjs puts last in the bundle (a
// function declaration is hoisted, so it is called before its place): gzip's window is 32 KB, and
// JavaScript after 57 KB of wasm could not refer back to the JavaScript before it (0.6 KB more).
//
// The bytes are a small wasm of their own, the joiner (wasm-join.wat, `__APPBOY_JOINER__` bytes),
// then the SDK's wasm with its code section taken apart into streams, which the joiner puts back
// together (docs/design.md section 8).
/* global __APPBOY_WASM__, __APPBOY_CLASSES__, __APPBOY_LENGTH__, __APPBOY_JOINER__ */

/** The class of character code `c`: 0 printable, 1 control, 2 above 0x7f or always escaped
 * (scripts/lib/package.mjs assigns the byte values by it too). */
export const characterClass = (c) => (c > 127 || c === 0 || c === 10 || c === 13 || c === 34 || c === 92 ? 2 : c < 32 || c === 127 ? 1 : 0);

/** The wasm's bytes, or null where the text was garbled (see above); a promise of them when
 * `later`: where the engine refuses to compile on this thread, the joiner is compiled as the SDK
 * is, asynchronously. */
export function wasmBytes(later) {
  let text = __APPBOY_WASM__();
  if (text.length !== __APPBOY_LENGTH__) {
    try {
      const charset = new TextDecoder(document.characterSet).decode(Uint8Array.from(Array(256).keys()));
      text = new TextDecoder().decode(Uint8Array.from(text, (c) => charset.indexOf(c)));
    } catch {}
  }
  if (text.length !== __APPBOY_LENGTH__ || /[^\0-\xff]/.test(text)) return null;
  // The characters of each class, ascending.
  const classes = [[], [], []];
  for (let c = 0; c < 256; c++) classes[characterClass(c)].push(c);
  const byte = new Uint8Array(256);
  for (let b = 0; b < 256; b++) byte[classes[__APPBOY_CLASSES__.charCodeAt(b) - 48].shift()] = b;
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = byte[text.charCodeAt(i)];
  const joiner = bytes.subarray(0, __APPBOY_JOINER__), streams = bytes.subarray(__APPBOY_JOINER__);
  return later
    ? WebAssembly.instantiate(joiner).then(({ instance }) => joinStreams(instance.exports, streams))
    : joinStreams(new WebAssembly.Instance(new WebAssembly.Module(joiner)).exports, streams);
}

/** The wasm that the joiner (wasm-join.wat assembled, instantiated: its `exports`) makes of
 * `streams`. */
export function joinStreams({ m, i, j }, streams) {
  // Room for the streams and the wasm, which is about as long (a page holds 64 KB).
  m.grow((streams.length >> 15) + 2);
  new Uint8Array(m.buffer).set(streams, i.value);
  const start = i.value + streams.length;
  return new Uint8Array(m.buffer, start, j(streams.length) - start);
}
