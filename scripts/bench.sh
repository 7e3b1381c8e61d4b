#!/usr/bin/env bash
# Builds the release package and measures it beside the Braze Web SDKs in headless Chromium
# (bench/run.mjs); prints the table and writes bench/RESULTS.md. Not part of the tests.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
cd "$ROOT"
scripts/build.sh
ensure_browser
ensure_node_modules
(cd bench && npm ci --no-audit --no-fund --loglevel=error)
node bench/run.mjs
