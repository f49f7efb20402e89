# shellcheck shell=bash
# Shared helpers for scripts/serve, scripts/test and scripts/bench. Source it; don't run it.
#
# Every `ensure_*` function is idempotent: it checks first and installs only what is missing or
# at the wrong version, and says which. A machine can come back fresh at any time (CI runs on a
# new machine too), so the project's own scripts must install everything they use; the only
# assumptions are a Rust toolchain managed by rustup, node >= 20 with npm, and apt (as root or
# with sudo).
#
# Nothing here ever lets a tool download a prebuilt binary or a browser: Trunk runs with
# --offline and finds wasm-bindgen / wasm-opt on PATH, and Playwright uses Debian's Chromium.

set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export REPO_ROOT

# Pinned tool versions. wasm-bindgen-cli is not pinned here: it must equal the `wasm-bindgen`
# crate in Cargo.lock (the JS glue and the wasm must come from the same version).
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132.0.0" # npm package `binaryen`; Debian's binaryen is too old for current rustc output
WASM_TARGET="wasm32-unknown-unknown"
TOOLS_DIR="$REPO_ROOT/tools"          # git-ignored; npm-installed build tools (wasm-opt)
E2E_DIR="$REPO_ROOT/tests/e2e"        # browser tests; its node_modules is git-ignored
CHROMIUM_BIN="/usr/bin/chromium"
CHROMEDRIVER_BIN="/usr/bin/chromedriver"

# Tools installed by `cargo install` live in ~/.cargo/bin, which a non-login shell (CI) may not
# have on PATH. tools/node_modules/.bin comes first so Trunk picks our wasm-opt, never an older
# system one.
export PATH="$TOOLS_DIR/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# Playwright must never fetch a browser of its own (no internet here; we use Debian's Chromium).
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# Keep npm quiet and off the network for anything but the package itself.
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# ---------------------------------------------------------------------------------------------
# Logging and timing

# Seconds since the epoch with milliseconds (bash 5's EPOCHREALTIME; `date` as a fallback).
now_s() {
  if [[ -n "${EPOCHREALTIME:-}" ]]; then
    printf '%s' "${EPOCHREALTIME/,/.}"
  else
    date +%s.%N
  fi
}

# elapsed START -> "12.3s"
elapsed() {
  awk -v a="$1" -v b="$(now_s)" 'BEGIN { printf "%.1fs", b - a }'
}

# Colours only on a terminal; CI logs get plain text. (Used by the scripts that source this.)
# shellcheck disable=SC2034
if [[ -t 1 ]]; then
  C_BLUE=$'\033[1;34m' C_CYAN=$'\033[1;36m' C_GREEN=$'\033[1;32m' C_YELLOW=$'\033[1;33m' C_RED=$'\033[1;31m' C_OFF=$'\033[0m'
else
  C_BLUE='' C_CYAN='' C_GREEN='' C_YELLOW='' C_RED='' C_OFF=''
fi

log() { printf '%s==>%s %s\n' "$C_BLUE" "$C_OFF" "$*"; }
note() { printf '    %s\n' "$*"; }
warn() { printf '%swarning:%s %s\n' "$C_YELLOW" "$C_OFF" "$*" >&2; }
die() {
  printf '%serror:%s %s\n' "$C_RED" "$C_OFF" "$*" >&2
  exit 1
}

# Count of things installed by ensure_* in this process, so callers can say "nothing installed".
INSTALLED_COUNT=0
installing() {
  INSTALLED_COUNT=$((INSTALLED_COUNT + 1))
  log "installing $*"
}
have() { note "ok: $*"; }

# timed ENSURE_FN...: runs an ensure_* function and, if it installed something, says how long
# that took (the figures matter: a fresh machine pays them on its first run, CI included).
timed() {
  local t before=$INSTALLED_COUNT
  t="$(now_s)"
  "$@"
  if ((INSTALLED_COUNT > before)); then note "$1 took $(elapsed "$t")"; fi
}

# Run as root: directly when we are root, else through sudo (developer laptops).
as_root() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run: $*"
  fi
}

# ---------------------------------------------------------------------------------------------
# Rust toolchain

ensure_rust() {
  command -v cargo >/dev/null 2>&1 || die "cargo not found; install Rust with rustup first"
  command -v rustup >/dev/null 2>&1 || die "rustup not found; it is needed to add the $WASM_TARGET target"
  have "$(rustc --version)"
}

ensure_rust_components() {
  # rustfmt and clippy are rustup components of the active toolchain.
  local c missing=()
  cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
  cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
  if ((${#missing[@]})); then
    installing "rustup components: ${missing[*]}"
    rustup component add "${missing[@]}"
  else
    for c in rustfmt clippy; do have "$c"; done
  fi
}

ensure_wasm_target() {
  if rustup target list --installed | grep -qx "$WASM_TARGET"; then
    have "rust target $WASM_TARGET"
  else
    installing "rust target $WASM_TARGET"
    rustup target add "$WASM_TARGET"
  fi
}

# `cargo install` serialises on a lock in ~/.cargo anyway, but a second install of the same tool
# started while another shell is still building it would waste many minutes of CPU: wait for it.
wait_for_other_cargo_install() {
  local waited=0
  while pgrep -f 'cargo install' >/dev/null 2>&1; do
    ((waited == 0)) && note "another 'cargo install' is running; waiting for it to finish"
    sleep 10
    waited=$((waited + 10))
    ((waited < 1800)) || die "gave up waiting for another 'cargo install' after ${waited}s"
  done
}

ensure_trunk() {
  local have_version=""
  have_version="$(trunk --version 2>/dev/null || true)"
  if [[ "$have_version" == "trunk $TRUNK_VERSION" ]]; then
    have "$have_version"
    return
  fi
  wait_for_other_cargo_install
  # Re-check: the install we waited for may have been this very one.
  have_version="$(trunk --version 2>/dev/null || true)"
  if [[ "$have_version" == "trunk $TRUNK_VERSION" ]]; then
    have "$have_version"
    return
  fi
  installing "trunk $TRUNK_VERSION (cargo install, builds from source: several minutes)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
}

# The `wasm-bindgen` crate version recorded in Cargo.lock.
wasm_bindgen_lock_version() {
  awk '
    $0 == "[[package]]" { in_pkg = 1; name = ""; next }
    in_pkg && $1 == "name" { gsub(/"/, "", $3); name = $3 }
    in_pkg && $1 == "version" && name == "wasm-bindgen" { gsub(/"/, "", $3); print $3; exit }
  ' "$REPO_ROOT/Cargo.lock"
}

ensure_wasm_bindgen_cli() {
  local want got_bg got_runner
  want="$(wasm_bindgen_lock_version)"
  [[ -n "$want" ]] || die "no wasm-bindgen package in Cargo.lock"
  # Both binaries come from the wasm-bindgen-cli crate; check both in case one was removed.
  got_bg="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  got_runner="$(wasm-bindgen-test-runner --version 2>/dev/null | awk '{print $2}' || true)"
  if [[ "$got_bg" == "$want" && "$got_runner" == "$want" ]]; then
    have "wasm-bindgen-cli $want (matches Cargo.lock)"
    return
  fi
  wait_for_other_cargo_install
  installing "wasm-bindgen-cli $want (Cargo.lock has $want; found '${got_bg:-none}')"
  # Not --locked: the crate's published lockfile does not build with current rustc.
  # --force replaces a different version already installed.
  cargo install --force wasm-bindgen-cli --version "$want"
}

# ---------------------------------------------------------------------------------------------
# Node tools

ensure_node() {
  command -v node >/dev/null 2>&1 || die "node not found (need node >= 20 and npm)"
  command -v npm >/dev/null 2>&1 || die "npm not found (need node >= 20 and npm)"
  local major
  major="$(node -p 'process.versions.node.split(".")[0]')"
  ((major >= 20)) || die "node $(node --version) is too old; need >= 20"
  have "node $(node --version)"
}

# Installed version of an npm package under PREFIX, or nothing.
npm_installed_version() { # PREFIX PACKAGE
  local pj="$1/node_modules/$2/package.json"
  if [[ -f "$pj" ]]; then
    node -p "require(process.argv[1]).version" "$pj" 2>/dev/null || true
  fi
}

ensure_wasm_opt() {
  # Trunk's release build runs whatever `wasm-opt` is first on PATH (we never let it download
  # one). The npm package ships binaryen compiled to wasm, run by node.
  if [[ "$(npm_installed_version "$TOOLS_DIR" binaryen)" == "$BINARYEN_VERSION" &&
    -x "$TOOLS_DIR/node_modules/.bin/wasm-opt" ]]; then
    have "wasm-opt ($(wasm-opt --version 2>/dev/null | head -n1)) in tools/"
    return
  fi
  installing "binaryen $BINARYEN_VERSION (wasm-opt) into tools/"
  mkdir -p "$TOOLS_DIR"
  npm install --prefix "$TOOLS_DIR" --save-exact --no-audit --no-fund "binaryen@$BINARYEN_VERSION"
  wasm-opt --version
}

ensure_e2e_deps() {
  # Installs exactly what tests/e2e/package-lock.json pins (playwright-core; no browser).
  local want got
  want="$(node -p 'require(process.argv[1]).dependencies["playwright-core"]' "$E2E_DIR/package.json")"
  got="$(npm_installed_version "$E2E_DIR" playwright-core)"
  if [[ "$got" == "$want" ]]; then
    have "playwright-core $got in tests/e2e/"
    return
  fi
  installing "tests/e2e npm dependencies (playwright-core $want; found '${got:-none}')"
  npm ci --prefix "$E2E_DIR" --no-audit --no-fund
}

ensure_export_deps() {
  # The export proof (scripts/test step 8): boto3, the AWS CLI v1 and moto's server in a venv under
  # tools/, pinned by tests/export/requirements.txt; kinesalite pinned by tests/export's lockfile.
  local venv="$TOOLS_DIR/export-venv" req="$REPO_ROOT/tests/export/requirements.txt"
  if [[ -x "$venv/bin/python" ]] && diff -q <("$venv/bin/pip" freeze 2>/dev/null | sort) <(sort "$req") >/dev/null; then
    have "boto3 / awscli / moto in tools/export-venv"
  else
    installing "boto3, awscli, moto[server] into tools/export-venv (tests/export/requirements.txt)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
  fi
  if [[ "$(npm_installed_version "$REPO_ROOT/tests/export" kinesalite)" == 3.3.3 ]]; then
    have "kinesalite 3.3.3 in tests/export/"
  else
    installing "kinesalite (tests/export/package-lock.json)"
    npm ci --prefix "$REPO_ROOT/tests/export" --no-audit --no-fund
  fi
}

# ---------------------------------------------------------------------------------------------
# Debian packages

# True when every named Debian package is installed.
apt_have() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || return 1
  done
}

ensure_apt() { # PACKAGE...
  if apt_have "$@"; then
    have "apt: $*"
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "need Debian packages $* but apt-get is missing"
  installing "apt: $*"
  export DEBIAN_FRONTEND=noninteractive
  # Try with the package lists we have; refresh them only if that fails (no lists yet on a
  # fresh machine, or stale lists pointing at files the mirror no longer has).
  if ! as_root apt-get install -y -q "$@"; then
    note "apt-get install failed; running apt-get update and retrying"
    as_root apt-get update -q
    as_root apt-get install -y -q "$@"
  fi
}

ensure_browser() {
  # chromedriver (wasm-bindgen-test-runner) and chromium (wasm tests and e2e) come from the same
  # Debian source package, so their versions always match.
  ensure_apt chromium chromium-driver
  [[ -x "$CHROMIUM_BIN" ]] || die "$CHROMIUM_BIN missing after install"
  [[ -x "$CHROMEDRIVER_BIN" ]] || die "$CHROMEDRIVER_BIN missing after install"
}

ensure_python3() {
  # The e2e step serves dist/ with `python3 -m http.server`.
  if command -v python3 >/dev/null 2>&1; then
    have "$(python3 --version 2>&1)"
  else
    ensure_apt python3
  fi
}

# Tools for building the web app (scripts/serve and the trunk step of scripts/test).
ensure_web_build_tools() {
  timed ensure_rust
  timed ensure_wasm_target
  timed ensure_trunk
  timed ensure_wasm_bindgen_cli
  timed ensure_node
  timed ensure_wasm_opt
}

# ---------------------------------------------------------------------------------------------
# Misc

# A TCP port on 127.0.0.1 that is free right now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# wait_for_http URL [SECONDS]: poll until URL answers 200 (one python process, 100 ms steps).
wait_for_http() {
  python3 - "$1" "${2:-20}" <<'PY_EOF' || die "$1 did not answer within ${2:-20}s"
import sys, time, urllib.request
urllib.request.install_opener(urllib.request.build_opener(urllib.request.ProxyHandler({})))  # loopback: never via a proxy
url, limit = sys.argv[1], float(sys.argv[2])
deadline = time.monotonic() + limit
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
    except OSError:
        pass
    time.sleep(0.1)
sys.exit(1)
PY_EOF
}
