// Orders a wasm's functions so that gzip finds more of each one in the code just before it
// (docs/design.md section 8). gzip looks back 32 KB, and the SDK's code is 50 KB: a function far
// from the ones it resembles compresses as if they were not there. Greedily, each next function is
// the one that deflates smallest, per byte, against the last 32 KB placed (0.3 KB less gzipped
// than the compiler's order; binaryen's own `--reorder-functions`, by call count, is 0.2 KB more);
// then each is moved a few places where the whole deflates smaller.
//
// The order is handed to binaryen as a name section ranking the defined functions, for
// `wasm-opt --reorder-functions-by-name`, which renumbers every call, table entry and export.
import { deflateRawSync } from 'node:zlib';
import { leb, uleb } from './leb128.mjs';

// The imported functions' count and the defined functions' bodies.
function functions(wasm) {
  const sections = new Map();
  for (let at = 8; at < wasm.length;) {
    const [size, body] = leb(wasm, at + 1);
    if (wasm[at] !== 0) sections.set(wasm[at], wasm.subarray(body, body + size));
    at = body + size;
  }
  let imported = 0;
  const imports = sections.get(2);
  if (imports) {
    let [count, at] = leb(imports, 0);
    for (let i = 0; i < count; i++) {
      for (let name = 0; name < 2; name++) {
        const [length, next] = leb(imports, at);
        at = next + length;
      }
      const kind = imports[at++];
      if (kind === 0) { // a function: its type
        imported++;
        [, at] = leb(imports, at);
      } else if (kind === 1) { // a table: its element type and limits
        at++;
        const flags = imports[at++];
        [, at] = leb(imports, at);
        if (flags & 1) [, at] = leb(imports, at);
      } else if (kind === 2) { // a memory: its limits
        const flags = imports[at++];
        [, at] = leb(imports, at);
        if (flags & 1) [, at] = leb(imports, at);
      } else if (kind === 3) { // a global: its type and mutability
        at += 2;
      } else {
        throw new Error(`wasm-order: unknown import kind ${kind}`);
      }
    }
  }
  const code = sections.get(10);
  const bodies = [];
  let [count, at] = leb(code, 0);
  for (let i = 0; i < count; i++) {
    const [size, body] = leb(code, at);
    bodies.push(code.subarray(body, body + size));
    at = body + size;
  }
  return { imported, bodies };
}

// The defined functions' indices, in the order that gzips smallest: greedy, then refined.
function order(bodies) {
  return refine(bodies, greedy(bodies));
}

// Each function moved up to six places either way, where the whole code then deflates smaller;
// two passes over the code (about 7,400 trials; 6 s here, 14 s under load). 53 B less gzipped than
// the greedy order alone.
function refine(bodies, placed) {
  const size = (order) => deflateRawSync(Buffer.concat(order.map((f) => bodies[f])), { level: 9 }).length;
  let best = size(placed);
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < placed.length; i++) {
      for (let j = Math.max(0, i - 6); j <= Math.min(placed.length - 1, i + 6); j++) {
        if (j === i) continue;
        const moved = placed.slice();
        moved.splice(j, 0, ...moved.splice(i, 1));
        const trial = size(moved);
        if (trial < best) [best, placed] = [trial, moved];
      }
    }
  }
  return placed;
}

function greedy(bodies) {
  const WINDOW = 32000;
  const left = new Set(bodies.keys());
  // The largest first: it has the most to share.
  let next = [...left].reduce((a, b) => (bodies[b].length > bodies[a].length ? b : a));
  const placed = [];
  let text = Buffer.alloc(0);
  for (;;) {
    placed.push(next);
    left.delete(next);
    text = Buffer.concat([text, bodies[next]]).subarray(-WINDOW);
    if (left.size === 0) return placed;
    let best = Infinity;
    for (const f of left) {
      // Per byte, so that a large function that shares much is not passed over for a tiny one.
      const cost = deflateRawSync(bodies[f], { level: 9, dictionary: text }).length / (bodies[f].length + 16);
      if (cost < best) [best, next] = [cost, f];
    }
  }
}

/** `wasm` (with no name section) with one that ranks its defined functions in that order. */
export function rankFunctions(wasm) {
  const { imported, bodies } = functions(wasm);
  const rank = [];
  order(bodies).forEach((f, r) => { rank[f] = r; });
  // A name map lists the functions by index.
  const names = [...uleb(bodies.length)];
  bodies.forEach((_, f) => {
    const name = Buffer.from('f' + String(rank[f]).padStart(5, '0'));
    names.push(...uleb(imported + f), ...uleb(name.length), ...name);
  });
  const payload = [...uleb(4), ...Buffer.from('name'), 1, ...uleb(names.length), ...names];
  return Buffer.concat([wasm, Buffer.from([0, ...uleb(payload.length), ...payload])]);
}
