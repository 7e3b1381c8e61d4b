#!/usr/bin/env bash
# What each feature costs the entry module (docs/design.md section 8): builds the SDK from the
# tracked files as they are in the working tree, then once without each feature of
# scripts/lib/features.mjs, then without all of them at once, and prints the entry module's
# gzipped size for each. A copy of the tree is built (under target/weigh), never this one; about
# 20 s a build once core and alloc are compiled.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
cd "$ROOT"
ensure_wasm_toolchain
ensure_node_modules

# The copy is always at the same place and keeps its target directory across runs: core and alloc
# are compiled once. Its source is copied anew (with new file times) for every build, so the SDK's
# crate is always compiled from what the build names.
work="$ROOT/target/weigh"
rm -rf "$work/base" "$work/src"
mkdir -p "$work/base" "$work/target"
git ls-files -z | tar --null -T - -c | tar -x -C "$work/base"
ln -s "$ROOT/node_modules" "$work/base/node_modules"
ln -s "$work/target" "$work/base/target"
cp -r "$work/base/src" "$work/src"

# Builds the copy without the features named (none: as it is); prints the module's gzipped bytes.
weigh() {
  rm -rf "$work/base/src" && cp -r "$work/src" "$work/base/src"
  for feature in "$@"; do node scripts/lib/features.mjs "$work/base" "$feature"; done
  "$work/base/scripts/build.sh" >/dev/null 2>"$work/log" || { cat "$work/log" >&2; return 1; }
  gzip -9 -c "$work/base/pkg/appboy_wasm.js" | wc -c
}

mapfile -t features < <(node scripts/lib/features.mjs "$work/base" list)
say "weighing the entry module without each of ${#features[@]} features"
full=$(weigh)
printf '| without | entry module, gzip -9 | less |\n| --- | --- | --- |\n| (nothing: every feature) | %s B | |\n' "$full"
names=()
for line in "${features[@]}"; do
  name=${line%%$'\t'*}
  names+=("$name")
  size=$(weigh "$name")
  printf '| %s | %s B | %s B |\n' "${line#*$'\t'}" "$size" "$((full - size))"
done
size=$(weigh "${names[@]}")
printf '| all of them | %s B | %s B |\n' "$size" "$((full - size))"
