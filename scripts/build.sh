#!/usr/bin/env bash
# Builds the release SDK into pkg/: an npm package with one minified ES module, the .wasm, the
# TypeScript declarations and package.json (from pkg.json). Prints the gzipped sizes.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
cd "$ROOT"
ensure_wasm_toolchain
ensure_node_modules

say "building the release wasm"
# Without std (see Cargo.toml); shorter source paths in the few panic locations the wasm keeps.
# A 64 KB stack instead of 1 MB: the SDK never recurses deeply, and the page keeps the memory.
RUSTFLAGS="--remap-path-prefix=$HOME/.cargo/registry/src/= --remap-path-prefix=$ROOT/= -C link-arg=-zstack-size=65536" \
  cargo build --profile wasm --no-default-features --target wasm32-unknown-unknown --lib
out=target/wasm-bindgen
rm -rf "$out" pkg && mkdir -p pkg
wasm-bindgen --target web --out-dir "$out" --out-name appboy_wasm target/wasm32-unknown-unknown/wasm/appboy_wasm.wasm
# The producers and target-features sections only describe the build: browsers ignore them. Rust
# keeps its stack at the bottom of memory and defines (not imports) its memory, zero-filled.
wasm-opt -Oz --converge --low-memory-unused --zero-filled-memory --strip-producers --strip-target-features -o pkg/appboy_wasm_bg.wasm "$out/appboy_wasm_bg.wasm"
# The generated glue and src/web/browser.js become one minified module.
# (The glue lists browser.js twice in its imports: harmless, and esbuild would say so.)
esbuild "$out/appboy_wasm.js" --bundle --format=esm --minify --legal-comments=none --log-level=warning \
  --log-override:duplicate-object-key=silent \
  --outfile=pkg/appboy_wasm.js
# The loader for plain pages that call `appboy` before the module has loaded.
esbuild src/loader/appboy-loader.js --minify --legal-comments=none --log-level=warning --outfile=pkg/appboy-loader.js
cp "$out/appboy_wasm.d.ts" "$out/appboy_wasm_bg.wasm.d.ts" pkg/
cp pkg.json pkg/package.json
cp README.md LICENSE pkg/

gz() { gzip -9 -c "$1" | wc -c; }
wasm=$(gz pkg/appboy_wasm_bg.wasm); js=$(gz pkg/appboy_wasm.js); loader=$(gz pkg/appboy-loader.js)
say "pkg/ ready: wasm $wasm B + JS $js B = $((wasm + js)) B gzipped (budget 24576 B); the optional loader $loader B"
