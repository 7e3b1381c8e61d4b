#!/usr/bin/env bash
# Packs pkg/ as npm would publish it, installs the tarball into the consumer project, type-checks
# the consumer with `strict` and builds it with Vite into tests/consumers/vite/dist/ (which
# tests/browser/consumer.test.mjs then runs in Chromium). Needs scripts/build.sh to have run.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib/setup.sh"
ensure_node_modules
cd "$ROOT/tests/consumers/vite"
npm ci --no-audit --no-fund --loglevel=error
mkdir -p "$ROOT/target/npm"
tarball=$(cd "$ROOT/pkg" && npm pack --pack-destination "$ROOT/target/npm" --silent | tail -n 1)
say "installing $tarball into the consumer"
npm install --no-save --no-audit --no-fund --loglevel=error "$ROOT/target/npm/$tarball"
say "type-checking the consumer (strict)"
npx tsc --noEmit
say "building the consumer with Vite"
rm -rf dist
npx vite build --base ./ --logLevel warn
ls dist/assets
