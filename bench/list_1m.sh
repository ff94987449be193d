#!/usr/bin/env bash
# The console's list goals of issue 11 §2 at N live sessions (default 1,000,000), on
# SQLite and on a throwaway PostgreSQL: p50/p95 of the first page, a filtered page (one
# chip), searches (the trigram index, and a 2-character term that scans), the chip
# counts and the settings preview; then EXPLAIN of the search query, to show the
# trigram index at work (FTS5 on SQLite, pg_trgm's GIN index on PostgreSQL).
#
# Usage: bench/list_1m.sh BIN [OLD_BIN]
#   With OLD_BIN, each backend's database is written once, measured with OLD_BIN, then
#   measured with BIN, which migrates it on start (the time of that start is reported):
#   old and new side by side on the same rows.
# Env: N (1000000), RUNS (20 per call; 5 for a call whose warm-up took over 1 s),
#   BACKENDS ("sqlite postgres").
# Needs: sqlite3, curl, python3, PostgreSQL's binaries (/usr/lib/postgresql/*/bin).
# Loopback only. Writes bench/results-list-1m.md and prints the same.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:?usage: bench/list_1m.sh BIN [OLD_BIN]}
OLD=${2:-}
N=${N:-1000000}
RUNS=${RUNS:-20}
BACKENDS=${BACKENDS:-sqlite postgres}
OUT=bench/results-list-1m.md
WORK=$(mktemp -d)
PID=
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; fi
  pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
. bench/lib.sh

secs_since() { python3 -c "import time,sys; print(f'{time.time() - float(sys.argv[1]):.1f}')" "$1"; }

# start BIN URL: serves URL with BIN on a free port; waits (a migration at 1M takes a while).
start() {
  PORT=$(port)
  LEPTOS_SITE_ROOT="$WORK/site" RUST_LOG=warn "$1" serve --addr "127.0.0.1:$PORT" --database-url "$2" \
    >"$WORK/out.log" 2>"$WORK/err.log" &
  PID=$!
  for _ in $(seq 6000); do
    curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && return
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "server did not start"; cat "$WORK/err.log"; exit 1
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }

# measure TSV LABEL BODY [ENDPOINT TYPE]: one warm-up, then RUNS calls (5 when the warm-up
# took over a second); appends "label <tab> p50 <tab> p95 <tab> runs" (ms) to TSV.
measure() {
  local tsv=$1 label=$2 body=$3 endpoint=${4:-list_sessions} type=${5:-application/x-www-form-urlencoded}
  local call=(curl -s -o /dev/null -w '%{time_total}\n' -X POST -H "Origin: http://127.0.0.1:$PORT"
    -H "Cookie: $COOKIE" -H "Content-Type: $type" -d "$body" "http://127.0.0.1:$PORT/rpc/$endpoint")
  local warm runs=$RUNS
  warm=$("${call[@]}")
  awk -v t="$warm" 'BEGIN {exit !(t > 1)}' && runs=5
  for _ in $(seq "$runs"); do "${call[@]}"; done | sort -n | awk -v label="$label" '
    {a[NR] = $1}
    END {p50 = a[int((NR + 1) / 2)]; i = int(NR * 0.95); if (i < NR * 0.95) i++;
         printf "%s\t%.1f\t%.1f\t%d\n", label, p50 * 1000, a[i] * 1000, NR}' >>"$tsv"
}

Q='query[sort]=created&query[dir]=desc&query[page]=first&query[limit]=50'
# measure_all TSV: every call of the table, with the server on PORT signed in as COOKIE.
measure_all() {
  local tsv=$1
  : >"$tsv"
  measure "$tsv" "first page, newest first" "query[search]=&$Q"
  measure "$tsv" "filtered page: chip application=app3" "query[search]=&query[filter][application]=app3&$Q"
  measure "$tsv" "filtered page: chip role=user (every session)" "query[search]=&query[filter][role]=user&$Q"
  measure "$tsv" "search 'user42' (22,200 matches)" "query[search]=user42&$Q"
  measure "$tsv" "search 'user4242' (200 matches)" "query[search]=user4242&$Q"
  measure "$tsv" "search an IP fragment '10.7.'" "query[search]=10.7.&$Q"
  measure "$tsv" "search 'nobody' (no match)" "query[search]=nobody&$Q"
  measure "$tsv" "search 2 characters 'r4' (no index: scans)" "query[search]=r4&$Q"
  measure "$tsv" "chip counts (session_facets)" "{}" session_facets application/json
  measure "$tsv" "settings preview: idle 5 min" \
    '{"changes":[{"scope":"default","key":"idle_timeout_minutes","value":"5"}]}' preview_settings application/json
  # A limit weighs every session of its role against the others: all of them are read.
  measure "$tsv" "settings preview: at most 100 sessions per user" \
    '{"changes":[{"scope":"default","key":"max_sessions_per_user","value":"100"}]}' preview_settings application/json
}

# table TSV [OLD_TSV]: the markdown table of one run, or of two side by side.
table() {
  python3 - "$@" <<'PY'
import sys
def read(path):
    return [line.rstrip("\n").split("\t") for line in open(path) if line.strip()]
new = read(sys.argv[1])
old = read(sys.argv[2]) if len(sys.argv) > 2 else None
if old:
    print("| call | old p50 | old p95 | new p50 | new p95 | runs (old/new) |")
    print("|---|---|---|---|---|---|")
    for (label, p50, p95, runs), (_, o50, o95, oruns) in zip(new, old):
        print(f"| {label} | {o50} ms | {o95} ms | {p50} ms | {p95} ms | {oruns}/{runs} |")
else:
    print("| call | p50 | p95 | runs |")
    print("|---|---|---|---|")
    for label, p50, p95, runs in new:
        print(f"| {label} | {p50} ms | {p95} ms | {runs} |")
PY
}

NOW=$(($(date +%s) * 1000))
# The search for 'user42' as the store writes it (`store::query::push_live_filter` and
# the backends' `push_trigram_filter`), for EXPLAIN.
COLUMNS_SQL="id, username, last_ip, created_at"
LIKE_SQLITE="username LIKE '%user42%' ESCAPE '\\' OR application LIKE '%user42%' ESCAPE '\\'
  OR last_ip LIKE '%user42%' ESCAPE '\\' OR id LIKE 'user42%' ESCAPE '\\'
  OR (username = '' AND 'guest' LIKE '%user42%' ESCAPE '\\')"
EXPLAIN_SQLITE="SELECT $COLUMNS_SQL FROM sessions WHERE ended_at IS NULL AND +expires_at > $NOW
  AND rowid IN (SELECT rowid FROM sessions_search WHERE sessions_search MATCH '\"user42\"')
  AND ($LIKE_SQLITE) ORDER BY created_at DESC, id DESC LIMIT 51"
COUNT_SQLITE="SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL AND +expires_at > $NOW
  AND rowid IN (SELECT rowid FROM sessions_search WHERE sessions_search MATCH '\"user42\"')
  AND ($LIKE_SQLITE)"
LIKE_PG="${LIKE_SQLITE//LIKE/ILIKE}"
TRIGRAM_PG="(CASE WHEN username = '' THEN 'guest' ELSE username END
  || ' ' || application || ' ' || last_ip || ' ' || id) ILIKE '%user42%' ESCAPE '\\'"
EXPLAIN_PG="SELECT $COLUMNS_SQL FROM sessions WHERE ended_at IS NULL AND expires_at > $NOW
  AND $TRIGRAM_PG AND ($LIKE_PG) ORDER BY created_at DESC, id DESC LIMIT 51"
COUNT_PG="SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL AND expires_at > $NOW
  AND $TRIGRAM_PG AND ($LIKE_PG)"

# run_backend NAME URL INSERT: writes the rows (INSERT is the function that does), measures
# OLD (when given) then BIN, and prints the section.
run_backend() {
  local name=$1 url=$2 insert=$3 first=${OLD:-$BIN} t0 write_s migrate_s=""
  echo "bench-password-1" | "$first" user add admin --role admin --password-stdin --database-url "$url" >/dev/null
  echo "$name: writing $N live sessions..." >&2
  t0=$(date +%s.%N)
  $insert
  write_s=$(secs_since "$t0")
  if [ -n "$OLD" ]; then
    start "$OLD" "$url"
    COOKIE=$(admin_cookie "$PORT")
    echo "$name: measuring $OLD..." >&2
    measure_all "$WORK/$name-old.tsv"
    stop
  fi
  t0=$(date +%s.%N)
  start "$BIN" "$url"
  migrate_s=$(secs_since "$t0")
  COOKIE=$(admin_cookie "$PORT")
  echo "$name: measuring $BIN..." >&2
  measure_all "$WORK/$name-new.tsv"
  local rss
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
  stop
  echo "## $name"
  echo
  echo "$N live sessions written in $write_s s (5,000 users over app0..app6). Start of $BIN on them" \
    "(with its migrations${OLD:+ over the old schema}) until ready: $migrate_s s; its RSS after the calls: $((rss / 1024)) MiB."
  echo
  if [ -n "$OLD" ]; then table "$WORK/$name-new.tsv" "$WORK/$name-old.tsv"; else table "$WORK/$name-new.tsv"; fi
  echo
}

# best_ms_sqlite DB SQL / best_ms_pg URL SQL: the best of 3 runs of one statement, in ms.
best_ms_sqlite() {
  printf '.timer on\n%s;\n%s;\n%s;\n' "$2" "$2" "$2" | sqlite3 "$1" |
    awk '/^Run Time/ {t = $4 * 1000; if (best == "" || t < best) best = t} END {printf "%.1f", best}'
}
best_ms_pg() {
  printf '\\timing on\n%s;\n%s;\n%s;\n' "$2" "$2" "$2" | "$PSQL" "$1" -q |
    awk '/^Time:/ {t = $2; if (best == "" || t < best) best = t} END {printf "%.1f", best}'
}
# search_sql_table BACKEND DB-OR-URL: the search's count statement alone, without the
# index (the old statement) and with it, for a few terms.
search_sql_table() {
  local backend=$1 where=$2 term old new like trigram
  echo "The search's COUNT statement alone (the page's total), best of 3, through the"
  echo "$backend client: the old statement (exact test only, a scan) against the new one."
  echo
  echo "| term | old (scan) | new (trigram index) |"
  echo "|---|---|---|"
  for term in user42 user4242 10.7. nobody; do
    if [ "$backend" = sqlite3 ]; then
      like="username LIKE '%$term%' ESCAPE '\\' OR application LIKE '%$term%' ESCAPE '\\'
        OR last_ip LIKE '%$term%' ESCAPE '\\' OR id LIKE '$term%' ESCAPE '\\'
        OR (username = '' AND 'guest' LIKE '%$term%' ESCAPE '\\')"
      trigram="rowid IN (SELECT rowid FROM sessions_search WHERE sessions_search MATCH '\"$term\"')"
      old=$(best_ms_sqlite "$where" "SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL AND +expires_at > $NOW AND ($like)")
      new=$(best_ms_sqlite "$where" "SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL AND +expires_at > $NOW AND $trigram AND ($like)")
    else
      like="username ILIKE '%$term%' ESCAPE '\\' OR application ILIKE '%$term%' ESCAPE '\\'
        OR last_ip ILIKE '%$term%' ESCAPE '\\' OR id ILIKE '$term%' ESCAPE '\\'
        OR (username = '' AND 'guest' ILIKE '%$term%' ESCAPE '\\')"
      trigram="(CASE WHEN username = '' THEN 'guest' ELSE username END
        || ' ' || application || ' ' || last_ip || ' ' || id) ILIKE '%$term%' ESCAPE '\\'"
      old=$(best_ms_pg "$where" "SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL AND expires_at > $NOW AND ($like)")
      new=$(best_ms_pg "$where" "SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL AND expires_at > $NOW AND $trigram AND ($like)")
    fi
    echo "| '$term' | $old ms | $new ms |"
  done
  echo
}

sqlite_insert() { insert_live_sessions "$SQLITE_DB" "$N" 5000 NULL >/dev/null; sqlite3 "$SQLITE_DB" "ANALYZE"; }
pg_insert() { insert_live_sessions_pg "$PG_URL" "$N" 5000 NULL; }

# The whole report, on stdout (run in this shell, so that `cleanup` sees the server and
# the cluster it started).
report() {
  echo "# The console's list at $N live sessions, SQLite and PostgreSQL"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M') UTC on $(nproc) cores (shared with other work), by"
  echo "\`bench/list_1m.sh $BIN${OLD:+ $OLD}\`; loopback HTTP, curl, $RUNS calls per line after a warm-up"
  echo "(5 where the warm-up took over 1 s); p95 is the nearest rank. Goals (issue 11 §2, p95):"
  echo "first and filtered pages < 20 ms, search < 100 ms, counts and chips < 10 ms, preview < 1 s."
  echo
  for backend in $BACKENDS; do
    case $backend in
      sqlite)
        SQLITE_DB="$WORK/bench.db"
        run_backend SQLite "sqlite://$SQLITE_DB" sqlite_insert
        echo "EXPLAIN QUERY PLAN of the search for 'user42', page then count:"
        echo
        echo '```'
        sqlite3 "$SQLITE_DB" "EXPLAIN QUERY PLAN $EXPLAIN_SQLITE" 2>&1 || true
        sqlite3 "$SQLITE_DB" "EXPLAIN QUERY PLAN $COUNT_SQLITE" 2>&1 || true
        echo '```'
        echo
        search_sql_table sqlite3 "$SQLITE_DB"
        rm -f "$SQLITE_DB"*
        ;;
      postgres)
        pg_start "$WORK/pg" -c fsync=off -c shared_buffers=1GB -c maintenance_work_mem=512MB
        run_backend "PostgreSQL $("$PSQL" --version | awk '{print $3}')" "$PG_URL" pg_insert
        echo "EXPLAIN ANALYZE of the search for 'user42', page then count (literal values),"
        echo "then the page's generic plan (as a prepared statement may run it):"
        echo
        echo '```'
        "$PSQL" "$PG_URL" -q -c "EXPLAIN (ANALYZE, COSTS OFF) $EXPLAIN_PG" 2>&1 || true
        "$PSQL" "$PG_URL" -q -c "EXPLAIN (ANALYZE, COSTS OFF) $COUNT_PG" 2>&1 || true
        "$PSQL" "$PG_URL" -q 2>&1 <<SQL || true
SET plan_cache_mode = force_generic_plan;
PREPARE page(bigint, text, text) AS SELECT $COLUMNS_SQL FROM sessions WHERE ended_at IS NULL AND expires_at > \$1
  AND (CASE WHEN username = '' THEN 'guest' ELSE username END
  || ' ' || application || ' ' || last_ip || ' ' || id) ILIKE \$2 ESCAPE '\\'
  AND (username ILIKE \$2 ESCAPE '\\' OR application ILIKE \$2 ESCAPE '\\' OR last_ip ILIKE \$2 ESCAPE '\\'
  OR id ILIKE \$3 ESCAPE '\\' OR (username = '' AND 'guest' ILIKE \$2 ESCAPE '\\'))
  ORDER BY created_at DESC, id DESC LIMIT 51;
EXPLAIN (ANALYZE, COSTS OFF) EXECUTE page($NOW, '%user42%', 'user42%');
SQL
        echo '```'
        echo
        search_sql_table psql "$PG_URL"
        pg_stop
        ;;
      *) echo "unknown backend $backend" >&2; exit 1 ;;
    esac
  done
}
report >"$WORK/report.md"
cp "$WORK/report.md" "$OUT"
cat "$OUT"
