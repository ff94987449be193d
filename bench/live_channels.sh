#!/usr/bin/env bash
# Live channel cost at scale: N console sessions of one user written straight into a
# fresh SQLite file, one /live channel open per session, then
#   - server RSS before / after opening them (per-channel KB),
#   - one event (an admin kills an unrelated session of that user) reaching all channels,
#   - the admin ending all N sessions of the user: acknowledgement to every channel closed.
# Usage: bench/live_channels.sh [path/to/sessions]  (default target/release/sessions)
# Needs: python3, curl. Loopback only, bounded waits; writes bench/results-live.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/sessions}
N=${N:-10000}
WORK=$(mktemp -d)
DB="$WORK/bench.db"
URL="sqlite://$DB"
PID=
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT
# Each process (server, clients) holds N sockets: raise the soft limit as far as allowed.
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -gt $((N + 512)) ] || { echo "open-file limit $(ulimit -n) too low for N=$N"; exit 1; }

. bench/lib.sh
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }

echo "bench-password-1" | "$BIN" user add admin --role admin --password-stdin --database-url "$URL" >/dev/null
echo "bench-password-2" | "$BIN" user add viewer --role user --password-stdin --database-url "$URL" >/dev/null
# N + 1 sessions of `viewer` (user 2) from 127.0.0.1 with known tokens: token = 32 random
# bytes base64url, stored as SHA-256 of its text (core/src/token.rs).
python3 - "$DB" "$N" "$WORK/tokens" <<'PY'
import base64, hashlib, os, sqlite3, sys, time
db, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
now = int(time.time() * 1000)
con = sqlite3.connect(db)
rows, tokens = [], []
for i in range(n + 1):
    token = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
    tokens.append(token)
    rows.append((os.urandom(16).hex(), hashlib.sha256(token.encode()).digest(), now - i, now, now + 12 * 3600_000))
con.executemany("""INSERT INTO sessions (id, token_hash, application, user_id, username, status, role, first_ip,
  last_ip, user_agent, browser, browser_version, os, device, country, created_at, last_seen_at, expires_at)
  VALUES (?, ?, 'console', 2, 'viewer', 'authenticated', 'user', '127.0.0.1', '127.0.0.1', 'bench', 'Chrome',
  '120', 'Linux', 'desktop', NULL, ?, ?, ?)""", rows)
con.commit()
open(out, "w").write("\n".join(tokens))
PY
# The last session is the unrelated one killed for the single-event phase.
VICTIM=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT id FROM sessions ORDER BY created_at LIMIT 1\").fetchone()[0])" "$DB")
head -n "$N" "$WORK/tokens" > "$WORK/watch"

PORT=$(port)
LEPTOS_SITE_ROOT="$WORK/site" RUST_LOG=warn "$BIN" serve --addr "127.0.0.1:$PORT" --database-url "$URL" >"$WORK/out.log" 2>"$WORK/err.log" &
PID=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/login" >/dev/null && break; sleep 0.1; done
ORIGIN="Origin: http://127.0.0.1:$PORT"
COOKIE=$(admin_cookie "$PORT")
sleep 1
RSS_BEFORE=$(rss_kb)

mkdir "$WORK/ctrl"
timeout 300 python3 bench/live_clients.py "$PORT" "$WORK/ctrl" "$COOKIE" "$VICTIM" < "$WORK/watch" > "$WORK/result.json" &
CLIENTS=$!
for _ in $(seq 12000); do [ -f "$WORK/ctrl/opened" ] && break; sleep 0.01; done
OPENED=$(cat "$WORK/ctrl/opened")
sleep 2
RSS_AFTER=$(rss_kb)

touch "$WORK/ctrl/go"
wait $CLIENTS
RESULT=$(cat "$WORK/result.json")
PER=$(( (RSS_AFTER - RSS_BEFORE) * 1024 / (OPENED > 0 ? OPENED : 1) ))
[ "$PER" -lt 0 ] && PER=0
field() { python3 -c "import json,sys; v=json.loads(sys.argv[1])[sys.argv[2]]; print(v if isinstance(v,int) else f'{v:.1f}')" "$RESULT" "$1"; }
{
  echo "# Live channels: $N open at once"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores (shared), binary \`$BIN\`, SQLite file, loopback."
  echo "Command: \`N=$N bench/live_channels.sh $BIN\`. Clients: bench/live_clients.py (one process, one epoll loop)."
  echo
  echo "| measure | value | target |"
  echo "|---|---|---|"
  echo "| channels open | $OPENED of $N | all |"
  echo "| server RSS before / after | $RSS_BEFORE KB / $RSS_AFTER KB | |"
  echo "| per channel | $((PER / 1024)).$(( (PER % 1024) * 10 / 1024 )) KB | <= 16 KB |"
  echo "| one event to all channels, after the kill's ack: p50 / p99 / max | $(field event_p50_ms) / $(field event_p99_ms) / $(field event_max_ms) ms ($(field event_received) received) | p99 < 200 ms |"
  echo "| ending all $N sessions of the user, ack to closed (negative: closed before the ack arrived): p50 / p99 / max | $(field close_p50_ms) / $(field close_p99_ms) / $(field close_max_ms) ms ($(field closed) closed) | all within 1 s |"
} | tee bench/results-live.md
