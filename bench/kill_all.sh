#!/usr/bin/env bash
# "Kill all" of N live sessions (default 100k) on SQLite and on PostgreSQL: the time from
# the console's request to its answer (the sessions are ended in the store, logged for
# other processes and announced). Sessions are written straight into the database first.
# Runs alternate the backends (run 1 SQLite, run 1 PostgreSQL, run 2 ...).
# Usage: bench/kill_all.sh [path/to/sessions]  (default target/release/sessions)
# Env: N=100000, RUNS=3, BACKENDS="sqlite postgres", NOTE= (a line for the results).
# Needs: sqlite3, curl, python3, PostgreSQL's binaries (/usr/lib/postgresql/*/bin) for
# postgres: one throwaway cluster (default settings, fsync on), a fresh database per run.
# Appends this run's section to bench/results-kill-all.md (the earlier sections stay) and
# prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/sessions}
N=${N:-100000}
RUNS=${RUNS:-3}
BACKENDS=${BACKENDS:-sqlite postgres}
OUT=bench/results-kill-all.md
WORK=$(mktemp -d)
PID=
. bench/lib.sh
cleanup() {
  [ -z "$PID" ] || stop_server "$PID"
  pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

start() { serve "$BIN" "$URL" "$WORK/server.log"; PORT=$SERVE_PORT; PID=$SERVE_PID; }
stop() { stop_server "$PID"; PID=; }

# live BACKEND: the live sessions left in the run's database.
live() {
  if [ "$1" = sqlite ]; then sqlite3 "$DB" "SELECT count(*) FROM sessions WHERE ended_at IS NULL"
  else "$PSQL" "$URL" -At -c "SELECT count(*) FROM sessions WHERE ended_at IS NULL"; fi
}

ROWS=()
PG_LABEL=
for run in $(seq "$RUNS"); do
  for backend in $BACKENDS; do
    case $backend in
      sqlite) DB="$WORK/bench-$run.db"; URL="sqlite://$DB"; label=SQLite ;;
      postgres)
        if [ "${PG_STARTED:-0}" -eq 0 ]; then
          pg_start "$WORK/pg"
          PG_LABEL="PostgreSQL $("$PSQL" --version | awk '{print $3}')"
        fi
        URL=$(pg_createdb "bench_$run"); label=$PG_LABEL ;;
      *) echo "unknown backend $backend" >&2; exit 1 ;;
    esac
    echo "run $run, $label: writing $N live sessions..." >&2
    add_admin "$BIN" "$URL"
    start; stop
    if [ "$backend" = sqlite ]; then insert_live_sessions "$DB" "$N" 5000 NULL >/dev/null
    else insert_live_sessions_pg "$URL" "$N" 5000 NULL; fi
    start
    COOKIE=$(admin_cookie "$PORT")
    ANSWER=$(curl -s -w ' %{http_code} %{time_total}' -X POST -H "Origin: http://127.0.0.1:$PORT" \
      -H "Cookie: $COOKIE" -d 'include_mine=false' "http://127.0.0.1:$PORT/rpc/kill_all")
    read -r ENDED STATUS TOOK <<<"$ANSWER"
    [ "$STATUS" = 200 ] && [ "$ENDED" = "$N" ] || { echo "kill_all answered $ANSWER"; cat "$WORK/server.log"; exit 1; }
    sleep 1 # the end log is read back after the answer too
    ERRORS=$(grep -c 'ERROR' "$WORK/server.log" || true)
    ROWS+=("| $run | $label | $ENDED | $(awk -v s="$TOOK" 'BEGIN {printf "%.2f s", s}') | $(live "$backend") | $ERRORS |")
    stop
  done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

section() {
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC'), $BACKENDS"
  echo
  echo "Command: \`RUNS=$RUNS bash bench/kill_all.sh $BIN\` (BACKENDS=\"$BACKENDS\") on $(nproc) cores"
  echo "shared with other work; load average (1, 5, 15 min) before $LOAD_BEFORE, after $LOAD_AFTER."
  echo "Per run and backend: a fresh SQLite file (WAL, synchronous=FULL) or a fresh database in one"
  echo "throwaway cluster${PG_LABEL:+ of $PG_LABEL} (default settings, fsync on), $N live sessions of 5,000 users"
  echo "written straight into it (lib.sh insert_live_sessions / insert_live_sessions_pg, then the"
  echo "server restarted: none cached), one \`POST /rpc/kill_all\` by the admin (\`include_mine=false\`);"
  echo "the time is curl's, request to answer, over loopback HTTP. The admin's own session stays live."
  echo "Server log errors: ERROR lines in the server's log, up to 1 s after the answer."
  echo
  echo "| run | backend | ended | answered in | still live after | server log errors |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  [ -z "${NOTE:-}" ] || { echo "$NOTE"; echo; }
}
section >"$WORK/section.md"
# The earlier sections stay; this run's goes at the bottom.
if [ -s "$OUT" ]; then cp "$OUT" "$WORK/earlier.md"; else echo "# Kill all of live sessions" >"$WORK/earlier.md"; fi
{ cat "$WORK/earlier.md"; echo; cat "$WORK/section.md"; } >"$OUT"
cat "$WORK/section.md"
