#!/usr/bin/env bash
# Builds the SDK and the collector, then serves the demo site, the dashboard and the data endpoint
# from the collector on http://127.0.0.1:${PORT:-8080} (PORT=0: any free port), keeping what it
# receives in ${DB:-target/demo.db}. Prints the addresses, the dashboard's with the admin token
# (COLLECTOR_ADMIN_TOKEN, or a random one; in the link's fragment, which is never sent to the
# server); runs until stopped (Ctrl-C).
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
cd "$ROOT"
scripts/build.sh
say "building the collector"
cargo build --release -p collector

out=$(mktemp)
# Through the environment, not the command line, which other users of the machine can read.
export COLLECTOR_ADMIN_TOKEN=${COLLECTOR_ADMIN_TOKEN:-$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')}
target/release/collector --port "${PORT:-8080}" --db "${DB:-target/demo.db}" --root "$ROOT" >"$out" &
collector=$!
trap 'kill $collector 2>/dev/null; rm -f "$out"' EXIT INT TERM
until grep -q 'listening on' "$out"; do
  kill -0 $collector 2>/dev/null || { echo "the collector did not start (is the port in use? try PORT=0)" >&2; exit 1; }
  sleep 0.1
done
base=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$out" | head -n 1)
echo
echo "  demo site:  $base/www/#token=$COLLECTOR_ADMIN_TOKEN"
echo "  dashboard:  $base/www/dashboard.html#token=$COLLECTOR_ADMIN_TOKEN"
echo "  endpoint:   $base/api/v3/data/"
echo
echo "Stop with Ctrl-C."
wait $collector
