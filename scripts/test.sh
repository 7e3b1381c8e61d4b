#!/usr/bin/env bash
# Runs every test, installing what is missing first: the native tests (with 10,000 property-test
# cases), the delivery simulation (5,000 seeded runs, optimized; SIM_SEEDS=n for more), the
# collector's suite again on a throwaway PostgreSQL server, the wasm suite in headless Chromium,
# then the release package built and the browser suites run against it. Every stage runs even when one fails; the last line sums up
# all runners, and the exit status is non-zero if anything failed.
set -uo pipefail
source "$(dirname "$0")/lib/setup.sh"
cd "$ROOT"
ensure_wasm_toolchain
ensure_browser
ensure_node_modules
# The collector's SDK-authentication tests make their RSA keys with the openssl command.
apt_install openssl

logs=$(mktemp -d)
failed_stages=()
stage() {
  local name=$1; shift
  say "$name"
  if ! "$@" 2>&1 | tee "$logs/$name.log"; then failed_stages+=("$name"); fi
}

export PROPTEST_CASES=${PROPTEST_CASES:-10000}
# The native stage runs a few hundred simulation seeds with debug assertions (overflow checks);
# the simulation stage runs thousands, optimized.
stage native env SIM_SEEDS=300 cargo test --workspace
stage simulation env SIM_SEEDS="${SIM_SEEDS:-5000}" cargo test --release --test simulation -- --nocapture
# The collector's suite again, on a throwaway PostgreSQL server (each test its own database).
collector_on_postgres() {
  start_postgres || return 1
  COLLECTOR_TEST_PG=$PG_URL cargo test -p collector
  local status=$?
  stop_postgres
  return $status
}
stage postgres collector_on_postgres
stage wasm cargo test --target wasm32-unknown-unknown --test web_engine
# browser.js reading the effects' bytes that tests/protocol.rs checks Rust writes.
stage protocol node --test tests/protocol/
stage build scripts/build.sh
# The streams the wasm is embedded as, and the joiner that puts them back together.
stage package node --test tests/package/
# The entry module may not grow: its budget is 20,480 B (docs/design.md section 8), and until it
# is back under that, this ratchet holds it at what it weighs now. Lower it as bytes are won back.
MODULE_LIMIT=25670
module_size() {
  local size; size=$(gzip -9 -c pkg/appboy_wasm.js | wc -c)
  echo "entry module: $size B gzipped (limit $MODULE_LIMIT B)"
  [ "$size" -le "$MODULE_LIMIT" ] || { echo "test result: FAILED. 0 passed; 1 failed; the entry module grew past $MODULE_LIMIT B"; return 1; }
  echo "test result: ok. 1 passed; 0 failed; the entry module is within $MODULE_LIMIT B"
}
stage size module_size
stage consumer tests/consumers/build.sh
stage runtimes tests/runtimes/run.sh
stage collector cargo build --release -p collector
stage browser node --test --test-concurrency=1 tests/browser/

# One closing line for all runners: cargo's and wasm-bindgen-test's "test result" lines, node's "# pass/# fail".
passed=0; failed=0
for log in "$logs"/*.log; do
  p=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed; [0-9]+ failed' "$log" | awk '{s+=$4} END {print s+0}')
  f=$(grep -Eo 'test result: [a-zA-Z]+\. [0-9]+ passed; [0-9]+ failed' "$log" | awk '{s+=$6} END {print s+0}')
  np=$(grep -E '^# pass [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
  nf=$(grep -E '^# fail [0-9]+' "$log" | awk '{s+=$3} END {print s+0}')
  passed=$((passed + p + np)); failed=$((failed + f + nf))
done
rm -rf "$logs"
if [ ${#failed_stages[@]} -gt 0 ]; then
  say "failed stages: ${failed_stages[*]}"
  [ "$failed" -eq 0 ] && failed=${#failed_stages[@]}
fi
echo "tests: $passed passed, $failed failed"
[ ${#failed_stages[@]} -eq 0 ] && [ "$failed" -eq 0 ]
