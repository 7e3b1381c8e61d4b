// The embedded wasm's bytes as text (docs/design.md section 7): printable ASCII that a JavaScript
// string literal holds as it is, read back by src/package/wasm-bytes.js and the joiner. Each byte
// value gets a code by how often it occurs: the 90 commonest one character of the alphabet, the
// next 90 `}` and a character, the rest `~` and a character. Within each class the values take
// the alphabet in ascending order, so that the page rebuilds the table from the class of each
// value alone (a digit per value). Against characters above 0x7f for the rarest values (two bytes
// of UTF-8, or four characters escaped to ASCII), the module is 0.4 KB smaller gzipped and the
// loader 0.7 KB, and no charset or minifier can change the text.
import { ALPHABET } from '../../src/package/wasm-bytes.js';

/** `bytes` as text, and each byte value's class (`__APPBOY_CLASSES__`). */
export function wasmText(bytes) {
  const counts = new Array(256).fill(0);
  for (const b of bytes) counts[b]++;
  const byFrequency = [...counts.keys()].sort((a, b) => counts[b] - counts[a] || a - b);
  const classes = new Array(256);
  byFrequency.forEach((b, rank) => { classes[b] = Math.floor(rank / ALPHABET.length); });
  const prefixes = ['', '}', '~'];
  const taken = [0, 0, 0];
  const code = classes.map((k) => prefixes[k] + String.fromCharCode(ALPHABET[taken[k]++]));
  let text = '';
  for (const b of bytes) text += code[b];
  return { text, classes: classes.join('') };
}
