#!/usr/bin/env bash
# The analytics page over a long history: N ended sessions (default 1,000,000) spread
# over the last 30 days, seven applications and the console, written straight into a
# fresh SQLite file together with the hourly rollups that traffic would have left; then
# the page's server function (`analytics_report`) and the page itself, timed for the
# last 24 h, 7 d and 30 d, all applications and one.
# Usage: bench/analytics_1m.sh [path/to/sessions]  (default target/release/sessions)
# Needs: python3, sqlite3, curl. Loopback only; writes bench/results-analytics.md.
# KEEP_DB=PATH keeps a copy of the database (to look at query plans).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/sessions}
N=${N:-1000000}
RUNS=${RUNS:-7}
WORK=$(mktemp -d)
DB="$WORK/bench.db"
URL="sqlite://$DB"
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT
. bench/lib.sh

echo "bench-password-1" | "$BIN" user add admin --role admin --password-stdin --database-url "$URL" >/dev/null
NOW=$(($(date +%s) * 1000))
SPAN=$((30 * 24 * 3600 * 1000))
# Every session has ended by now: the last begins 20 minutes ago.
BASE=$((NOW - SPAN - 1200000))
echo "writing $N ended sessions and their rollups..."
T0=$(date +%s.%N)
sqlite3 "$DB" <<SQL
PRAGMA journal_mode=WAL;
PRAGMA synchronous=OFF;
-- Sessions i = 1..N, one every SPAN/N ms over the last 30 days, each ended 20 minutes
-- after it began; apps app0..app6 carry their own users, every eighth is the console.
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO sessions (id, token_hash, application, user_id, username, status, role, first_ip, last_ip,
  user_agent, browser, browser_version, os, device, country, created_at, last_seen_at, expires_at,
  ended_at, end_reason, ended_by, external_user_id)
SELECT lower(hex(randomblob(16))), randomblob(32),
  CASE WHEN i % 8 = 0 THEN 'console' ELSE 'app' || (i % 7) END, NULL, 'user' || (i % 50000),
  'authenticated', 'user', '10.' || (i % 250) || '.' || (i / 250 % 250) || '.1', '10.' || (i % 250) || '.' || (i / 250 % 250) || '.1',
  'bench', CASE i % 3 WHEN 0 THEN 'Chrome' WHEN 1 THEN 'Firefox' ELSE 'Safari' END, '120',
  CASE i % 4 WHEN 0 THEN 'Windows' WHEN 1 THEN 'macOS' WHEN 2 THEN 'Linux' ELSE 'iOS' END,
  CASE WHEN i % 4 = 3 THEN 'phone' ELSE 'desktop' END,
  CASE i % 5 WHEN 0 THEN 'SE' WHEN 1 THEN 'DE' WHEN 2 THEN 'US' WHEN 3 THEN 'FR' ELSE NULL END,
  $BASE + i * ($SPAN / $N), $BASE + i * ($SPAN / $N) + 1200000, $BASE + i * ($SPAN / $N) + 43200000,
  $BASE + i * ($SPAN / $N) + 1200000,
  CASE i % 4 WHEN 0 THEN 'logout' WHEN 1 THEN 'idle' WHEN 2 THEN 'expired' ELSE 'killed' END, 'bench',
  CASE WHEN i % 8 = 0 THEN NULL ELSE 'u' || (i % 50000) END
FROM n;
-- The rollups that history would have left, one row per (hour, application, metric,
-- dimension), as the background task writes them.
INSERT INTO rollups (hour, application, metric, dimension, value)
SELECT created_at / 3600000 * 3600000, application, 'session_created', '', COUNT(*) FROM sessions GROUP BY 1, 2
UNION ALL SELECT created_at / 3600000 * 3600000, application, 'sign_in_success', '', COUNT(*) FROM sessions GROUP BY 1, 2
UNION ALL SELECT ended_at / 3600000 * 3600000, application, 'session_ended', end_reason, COUNT(*) FROM sessions WHERE ended_at < $NOW GROUP BY 1, 2, 4
UNION ALL SELECT created_at / 3600000 * 3600000, application, 'new_by_browser', browser, COUNT(*) FROM sessions GROUP BY 1, 2, 4
UNION ALL SELECT created_at / 3600000 * 3600000, application, 'new_by_os', os, COUNT(*) FROM sessions GROUP BY 1, 2, 4
UNION ALL SELECT created_at / 3600000 * 3600000, application, 'new_by_device', device, COUNT(*) FROM sessions GROUP BY 1, 2, 4
UNION ALL SELECT created_at / 3600000 * 3600000, application, 'new_by_country', COALESCE(country, ''), COUNT(*) FROM sessions GROUP BY 1, 2, 4
UNION ALL SELECT created_at / 3600000 * 3600000, '', 'active_sum', '', COUNT(*) * 360 FROM sessions GROUP BY 1
UNION ALL SELECT created_at / 3600000 * 3600000, '', 'active_samples', '', 360 FROM sessions GROUP BY 1
UNION ALL SELECT created_at / 3600000 * 3600000, '', 'active_peak', '', COUNT(*) FROM sessions GROUP BY 1;
INSERT INTO applications (name, key_prefix, key_hash, created_at, created_by)
SELECT 'app' || i, 'k' || i, randomblob(32), $NOW - $SPAN, 'bench' FROM (SELECT 0 AS i UNION ALL SELECT 1 UNION ALL SELECT 2
  UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6);
ANALYZE;
SQL
[ -z "${KEEP_DB:-}" ] || cp "$DB" "$KEEP_DB"
WRITE_S=$(python3 -c "import time,sys; print(f'{time.time() - float(sys.argv[1]):.0f}')" "$T0")
ROLLUP_ROWS=$(sqlite3 "$DB" "SELECT COUNT(*) FROM rollups")
HOURS=$(sqlite3 "$DB" "SELECT COUNT(DISTINCT hour) FROM rollups")
DB_MB=$(( $(stat -c %s "$DB") / 1048576 ))

PORT=$(port)
LEPTOS_SITE_ROOT="$WORK/site" RUST_LOG=warn "$BIN" serve --addr "127.0.0.1:$PORT" --database-url "$URL" >"$WORK/out.log" 2>"$WORK/err.log" &
PID=$!
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
COOKIE=$(admin_cookie "$PORT")

# time_call LABEL CURL-ARGS...: RUNS timed requests (after one warm-up); p50 and max in ms.
time_call() {
  local label=$1; shift
  curl -s -o /dev/null -w '%{http_code}' "$@" | grep -q 200 || { echo "$label: not 200" >&2; cat "$WORK/err.log" >&2; exit 1; }
  local times
  times=$(for _ in $(seq "$RUNS"); do curl -s -o /dev/null -w '%{time_total}\n' "$@"; done)
  python3 - "$label" <<PY
import statistics, sys
t = sorted(float(x) * 1000 for x in """$times""".split())
print(f"| {sys.argv[1]} | {statistics.median(t):.0f} ms | {t[-1]:.0f} ms |")
PY
}
report() {
  curl -s -X POST -H "Origin: http://127.0.0.1:$PORT" -H "Cookie: $COOKIE" -H 'Content-Type: application/json' \
    -d "{\"query\": {\"range\": \"$1\", \"since\": \"\", \"until\": \"\", \"app\": \"$2\"}}" \
    "http://127.0.0.1:$PORT/rpc/analytics_report"
}
ROWS=$(
  for range in Day Week Month; do
    for app in "" app3; do
      time_call "analytics_report, $range, ${app:-all applications}" -X POST -H "Origin: http://127.0.0.1:$PORT" \
        -H "Cookie: $COOKIE" -H 'Content-Type: application/json' \
        -d "{\"query\": {\"range\": \"$range\", \"since\": \"\", \"until\": \"\", \"app\": \"$app\"}}" \
        "http://127.0.0.1:$PORT/rpc/analytics_report"
    done
  done
  for range in 24h 30d; do
    time_call "GET /admin/analytics?range=$range (the whole page, server-rendered)" -H "Cookie: $COOKIE" \
      "http://127.0.0.1:$PORT/admin/analytics?range=$range"
  done
)
SIZE=$(report Month "" | wc -c)
RSS=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")
{
  echo "# Analytics over $N ended sessions"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, binary \`$BIN\`, SQLite file ($DB_MB MB), loopback."
  echo "Command: \`N=$N bench/analytics_1m.sh $BIN\`. $RUNS timed runs per line after one warm-up."
  echo
  echo "History: $N sessions over the last 30 days (written in ${WRITE_S} s), $ROLLUP_ROWS rollup rows over $HOURS hours"
  echo "($(( ROLLUP_ROWS / (HOURS > 0 ? HOURS : 1) )) a hour: 8 applications x (created, sign-ins, 4 end reasons,"
  echo "3 browsers, 4 systems, 2 devices, 5 countries) + 3 gauge rows). The 30-day answer is $SIZE bytes of JSON."
  echo "Server RSS after the calls: $RSS KB."
  echo
  echo "| call | p50 | max |"
  echo "|---|---|---|"
  echo "$ROWS"
} | tee bench/results-analytics.md
