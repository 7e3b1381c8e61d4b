#!/usr/bin/env bash
# The collector's load benchmark (bench/load.mjs): one collector on SQLite, one on PostgreSQL and
# two on one PostgreSQL database, under concurrent clients; prints the figures and checks that
# nothing was lost or doubled. PostgreSQL is a throwaway server (installed from Debian if missing).
# Not part of the tests.
#
# It compares the collector as it is (the work tree, "current") with a baseline build of another
# revision, LOAD_BASELINE (default 2570653, the collector before the summaries; "none": the
# current build alone), the two alternating within this one run: on a shared machine only runs
# interleaved like that compare. The baseline is built in a temporary git worktree under /tmp with
# its own target directory (LOAD_BASELINE_TARGET, kept between runs so its dependencies build
# once); its binary is kept in target/load/ by commit.
# LOAD_CLIENTS, LOAD_BATCHES, LOAD_EVENTS size the load, LOAD_ROUNDS (5) the runs per setup and
# build, LOAD_SETUPS (sqlite,postgres,two) picks setups, LOAD_QUERIES=0 skips the reads timed on a
# million datapoints, LOAD_WAITS=1 samples PostgreSQL's wait events (bench/load.mjs). About 8
# minutes with the defaults, once both are built.
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
cd "$ROOT"
command -v node >/dev/null || apt_install nodejs

mkdir -p "$ROOT/target/load"
say "building the collector"
nice -n 10 cargo build --release -p collector
head=$(git rev-parse --short=7 HEAD)
git diff --quiet HEAD -- collector Cargo.lock || head="$head+changes"
current="$ROOT/target/load/collector-$head"
cp "$ROOT/target/release/collector" "$current"
builds=("current=$current")

baseline_rev=${LOAD_BASELINE-2570653}
if [ -n "$baseline_rev" ] && [ "$baseline_rev" != none ]; then
  sha=$(git rev-parse --verify --short=7 "$baseline_rev^{commit}")
  baseline="$ROOT/target/load/collector-$sha"
  if [ ! -x "$baseline" ]; then
    say "building the baseline collector of $sha in a temporary worktree"
    tree=$(mktemp -d "${TMPDIR:-/tmp}/collector-baseline.XXXXXX")
    git worktree add --quiet --detach "$tree/src" "$sha"
    # Removed afterwards, even on failure, unless something linked its node_modules in.
    remove_tree() {
      if [ -e "$tree/src/node_modules" ] || [ -L "$tree/src/node_modules" ]; then
        say "leaving the worktree $tree/src: it has a node_modules"
      else
        git -C "$ROOT" worktree remove "$tree/src" && rmdir "$tree"
      fi
    }
    trap remove_tree EXIT
    (cd "$tree/src" && CARGO_TARGET_DIR="${LOAD_BASELINE_TARGET:-${TMPDIR:-/tmp}/collector-baseline-target}" \
      nice -n 10 cargo build --release -p collector)
    cp "${LOAD_BASELINE_TARGET:-${TMPDIR:-/tmp}/collector-baseline-target}/release/collector" "$baseline"
    remove_tree
    trap - EXIT
  fi
  builds+=("baseline=$baseline")
fi

start_postgres
trap stop_postgres EXIT
LOAD_PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid") node bench/load.mjs "$PG_URL" "${builds[@]}"
