// Makes the npm package's JavaScript in pkg/ from the wasm-bindgen output and src/package/,
// src/loader/ (docs/design.md section 2):
//   appboy_wasm.js      the ES module entry, with the wasm embedded (wasm-bytes.js)
//   appboy-loader.js    the same SDK as one classic script, for plain pages and the snippet
//   appboy-snippet.js   the inline loading snippet, minified
//   appboy_wasm.d.ts    the types (src/package/appboy_wasm.d.ts)
// and optimizes the wasm itself (with binaryen's wasm-opt), once it knows which exports the glue uses.
// Usage: node scripts/lib/package.mjs <wasm-bindgen out dir> <.wasm with minified names> <wasm-opt's name map> <pkg dir>
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { rankFunctions } from './wasm-order.mjs';

const [bindgen, minified, mapFile, pkg] = process.argv.slice(2);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const gz = (text) => gzipSync(Buffer.from(text), { level: 9 }).length;

// The glue, adapted to this package:
// - browser.js is imported from its source, not a copy under snippets/, so that the glue and
//   src/package/ share one instance of it (its clock, its report handler);
// - the wasm's imports and exports were renamed to one or two letters by wasm-opt (build.sh
//   writes its map): long generated names with hashes were 1.9 KB of the wasm and as much of the
//   glue. Every import now comes from module "a".
const map = JSON.parse(readFileSync(mapFile, 'utf8'));
let glueText = readFileSync(join(bindgen, 'appboy_wasm.js'), 'utf8');
function edit(pattern, replacement, what) {
  const next = glueText.replace(pattern, replacement);
  if (next === glueText) throw new Error(`the wasm-bindgen glue changed (${what}): update scripts/lib/package.mjs`);
  glueText = next;
}
const BROWSER_JS = /^import \* as (import\d+) from "\.\/snippets\/[^"]*\/src\/web\/browser\.js"$/m;
const namespace = glueText.match(BROWSER_JS)?.[1];
edit(/(["'])\.\/snippets\/[^"']*\/src\/web\/browser\.js\1/g, JSON.stringify(join(ROOT, 'src/web/browser.js')), 'browser.js imports');
const token = (name) => new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
const direct = [];
for (const [module, name, short] of map.imports) {
  if (module === './appboy_wasm_bg.js') edit(token(name), short, `import ${name}`);
  else direct.push(`${short}: ${namespace}.${name}`);
}
edit(/(const import0 = \{\s*__proto__: null,)/, `$1 ${direct.join(', ')},`, 'the import object');
edit(/return \{\s*__proto__: null,\s*"\.\/appboy_wasm_bg\.js": import0,[^}]*\};/, 'return { a: import0 };', 'the import modules');
for (const [name, short] of map.exports) glueText = glueText.replace(token(`wasm.${name}`), `wasm.${short}`);
// src/package/front.js instantiates the wasm itself (synchronously where it can): it needs the
// import object and the step that adopts an instance, which the glue does not export. Its own
// init functions, unused, fall away in the bundle.
for (const name of ['__wbg_get_imports', '__wbg_finalize_init']) {
  if (!token(`function ${name}`).test(glueText)) throw new Error(`the wasm-bindgen glue has no ${name}: update scripts/lib/package.mjs`);
}
glueText += '\nexport { __wbg_get_imports, __wbg_finalize_init };\n';
// The glue's own init, unused, would fetch a .wasm beside the module: its URL, from import.meta,
// has no meaning in the classic-script loader (esbuild warned on every build).
edit(/new URL\((['"])appboy_wasm_bg\.wasm\1, import\.meta\.url\)/, 'undefined', "the glue's .wasm URL");
const glue = resolve(bindgen, 'glue.js');
writeFileSync(glue, glueText);

// The wasm, optimized for size. Exports the glue never calls (wasm-bindgen's abort handling, its
// free for returned strings) go first, and the code only they reached with them. Rust keeps its
// stack at the bottom of memory and defines (not imports) its memory, zero-filled. The producers
// and target-features sections only describe the build: browsers ignore them. A function with one
// caller is inlined only when it is small (20 instructions; binaryen's default has no limit): the
// wasm is 1.7 KB larger raw, but gzip finds more of it repeated, and the module is 0.56 KB smaller
// gzipped (measured from 10 to 60: 15 to 25 are within 2 B of each other).
const wasmFile = join(bindgen, 'appboy_wasm.opt.wasm');
const used = new Set([...glueText.matchAll(/\bwasm\.([\w$]+)/g)].map((m) => m[1]));
copyFileSync(minified, wasmFile);
for (const [, short] of map.exports) {
  if (!used.has(short)) execFileSync('wasm-opt', ['--remove-exports', `--pass-arg=remove-exports@${short}`, wasmFile, '-o', wasmFile]);
}
const optimize = ['-Oz', '--converge', '--one-caller-inline-max-function-size=20', '--low-memory-unused', '--zero-filled-memory'];
execFileSync('wasm-opt', [...optimize, wasmFile, '-o', wasmFile]);
// Then its functions ordered for gzip (wasm-order.mjs). The second run optimizes again (binaryen
// writes leaner code when it optimizes than when it only reorders: 77 B raw), and the features
// section, kept until then, tells it what the wasm uses.
writeFileSync(wasmFile, rankFunctions(readFileSync(wasmFile)));
execFileSync('wasm-opt', [...optimize, '--reorder-functions-by-name', '--strip-debug', '--strip-producers', '--strip-target-features', wasmFile, '-o', wasmFile]);

// The wasm as a JS string literal, one character per byte: byte b as ((b + shift) & 255) ^ xor.
// Only what a string literal cannot hold raw is escaped (a NUL too, as some tools take it for the
// end of text); `ascii` escapes every byte above 0x7f as well, for classic scripts, which a page
// without a declared charset would decode as windows-1252 (modules are always UTF-8). A bundler
// may write the module's raw characters into a classic script too: wasm-bytes.js then undoes that
// decoding, knowing the length the text must have (__APPBOY_LENGTH__).
function literal(bytes, { shift, xor }, { ascii = false, control = false } = {}) {
  const code = (b) => ((b + shift) & 255) ^ xor;
  let out = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = code(bytes[i]);
    const next = code(bytes[i + 1]);
    const hex = '\\x' + c.toString(16).padStart(2, '0');
    out += c === 0x22 ? '\\"' : c === 0x5c ? '\\\\' : c === 0x0a ? '\\n' : c === 0x0d ? '\\r'
      : c === 0 ? (next >= 0x30 && next <= 0x39 ? hex : '\\0')
        : (control && (c < 0x20 || c === 0x7f)) || (ascii && c > 0x7f) ? hex : String.fromCharCode(c);
  }
  return out + '"';
}
// The mapping that gzips smallest. A byte's character costs more when it is above 0x7f (two bytes
// of UTF-8, or four characters escaped) or escaped: the 65,536 mappings are ranked by how many of
// the wasm's bytes they send there, and the best few gzipped for real, with every plain shift (the
// mappings of old). For the module, over the three forms bundlers leave the string in: as written,
// re-escaped to ASCII (esbuild, Vite), and with control characters escaped (Parcel's SWC); the
// best for the first alone is 0.2 KB smaller, and 3 KB larger after SWC. For the loader, which no
// bundler rewrites, as it is served: escaped to ASCII.
const wasm = readFileSync(wasmFile);
const counts = new Array(256).fill(0);
for (const b of wasm) counts[b]++;
const ranked = [];
for (let shift = 0; shift < 256; shift++) {
  for (let xor = 0; xor < 256; xor++) {
    let cost = 0;
    for (let b = 0; b < 256; b++) {
      const c = ((b + shift) & 255) ^ xor;
      cost += counts[b] * ((c > 0x7f) + (c < 0x20 || c === 0x7f || c === 0x22 || c === 0x5c));
    }
    ranked.push({ shift, xor, cost });
  }
}
ranked.sort((a, b) => a.cost - b.cost);
const candidates = [...ranked.slice(0, 24), ...Array.from({ length: 64 }, (_, shift) => ({ shift, xor: 0 }))];
const smallest = (size) => candidates.map((m) => ({ ...m, size: size(m) })).reduce((a, b) => (b.size < a.size ? b : a));
const moduleMapping = smallest((m) => gz(literal(wasm, m)) + gz(literal(wasm, m, { ascii: true })) + gz(literal(wasm, m, { control: true })));
const loaderMapping = smallest((m) => gz(literal(wasm, m, { ascii: true })));

// wasm-bytes.js calls `__APPBOY_WASM__()`, a name esbuild leaves as it is (it is declared nowhere
// in the bundle, and esbuild never gives another name the name of a global). Its declaration,
// returning the wasm's text, goes last: at the end of the module, and inside the loader's IIFE
// (not a global of the page).
const WASM_TEXT = '__APPBOY_WASM__';
async function bundle(entry, format, mapping, text) {
  const result = await esbuild.build({
    entryPoints: [join(ROOT, entry)], bundle: true, format, minify: true, write: false, legalComments: 'none',
    logLevel: 'warning', target: 'es2020', alias: { '@appboy/glue': glue },
    define: { __APPBOY_SHIFT__: String(mapping.shift), __APPBOY_XOR__: String(mapping.xor), __APPBOY_LENGTH__: String(wasm.length) },
  });
  const code = result.outputFiles[0].text;
  const calls = code.split(`${WASM_TEXT}()`).length - 1;
  if (calls !== 1 || code.split(WASM_TEXT).length !== 2) throw new Error(`${entry}: expected ${WASM_TEXT} once, called, found it ${code.split(WASM_TEXT).length - 1} times`);
  const declaration = `function ${WASM_TEXT}(){return ${text}}`;
  if (format === 'esm') return `${code}${declaration}\n`;
  const end = code.lastIndexOf('})();');
  if (end < 0 || code.slice(end).trim() !== '})();') throw new Error(`${entry}: the IIFE's end was not found`);
  return `${code.slice(0, end)};${declaration}})();\n`;
}

const files = {
  'appboy_wasm.js': await bundle('src/package/index.js', 'esm', moduleMapping, literal(wasm, moduleMapping)),
  'appboy-loader.js': await bundle('src/loader/appboy-loader.js', 'iife', loaderMapping, literal(wasm, loaderMapping, { ascii: true })),
  'appboy-snippet.js': (await esbuild.transform(readFileSync(join(ROOT, 'src/loader/snippet.js'), 'utf8'), { minify: true, legalComments: 'none' })).code,
};
for (const [name, text] of Object.entries(files)) writeFileSync(join(pkg, name), text);

// The types, written by hand beside front.js (the wasm exports one untyped entry point).
writeFileSync(join(pkg, 'appboy_wasm.d.ts'), readFileSync(join(ROOT, 'src/package/appboy_wasm.d.ts')));

console.log(`wasm ${wasm.length} B, embedded as ((b + ${moduleMapping.shift}) & 255) ^ ${moduleMapping.xor} in the module, ((b + ${loaderMapping.shift}) & 255) ^ ${loaderMapping.xor} in the loader`);
for (const [name, text] of Object.entries(files)) console.log(`${name}: ${Buffer.byteLength(text)} B`);
