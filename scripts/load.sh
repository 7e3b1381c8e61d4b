#!/usr/bin/env bash
# The collector's load benchmark (bench/load.mjs): one collector on SQLite, one on PostgreSQL and
# two on one PostgreSQL database, under concurrent clients; prints the figures and checks that
# nothing was lost or doubled. PostgreSQL is a throwaway server (installed from Debian if missing).
# Not part of the tests. LOAD_CLIENTS, LOAD_BATCHES and LOAD_EVENTS size the load.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
cd "$ROOT"
ensure_node_modules
say "building the collector"
cargo build --release -p collector
start_postgres
trap stop_postgres EXIT
node bench/load.mjs "$ROOT/target/release/collector" "$PG_URL"
