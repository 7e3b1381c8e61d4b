// Takes the wasm's code section apart into the streams that src/package/wasm-join.wat puts back
// together (it says which), and checks that the page's decoding, with that very joiner, gives back
// the very same bytes. Only the instructions this SDK's wasm uses are known (MVP, sign extension,
// saturating conversions, bulk memory's copy and fill): any other stops the build, to be taught to
// both files.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { decodeWasm } from '../../src/package/wasm-bytes.js';
import { leb, uleb } from './leb128.mjs';

/** The natural alignment (log2 bytes) of the loads and stores, opcodes 0x28 to 0x3e. */
const NATURAL = '23230011001122232301012';
/** Stands before a load or store whose alignment is not the natural one: it follows the opcode. */
const ALIGNED = 0xf0;

/** Instructions with nothing after them, besides the numeric ones (0x45 to 0xc4). */
const NO_IMMEDIATE = new Set([0x00, 0x01, 0x05, 0x0b, 0x0f, 0x1a, 0x1b]);

/** The streams of `wasm`, with the header of their lengths. */
export function splitStreams(wasm) {
  const streams = [[], [], [], [], [], [], []];
  let p = 8;
  const put = (i, ...values) => { for (const v of values) streams[i].push(v); };
  const number = () => {
    const [n, next] = leb(wasm, p);
    p = next;
    return n;
  };
  // The next LEB128 number, as it is written, to stream `i`.
  const move = (i) => {
    const start = p;
    const n = number();
    put(i, ...wasm.subarray(start, p));
    return n;
  };
  const moveBytes = (n) => put(0, ...wasm.subarray(p, (p += n)));
  const fail = (what) => { throw new Error(`wasm-streams: ${what} at byte ${p}: teach scripts/lib/wasm-streams.mjs and src/package/wasm-join.wat`); };
  put(0, ...wasm.subarray(0, 8));
  while (p < wasm.length) {
    const id = wasm[p++];
    put(0, id);
    const sizeAt = p;
    const end = number() + p;
    if (id !== 10) {
      p = sizeAt;
      moveBytes(end - sizeAt);
      continue;
    }
    for (let f = move(0); f--;) {
      const fnEnd = number() + p;
      for (let n = move(0); n--;) { move(0); moveBytes(1); }
      while (p < fnEnd) {
        const x = wasm[p++];
        if (x >= 0x28 && x <= 0x3e) {
          const align = number();
          if (align === NATURAL.charCodeAt(x - 0x28) - 48) put(0, x);
          else if (align < 128) put(0, ALIGNED, x, align);
          else fail('an alignment above 127');
          move(3);
          continue;
        }
        put(0, x);
        if (x >= 0x02 && x <= 0x04) move(5);
        else if (x === 0x0c || x === 0x0d) move(4);
        else if (x === 0x0e) { for (let n = move(4) + 1; n--;) move(4); }
        else if (x === 0x10 || x === 0x23 || x === 0x24 || x === 0x42) move(0);
        else if (x === 0x41) move(6);
        else if (x === 0x11) { move(0); move(0); }
        else if (x === 0x20) move(1);
        else if (x === 0x21 || x === 0x22) move(2);
        else if (x === 0x3f || x === 0x40) moveBytes(1);
        else if (x === 0x43 || x === 0x44) moveBytes(x === 0x43 ? 4 : 8);
        else if (x === 0xfc) {
          const sub = move(0);
          if (sub > 11 || sub === 8 || sub === 9) fail(`instruction 0xfc ${sub}`);
          moveBytes(sub === 10 ? 2 : sub === 11 ? 1 : 0);
        } else if (!NO_IMMEDIATE.has(x) && !(x >= 0x45 && x <= 0xc4)) fail(`instruction 0x${x.toString(16)}`);
      }
      if (p !== fnEnd || wasm[p - 1] !== 0x0b) fail('a function that does not end where its size says');
    }
    if (p !== end) fail('a code section that does not end where its size says');
  }
  const lengths = streams.slice(0, 6).flatMap((s) => uleb(s.length));
  return Uint8Array.from([...lengths, ...streams.flat()]);
}

/** Stops the build unless the page's decoding of `text` (wasm-bytes.js's `decodeWasm`: `table` the
 * byte of each code, the joiner its first `joinerLength` bytes) is `wasm`, byte for byte. */
export function checkDecoding(text, table, joinerLength, wasm) {
  const back = decodeWasm(text, table, joinerLength);
  if (back.length !== wasm.length || back.some((b, i) => b !== wasm[i])) {
    throw new Error('wasm-streams: the embedded text does not give back the wasm (a size not in its shortest form?): teach scripts/lib/wasm-streams.mjs and src/package/wasm-join.wat');
  }
}

/** The joiner, assembled from `source` (the text of src/package/wasm-join.wat) and optimized for
 * size with binaryen; `file` is where it is written on the way. */
export function assembleJoiner(source, file) {
  execFileSync('wasm-as', ['--enable-bulk-memory', '-', '-o', file], { input: source });
  execFileSync('wasm-opt', ['--enable-bulk-memory', '-Oz', '--strip-debug', file, '-o', file]);
  return readFileSync(file);
}
