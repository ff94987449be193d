#!/usr/bin/env bash
# Time of a /metrics scrape as live sessions grow. For each count N in COUNTS: a fresh
# SQLite database, one application (`sessions app add`), `sessions serve` with
# --metrics-addr, N sessions created through the application API (distinct users, so no
# limit ends any), then SCRAPES scrapes one after the other on one keep-alive connection.
# The scrape reads counters and in-memory counts only, so its time should not grow with N.
#
# Usage: bench/metrics_scrape.sh          (from anywhere; builds the release binary first)
# Env:   COUNTS="0 10000 100000" SCRAPES=500 SKIP_BUILD=1 BIN=path/to/sessions
#        CARGO_TARGET_DIR is honoured when BIN is not given.
# Needs: cargo, python3. Writes bench/results-metrics.md and prints the same. Only
# 127.0.0.1 is targeted; every server started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
COUNTS=${COUNTS:-0 10000 100000}
SCRAPES=${SCRAPES:-500}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=${BIN:-$TARGET/release/sessions}
WORK=$(mktemp -d)
PID=
OUT=bench/results-metrics.md

die() { echo "metrics_scrape.sh: $*" >&2; exit 1; }
stop() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=; fi; }
cleanup() { stop; rm -rf "$WORK"; }
trap cleanup EXIT

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== building Sessions (cargo build --release -p server)"
  cargo build --release -p server || die "release build of the server failed"
fi
[ -x "$BIN" ] || die "$BIN missing"

# Creates sessions, then times scrapes; prints one markdown table row.
measure() {
  python3 - "$@" <<'PY'
import http.client, json, statistics, sys, threading, time
api_port, metrics_port, key, count, scrapes = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])

def create(start, step):
    conn = http.client.HTTPConnection("127.0.0.1", int(api_port))
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    for i in range(start, count, step):
        body = json.dumps({"user_id": f"u-{i}", "ip": f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}",
                           "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0"})
        conn.request("POST", "/api/v1/sessions", body, headers)
        response = conn.getresponse()
        response.read()
        assert response.status == 201, response.status

started = time.perf_counter()
threads = [threading.Thread(target=create, args=(t, 8)) for t in range(8)]
for t in threads: t.start()
for t in threads: t.join()
created_in = time.perf_counter() - started

conn = http.client.HTTPConnection("127.0.0.1", int(metrics_port))
def scrape():
    conn.request("GET", "/metrics")
    response = conn.getresponse()
    body = response.read()
    assert response.status == 200, response.status
    return body
for _ in range(20):  # warm-up, discarded
    body = scrape()
times = []
for _ in range(scrapes):
    t0 = time.perf_counter()
    body = scrape()
    times.append((time.perf_counter() - t0) * 1e6)
live = next((l.split()[-1] for l in body.decode().splitlines()
             if l.startswith('sessions_active_by_application{application="bench"}')), "0")
assert int(live) == count, (live, count)
times.sort()
p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
print(f"| {count} | {live} | {created_in:.1f} s | {p(0.5):.0f} µs | {p(0.99):.0f} µs | {times[-1]:.0f} µs | {statistics.mean(times):.0f} µs | {len(body)} B |")
PY
}

ROWS=()
for count in $COUNTS; do
  dir="$WORK/$count"; mkdir -p "$dir/site"; : > "$dir/bench.db"
  url="sqlite://$dir/bench.db"
  key=$("$BIN" app add bench --format json --database-url "$url" | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  SESSIONS_ADMIN_PASSWORD=bench-admin-password LEPTOS_SITE_ROOT="$dir/site" RUST_LOG=warn \
    "$BIN" serve --addr 127.0.0.1:0 --metrics-addr 127.0.0.1:0 --database-url "$url" >"$dir/out" 2>"$dir/err" &
  PID=$!
  for _ in $(seq 100); do grep -q "Metrics for Prometheus" "$dir/out" && break; sleep 0.1; done
  api_port=$(sed -n 's#.*listening on http://127.0.0.1:\([0-9]*\).*#\1#p' "$dir/out")
  metrics_port=$(sed -n 's#^Metrics for Prometheus on http://127.0.0.1:\([0-9]*\)/metrics#\1#p' "$dir/out")
  [ -n "$api_port" ] && [ -n "$metrics_port" ] || { cat "$dir/out" "$dir/err" >&2; die "server did not start"; }
  echo "== $count sessions"
  ROWS+=("$(measure "$api_port" "$metrics_port" "$key" "$count" "$SCRAPES")")
  stop
done

{
  echo "# /metrics scrape time"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/metrics_scrape.sh\` at commit $(git rev-parse --short HEAD)."
  echo "Machine: $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr); shared with other work."
  echo "Binary: $BIN. Sessions created through POST /api/v1/sessions (8 keep-alive clients);"
  echo "then $SCRAPES scrapes of /metrics one after the other on one keep-alive connection (python3"
  echo "http.client, 20 warm-up scrapes discarded): time from request to the whole body."
  echo
  echo "| live sessions | sessions_active_by_application{application=\"bench\"} | time to create them | p50 | p99 | max | mean | body |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} | tee "$OUT"
