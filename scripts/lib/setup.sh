# Installs what the build and the tests need, each only when it is missing: the wasm32 target, a
# pinned nightly with rust-src, the
# wasm-bindgen CLI of exactly the crate's version, binaryen's wasm-opt, Chromium and chromedriver,
# the npm packages of the browser tests, and PostgreSQL for the collector's tests. Sourced by build.sh
# and test.sh.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]} from Debian"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

# The version pinned in Cargo.toml (`wasm-bindgen = ... "=X"`): the CLI must match it exactly.
wasm_bindgen_version() {
  sed -n 's/^wasm-bindgen = .*"=\([0-9.]*\)".*/\1/p' "$ROOT/Cargo.toml"
}

# The release wasm is built with this nightly (scripts/build.sh): build-std and immediate-abort.
NIGHTLY=nightly-2026-10-29

ensure_wasm_toolchain() {
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
    || { say "adding the wasm32-unknown-unknown target"; rustup target add wasm32-unknown-unknown; }
  rustup component list --installed --toolchain "$NIGHTLY" 2>/dev/null | grep -q '^rust-src' \
    || { say "installing $NIGHTLY with rust-src (for the release wasm)"; rustup toolchain install "$NIGHTLY" --profile minimal --component rust-src; }
  local want; want=$(wasm_bindgen_version)
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_browser() {
  apt_install chromium chromium-driver
  export CHROMEDRIVER=/usr/bin/chromedriver
}

# The npm tools of package.json: binaryen's wasm-opt, esbuild, playwright-core.
ensure_node_modules() {
  command -v npm >/dev/null || apt_install nodejs npm
  if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    say "installing the npm tools"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
  export PATH="$ROOT/node_modules/.bin:$PATH"
}

# Packs pkg/ as npm would publish it into target/npm, with the command the README gives a
# newcomer (`npm pack ./pkg`, from the root: a bare `pkg` is the registry's package of that name);
# prints the tarball's path. Needs scripts/build.sh to have run.
pack_pkg() {
  [ -f "$ROOT/pkg/package.json" ] || { say "pkg/ is missing: run scripts/build.sh first"; return 1; }
  grep -q '`npm pack ./pkg`' "$ROOT/README.md" || { say "the README no longer says \`npm pack ./pkg\`: update pack_pkg with it"; return 1; }
  mkdir -p "$ROOT/target/npm"
  local tarball
  tarball=$(cd "$ROOT" && npm pack ./pkg --pack-destination "$ROOT/target/npm" --silent | tail -n 1)
  [ -n "$tarball" ] && [ -f "$ROOT/target/npm/$tarball" ] || { say "npm pack of pkg/ failed"; return 1; }
  echo "$ROOT/target/npm/$tarball"
}

# PostgreSQL from Debian, for the collector's tests on PostgreSQL.
ensure_postgres() {
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || apt_install postgresql
  PG_BIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
}

# Runs a command as the owner of the throwaway PostgreSQL server: `postgres` when this is root
# (PostgreSQL refuses to run as root), else this user.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# A throwaway PostgreSQL server on a free port in a temporary directory. Sets PG_URL (the server,
# without a database name) and PG_DIR; stop it with stop_postgres. postgres_down and postgres_up
# stop and start it again on the same port and data (given PG_DIR), as a database outage does.
# PG_OPTIONS: more server options (`-c name=value`).
start_postgres() {
  ensure_postgres
  PG_DIR=$(mktemp -d)
  local port; port=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
  [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
  as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust --no-sync >/dev/null
  echo "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300 ${PG_OPTIONS:-}" > "$PG_DIR/options"
  postgres_up
  PG_URL="postgres://postgres@127.0.0.1:$port"
}

postgres_up() {
  ensure_postgres
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w start -o "$(cat "$PG_DIR/options")" >/dev/null
}

postgres_down() {
  ensure_postgres
  as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  postgres_down 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}
