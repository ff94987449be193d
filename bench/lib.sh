# Shared by the bench scripts (sourced): a free port, live sessions written straight
# into a stopped server's SQLite file, and the bench admin's cookie.

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
# insert_live_sessions, written into PostgreSQL at URL with psql (PSQL, default `psql`),
# then VACUUMed and ANALYZEd (as autovacuum would do soon after). The server should be
# stopped (its cache and counts load at start) and have run once, for the tables.
insert_live_sessions_pg() {
  local url=$1 n=$2 users=$3 country=$4 now
  now=$(($(date +%s) * 1000))
  "${PSQL:-psql}" "$url" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO sessions (id, token_hash, application, user_id, username, status, role, first_ip, last_ip,
  user_agent, browser, browser_version, os, device, country, created_at, last_seen_at, expires_at)
SELECT md5(random()::text || i), decode(md5(i || random()::text), 'hex'), 'app' || (i % 7), NULL,
  'user' || (i % $users), 'authenticated', 'user', ip, ip,
  'bench', 'Chrome', '120', 'Linux', 'desktop', $country, $now - i * 10, $now - i % 600000, $now + 43200000
FROM generate_series(1, $n) AS i,
  LATERAL (SELECT '10.' || (i % 250) || '.' || (i / 250 % 250) || '.1' AS ip) AS a;
VACUUM ANALYZE sessions;
SQL
}
