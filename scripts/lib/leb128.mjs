// Unsigned LEB128, the wasm binary format's numbers, for the build's tools that read and write it
// (wasm-order.mjs, wasm-streams.mjs).

/** The number at `at` in `bytes`, and where the next thing starts. */
export function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[at++];
    value |= (byte & 0x7f) << shift;
    shift += 7;
  } while (byte & 0x80);
  return [value >>> 0, at];
}

/** `value` in its shortest form. */
export function uleb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return out;
}
