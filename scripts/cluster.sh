#!/usr/bin/env bash
# A throwaway cluster on this machine: PostgreSQL (Debian's `postgresql`, `initdb` into a
# temporary folder), N `sessions serve` instances on free ports sharing it, and nginx in
# front of them (round robin, WebSocket upgrade for the live channel at /live). Prints
# the URL and an admin password; Ctrl-C stops everything and deletes the folder.
#
#   bash scripts/cluster.sh [BINARY]       # `make cluster` builds and runs it
#
# BINARY defaults to target/debug/sessions, its site to target/site (both from
# `cargo leptos build --split`). Environment:
#   INSTANCES=2          how many instances
#   CLUSTER_PORT=8080    nginx's port on 127.0.0.1 (a free one if taken)
#   SESSIONS_ADMIN_PASSWORD   the admin's password (generated if unset)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${1:-$ROOT/target/debug/sessions}"
SITE="${LEPTOS_SITE_ROOT:-$ROOT/target/site}"
INSTANCES="${INSTANCES:-2}"
CLUSTER_PORT="${CLUSTER_PORT:-8080}"

say() { printf 'cluster: %s\n' "$*"; }
die() { printf 'cluster: %s\n' "$*" >&2; exit 1; }

[ -x "$BIN" ] || die "no server binary at $BIN; build it first: cargo leptos build --split"
[ -d "$SITE" ] || die "no site at $SITE; build it first: cargo leptos build --split"
[[ "$INSTANCES" =~ ^[1-9][0-9]*$ ]] || die "INSTANCES must be a positive number, not $INSTANCES"

PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || die "PostgreSQL is missing; install it with:
    sudo apt-get install -y postgresql     (or: bash scripts/setup.sh --test)
The packaged cluster on port 5432 is not used: this script runs its own."
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[ -x "$NGINX" ] || die "nginx is missing; install it with:
    sudo apt-get install -y nginx
(its own service need not run: this script starts nginx with its own configuration)."

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
port_free() {
  python3 -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}

DIR="$(mktemp -d -t sessions-cluster-XXXXXX)"
PIDS=()
PG_STARTED=0
as_pg() {
  # initdb and postgres refuse to run as root: as root, they run as `postgres`.
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cleanup() {
  trap - EXIT INT TERM
  say "stopping"
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$PG_STARTED" -eq 1 ]; then
    as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg" stop -m fast -w >/dev/null 2>&1 || true
  fi
  rm -rf "$DIR"
  say "stopped; $DIR deleted"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- PostgreSQL ---------------------------------------------------------------------
PG_PORT="$(free_port)"
if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$DIR"; fi
chmod 755 "$DIR"
say "PostgreSQL ($PG_BIN) on 127.0.0.1:$PG_PORT, data in $DIR/pg"
as_pg "$PG_BIN/initdb" -D "$DIR/pg" -U postgres -A trust -E UTF8 >"$DIR/initdb.log" 2>&1 \
  || { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
# fsync off: a throwaway cluster, gone at exit.
as_pg "$PG_BIN/pg_ctl" -D "$DIR/pg" -l "$DIR/pg/postgres.log" -w start \
  -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $DIR -c fsync=off" >/dev/null \
  || { cat "$DIR/pg/postgres.log" >&2; die "PostgreSQL did not start"; }
PG_STARTED=1
as_pg "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -q -c "CREATE DATABASE sessions" postgres
DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/sessions"

# --- the admin ----------------------------------------------------------------------
PASSWORD="${SESSIONS_ADMIN_PASSWORD:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')}"
# The first `sessions` to open the database creates its schema.
printf '%s' "$PASSWORD" | "$BIN" user add admin --role admin --password-stdin \
  --database-url "$DATABASE_URL" >/dev/null

# --- the instances ------------------------------------------------------------------
UPSTREAMS=""
for n in $(seq 1 "$INSTANCES"); do
  port="$(free_port)"
  LEPTOS_SITE_ROOT="$SITE" LEPTOS_OUTPUT_NAME="${LEPTOS_OUTPUT_NAME:-sessions}" \
    LEPTOS_SITE_ADDR="127.0.0.1:$port" DATABASE_URL="$DATABASE_URL" \
    SESSIONS_TRUSTED_PROXIES="127.0.0.1/32" RUST_LOG="${RUST_LOG:-info}" \
    "$BIN" serve --addr "127.0.0.1:$port" >"$DIR/instance-$n.log" 2>&1 &
  PIDS+=("$!")
  UPSTREAMS+="        server 127.0.0.1:$port;"$'\n'
  say "instance $n on http://127.0.0.1:$port (log $DIR/instance-$n.log)"
done
for n in $(seq 1 "$INSTANCES"); do
  port="$(sed -n "${n}p" <<<"$UPSTREAMS" | sed 's/.*127.0.0.1:\([0-9]*\);/\1/')"
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    kill -0 "${PIDS[$((n - 1))]}" 2>/dev/null || { cat "$DIR/instance-$n.log" >&2; die "instance $n exited"; }
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || die "instance $n is not ready after 30 s"
done

# --- nginx --------------------------------------------------------------------------
port_free "$CLUSTER_PORT" || CLUSTER_PORT="$(free_port)"
mkdir -p "$DIR/nginx"
NGINX_USER=""
if [ "$(id -u)" -eq 0 ]; then
  # Workers of a root master drop to this user; they write only the temp folders.
  NGINX_USER="user nobody nogroup;"
  chown nobody:nogroup "$DIR/nginx"
fi
cat >"$DIR/nginx.conf" <<EOF
$NGINX_USER
worker_processes 1;
daemon off;
pid $DIR/nginx.pid;
error_log $DIR/nginx-error.log warn;
events { worker_connections 1024; }
http {
    access_log $DIR/nginx-access.log;
    client_body_temp_path $DIR/nginx/body;
    proxy_temp_path $DIR/nginx/proxy;
    fastcgi_temp_path $DIR/nginx/fastcgi;
    uwsgi_temp_path $DIR/nginx/uwsgi;
    scgi_temp_path $DIR/nginx/scgi;
    # Only what Connection needs for a WebSocket upgrade, "close" otherwise.
    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        ''      close;
    }
    upstream sessions {
$UPSTREAMS        keepalive 16;
    }
    server {
        listen 127.0.0.1:$CLUSTER_PORT;
        proxy_http_version 1.1;
        # The instances trust 127.0.0.1 (--trusted-proxy) for these: the client's
        # address, and the host and scheme the browser used (the CSRF and live-channel
        # origin checks compare them). Repeated in each location: a location that sets
        # any proxy_set_header inherits none from the server block.
        location / {
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header Connection "";
            proxy_pass http://sessions;
        }
        # The live channel: a WebSocket, kept open for as long as the console is.
        location = /live {
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
            proxy_pass http://sessions;
        }
    }
}
EOF
"$NGINX" -t -q -c "$DIR/nginx.conf" -p "$DIR" 2>"$DIR/nginx-test.log" \
  || { cat "$DIR/nginx-test.log" >&2; die "nginx refused its configuration"; }
"$NGINX" -c "$DIR/nginx.conf" -p "$DIR" &
PIDS+=("$!")
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$CLUSTER_PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$CLUSTER_PORT/readyz" >/dev/null || die "nginx does not answer on $CLUSTER_PORT"

cat <<EOF

  Sessions cluster: $INSTANCES instances on one PostgreSQL, nginx in front
    URL:       http://127.0.0.1:$CLUSTER_PORT/login
    user:      admin
    password:  $PASSWORD
    database:  $DATABASE_URL
  Ctrl-C stops it all and deletes $DIR.

EOF
# Until Ctrl-C, or until any process of the cluster exits.
wait -n "${PIDS[@]}" || true
say "a process of the cluster exited; see the logs in $DIR before they go:"
tail -n 5 "$DIR"/instance-*.log "$DIR/nginx-error.log" 2>/dev/null || true
exit 1
