// The SDK's wasm, embedded in this module (docs/design.md sections 2 and 7): one request, nothing
// for a bundler to emit. scripts/lib/wasm-text.mjs writes its bytes as text of printable ASCII:
// the commonest byte values one character each, the others two, the first `}` or `~`. Printable
// ASCII reads the same in every charset a page may decode a classic script in, and no minifier or
// bundler escapes it. `__APPBOY_CLASSES__` gives each byte value's class (a digit: 0 one character,
// 1 after `}`, 2 after `~`); within a class the values take the alphabet in ascending order.
//
// The text is the body of a function that scripts/lib/package.mjs puts last in the bundle (a
// function declaration is hoisted, so it is called before its place): gzip's window is 32 KB, and
// JavaScript after 57 KB of wasm could not refer back to the JavaScript before it (0.6 KB more).
//
// The bytes are a small wasm of their own, the joiner (wasm-join.wat, `__APPBOY_JOINER__` bytes),
// then the SDK's wasm with its code section taken apart into streams. The joiner's characters
// become bytes here; the rest of the text goes to the joiner as it is (made bytes by the browser's
// own encoder), which makes the bytes of its codes and puts the wasm back together: a character at
// a time in JavaScript took milliseconds of main thread.
/* global __APPBOY_WASM__, __APPBOY_CLASSES__, __APPBOY_JOINER__ */

/** The characters the text is written with: printable ASCII but `"` and `\` (a string literal
 * escapes them), `<` (`</script>` in a page) and the two that announce a second character. */
export const ALPHABET = [...Array(95).keys()].map((c) => c + 32).filter((c) => !'"\\<}~'.includes(String.fromCharCode(c)));

/** The byte that each code stands for, from the class of each byte value (`classes`, a digit per
 * value). A code is a character's, plus 128 after `}`, 256 after `~`. */
export function characterTable(classes) {
  const table = new Uint8Array(384);
  const taken = [0, 0, 0];
  for (let b = 0; b < 256; b++) {
    const k = classes.charCodeAt(b) - 48;
    table[k * 128 + ALPHABET[taken[k]++]] = b;
  }
  return table;
}

/** The wasm's bytes; a promise of them when `later`: where the engine refuses to compile on this
 * thread, the joiner is compiled as the SDK is, asynchronously. */
export function wasmBytes(later) {
  return decodeWasm(__APPBOY_WASM__(), characterTable(__APPBOY_CLASSES__), __APPBOY_JOINER__, later);
}

/** The wasm that `text` stands for, where `table` gives each code's byte and the first
 * `joinerLength` bytes are the joiner; a promise of it when `later`. */
export function decodeWasm(text, table, joinerLength, later) {
  const joiner = new Uint8Array(joinerLength);
  let at = 0;
  for (let n = 0; n < joinerLength; n++) {
    let c = text.charCodeAt(at++);
    if (c > 124) c = (c - 124) * 128 + text.charCodeAt(at++);
    joiner[n] = table[c];
  }
  const streams = text.slice(at);
  const join = ({ m, i, j }) => {
    // The text's bytes (it is ASCII; `encode`, not `encodeInto`, which Safari 14.0 lacks), and room
    // for the wasm after them, about as long.
    const bytes = new TextEncoder().encode(streams);
    m.grow((bytes.length >> 15) + 2);
    const memory = new Uint8Array(m.buffer);
    memory.set(table, i.value - 384);
    memory.set(bytes, i.value);
    const start = i.value + bytes.length;
    return new Uint8Array(m.buffer, start, j(bytes.length) - start);
  };
  return later
    ? WebAssembly.instantiate(joiner).then(({ instance }) => join(instance.exports))
    : join(new WebAssembly.Instance(new WebAssembly.Module(joiner)).exports);
}
