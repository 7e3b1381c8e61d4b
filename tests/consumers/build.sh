#!/usr/bin/env bash
# Packs pkg/ as npm would publish it, then for each consumer project here (vite, webpack, esbuild,
# rollup, parcel): `npm ci` from its lockfile, the tarball installed as a user would, and the
# project built by its bundler with the bundler's default configuration into its dist/ (the Vite
# one is type-checked with `strict` first). tests/browser/consumer.test.mjs then runs each build in
# Chromium. Needs scripts/build.sh to have run. Quiet on success: one line per consumer with the
# gzipped size of what it built; a failure prints that consumer's log. Every consumer is tried,
# and the exit status is non-zero if any failed.
set -uo pipefail
source "$(dirname "$0")/../../scripts/lib/setup.sh"
ensure_node_modules
here="$ROOT/tests/consumers"
consumers=(vite webpack esbuild rollup parcel)

tarball=$(pack_pkg) || exit 1

# Each consumer's build command is the `build` script of its package.json.
build() {
  local name=$1
  rm -rf dist .parcel-cache || return
  # One app for every bundler but Vite's, whose typed main.ts also checks the declarations.
  if [ "$name" != vite ]; then mkdir -p src && cp "$here/app.js" src/main.js || return; fi
  npm ci --no-audit --no-fund --loglevel=error || return
  npm install --no-save --no-audit --no-fund --loglevel=error "$tarball" || return
  if [ "$name" = vite ]; then npm run --silent typecheck || return; fi
  npm run --silent build || return
  # A build that "succeeds" without its JavaScript is a failure too.
  [ -n "$(find dist -name '*.js' 2>/dev/null)" ] || { echo "no JavaScript in dist/"; return 1; }
}

# The gzipped (-9) bytes of the built JavaScript, and of any .wasm emitted beside it.
sizes() {
  local js=0 wasm=0 f
  while IFS= read -r f; do js=$((js + $(gzip -9 -c "$f" | wc -c))); done < <(find dist -name '*.js')
  while IFS= read -r f; do wasm=$((wasm + $(gzip -9 -c "$f" | wc -c))); done < <(find dist -name '*.wasm')
  if [ "$wasm" -gt 0 ]; then echo "JS $js B + wasm $wasm B gzipped"; else echo "JS $js B gzipped"; fi
}

logs=$(mktemp -d)
failed=()
for name in "${consumers[@]}"; do
  start=$SECONDS
  if (cd "$here/$name" && build "$name") >"$logs/$name.log" 2>&1; then
    say "consumer $name: built in $((SECONDS - start)) s, $(cd "$here/$name" && sizes)"
  else
    say "consumer $name: FAILED after $((SECONDS - start)) s; its log:"
    tail -n 60 "$logs/$name.log" >&2
    failed+=("$name")
  fi
done
rm -rf "$logs"
if [ ${#failed[@]} -gt 0 ]; then
  say "consumers that failed to build: ${failed[*]}"
  exit 1
fi
