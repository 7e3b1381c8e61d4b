#!/usr/bin/env bash
# Installs the packed package (pkg/, as npm would publish it) beside Node, Deno and Bun (all from
# the npm registry) and runs runtimes.test.mjs. Needs scripts/build.sh to have run.
set -euo pipefail
source "$(dirname "$0")/../../scripts/lib/setup.sh"
ensure_node_modules
cd "$ROOT/tests/runtimes"
npm ci --no-audit --no-fund --loglevel=error
tarball=$(pack_pkg)
npm install --no-save --no-audit --no-fund --loglevel=error "$tarball"
node --test runtimes.test.mjs
