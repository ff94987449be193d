#!/usr/bin/env bash
# A sweep that ends a million sessions at once (all idle past the timeout: a cluster
# back after an outage, say), on PostgreSQL with two instances: how long each instance
# fails closed (`/readyz` not 200: it cannot confirm it has read the end log within the
# staleness bound) while the sweep runs, and how long the sweep takes.
# Usage: bench/sweep_1m.sh BIN [BIN...]   (each binary gets the same fresh copy of the data)
# Needs PostgreSQL (scripts/setup.sh --test) and curl. N=… for another size. Writes
# bench/results-sweep.md and prints the same.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
N=${N:-1000000}
[ $# -ge 1 ] || { echo "usage: bench/sweep_1m.sh BIN [BIN...]" >&2; exit 2; }
WORK=$(mktemp -d)
mkdir -p "$WORK/site"
PIDS=""
trap 'for p in $PIDS; do stop_server "$p"; done; pg_stop; rm -rf "$WORK"' EXIT
pg_start "$WORK/pg"

# The data once, in a template database: N sessions, all idle for two hours (the
# default idle timeout is 30 minutes), none expired.
SEED=$(pg_createdb seed)
add_admin "$1" "$SEED"
AGO_MS=7200000 insert_live_sessions_pg "$SEED" "$N" 5000 NULL

# run BIN NAME: two instances of BIN on a copy of the seed; prints a result row.
run() {
  local bin=$1 name=$2 url a b
  "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c "CREATE DATABASE $name TEMPLATE seed" postgres
  url="postgres://postgres@127.0.0.1:$PG_PORT/$name"
  a=$(port); b=$(port)
  for p in $a $b; do
    LEPTOS_SITE_ROOT="$WORK/site" RUST_LOG=warn "$bin" serve --addr "127.0.0.1:$p" --database-url "$url" \
      >"$WORK/$name-$p.log" 2>&1 &
    PIDS="$PIDS $!"
  done
  PSQL="$PSQL" python3 - "$a" "$b" "$url" "$bin" <<'PY'
import os, subprocess, sys, time, urllib.request
ports, url, binary = sys.argv[1:3], sys.argv[3], sys.argv[4]
psql = [os.environ["PSQL"], url, "-tAq", "-c", "SELECT count(*) FROM sessions WHERE ended_at IS NULL"]
def ready(port):
    try:
        return urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=1).status == 200
    except Exception:
        return False
start = time.monotonic()
first_ready = {p: None for p in ports}   # seconds from start
down = {p: 0.0 for p in ports}           # seconds not ready after first ready
longest = {p: 0.0 for p in ports}
since = {p: None for p in ports}         # when the current stretch of not ready began
live, done_at, last_count = None, None, 0.0
while time.monotonic() - start < 600:
    now = time.monotonic() - start
    for p in ports:
        ok = ready(p)
        if first_ready[p] is None:
            if ok:
                first_ready[p] = now
            continue
        if not ok and since[p] is None:
            since[p] = now
        elif ok and since[p] is not None:
            down[p] += now - since[p]
            longest[p] = max(longest[p], now - since[p])
            since[p] = None
    if now - last_count >= 1:
        last_count = now
        live = int(subprocess.run(psql, capture_output=True, text=True).stdout.strip() or -1)
        if live == 0 and done_at is None:
            done_at = now
    if done_at is not None and now - done_at > 10:
        break
    time.sleep(0.1)
for p in ports:
    if since[p] is not None:
        stretch = time.monotonic() - start - since[p]
        down[p] += stretch
        longest[p] = max(longest[p], stretch)
fmt = lambda p: f"{down[p]:.1f} s (longest {longest[p]:.1f} s)"
swept = f"{done_at:.0f} s" if done_at is not None else f"not done ({live} live)"
ready_at = " / ".join(f"{first_ready[p]:.0f} s" if first_ready[p] is not None else "never" for p in ports)
print(f"| {binary} | {ready_at} | {swept} | {fmt(ports[0])} | {fmt(ports[1])} |")
PY
  for p in $PIDS; do stop_server "$p"; done
  PIDS=""
}

{
  echo "# A sweep of $N idle sessions, two instances on one PostgreSQL"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, \`bench/sweep_1m.sh\`. Both instances start on"
  echo "a copy of the same data: $N live sessions, all idle past the timeout. The one that"
  echo "leads sweeps at its first tick; the other applies the ends from the change log. 'Swept'"
  echo "is when no live session is left, from the instances' start. 'Not ready' is the time"
  echo "\`/readyz\` did not answer 200 after it first did (the instance failed closed: checks"
  echo "answer 503), polled every 100 ms; the staleness bound is the default 5 s."
  echo
  echo "| binary | first ready (A / B) | swept | A not ready | B not ready |"
  echo "|---|---|---|---|---|"
  i=0
  for bin in "$@"; do
    i=$((i + 1))
    run "$bin" "run$i"
  done
} | tee bench/results-sweep.md
