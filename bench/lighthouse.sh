#!/usr/bin/env bash
# Lighthouse (mobile preset: a mid-range phone on a slow 4G link, simulated) on /login
# and on the console with 1,000 live sessions, against the release build.
# Usage: bench/lighthouse.sh [path/to/sessions]  (default target/release/sessions)
# Needs: `make build` (release binary and site), sqlite3, curl, Debian's Chromium, npm
# (Lighthouse is installed into .tools/lighthouse on first use). Writes
# bench/results-lighthouse.md and prints the same; LH_REPORTS=DIR keeps the JSON reports.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/sessions}
N=${N:-1000}
LH_DIR=.tools/lighthouse
LH="$LH_DIR/node_modules/.bin/lighthouse"
[ -x "$LH" ] || npm install --silent --no-audit --no-fund --prefix "$LH_DIR" lighthouse@12 >/dev/null
WORK=$(mktemp -d)
DB="$WORK/bench.db"
URL="sqlite://$DB"
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

. bench/lib.sh

echo "bench-password-1" | "$BIN" user add admin --role admin --password-stdin --database-url "$URL" >/dev/null
# Start once so the migrations run, then write the sessions straight into the file.
PORT=$(port)
start() {
  LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=sessions RUST_LOG=warn \
    "$BIN" serve --addr "127.0.0.1:$PORT" --database-url "$URL" >"$WORK/out.log" 2>"$WORK/err.log" &
  PID=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/login" >/dev/null && return; sleep 0.1; done
  echo "server did not start"; cat "$WORK/err.log"; exit 1
}
start
kill $PID; wait $PID 2>/dev/null || true
insert_live_sessions "$DB" "$N" 400 "'SE'"
start

ORIGIN="Origin: http://127.0.0.1:$PORT"
COOKIE=$(admin_cookie "$PORT")

# One page: prints "| page | performance | accessibility | best practices | LCP | TBT |".
run() {
  local name=$1 path=$2 headers=${3:-"{}"}
  CHROME_PATH=/usr/bin/chromium "$LH" "http://127.0.0.1:$PORT$path" --quiet --output=json \
    --output-path="${LH_REPORTS:-$WORK}/$name.json" --extra-headers="$headers" \
    --only-categories=performance,accessibility,best-practices \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-background-networking" >/dev/null
  python3 - "${LH_REPORTS:-$WORK}/$name.json" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c, a = r["categories"], r["audits"]
score = lambda k: round(c[k]["score"] * 100)
failed = [k for k, v in a.items() if v.get("score") is not None and v["score"] < 1
          and v.get("scoreDisplayMode") == "binary" and k not in ("is-on-https", "redirects-http")]
print(f"| {sys.argv[2]} | {score('performance')} | {score('accessibility')} | {score('best-practices')} "
      f"| {a['largest-contentful-paint']['displayValue']} | {a['total-blocking-time']['displayValue']} "
      f"| {', '.join(sorted(failed)) or '-'} |")
PY
}

{
  echo "# Lighthouse, mobile preset"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores with Lighthouse $("$LH" --version), Debian Chromium,"
  echo "binary $BIN (release, split wasm), $N live sessions, loopback HTTP (Lighthouse simulates the slow link)."
  echo
  echo "| page | performance | accessibility | best practices | largest paint | blocking time | binary audits not passed |"
  echo "|---|---|---|---|---|---|---|"
  run login /login
  run console /admin/sessions "{\"Cookie\": \"$COOKIE\"}"
} | tee bench/results-lighthouse.md
