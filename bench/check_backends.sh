#!/usr/bin/env bash
# The application API and the console sign-in on SQLite and on PostgreSQL, side by side
# in one run (issue 11). The SAME binary serves a fresh SQLite file and a throwaway
# PostgreSQL cluster at once; SEED sessions are created through each one's API first
# (100 users), then:
#   (a) session check: POST /api/v1/sessions/check with one valid token (the body of
#       bench/check_api.sh), a warm-up, then the peak at CHECK_CONNS connections;
#   (b) session creation, an application's sign-in: POST /api/v1/sessions, every request
#       a new user, CREATE_CONNS connections (each is an insert of the session and of its
#       change-log entry, plus a NOTIFY on PostgreSQL); the rows added are counted;
#   (c) console sign-in: POST /rpc/sign_in of the bench admin (as lib.sh admin_cookie),
#       SIGNIN_CONNS connections: argon2 bounds it by design (4 hashes at once).
# Each part alternates the backends, SQLite then PostgreSQL, ROUNDS times, so that other
# work on the machine hits both.
#
# Usage: bench/check_backends.sh BIN
# Env:   ROUNDS=2 SEED=1000 CHECK_CONNS=64 CHECK_WARMUP=2 CHECK_SECS=10 CREATE_CONNS=16
#        CREATE_SECS=10 SIGNIN_CONNS=4 SIGNIN_SECS=5 WRK_THREADS=2 NOTE= (a line for the
#        results); PG_OPTS= options for postgres (default none: fsync on, as durable as
#        the SQLite store's synchronous=FULL).
# Needs: wrk (Debian's package: oha is not on these machines), curl, python3, sqlite3,
#        PostgreSQL's binaries (/usr/lib/postgresql/*/bin). Loopback only; both servers
#        and the cluster stop on exit. Writes bench/results-backends.md and prints it.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:?usage: bench/check_backends.sh BIN}
ROUNDS=${ROUNDS:-2}
SEED=${SEED:-1000}
CHECK_CONNS=${CHECK_CONNS:-64}
CHECK_WARMUP=${CHECK_WARMUP:-2}
CHECK_SECS=${CHECK_SECS:-10}
CREATE_CONNS=${CREATE_CONNS:-16}
CREATE_SECS=${CREATE_SECS:-10}
SIGNIN_CONNS=${SIGNIN_CONNS:-4}
SIGNIN_SECS=${SIGNIN_SECS:-5}
WRK_THREADS=${WRK_THREADS:-2}
PG_OPTS=${PG_OPTS:-}
OUT=bench/results-backends.md
WORK=$(mktemp -d)
PIDS=()
. bench/lib.sh
cleanup() {
  for p in "${PIDS[@]}"; do stop_server "$p"; done
  pg_stop
  rm -rf "$WORK"
}
trap cleanup EXIT
for tool in wrk curl python3 sqlite3; do
  command -v "$tool" >/dev/null || { echo "check_backends.sh: $tool not found (wrk: apt-get install wrk)" >&2; exit 1; }
done
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ the two servers
declare -A URL PORT KEY TOKEN IP LABEL
BACKENDS=(sqlite postgres)
URL[sqlite]="sqlite://$WORK/bench.db"
LABEL[sqlite]=SQLite
pg_start "$WORK/pg" $PG_OPTS
URL[postgres]=$PG_URL
LABEL[postgres]="PostgreSQL $("$PSQL" --version | awk '{print $3}')"

# seed PORT KEY N: N sessions through the API (100 users, keep-alive); prints the
# token and the IP of the first.
seed() {
  python3 - "$@" <<'PY'
import http.client, json, sys
port, key, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
conn = http.client.HTTPConnection("127.0.0.1", port)
first = None
for i in range(n):
    ip = f"10.0.{i % 250}.1"
    body = json.dumps({"user_id": f"seed-{i % 100}", "display_name": f"Seed {i % 100}", "role": "user",
                       "ip": ip, "user_agent": "bench"})
    conn.request("POST", "/api/v1/sessions", body,
                 {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    r = conn.getresponse()
    data = r.read()
    if r.status != 201:
        sys.exit(f"seed {i}: {r.status} {data[:300]!r}")
    first = first or (json.loads(data)["token"], ip)
print(*first)
PY
}

for b in "${BACKENDS[@]}"; do
  add_admin "$BIN" "${URL[$b]}"
  KEY[$b]=$("$BIN" --database-url "${URL[$b]}" app add bench --format json |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
  serve "$BIN" "${URL[$b]}" "$WORK/$b.log"
  PIDS+=("$SERVE_PID")
  PORT[$b]=$SERVE_PORT
  read -r TOKEN[$b] IP[$b] < <(seed "${PORT[$b]}" "${KEY[$b]}" "$SEED")
  [ -n "${TOKEN[$b]}" ] || { echo "seeding ${LABEL[$b]} failed" >&2; exit 1; }
  echo "${LABEL[$b]}: served on port ${PORT[$b]}, $SEED sessions created" >&2
done

# sessions B: the rows of the sessions table of backend B.
sessions() {
  if [ "$1" = sqlite ]; then sqlite3 -cmd '.timeout 5000' "$WORK/bench.db" "SELECT count(*) FROM sessions"
  else "$PSQL" "${URL[postgres]}" -At -c "SELECT count(*) FROM sessions"; fi
}

# ------------------------------------------------------------------ load runs
# run OUT SECS CONNS URL: one wrk run (body and headers from the WRK_* variables, see
# bench/wrk_post.lua); its JSON summary in OUT.
run() {
  local out=$1 secs=$2 conns=$3 url=$4
  wrk -t "$WRK_THREADS" -c "$conns" -d "${secs}s" --timeout 10s -s bench/wrk_post.lua "$url" >"$out.txt" 2>&1 \
    || { cat "$out.txt" >&2; exit 1; }
  sed -n 's/^WRK_JSON //p' "$out.txt" >"$out"
  [ -s "$out" ] || { cat "$out.txt" >&2; exit 1; }
}
# row JSON PART ROUND BACKEND [EXTRA]: one table line "part round backend req/s p50 p99 errors extra".
row() {
  python3 - "$@" <<'PY' >>"$WORK/rows.tsv"
import json, sys
r = json.load(open(sys.argv[1]))
errs = ", ".join(f"{k} {r[k]}" for k in ("connect", "read", "write", "status", "timeout") if r[k]) or "0"
extra = sys.argv[5] if len(sys.argv) > 5 else ""
print("\t".join([sys.argv[2], sys.argv[3], sys.argv[4], f"{r['requests'] / r['seconds']:.0f}",
                 f"{r['p50_ms']:.2f}", f"{r['p99_ms']:.2f}", errs, str(r["requests"]), extra]))
PY
}
: >"$WORK/rows.tsv"

for round in $(seq "$ROUNDS"); do
  for b in "${BACKENDS[@]}"; do
    echo "check, round $round, ${LABEL[$b]}" >&2
    export WRK_BODY="{\"token\":\"${TOKEN[$b]}\",\"ip\":\"${IP[$b]}\",\"user_agent\":\"bench\"}" \
      WRK_TYPE=application/json WRK_AUTH="Bearer ${KEY[$b]}"
    run "$WORK/warm.json" "$CHECK_WARMUP" "$CHECK_CONNS" "http://127.0.0.1:${PORT[$b]}/api/v1/sessions/check"
    run "$WORK/c.json" "$CHECK_SECS" "$CHECK_CONNS" "http://127.0.0.1:${PORT[$b]}/api/v1/sessions/check"
    row "$WORK/c.json" check "$round" "$b"
  done
done

for round in $(seq "$ROUNDS"); do
  for b in "${BACKENDS[@]}"; do
    echo "create, round $round, ${LABEL[$b]}" >&2
    export WRK_BODY="{\"user_id\":\"r$round-{n}\",\"display_name\":\"Bench r$round-{n}\",\"role\":\"user\",\"ip\":\"10.1.0.1\",\"user_agent\":\"bench\"}" \
      WRK_TYPE=application/json WRK_AUTH="Bearer ${KEY[$b]}"
    before=$(sessions "$b")
    run "$WORK/s.json" "$CREATE_SECS" "$CREATE_CONNS" "http://127.0.0.1:${PORT[$b]}/api/v1/sessions"
    sleep 1
    row "$WORK/s.json" create "$round" "$b" "$(($(sessions "$b") - before))"
  done
done
unset WRK_AUTH

for round in $(seq "$ROUNDS"); do
  for b in "${BACKENDS[@]}"; do
    echo "console sign-in, round $round, ${LABEL[$b]}" >&2
    export WRK_BODY='username=admin&password=bench-password-1' WRK_TYPE=application/x-www-form-urlencoded \
      WRK_ORIGIN="http://127.0.0.1:${PORT[$b]}"
    run "$WORK/i.json" "$SIGNIN_SECS" "$SIGNIN_CONNS" "http://127.0.0.1:${PORT[$b]}/rpc/sign_in"
    row "$WORK/i.json" sign_in "$round" "$b"
  done
done
# The answer of one more sign-in on each, to show it succeeded (not throttled).
SIGNIN_ANSWER=()
for b in "${BACKENDS[@]}"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Origin: http://127.0.0.1:${PORT[$b]}" \
    -d 'username=admin&password=bench-password-1' "http://127.0.0.1:${PORT[$b]}/rpc/sign_in")
  SIGNIN_ANSWER+=("${LABEL[$b]} $code")
done
THROTTLE_LOG=$( { grep -h -i -c throttl "$WORK/sqlite.log" "$WORK/postgres.log" || true; } | paste -sd/)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ------------------------------------------------------------------ report
report() {
  echo "# Session check, session creation and console sign-in: SQLite and PostgreSQL side by side"
  echo
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/check_backends.sh $BIN\` (ROUNDS=$ROUNDS)."
  echo "Machine: $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), shared with other work."
  echo "Load average (1, 5, 15 min) before: $LOAD_BEFORE; after: $LOAD_AFTER."
  echo "One binary, two \`serve\` processes at once: a fresh SQLite file (WAL, synchronous=FULL), and"
  echo "${LABEL[postgres]} in a throwaway cluster (initdb, ${PG_OPTS:-default settings: fsync on}), both on"
  echo "this machine's disk. $SEED sessions (100 users) created through each API first. Load: $(wrk --version 2>&1 | head -1 | awk '{print $1, $2}')"
  echo "(oha is not installed here) with $WRK_THREADS threads and bench/wrk_post.lua, keep-alive HTTP/1.1 over"
  echo "127.0.0.1; server, wrk and PostgreSQL share the $(nproc) CPUs. The backends alternate in"
  echo "every part (SQLite, PostgreSQL, SQLite, ...). Errors: wrk's counts (status = an answer of 400 or more)."
  echo
  python3 - "$WORK/rows.tsv" "$CHECK_CONNS" "$CHECK_WARMUP" "$CHECK_SECS" "$CREATE_CONNS" "$CREATE_SECS" \
    "$SIGNIN_CONNS" "$SIGNIN_SECS" "${LABEL[postgres]}" <<'PY'
import sys
from collections import defaultdict
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
cc, cw, cs, rc, rs, ic, isecs, pg = sys.argv[2:]
label = {"sqlite": "SQLite", "postgres": pg}
parts = [
    ("check", f"(a) Session check: POST /api/v1/sessions/check, one valid token, {cc} connections, "
              f"{cw} s warm-up then {cs} s"),
    ("create", f"(b) Session creation: POST /api/v1/sessions, a new user each request, {rc} connections, "
               f"{rs} s (insert + change log; + NOTIFY on PostgreSQL)"),
    ("sign_in", f"(c) Console sign-in: POST /rpc/sign_in of the admin (argon2), {ic} connections, {isecs} s"),
]
mean = defaultdict(list)
for part, title in parts:
    print(f"## {title}\n")
    extra = part == "create"
    print("| round | backend | req/s | p50 | p99 | errors | answers |" + (" rows added |" if extra else ""))
    print("|---|---|---|---|---|---|---|" + ("---|" if extra else ""))
    for p, rnd, b, rps, p50, p99, errs, n, added in rows:
        if p != part:
            continue
        mean[(part, b)].append(float(rps))
        print(f"| {rnd} | {label[b]} | {rps} | {p50} ms | {p99} ms | {errs} | {n} |" + (f" {added} |" if extra else ""))
    print()
print("Mean req/s over the rounds, and PostgreSQL's share of SQLite's:\n")
print("| part | SQLite | PostgreSQL | PostgreSQL / SQLite |")
print("|---|---|---|---|")
for part, _ in parts:
    s = sum(mean[(part, "sqlite")]) / len(mean[(part, "sqlite")])
    p = sum(mean[(part, "postgres")]) / len(mean[(part, "postgres")])
    print(f"| {part} | {s:.0f} | {p:.0f} | {p / s:.2f} |")
print()
PY
  echo "One more sign-in after the runs answered (200 = signed in): $(IFS=,; echo "${SIGNIN_ANSWER[*]}" | sed 's/,/, /g')."
  echo "Server log lines naming the throttle (SQLite/PostgreSQL): $THROTTLE_LOG. No GeoIP database is"
  echo "given (countries unknown), the same for both."
  echo
  echo "## Commands"
  echo
  echo '```sh'
  echo "bench/check_backends.sh $BIN   # all of the below"
  echo "BIN user add admin --role admin --password-stdin --database-url URL; BIN --database-url URL app add bench --format json  # -> KEY"
  echo "LEPTOS_SITE_ROOT=TMP/site RUST_LOG=warn BIN serve --addr 127.0.0.1:PORT --database-url URL"
  echo "# URL: sqlite://TMP/bench.db, and postgres://postgres@127.0.0.1:PGPORT/sessions"
  echo "WRK_BODY='{\"token\":\"TOKEN\",\"ip\":\"IP\",\"user_agent\":\"bench\"}' WRK_AUTH='Bearer KEY' \\"
  echo "  wrk -t $WRK_THREADS -c $CHECK_CONNS -d ${CHECK_SECS}s -s bench/wrk_post.lua http://127.0.0.1:PORT/api/v1/sessions/check"
  echo "WRK_BODY='{\"user_id\":\"rROUND-{n}\",\"display_name\":\"Bench rROUND-{n}\",\"role\":\"user\",\"ip\":\"10.1.0.1\",\"user_agent\":\"bench\"}' WRK_AUTH='Bearer KEY' \\"
  echo "  wrk -t $WRK_THREADS -c $CREATE_CONNS -d ${CREATE_SECS}s -s bench/wrk_post.lua http://127.0.0.1:PORT/api/v1/sessions"
  echo "WRK_BODY='username=admin&password=bench-password-1' WRK_TYPE=application/x-www-form-urlencoded WRK_ORIGIN=http://127.0.0.1:PORT \\"
  echo "  wrk -t $WRK_THREADS -c $SIGNIN_CONNS -d ${SIGNIN_SECS}s -s bench/wrk_post.lua http://127.0.0.1:PORT/rpc/sign_in"
  echo '```'
  echo
  [ -z "${NOTE:-}" ] || { echo "$NOTE"; echo; }
}
report >"$WORK/report.md"
cp "$WORK/report.md" "$OUT"
cat "$OUT"
