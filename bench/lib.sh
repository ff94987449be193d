# Shared by the bench scripts (sourced): a free port, live sessions written straight
# into a stopped server's database (SQLite or PostgreSQL), the bench admin and its
# cookie, a server on a free port, and a throwaway PostgreSQL cluster. Scripts that
# start a server set WORK (a temporary folder) first.

# A free TCP port on 127.0.0.1.
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# insert_live_sessions DB N USERS COUNTRY: N live sessions of USERS users spread over
# applications app0..app6, seen within the last ten minutes; COUNTRY is an SQL value
# ('SE' or NULL). The server must be stopped (and have run once, for the tables).
insert_live_sessions() {
  local db=$1 n=$2 users=$3 country=$4 now
  now=$(($(date +%s) * 1000))
  sqlite3 "$db" <<SQL
PRAGMA journal_mode=WAL;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $n)
INSERT INTO sessions (id, token_hash, application, user_id, username, status, role, first_ip, last_ip,
  user_agent, browser, browser_version, os, device, country, created_at, last_seen_at, expires_at)
SELECT lower(hex(randomblob(16))), randomblob(32), 'app' || (i % 7), NULL, 'user' || (i % $users),
  'authenticated', 'user', '10.' || (i % 250) || '.' || (i / 250 % 250) || '.1', '10.' || (i % 250) || '.' || (i / 250 % 250) || '.1',
  'bench', 'Chrome', '120', 'Linux', 'desktop', $country, $now - i * 10, $now - i % 600000, $now + 43200000
FROM n;
SQL
}

# admin_cookie PORT: signs in the bench admin (password bench-password-1); prints the
# `name=value` cookie, or fails.
admin_cookie() {
  local cookie
  cookie=$(curl -s -i -X POST -H "Origin: http://127.0.0.1:$1" -d 'username=admin&password=bench-password-1' \
    "http://127.0.0.1:$1/rpc/sign_in" | awk -F'[ ;]' 'tolower($1) == "set-cookie:" {print $2}')
  [ -n "$cookie" ] || { echo "bench admin sign-in failed" >&2; return 1; }
  echo "$cookie"
}

# insert_live_sessions_pg URL N USERS COUNTRY: the same N live sessions as
# insert_live_sessions (token hashes of 32 bytes: the server refuses to read back
# others), written into PostgreSQL at URL with psql (PSQL, default `psql`), then VACUUMed and ANALYZEd (as autovacuum would do soon after). The server should be
# stopped (its cache and counts load at start) and have run once, for the tables.
insert_live_sessions_pg() {
  local url=$1 n=$2 users=$3 country=$4 now
  # AGO_MS=… writes them as of that long ago (seen then, expiring 12 h after).
  now=$(($(date +%s) * 1000 - ${AGO_MS:-0}))
  "${PSQL:-psql}" "$url" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO sessions (id, token_hash, application, user_id, username, status, role, first_ip, last_ip,
  user_agent, browser, browser_version, os, device, country, created_at, last_seen_at, expires_at)
SELECT md5(random()::text || i), sha256((i || random()::text)::bytea), 'app' || (i % 7), NULL,
  'user' || (i % $users), 'authenticated', 'user', ip, ip,
  'bench', 'Chrome', '120', 'Linux', 'desktop', $country, $now - i * 10, $now - i % 600000, $now + 43200000
FROM generate_series(1, $n) AS i,
  LATERAL (SELECT '10.' || (i % 250) || '.' || (i / 250 % 250) || '.1' AS ip) AS a;
VACUUM ANALYZE sessions;
SQL
}

# add_admin BIN URL: the bench admin (password bench-password-1) in the database at URL
# (creates a missing SQLite file, as `serve` does).
add_admin() {
  echo "bench-password-1" | "$1" user add admin --role admin --password-stdin --database-url "$2" >/dev/null
}

# serve BIN URL LOG: `BIN serve` for the database at URL on a free port of 127.0.0.1, its
# output in LOG, the site root under WORK; waits until /readyz answers (a start over 1M
# rows takes a while). Sets SERVE_PORT and SERVE_PID; stop it with stop_server PID.
serve() {
  SERVE_PORT=$(port)
  LEPTOS_SITE_ROOT="$WORK/site" RUST_LOG=warn "$1" serve --addr "127.0.0.1:$SERVE_PORT" --database-url "$2" \
    >"$3" 2>&1 &
  SERVE_PID=$!
  for _ in $(seq 6000); do
    curl -fs "http://127.0.0.1:$SERVE_PORT/readyz" >/dev/null && return 0
    kill -0 "$SERVE_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "server did not start" >&2; tail -20 "$3" >&2; return 1
}
stop_server() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# PostgreSQL's binaries (the newest installed) and psql.
PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
PSQL="$PG_BIN/psql"
# as_pg CMD...: CMD as the postgres user when we are root (initdb refuses root).
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# pg_start DIR [OPTION...]: a throwaway PostgreSQL cluster in DIR (a new folder; its parent
# is opened to the postgres user when we are root): initdb (trust, UTF8), then postgres
# on a free port of 127.0.0.1 with OPTIONs (e.g. `-c fsync=off`), and an empty database
# `sessions`. Sets PG_DIR, PG_PORT, PG_URL (that database) and PG_STARTED=1; call pg_stop
# from the script's EXIT trap.
pg_start() {
  PG_DIR=$1; shift
  [ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL is missing (scripts/setup.sh --test installs it)" >&2; return 1; }
  mkdir -p "$PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$PG_DIR"; chmod 755 "$(dirname "$PG_DIR")"; fi
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 \
    || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  PG_PORT=$(port)
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w start \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $PG_DIR $*" >/dev/null
  PG_STARTED=1
  PG_URL=$(pg_createdb sessions)
}
# pg_createdb NAME: a new empty database in the cluster of pg_start; prints its URL.
pg_createdb() {
  "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c "CREATE DATABASE $1" postgres
  echo "postgres://postgres@127.0.0.1:$PG_PORT/$1"
}
# pg_stop: stops the cluster of pg_start, if it runs.
pg_stop() {
  if [ "${PG_STARTED:-0}" -eq 1 ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" stop -m fast -w >/dev/null 2>&1 || true
    PG_STARTED=0
  fi
}
