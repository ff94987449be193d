#!/usr/bin/env bash
# Throughput and latency of the session check: Sessions' POST /api/v1/sessions/check against
# two baselines built from bench/baselines:
#   ceiling         axum answering "ok" to POST /check (no work at all)
#   tower-sessions  the usual way: tower-sessions + its SQLite store, POST /check loads the
#                   session named by the cookie from SQLite and answers the user as JSON
# For each server: a 2 s warm-up, the peak (10 s, 64 connections), then a fixed-rate run at
# half that peak (10 s) for its p99. Then how many database writes "last seen" cost Sessions.
#
# Usage: bench/check_api.sh            (from anywhere; builds what it needs)
# Env:   DURATION=10s WARMUP=2s CONNS=64 SOAK=70s SKIP_BUILD=1
#        SETUPS="pinned shared": pinned = every server on CPU 0 and oha on CPU 1 (taskset),
#        shared = no pinning; each setup runs all three servers the same way.
#        QUIET_PCT=10 QUIET_WAIT=900: before each server's runs, wait (at most QUIET_WAIT s)
#        until other processes use under QUIET_PCT % of the machine; the CPU they used during
#        the peak and half-peak runs is reported beside them; a server's runs are done again
#        (ATTEMPTS=3 in all) when that share was over QUIET_PCT.
# Needs: cargo, oha (cargo install oha --locked), curl, sqlite3, python3, taskset.
# Writes bench/results-check.md and prints the same. Only 127.0.0.1 is ever targeted; every
# load run has a fixed duration; every server started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export PATH="$HOME/.cargo/bin:$PATH"

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
CONNS=${CONNS:-64}
SOAK=${SOAK:-70s}
SETUPS=${SETUPS:-pinned shared}
QUIET_PCT=${QUIET_PCT:-10}
QUIET_WAIT=${QUIET_WAIT:-900}
ATTEMPTS=${ATTEMPTS:-3}
BIN="$ROOT/target/release/sessions"
BASE="$ROOT/bench/baselines"
WORK=$(mktemp -d)
PIDS=()

die() { echo "check_api.sh: $*" >&2; exit 1; }
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

for tool in cargo oha curl sqlite3 python3 taskset /usr/bin/time; do
  command -v "$tool" >/dev/null || die "$tool not found (oha: cargo install oha --locked)"
done
NPROC=$(nproc)
for setup in $SETUPS; do
  case $setup in
    pinned) [ "$NPROC" -ge 2 ] || die "pinned needs 2 CPUs" ;;
    shared) ;;
    *) die "unknown setup $setup (pinned or shared)" ;;
  esac
done

# ---------------------------------------------------------------------------- build
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== building Sessions (cargo build --release -p server)"
  cargo build --release -p server || die "release build of the server failed"
  echo "== building the baselines (bench/baselines, own target dir)"
  (cd "$BASE" && cargo build --release --target-dir "$BASE/target") || die "baselines build failed"
fi
[ -x "$BIN" ] || die "$BIN missing"
[ -x "$BASE/target/release/ok-server" ] || die "ok-server missing"
[ -x "$BASE/target/release/tower-sessions-server" ] || die "tower-sessions-server missing"

# ---------------------------------------------------------------------------- helpers
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_up PORT PATH METHOD LOG: any HTTP status from the server means it is up.
wait_up() {
  local code
  for _ in $(seq 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X "$3" "http://127.0.0.1:$1$2" || true)
    [ "$code" != 000 ] && return 0
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "--- server log:" >&2; tail -20 "$4" >&2 || true
  die "server on port $1 did not start"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# user + nice + system + steal of all CPUs: process time; interrupt and softirq time (where the
# kernel does loopback TCP for both sides) are left out, as no process is charged for them.
# Kernel threads (ksoftirqd, kworkers) are left out too: they carry loopback and timer work
# of the run itself.
busy_ticks() {
  python3 - <<'PY'
import os
with open("/proc/stat") as f:
    c = f.readline().split()
busy = int(c[1]) + int(c[2]) + int(c[3]) + int(c[8])
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try:
            with open(f"/proc/{pid}/stat") as f:
                st = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if pid == "2" or st[1] == "2":  # kthreadd and its children
            busy -= int(st[11]) + int(st[12])
print(busy)
PY
}
TCK=$(getconf CLK_TCK)

# wait_quiet: until the whole machine is under QUIET_PCT % busy over 2 s (nothing of ours
# is loading it then), or QUIET_WAIT s have passed; then goes on either way.
wait_quiet() {
  local deadline=$((SECONDS + QUIET_WAIT)) b0 b1 pct
  while :; do
    b0=$(busy_ticks); sleep 2; b1=$(busy_ticks)
    pct=$(( (b1 - b0) * 100 / (2 * TCK * NPROC) ))
    [ "$pct" -lt "$QUIET_PCT" ] && return 0
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "   machine still ${pct} % busy with other work after ${QUIET_WAIT} s: measuring anyway" >&2
      return 0
    fi
    echo "   machine ${pct} % busy with other work; waiting for it to quiet down" >&2
    sleep 8
  done
}

# load NAME URL OUTFILE [extra oha args...]: one oha run, JSON summary to OUTFILE.
# Fails when any response is not 200 or any request errored.
load() {
  local name=$1 url=$2 out=$3; shift 3
  /usr/bin/time -o "$out.time" -f '%U %S' "${GEN_PIN[@]}" oha --no-tui --output-format json -m POST "${HDR[@]}" -d "$BODY" "$@" "$url" >"$out" 2>"$out.err" \
    || { cat "$out.err" >&2; die "oha failed for $name"; }
  python3 - "$out" "$name" <<'PY' || exit 1
import json, sys
r = json.load(open(sys.argv[1]))
codes = r.get("statusCodeDistribution", {})
# requests still in flight when the fixed duration ends are cut by oha: not a server failure
errs = {k: v for k, v in r.get("errorDistribution", {}).items() if k != "aborted due to deadline"}
bad = {k: v for k, v in codes.items() if k != "200"}
if bad or errs or not codes:
    sys.exit(f"check_api.sh: {sys.argv[2]}: non-200 answers {bad} errors {errs}")
PY
}

# field FILE EXPR: a value from an oha JSON summary (python expression over r).
field() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }
count() { field "$1" 'sum(r["statusCodeDistribution"].values())'; }
ms() { field "$1" "round(r['latencyPercentiles']['$2'] * 1000, 2)"; }

declare -A PEAK P50 P99 HALF_RATE HALF_P99 CPU_US BUSY OTHER
NAMES=(ceiling tower-sessions Sessions)

# bench NAME PID URL: waits for a quiet machine, then warm-up, peak, half-peak fixed rate
# against a started server; again (up to ATTEMPTS times) when other processes used more than
# QUIET_PCT % of the machine during the peak or half-peak run. Adds the checks to CHECKS.
bench() {
  local attempt
  for attempt in $(seq "$ATTEMPTS"); do
    wait_quiet
    bench_once "$@"
    [ "${OTHER[$SETUP/$1]}" -le "$QUIET_PCT" ] && return 0
    echo "   disturbed by other work (${OTHER[$SETUP/$1]} %): attempt $attempt of $ATTEMPTS" >&2
  done
}
CHECKS=0

bench_once() {
  local k="$SETUP/$1" pid=$2 url=$3 t0 t1 t2 n b0 b2 s0 s2 gen
  echo "== [$SETUP] $1: warm-up $WARMUP, then peak $DURATION at $CONNS connections"
  load "$k warm-up" "$url" "$WORK/w.json" -z "$WARMUP" -c "$CONNS"
  t0=$(cpu_ticks "$pid"); b0=$(busy_ticks); s0=$(date +%s%3N)
  load "$k peak" "$url" "$WORK/p.json" -z "$DURATION" -c "$CONNS"
  t1=$(cpu_ticks "$pid")
  PEAK[$k]=$(field "$WORK/p.json" 'round(r["summary"]["requestsPerSec"])')
  P50[$k]=$(ms "$WORK/p.json" p50)
  P99[$k]=$(ms "$WORK/p.json" p99)
  n=$(count "$WORK/p.json")
  CPU_US[$k]=$(python3 -c "print(round(($t1 - $t0) / $TCK * 1e6 / $n, 1))")
  BUSY[$k]=$(python3 -c "print(round(${CPU_US[$k]} * ${PEAK[$k]} / 1e4))")
  HALF_RATE[$k]=$(( PEAK[$k] / 2 ))
  echo "== [$SETUP] $1: fixed rate ${HALF_RATE[$k]}/s (half peak), $DURATION"
  load "$k half" "$url" "$WORK/h.json" -z "$DURATION" -c "$CONNS" -q "${HALF_RATE[$k]}" --latency-correction
  HALF_P99[$k]=$(ms "$WORK/h.json" p99)
  t2=$(cpu_ticks "$pid"); b2=$(busy_ticks); s2=$(date +%s%3N)
  gen=$(cat "$WORK/p.json.time" "$WORK/h.json.time" | awk -v t="$TCK" '{g += ($1 + $2) * t} END {print int(g)}')
  # CPU used by everything but this server and oha during both runs, in % of the whole machine
  OTHER[$k]=$(python3 -c "print(max(0, round(($b2 - $b0 - ($t2 - $t0) - $gen) / $TCK / (($s2 - $s0) / 1000 * $NPROC) * 100)))")
  CHECKS=$((CHECKS + $(count "$WORK/w.json") + n + $(count "$WORK/h.json")))
  echo "   peak ${PEAK[$k]}/s p50 ${P50[$k]} ms p99 ${P99[$k]} ms; p99 at half peak ${HALF_P99[$k]} ms; server CPU ${CPU_US[$k]} us/req; others used ${OTHER[$k]} % of the machine"
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

run_ceiling() {
  local port pid
  port=$(free_port)
  "${SRV_PIN[@]}" "$BASE/target/release/ok-server" "127.0.0.1:$port" >"$WORK/ok.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  wait_up "$port" /check POST "$WORK/ok.log"
  [ "$(curl -s -X POST -d x "http://127.0.0.1:$port/check")" = ok ] || die "ok-server did not answer ok"
  HDR=(); BODY='x'
  bench ceiling "$pid" "http://127.0.0.1:$port/check"
  stop "$pid"
}

run_tower_sessions() {
  local port pid cookie code db="$WORK/tower-$SETUP.db"
  port=$(free_port)
  "${SRV_PIN[@]}" "$BASE/target/release/tower-sessions-server" "127.0.0.1:$port" "$db" >"$WORK/ts.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  wait_up "$port" /check POST "$WORK/ts.log"
  cookie=$(curl -s -i -X POST "http://127.0.0.1:$port/login" | awk -F'[ ;]' 'tolower($1) == "set-cookie:" {print $2}' | tr -d '\r')
  [ -n "$cookie" ] || die "tower-sessions login gave no cookie"
  code=$(curl -s -o "$WORK/ts.check" -w '%{http_code}' -X POST -H "Cookie: $cookie" "http://127.0.0.1:$port/check")
  [ "$code" = 200 ] || die "tower-sessions check answered $code, not 200"
  grep -q '"user_id":"u-42"' "$WORK/ts.check" || die "tower-sessions check did not return the user"
  HDR=(-H "Cookie: $cookie"); BODY=''
  bench tower-sessions "$pid" "http://127.0.0.1:$port/check"
  stop "$pid"
}

# Sessions; with WRITES=1 also counts the database writes "last seen" costs.
run_sessions() {
  local port pid code api key token sid db="$WORK/sessions-$SETUP.db"
  local url="sqlite://$db"
  : >"$db" # only `serve` and `user add` create a missing database
  key=$("$BIN" --database-url "$url" app add bench --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])') \
    || die "sessions app add bench --format json gave no key"
  port=$(free_port)
  LEPTOS_SITE_ROOT="$WORK/site" RUST_LOG=warn "${SRV_PIN[@]}" "$BIN" serve --addr "127.0.0.1:$port" --database-url "$url" \
    >"$WORK/sessions.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  wait_up "$port" /api/v1/openapi.json GET "$WORK/sessions.log"
  api="http://127.0.0.1:$port/api/v1"
  code=$(curl -s -o "$WORK/created.json" -w '%{http_code}' -X POST -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' \
    -d '{"user_id":"u-42","display_name":"Bench","role":"user","ip":"127.0.0.1","user_agent":"bench"}' "$api/sessions")
  [ "$code" = 201 ] || { cat "$WORK/created.json" >&2; die "POST /api/v1/sessions answered $code, not 201"; }
  token=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$WORK/created.json")
  sid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["session"]["id"])' "$WORK/created.json")
  BODY="{\"token\":\"$token\",\"ip\":\"127.0.0.1\",\"user_agent\":\"bench\"}"
  HDR=(-H "Authorization: Bearer $key" -H 'Content-Type: application/json')

  # Every UPDATE of a session row from here on is logged by a trigger (in this throwaway
  # database only), and every table's row count is taken, to see what the checks write.
  q() { sqlite3 -cmd '.timeout 5000' "$db" "$1" | tail -1; }
  q "CREATE TABLE bench_session_updates (at INTEGER NOT NULL, last_seen_at INTEGER);
     CREATE TRIGGER bench_count_updates AFTER UPDATE ON sessions BEGIN
       INSERT INTO bench_session_updates VALUES (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), NEW.last_seen_at); END;" \
    || die "could not add the counting trigger"
  rows() { sqlite3 -cmd '.timeout 5000' "$db" "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'bench_%' AND name NOT LIKE '_sqlx%' ORDER BY name" \
    | while read -r t; do printf '%s %s, ' "$t" "$(q "SELECT count(*) FROM \"$t\"")"; done | sed 's/, $//'; }

  code=$(curl -s -o "$WORK/check.json" -w '%{http_code}' -X POST "${HDR[@]}" -d "$BODY" "$api/sessions/check")
  [ "$code" = 200 ] || { cat "$WORK/check.json" >&2; die "POST /api/v1/sessions/check answered $code, not 200"; }
  grep -q '"user_id":"u-42"' "$WORK/check.json" || die "Sessions check did not return the user"

  if [ "$WRITES" = 1 ]; then
    ROWS_BEFORE=$(rows); LS_BEFORE=$(q "SELECT last_seen_at FROM sessions WHERE id='$sid'")
  fi
  CHECKS=0
  bench Sessions "$pid" "$api/sessions/check"
  if [ "$WRITES" = 1 ] && [ "$SOAK" != 0 ]; then
    echo "== [$SETUP] Sessions: light load for the last-seen count, 200/s for $SOAK"
    load "Sessions soak" "$api/sessions/check" "$WORK/s.json" -z "$SOAK" -c 4 -q 200
    CHECKS=$((CHECKS + $(count "$WORK/s.json")))
  fi
  if [ "$WRITES" = 1 ]; then
    W_CREATED=$(q "SELECT created_at FROM sessions WHERE id='$sid'")
    W_CHECKS=$CHECKS; W_SECS=$(( ($(date +%s%3N) - W_CREATED) / 1000 ))
    W_RUNNING=$(q "SELECT count(*) FROM bench_session_updates")
    W_TIMES=$(q "SELECT group_concat((at - $W_CREATED) / 1000.0, ' s, ') || ' s' FROM bench_session_updates")
    LS_RUNNING=$(q "SELECT last_seen_at FROM sessions WHERE id='$sid'")
    ROWS_AFTER=$(rows)
  fi
  stop "$pid"
  if [ "$WRITES" = 1 ]; then
    W_STOPPED=$(q "SELECT count(*) FROM bench_session_updates")
    LS_STOPPED=$(q "SELECT last_seen_at FROM sessions WHERE id='$sid'")
  fi
}

# ---------------------------------------------------------------------------- runs
WRITES=1
for SETUP in $SETUPS; do
  if [ "$SETUP" = pinned ]; then SRV_PIN=(taskset -c 0); GEN_PIN=(taskset -c 1); else SRV_PIN=(); GEN_PIN=(); fi
  run_ceiling
  run_tower_sessions
  run_sessions
  WRITES=0
done
FIRST=${SETUPS%% *}

# ---------------------------------------------------------------------------- report
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
verdict() { python3 -c "print('met' if $1 >= $2 else 'missed')"; }
CPU_MODEL=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
TS_VERS=$(awk '/^name = "tower-sessions(-sqlx-store)?"$/ {n=$3; getline; print n " " $3}' "$BASE/Cargo.lock" | tr -d '"' | paste -sd, | sed 's/,/, /')
setup_note() {
  case $1 in
    pinned) echo "every server pinned to CPU 0 (\`taskset -c 0\`), oha to CPU 1 (\`taskset -c 1\`)" ;;
    shared) echo "no pinning: server and oha share both CPUs" ;;
  esac
}
{
  echo "# Session check: Sessions against a bare ceiling and tower-sessions"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/check_api.sh\` at commit $(git rev-parse --short HEAD)$(git status --porcelain -- core server app Cargo.toml Cargo.lock | grep -q . && echo ' with uncommitted changes in core/server/app' || true)."
  echo "Machine: $NPROC CPUs ($CPU_MODEL), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)."
  echo "Load: $(oha --version) on loopback (127.0.0.1), HTTP/1.1 keep-alive, $CONNS connections."
  echo "Baselines (bench/baselines): axum 0.8 + tokio multi-thread; $TS_VERS, default sqlx SQLite pool."
  echo "Per server: warm-up $WARMUP (discarded), peak = $DURATION as fast as possible, then $DURATION at a"
  echo "fixed rate of half that peak (oha -q, --latency-correction) for its p99."
  for SETUP in $SETUPS; do
    echo
    echo "## Setup \"$SETUP\": $(setup_note "$SETUP")"
    echo
    echo "| server | peak req/s | p50 at peak | p99 at peak | p99 at half peak (rate) | server CPU per request | server CPU busy at peak | other processes during the runs |"
    echo "|---|---|---|---|---|---|---|---|"
    for s in "${NAMES[@]}"; do
      k="$SETUP/$s"
      echo "| $s | ${PEAK[$k]} | ${P50[$k]} ms | ${P99[$k]} ms | ${HALF_P99[$k]} ms (${HALF_RATE[$k]}/s) | ${CPU_US[$k]} µs | ${BUSY[$k]} % of one CPU | ${OTHER[$k]} % of the machine |"
    done
    r1=$(ratio "${PEAK[$SETUP/Sessions]}" "${PEAK[$SETUP/ceiling]}")
    r2=$(ratio "${PEAK[$SETUP/Sessions]}" "${PEAK[$SETUP/tower-sessions]}")
    echo
    echo "| ratio of peaks | measured | target | |"
    echo "|---|---|---|---|"
    echo "| Sessions / ceiling | $r1 | >= 0.7 | $(verdict "$r1" 0.7) |"
    echo "| Sessions / tower-sessions | $r2 | >= 3.8 | $(verdict "$r2" 3.8) |"
  done
  echo
  echo "Server CPU per request = the server process's user + system CPU time during the peak run"
  echo "(from /proc) divided by the requests answered; it does not include the kernel's loopback"
  echo "work done on the load generator's side. \"Other processes\" = the machine's process CPU time"
  echo "(/proc/stat user + nice + system + steal, not interrupts, not kernel threads) during the peak"
  echo "and half-peak runs minus this server's and oha's, as a share of all $NPROC CPUs:"
  echo "anything well above 0 means other work on the machine disturbed that run."
  echo
  echo "What each server does per request: ceiling answers \"ok\"; tower-sessions reads the cookie,"
  echo "loads the session row from SQLite (one SELECT through the sqlx pool), decodes it and answers"
  echo "the user as JSON; Sessions checks the Bearer key (hash, memory), parses and validates the JSON"
  echo "body, looks the token's hash up in memory, applies the policy (idle, lifetime, IP), records"
  echo "last seen in memory and answers the whole session object as JSON."
  echo
  echo "## Database writes for \"last seen\" (Sessions, setup \"$FIRST\")"
  echo
  echo "Design: a check moves last_seen_at in memory only; a background task writes it batched every"
  echo "5 s, at most one write per session per minute (min(shortest idle timeout / 4, 60 s)), and"
  echo "the server writes what is pending when it stops. Measured with an AFTER UPDATE trigger on"
  echo "\`sessions\` (added to the throwaway database only), over $W_CHECKS checks of one session"
  echo "within $W_SECS s of its creation (the runs above, then 200 checks/s for $SOAK):"
  echo
  echo "- session row updates while the server ran: $W_RUNNING (at ${W_TIMES:-never} after the session was created)"
  echo "- session row updates in all, after the server stopped: $W_STOPPED"
  echo "- created_at $W_CREATED; last_seen_at: $LS_BEFORE before the load, $LS_RUNNING at its end (server running), $LS_STOPPED after stop"
  echo "- row counts before the load: $ROWS_BEFORE"
  echo "- row counts after the load:  $ROWS_AFTER"
  echo
  echo "## Commands"
  echo
  echo '```sh'
  echo "bench/check_api.sh     # all of the below; env DURATION WARMUP CONNS SOAK SETUPS SKIP_BUILD"
  echo "cargo build --release -p server"
  echo "(cd bench/baselines && cargo build --release --target-dir bench/baselines/target)"
  echo "# pinned setup: servers under 'taskset -c 0', oha under 'taskset -c 1'; shared: neither"
  echo "bench/baselines/target/release/ok-server 127.0.0.1:PORT"
  echo "bench/baselines/target/release/tower-sessions-server 127.0.0.1:PORT TMP/tower.db"
  echo "target/release/sessions --database-url sqlite://TMP/sessions.db app add bench --format json   # -> KEY"
  echo "LEPTOS_SITE_ROOT=TMP/site RUST_LOG=warn target/release/sessions serve --addr 127.0.0.1:PORT --database-url sqlite://TMP/sessions.db"
  echo "curl -X POST -H 'Authorization: Bearer KEY' -H 'Content-Type: application/json' \\"
  echo "  -d '{\"user_id\":\"u-42\",\"display_name\":\"Bench\",\"role\":\"user\",\"ip\":\"127.0.0.1\",\"user_agent\":\"bench\"}' \\"
  echo "  http://127.0.0.1:PORT/api/v1/sessions   # -> TOKEN"
  echo "oha --no-tui --output-format json -m POST -H 'Authorization: Bearer KEY' -H 'Content-Type: application/json' \\"
  echo "  -d '{\"token\":\"TOKEN\",\"ip\":\"127.0.0.1\",\"user_agent\":\"bench\"}' ARGS http://127.0.0.1:PORT/api/v1/sessions/check"
  echo "#   ARGS: -z $WARMUP -c $CONNS (warm-up); -z $DURATION -c $CONNS (peak); -z $DURATION -c $CONNS -q PEAK/2 --latency-correction"
  echo "#   ceiling: POST /check with -d x; tower-sessions: POST /check with -H 'Cookie: id=...' from POST /login"
  echo '```'
  echo
  echo "Every run is checked: any non-200 answer or connection error fails the script (requests"
  echo "still in flight when a run's duration ends are cut by oha and not counted)."
} | tee "$ROOT/bench/results-check.md"
