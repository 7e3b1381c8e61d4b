#!/usr/bin/env bash
# Builds the SDK and serves the demo (www/) and the package (pkg/) on http://127.0.0.1:${PORT:-8080},
# with a data endpoint that records what the SDK sends. Runs until stopped (Ctrl-C).
set -euo pipefail
source "$(dirname "$0")/lib/setup.sh"
cd "$ROOT"
"$ROOT/scripts/build.sh"
ensure_node_modules
exec node scripts/serve.mjs "${PORT:-8080}"
