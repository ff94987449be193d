#!/usr/bin/env bash
# "Kill all" of N live sessions (default 100k) on SQLite: the time from the console's
# request to its answer (the sessions are ended in the store, logged for other
# processes and announced). Sessions are written straight into the database first.
# Usage: bench/kill_all.sh [path/to/sessions]  (default target/release/sessions)
# Env: N=100000, RUNS=3. Needs: sqlite3, curl. Writes bench/results-kill-all.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/sessions}
N=${N:-100000}
RUNS=${RUNS:-3}
WORK=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT

. bench/lib.sh
start() {
  PORT=$(port)
  LEPTOS_SITE_ROOT="$WORK/site" RUST_LOG=warn "$BIN" serve --addr "127.0.0.1:$PORT" --database-url "$URL" >"$WORK/out.log" 2>"$WORK/err.log" &
  PID=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/login" >/dev/null && return; sleep 0.1; done
  echo "server did not start"; cat "$WORK/err.log"; exit 1
}

ROWS=()
for run in $(seq "$RUNS"); do
  DB="$WORK/bench-$run.db"
  URL="sqlite://$DB"
  echo "bench-password-1" | "$BIN" user add admin --role admin --password-stdin --database-url "$URL" >/dev/null
  start; kill $PID; wait $PID 2>/dev/null || true
  insert_live_sessions "$DB" "$N" 5000 NULL
  start
  COOKIE=$(admin_cookie "$PORT")
  ANSWER=$(curl -s -w ' %{http_code} %{time_total}' -X POST -H "Origin: http://127.0.0.1:$PORT" \
    -H "Cookie: $COOKIE" -d 'include_mine=false' "http://127.0.0.1:$PORT/rpc/kill_all")
  read -r ENDED STATUS TOOK <<<"$ANSWER"
  [ "$STATUS" = 200 ] && [ "$ENDED" = "$N" ] || { echo "kill_all answered $ANSWER"; cat "$WORK/err.log"; exit 1; }
  LIVE=$(sqlite3 "$DB" "SELECT count(*) FROM sessions WHERE ended_at IS NULL")
  ROWS+=("| $run | $ENDED | $(awk -v s="$TOOK" 'BEGIN {printf "%.2f s", s}') | $LIVE |")
  kill $PID; wait $PID 2>/dev/null || true; PID=
done

{
  echo "# Kill all of $N live sessions (SQLite)"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/kill_all.sh $BIN\` on $(nproc) cores, a fresh"
  echo "SQLite file per run, $N live sessions of 5,000 users written straight into it (none"
  echo "cached: the server was restarted after). One \`POST /rpc/kill_all\` by the admin"
  echo "(\`include_mine=false\`); the time is curl's, request to answer, over loopback HTTP."
  echo
  echo "| run | ended | answered in | still live after |"
  echo "|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "${NOTE:-}"
} | tee bench/results-kill-all.md
