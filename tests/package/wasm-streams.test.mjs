// The wasm is embedded as streams that the joiner puts back together in the page
// (scripts/lib/wasm-streams.mjs, src/package/wasm-join.wat, src/package/wasm-bytes.js,
// docs/design.md section 7). The build checks the SDK's own wasm; here every kind of instruction
// they know comes back byte for byte, every byte value through its one or two characters, what
// they do not know stops the build, and a joiner that puts back other bytes is caught.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleJoiner, checkDecoding, splitStreams } from '../../scripts/lib/wasm-streams.mjs';
import { wasmText } from '../../scripts/lib/wasm-text.mjs';
import { leb, uleb } from '../../scripts/lib/leb128.mjs';
import { characterTable, decodeWasm } from '../../src/package/wasm-bytes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
process.env.PATH = `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`;
const dir = mkdtempSync(join(tmpdir(), 'wasm-streams-'));
const source = readFileSync(join(ROOT, 'src/package/wasm-join.wat'), 'utf8');
const joiner = assembleJoiner(source, join(dir, 'join.wasm'));
// The text a page would embed for the joiner and `streams` (printable ASCII, two characters for
// the rarer bytes), and what the page's decoding makes of it.
const embed = (joinerBytes, streams) => wasmText(Buffer.concat([joinerBytes, streams]));
function decode(streams) {
  const { text, classes } = embed(joiner, streams);
  assert.match(text, /^(?:[}~]?[ !#-;=-\[\]-|])*$/, 'printable ASCII but " \\ < } ~, and } or ~ only before a character');
  return decodeWasm(text, characterTable(classes), joiner.length);
}

// The seven streams, found by the lengths in the header.
function streamsOf(split) {
  let p = 0;
  const lengths = [];
  for (let k = 0; k < 6; k++) {
    const [n, next] = leb(split, p);
    lengths.push(n);
    p = next;
  }
  return [...lengths, split.length - p - lengths.reduce((a, b) => a + b)].map((n) => split.subarray(p, (p += n)));
}

// A module of one function, of type 0, whose body (locals included) is `body`; `types` are the
// type section's entries. With a memory of one page.
function module(types, body) {
  const section = (id, bytes) => [id, bytes.length, ...bytes];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [types.length, ...types.flat()]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, 1]),
    ...section(10, [1, body.length, ...body]),
  ]);
}

test('every kind of instruction comes back in place, with each stream used', () => {
  const file = join(dir, 'every.wasm');
  execFileSync('wasm-as', ['--enable-bulk-memory', '--enable-sign-ext', '--enable-nontrapping-float-to-int', '--enable-multivalue',
    join(ROOT, 'tests/package/every-instruction.wat'), '-o', file]);
  const wasm = readFileSync(file);
  assert.ok(WebAssembly.validate(wasm));
  const split = splitStreams(wasm);
  assert.deepEqual(decode(split), new Uint8Array(wasm));
  const [rest, gets, sets, offsets, labels, blocks, constants] = streamsOf(split);
  for (const [name, stream] of Object.entries({ rest, gets, sets, offsets, labels, blocks, constants })) assert.ok(stream.length > 0, `${name} is empty`);
  // Sizes and natural alignments are left out: the streams are shorter than the wasm.
  assert.ok(split.length < wasm.length, `${split.length} B of streams for ${wasm.length} B of wasm`);
});

test('every byte value comes back through the text: one character, or two', () => {
  // A custom section of every byte value, each as often as it is small (so that some take one
  // character, some `}` and one, some `~` and one).
  const payload = [1, 0x78];
  for (let b = 0; b < 256; b++) for (let n = 0; n < 256 - b; n++) payload.push(b);
  const wasm = Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0, ...uleb(payload.length), ...payload]);
  assert.ok(WebAssembly.validate(wasm));
  const split = splitStreams(wasm);
  const { text, classes } = embed(joiner, split);
  assert.deepEqual(new Set(classes), new Set(['0', '1', '2']));
  assert.deepEqual(decode(split), wasm);
  assert.ok(text.length < 2 * (joiner.length + split.length));
});

test('a block typed by a type index (multiple results) comes back in place', () => {
  // Type 0: [] -> []; type 1: [] -> [i32 i32]. Body: block (type 1) i32.const 1 i32.const 2 end
  // drop drop end.
  const wasm = module([[0x60, 0, 0], [0x60, 0, 2, 0x7f, 0x7f]], [0, 0x02, 0x01, 0x41, 1, 0x41, 2, 0x0b, 0x1a, 0x1a, 0x0b]);
  assert.ok(WebAssembly.validate(wasm));
  const split = splitStreams(wasm);
  assert.deepEqual(decode(split), wasm);
  assert.deepEqual([...streamsOf(split)[5]], [0x01]);
});

test('an instruction the streams do not know stops the build, named', () => {
  // ref.null func; drop (reference types, which the SDK's wasm is built without).
  const wasm = module([[0x60, 0, 0]], [0, 0xd0, 0x70, 0x1a, 0x0b]);
  assert.ok(WebAssembly.validate(wasm));
  assert.throws(() => splitStreams(wasm), /instruction 0xd0 .*teach scripts\/lib\/wasm-streams\.mjs and src\/package\/wasm-join\.wat/);
  // memory.init (0xfc 8) is not among the bulk-memory instructions known (the module, without a
  // data section, would not validate: the streams are taken apart before any check of meaning).
  assert.throws(() => splitStreams(module([[0x60, 0, 0]], [0, 0x41, 0, 0x41, 0, 0x41, 0, 0xfc, 8, 0, 0, 0x0b])), /instruction 0xfc 8/);
});

test('a joiner that puts back other bytes is caught', () => {
  // The natural alignment of i32.load (0x28) taken as 1 (2 bytes) instead of 2 (4 bytes).
  const row = '"\\09\\0a\\0a\\08\\08\\00\\00\\00\\82\\83';
  assert.ok(source.includes(row));
  const wrong = assembleJoiner(source.replace(row, '"\\09\\0a\\0a\\08\\08\\00\\00\\00\\81\\83'), join(dir, 'wrong.wasm'));
  const wasm = module([[0x60, 0, 0]], [0, 0x41, 0, 0x28, 2, 0, 0x1a, 0x0b]);
  assert.ok(WebAssembly.validate(wasm));
  const split = splitStreams(wasm);
  const wrongText = embed(wrong, split);
  assert.throws(() => checkDecoding(wrongText.text, characterTable(wrongText.classes), wrong.length, wasm), /does not give back the wasm/);
  const { text, classes } = embed(joiner, split);
  checkDecoding(text, characterTable(classes), joiner.length, wasm);
});
