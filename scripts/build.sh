#!/usr/bin/env bash
# Builds the release SDK into pkg/: an npm package with one minified ES module that carries its
# wasm, the same SDK as a classic script (the loader), the inline snippet, the TypeScript
# declarations and package.json (from pkg.json). Prints the gzipped sizes.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
cd "$ROOT"
ensure_wasm_toolchain
ensure_node_modules

say "building the release wasm"
# Without std (see Cargo.toml), on a pinned nightly that rebuilds core and alloc for size with the
# immediate-abort panic strategy: a panic is a trap with no message, so no formatting code or
# panic locations are linked (0.8 KB gzipped of core::fmt otherwise).
# A 64 KB stack instead of 1 MB: the SDK never recurses deeply, and the page keeps the memory.
# Without reference types, wasm-bindgen keeps JavaScript values in a small array in the glue
# instead of an externref table managed by the wasm: 0.37 KB gzipped less in all.
# rustc's MIR inliner, which it runs at opt-level 2 and 3 but not for size, with a threshold of
# 125 (50 by default): small functions are inlined before LLVM sees them, and what is left folds
# better; 0.68 KB gzipped less (thresholds from 75 to 200 all land within 0.2 KB of it).
RUSTFLAGS="-C link-arg=-zstack-size=65536 -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none -Ctarget-feature=-reference-types -Zinline-mir=yes -Zinline-mir-threshold=125" \
  cargo "+$NIGHTLY" build -Zbuild-std=core,alloc --profile wasm --no-default-features --target wasm32-unknown-unknown --lib
out=target/wasm-bindgen
rm -rf "$out" pkg && mkdir -p pkg
wasm-bindgen --target web --out-dir "$out" --out-name appboy_wasm target/wasm32-unknown-unknown/wasm/appboy_wasm.wasm
# Imports and exports get one- or two-letter names (the map goes to package.mjs, which renames them
# in the glue and then optimizes the wasm).
wasm-opt --minify-imports-and-exports-and-modules -o "$out/appboy_wasm.min.wasm" "$out/appboy_wasm_bg.wasm" > "$out/names.json"
# The entry module (wasm embedded), the loader, the snippet and the types.
node scripts/lib/package.mjs "$out" "$out/appboy_wasm.min.wasm" "$out/names.json" pkg
cp pkg.json pkg/package.json
cp README.md LICENSE pkg/

entry=$(gzip -9 -c pkg/appboy_wasm.js | wc -c)
say "pkg/ ready: the entry module, wasm included, is $entry B gzipped (budget 20480 B with headers)"
