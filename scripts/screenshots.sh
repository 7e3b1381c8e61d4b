#!/usr/bin/env bash
# Makes the README's pictures from the real pages, so that they are current by construction: the
# demo walk on the dashboard (docs/dashboard.png) and the 30-day data set (docs/dashboard-site.png,
# docs/dashboard-phone.png), taken by the browser tests that check those pages
# (tests/browser/demo.test.mjs and dashboard.test.mjs) against the built SDK and the collector.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
cd "$ROOT"
ensure_browser
"$ROOT/scripts/build.sh"
say "building the collector"
cargo build --release -p collector
SCREENSHOTS="$ROOT/docs" node --test --test-concurrency=1 tests/browser/demo.test.mjs tests/browser/dashboard.test.mjs
say "docs/dashboard.png, docs/dashboard-site.png and docs/dashboard-phone.png made anew"
