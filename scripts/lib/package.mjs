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
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { rankFunctions } from './wasm-order.mjs';
import { characterTable } from '../../src/package/wasm-bytes.js';
import { wasmText } from './wasm-text.mjs';
import { assembleJoiner, checkDecoding, splitStreams } from './wasm-streams.mjs';

const [bindgen, minified, mapFile, pkg] = process.argv.slice(2);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

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
// The glue's string passing has a path for a wasm without realloc, which never runs: this one
// passes every string with its realloc.
if (/passStringToWasm0\([^,()]*(?:,[^,()]*)?\)/.test(glueText)) throw new Error('the wasm-bindgen glue passes a string without realloc: update scripts/lib/package.mjs');
edit(/\n    if \(realloc === undefined\) \{[^}]*\}\n/, '\n', 'passStringToWasm0 without realloc');
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

// The wasm as a string literal (wasm-text.mjs): the joiner (src/package/wasm-join.wat, assembled
// and optimized here) followed by the wasm's streams (wasm-streams.mjs), which gzip makes 1.9 KB
// less of than of the wasm. The page's own decoding of the text, with the table rebuilt from the
// classes, must give back the very wasm.
const joiner = assembleJoiner(readFileSync(join(ROOT, 'src/package/wasm-join.wat'), 'utf8'), join(bindgen, 'join.wasm'));
const wasm = readFileSync(wasmFile);
const { text, classes } = wasmText(Buffer.concat([joiner, splitStreams(wasm)]));
checkDecoding(text, characterTable(classes), joiner.length, wasm);

// wasm-bytes.js calls `__APPBOY_WASM__()`, a name esbuild leaves as it is (it is declared nowhere
// in the bundle, and esbuild never gives another name the name of a global). Its declaration,
// returning the wasm's text, goes last: at the end of the module, and inside the loader's IIFE
// (not a global of the page).
const WASM_TEXT = '__APPBOY_WASM__';
async function bundle(entry, format, text) {
  const result = await esbuild.build({
    entryPoints: [join(ROOT, entry)], bundle: true, format, minify: true, write: false, legalComments: 'none',
    logLevel: 'warning', target: 'es2020', alias: { '@appboy/glue': glue },
    define: { __APPBOY_CLASSES__: JSON.stringify(classes), __APPBOY_JOINER__: String(joiner.length) },
  });
  const code = result.outputFiles[0].text;
  const calls = code.split(`${WASM_TEXT}()`).length - 1;
  if (calls !== 1 || code.split(WASM_TEXT).length !== 2) throw new Error(`${entry}: expected ${WASM_TEXT} once, called, found it ${code.split(WASM_TEXT).length - 1} times`);
  const declaration = `function ${WASM_TEXT}(){return ${text}}`;
  // Terser (webpack's and Rollup's minifier) would inline a function called once, putting the
  // text back before the JavaScript that follows it in the app: the apps were 0.6 KB larger.
  if (format === 'esm') return `${code.replace(`${WASM_TEXT}()`, `/*#__NOINLINE__*/${WASM_TEXT}()`)}${declaration}\n`;
  const end = code.lastIndexOf('})();');
  if (end < 0 || code.slice(end).trim() !== '})();') throw new Error(`${entry}: the IIFE's end was not found`);
  return `${code.slice(0, end)};${declaration}})();\n`;
}

const files = {
  'appboy_wasm.js': await bundle('src/package/index.js', 'esm', `"${text}"`),
  'appboy-loader.js': await bundle('src/loader/appboy-loader.js', 'iife', `"${text}"`),
  'appboy-snippet.js': (await esbuild.transform(readFileSync(join(ROOT, 'src/loader/snippet.js'), 'utf8'), { minify: true, legalComments: 'none' })).code,
};
for (const [name, text] of Object.entries(files)) writeFileSync(join(pkg, name), text);

// The types, written by hand beside front.js (the wasm exports one untyped entry point).
writeFileSync(join(pkg, 'appboy_wasm.d.ts'), readFileSync(join(ROOT, 'src/package/appboy_wasm.d.ts')));

console.log(`wasm ${wasm.length} B, embedded as ${text.length} characters`);
for (const [name, text] of Object.entries(files)) console.log(`${name}: ${Buffer.byteLength(text)} B`);
