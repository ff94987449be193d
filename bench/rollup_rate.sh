#!/usr/bin/env bash
# How many analytics rollup rows an hour of traffic writes, at two volumes of the same
# kind of traffic. For each volume V in VOLUMES: a fresh SQLite database, one application,
# `sessions serve`, V sessions created through the application API (USERS users, four
# browsers on three systems, three device classes), every other one signed out and every
# fourth ended by id, checks on each; then the server is stopped, which writes what it holds
# (the background task writes each hour once, when it is over). Counted: the rollup rows
# of the hour the traffic fell in. They are one per (application, metric, dimension)
# that occurred, so the count follows the variety of the traffic, not its volume.
#
# Usage: bench/rollup_rate.sh          (from anywhere; builds the release binary first)
# Env:   VOLUMES="1000 10000" USERS=50 SKIP_BUILD=1 BIN=path/to/sessions
#        CARGO_TARGET_DIR is honoured when BIN is not given.
# Needs: cargo, python3, sqlite3. Writes bench/results-rollups.md and prints the same.
# Only 127.0.0.1 is targeted; every server started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VOLUMES=${VOLUMES:-1000 10000}
USERS=${USERS:-50}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=${BIN:-$TARGET/release/sessions}
WORK=$(mktemp -d)
PID=
OUT=bench/results-rollups.md

die() { echo "rollup_rate.sh: $*" >&2; exit 1; }
stop() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; fi; }
cleanup() { stop; rm -rf "$WORK"; }
trap cleanup EXIT

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== building Sessions (cargo build --release -p server)"
  cargo build --release -p server || die "release build of the server failed"
fi
[ -x "$BIN" ] || die "$BIN missing"

# Drives V sessions through the API; prints the seconds it took.
traffic() {
  python3 - "$@" <<'PY'
import http.client, json, sys, threading, time
port, key, volume, users = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
AGENTS = [
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
]
HEADERS = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}

def call(conn, method, path, body, expect):
    conn.request(method, path, json.dumps(body) if body is not None else None, HEADERS)
    response = conn.getresponse()
    data = response.read()
    assert response.status == expect, (method, path, response.status, data[:200])
    return json.loads(data) if data else None

def run(start, step):
    conn = http.client.HTTPConnection("127.0.0.1", int(port))
    for i in range(start, volume, step):
        agent = AGENTS[i % len(AGENTS)]
        ip = f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"
        made = call(conn, "POST", "/api/v1/sessions",
                    {"user_id": f"u-{i % users}", "ip": ip, "user_agent": agent}, 201)
        call(conn, "POST", "/api/v1/sessions/check",
             {"token": made["token"], "ip": ip, "user_agent": agent}, 200)
        if i % 2 == 0:
            call(conn, "POST", "/api/v1/sessions/logout", {"token": made["token"]}, 204)
        elif i % 4 == 1:
            call(conn, "DELETE", f"/api/v1/sessions/{made['session']['id']}", None, 204)

started = time.perf_counter()
threads = [threading.Thread(target=run, args=(t, 4)) for t in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print(f"{time.perf_counter() - started:.1f}")
PY
}

ROWS=()
for volume in $VOLUMES; do
  dir="$WORK/$volume"; mkdir -p "$dir/site"; : > "$dir/bench.db"
  url="sqlite://$dir/bench.db"
  key=$("$BIN" app add bench --format json --database-url "$url" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  SESSIONS_ADMIN_PASSWORD=bench-admin-password LEPTOS_SITE_ROOT="$dir/site" RUST_LOG=warn \
    "$BIN" serve --addr 127.0.0.1:0 --database-url "$url" >"$dir/out" 2>"$dir/err" &
  PID=$!
  for _ in $(seq 100); do grep -q "listening on" "$dir/out" && break; sleep 0.1; done
  port=$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\).*#\1#p' "$dir/out")
  [ -n "$port" ] || { cat "$dir/out" "$dir/err" >&2; die "server did not start"; }
  echo "== $volume sessions"
  took=$(traffic "$port" "$key" "$volume" "$USERS")
  stop
  # The hour with the traffic: the one with the most rows (the one before holds only
  # the leader's user gauges of the hour before the start).
  read -r hour rows < <(sqlite3 -separator ' ' "$dir/bench.db" \
    "SELECT hour, COUNT(*) FROM rollups GROUP BY hour ORDER BY COUNT(*) DESC LIMIT 1")
  created=$(sqlite3 "$dir/bench.db" "SELECT value FROM rollups WHERE hour = $hour AND application = 'bench' AND metric = 'session_created'")
  [ "$created" = "$volume" ] || die "expected $volume created sessions in the rollups, found '$created'"
  by_metric=$(sqlite3 "$dir/bench.db" "SELECT metric || ' ' || COUNT(*) FROM rollups WHERE hour = $hour GROUP BY metric ORDER BY metric" | paste -sd, - | sed 's/,/, /g')
  ROWS+=("| $volume | $took s | $rows | $by_metric |")
done

{
  echo "# Analytics rollup rows per hour"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/rollup_rate.sh\` at commit $(git rev-parse --short HEAD)."
  echo "Machine: $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); shared with other work."
  echo "Binary: $BIN. Per volume: a fresh database, $USERS users of one application, four"
  echo "user agents; each session created, checked once, then half signed out and a quarter"
  echo "ended by id (DELETE, recorded as a logout too) through the API (4 keep-alive clients)."
  echo "Rows: the rollup rows of the hour the"
  echo "traffic fell in, after the server stopped and wrote what it held."
  echo
  echo "| sessions | traffic took | rollup rows of the hour | rows by metric |"
  echo "|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Each row is one (application, metric, dimension) of the hour: written once when"
  echo "the hour is over (one transaction per instance), whatever the number of events in it."
} | tee "$OUT"
