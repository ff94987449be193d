#!/usr/bin/env bash
# Measures the console's list call, its filter chips, the settings impact preview and
# the server's memory with 100k live sessions.
# Usage: bench/list_100k.sh [path/to/sessions]  (default target/release/sessions)
# Needs: sqlite3, curl. Writes bench/results-list.md and prints the same.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/sessions}
N=${N:-100000}
WORK=$(mktemp -d)
DB="$WORK/bench.db"
URL="sqlite://$DB"
trap 'kill $PID 2>/dev/null || true; rm -rf "$WORK"' EXIT

. bench/lib.sh
start() {
  PORT=$(port)
  LEPTOS_SITE_ROOT="$WORK/site" RUST_LOG=warn "$BIN" serve --addr "127.0.0.1:$PORT" --database-url "$URL" >"$WORK/out.log" 2>"$WORK/err.log" &
  PID=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/login" >/dev/null && return; sleep 0.1; done
  echo "server did not start"; cat "$WORK/err.log"; exit 1
}
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }

echo "bench-password-1" | "$BIN" user add admin --role admin --password-stdin --database-url "$URL" >/dev/null
start
IDLE_RSS=$(rss_kb)
kill $PID; wait $PID 2>/dev/null || true

insert_live_sessions "$DB" "$N" 5000 NULL

start
ORIGIN="Origin: http://127.0.0.1:$PORT"
COOKIE=$(admin_cookie "$PORT")
measure() { # name, form body [, endpoint, content type]; prints the median of 20 calls in ms
  local times=() endpoint=${3:-list_sessions} type=${4:-application/x-www-form-urlencoded}
  for _ in $(seq 20); do
    times+=("$(curl -s -o /dev/null -w '%{time_total}' -X POST -H "$ORIGIN" -H "Cookie: $COOKIE" \
      -H "Content-Type: $type" -d "$2" "http://127.0.0.1:$PORT/rpc/$endpoint")")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk -v name="$1" '{a[NR]=$1} END {printf "| %s | %.1f ms | %.1f ms |\n", name, a[int(NR/2)+1]*1000, a[NR]*1000}'
}
q='query[sort]=created&query[dir]=desc&query[page]=first&query[limit]=50'
{
  echo "# List latency and memory with $N live sessions"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, binary $BIN, SQLite file, loopback HTTP (curl, 20 calls each)."
  echo
  echo "| call | median | max |"
  echo "|---|---|---|"
  measure "first page, newest first" "query[search]=&$q"
  measure "search 'user42'" "query[search]=user42&$q"
  measure "search an IP prefix '10.7.'" "query[search]=10.7.&$q"
  measure "sort by user" "query[search]=&query[sort]=user&query[dir]=asc&query[page]=first&query[limit]=50"
  measure "filter chip role=user" "query[search]=&query[filter][role]=user&$q"
  measure "filter chip counts (session_facets)" "{}" session_facets application/json
  measure "settings preview: idle 5 min (judges every session)" \
    '{"changes":[{"scope":"default","key":"idle_timeout_minutes","value":"5"}]}' preview_settings application/json
  measure "settings preview: 1 session per IP (62,500 groups)" \
    '{"changes":[{"scope":"default","key":"max_sessions_per_ip","value":"1"}]}' preview_settings application/json
  echo
  echo "| server RSS | KiB |"
  echo "|---|---|"
  echo "| idle, empty store | $IDLE_RSS |"
  echo "| after the calls above, $N sessions stored | $(rss_kb) |"
} | tee bench/results-list.md
