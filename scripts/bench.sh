#!/usr/bin/env bash
# Builds the release package and measures what its users get beside the Braze Web SDKs in
# headless Chromium (bench/run.mjs): fresh pages served gzipped, on loopback and on an emulated slow
# phone network; prints the table and the targets and writes bench/RESULTS.md. Not part of the
# tests. BENCH_SAMPLES / BENCH_PHONE_SAMPLES set the pages per shape (15 / 9).
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
cd "$ROOT"
scripts/build.sh
ensure_browser
ensure_node_modules
(cd bench && npm ci --no-audit --no-fund --loglevel=error)
node bench/run.mjs
