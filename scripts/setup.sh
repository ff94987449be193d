#!/usr/bin/env bash
# Installs what building (and, with --test, testing) Sessions needs, skipping what is
# already there. Safe to run again. Debian 12; steps that need root print the command
# to run and stop when we are not root.
#
#   bash scripts/setup.sh          # build tools: wasm target, cargo-leptos, wasm-bindgen, wasm-opt
#   bash scripts/setup.sh --test   # + Chromium, the Playwright runner in end2end/, PostgreSQL, nginx
#
# wasm-opt comes from the npm `binaryen` package in .tools/node_modules: Debian's is too
# old (its release builds never hydrate). Callers put .tools/node_modules/.bin on PATH
# (the Makefile does).
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.10
BINARYEN_VERSION=132.0.0
BINARYEN_MIN_MAJOR=120
NODE_MIN_MAJOR=20
# IP-to-country database, read at run time for the Country column and limits. The package
# says CC0-1.0; its data is the NRO's under CC BY 4.0 (attribution: NRO_LICENSE, copied too).
GEO_DB_PACKAGE=@ip-location-db/geo-whois-asn-country-mmdb
GEO_DB_VERSION=2.3.2026061719
GEO_DB_FILE=data/geo/geo-whois-asn-country.mmdb

WITH_TEST=0
for arg in "$@"; do
  case "$arg" in
    --test) WITH_TEST=1 ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "setup: unknown argument: $arg" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

APT_UPDATED=0
apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    die "needs root to install $*; run:
    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y $*
then run this script again."
  fi
  if [ "$APT_UPDATED" -eq 0 ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# --- Prerequisites we do not install ourselves ------------------------------------
command -v cargo >/dev/null && command -v rustup >/dev/null \
  || die "Rust (cargo + rustup) is missing; install it with:
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y
then run this script again."

if ! command -v cc >/dev/null; then
  apt_install build-essential pkg-config
fi

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if ! command -v node >/dev/null || ! command -v npm >/dev/null || [ "$(node_major)" -lt "$NODE_MIN_MAJOR" ]; then
  die "Node.js >= $NODE_MIN_MAJOR with npm is needed (Debian 12 ships 18). As root, e.g.:
    curl -fsSL https://deb.nodesource.com/setup_20.x | bash - && apt-get install -y nodejs
then run this script again."
fi

# --- wasm target --------------------------------------------------------------------
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "wasm32-unknown-unknown target: present"
else
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# --- rustfmt and clippy (`make check`) ----------------------------------------------
for component in rustfmt clippy; do
  if rustup component list --installed | grep -q "^$component"; then
    say "$component: present"
  else
    say "adding the $component component"
    rustup component add "$component"
  fi
done

# --- cargo-leptos -------------------------------------------------------------------
# --features no_downloads: it must use wasm-bindgen / wasm-opt from PATH, never fetch them.
if cargo leptos --version 2>/dev/null | grep -qw "$CARGO_LEPTOS_VERSION"; then
  say "cargo-leptos $CARGO_LEPTOS_VERSION: present"
else
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 12 minutes)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

# --- wasm-bindgen-cli, the exact version of the wasm-bindgen crate in Cargo.lock ------
[ -f Cargo.lock ] || die "Cargo.lock is missing; run \`cargo generate-lockfile\` first."
WASM_BINDGEN_VERSION="$(awk '
  $0 == "name = \"wasm-bindgen\"" { found = 1; next }
  found && /^version = / { gsub(/^version = "|"$/, ""); print; exit }
  /^\[\[package\]\]/ { found = 0 }
' Cargo.lock)"
[ -n "$WASM_BINDGEN_VERSION" ] || die "no wasm-bindgen package in Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" = "$WASM_BINDGEN_VERSION" ]; then
  say "wasm-bindgen $WASM_BINDGEN_VERSION: present"
else
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 2 minutes)"
  # Not --locked: one of its locked dependencies is not in the registry mirror.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# --- wasm-opt from npm binaryen, into .tools/ ----------------------------------------
wasm_opt_major() {
  "$ROOT/.tools/node_modules/.bin/wasm-opt" --version 2>/dev/null \
    | sed -n 's/.*version \([0-9][0-9]*\).*/\1/p' | head -n1
}
major="$(wasm_opt_major || true)"
if [ -n "$major" ] && [ "$major" -ge "$BINARYEN_MIN_MAJOR" ]; then
  say "wasm-opt $major (.tools/node_modules/.bin): present"
else
  say "installing wasm-opt (npm binaryen@$BINARYEN_VERSION) into .tools/"
  mkdir -p .tools
  npm install --prefix .tools --no-audit --no-fund --save-exact "binaryen@$BINARYEN_VERSION"
  major="$(wasm_opt_major || true)"
  [ -n "$major" ] && [ "$major" -ge "$BINARYEN_MIN_MAJOR" ] || die "wasm-opt did not install into .tools/"
fi

# --- IP-to-country database, into data/geo/ ------------------------------------------
if [ -s "$GEO_DB_FILE" ]; then
  say "$GEO_DB_FILE: present"
else
  say "fetching $GEO_DB_PACKAGE@$GEO_DB_VERSION into $(dirname "$GEO_DB_FILE")/"
  geo_tmp="$(mktemp -d)"
  (cd "$geo_tmp" && npm pack --silent "$GEO_DB_PACKAGE@$GEO_DB_VERSION" >/dev/null)
  tar -xzf "$geo_tmp"/*.tgz -C "$geo_tmp"
  mkdir -p "$(dirname "$GEO_DB_FILE")"
  cp "$geo_tmp/package/$(basename "$GEO_DB_FILE")" "$GEO_DB_FILE"
  cp "$geo_tmp/package/NRO_LICENSE" "$(dirname "$GEO_DB_FILE")/NRO_LICENSE"
  rm -rf "$geo_tmp"
  [ -s "$GEO_DB_FILE" ] || die "the IP-to-country database did not install"
fi

# --- test tools ---------------------------------------------------------------------
if [ "$WITH_TEST" -eq 1 ]; then
  if [ -x /usr/bin/chromium ]; then
    say "chromium: present"
  else
    apt_install chromium
  fi

  # The PostgreSQL backend's tests start their own throwaway cluster (initdb + postgres
  # under /usr/lib/postgresql/*/bin, TLS certificate by openssl); the package's own
  # cluster on port 5432 is not used.
  if command -v initdb >/dev/null || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
    say "postgresql: present"
  else
    apt_install postgresql openssl
  fi

  # nginx in front of the browser test's cluster (scripts/cluster.sh starts it with its
  # own configuration on free ports; the package's service is not used).
  if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
    say "nginx: present"
  else
    apt_install nginx
  fi

  # The Playwright runner only: browsers are never downloaded (Debian's Chromium is used).
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
  if [ -f end2end/package-lock.json ]; then
    wanted="$(node -p 'require("./end2end/package-lock.json").packages["node_modules/@playwright/test"].version')"
    have="$(node -p 'try { require("./end2end/node_modules/@playwright/test/package.json").version } catch { "" }')"
    if [ "$wanted" = "$have" ] && (cd end2end && npm ls --all >/dev/null 2>&1); then
      say "end2end: @playwright/test $have present"
    else
      say "end2end: npm ci"
      (cd end2end && npm ci --no-audit --no-fund)
    fi
  else
    say "end2end: npm install (no lockfile)"
    (cd end2end && npm install --no-audit --no-fund)
  fi
fi

say "done"
