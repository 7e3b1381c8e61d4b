#!/usr/bin/env bash
# Builds the release SDK into pkg/: an npm package with the ES module, the .wasm, the TypeScript
# declarations and package.json (from pkg.json). Prints the gzipped sizes.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
cd "$ROOT"
ensure_wasm_toolchain

say "building the release wasm"
# Shorter source paths in the few panic messages the wasm carries.
RUSTFLAGS="--remap-path-prefix=$HOME/.cargo/registry/src/= --remap-path-prefix=$ROOT/=" \
  cargo build --release --target wasm32-unknown-unknown --lib
rm -rf pkg
wasm-bindgen --target web --out-dir pkg --out-name appboy_wasm target/wasm32-unknown-unknown/release/appboy_wasm.wasm
# Debian's binaryen reads the features rustc uses only when told to.
wasm-opt -Oz --enable-bulk-memory --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int \
  --enable-reference-types --enable-multivalue -o pkg/appboy_wasm_bg.wasm pkg/appboy_wasm_bg.wasm
cp pkg.json pkg/package.json

gz() { gzip -9 -c "$1" | wc -c; }
wasm=$(gz pkg/appboy_wasm_bg.wasm); js=$(gz pkg/appboy_wasm.js)
say "pkg/ ready: wasm $wasm B + JS glue $js B = $((wasm + js)) B gzipped (budget 24576 B)"
