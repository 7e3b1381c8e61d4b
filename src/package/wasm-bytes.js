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
// then the SDK's wasm with its code section taken apart into streams (docs/design.md section 7).
// The joiner's characters become bytes here; the rest of the text goes to the joiner as it is, as
// UTF-8 (the browser's own encoder), and the joiner makes the bytes of its characters and puts the
// wasm back together: a character at a time in JavaScript took milliseconds of main thread.
/* global __APPBOY_WASM__, __APPBOY_CLASSES__, __APPBOY_LENGTH__, __APPBOY_JOINER__ */

/** The class of character code `c`: 0 printable, 1 control, 2 above 0x7f or always escaped
 * (scripts/lib/package.mjs assigns the byte values by it too). */
export const characterClass = (c) => (c > 127 || c === 0 || c === 10 || c === 13 || c === 34 || c === 92 ? 2 : c < 32 || c === 127 ? 1 : 0);

/** The byte that each character code stands for, from the class of each byte value (`classes`, a
 * digit per value): within a class the values take its characters in ascending order. */
export function characterBytes(classes) {
  const characters = [[], [], []];
  for (let c = 0; c < 256; c++) characters[characterClass(c)].push(c);
  const byte = new Uint8Array(256);
  for (let b = 0; b < 256; b++) byte[characters[classes.charCodeAt(b) - 48].shift()] = b;
  return byte;
}

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
  return decodeWasm(text, characterBytes(__APPBOY_CLASSES__), __APPBOY_JOINER__, later);
}

/** The wasm that `text` (characters below 0x100) stands for, where `byte` gives each character's
 * byte and the first `joinerLength` characters are the joiner; a promise of it when `later`. */
export function decodeWasm(text, byte, joinerLength, later) {
  const joiner = new Uint8Array(joinerLength);
  for (let c = 0; c < joinerLength; c++) joiner[c] = byte[text.charCodeAt(c)];
  const streams = text.slice(joinerLength);
  const join = ({ m, i, j }) => {
    // Room for the streams as UTF-8 (up to two bytes a character) and the wasm after them.
    m.grow((streams.length >> 14) + 2);
    const memory = new Uint8Array(m.buffer);
    memory.set(byte, i.value - 256);
    const start = i.value + new TextEncoder().encodeInto(streams, memory.subarray(i.value)).written;
    return new Uint8Array(m.buffer, start, j(start - i.value) - start);
  };
  return later
    ? WebAssembly.instantiate(joiner).then(({ instance }) => join(instance.exports))
    : join(new WebAssembly.Instance(new WebAssembly.Module(joiner)).exports);
}
