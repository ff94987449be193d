#!/usr/bin/env bash
# A throwaway cluster on this machine: PostgreSQL (Debian's `postgresql`, `initdb` into a
# temporary folder), N `sessions serve` instances on free ports sharing it, and nginx in
# front of them (round robin, WebSocket upgrade for the live channel at /live). Prints
# the URL and an admin password; Ctrl-C (or SIGTERM) stops everything and deletes the
# folder.
#
#   bash scripts/cluster.sh [BINARY]       # `make cluster` builds and runs it
#
# BINARY defaults to target/debug/sessions, its site to target/site (both from
# `cargo leptos build --split`). Environment:
#   INSTANCES=2          how many instances
#   CLUSTER_PORT=8080    nginx's port on 127.0.0.1, round robin over the instances (a
#                        free one if taken; 0: any free one)
#   SESSIONS_ADMIN_PASSWORD   the admin's password (generated if unset)
#   CLUSTER_READY_FILE=PATH   when everything answers, write there (JSON) what a test
#                        needs: {"url", "pinned": [URL per instance], "instances":
#                        [{"url", "upstream", "pid"}], "admin": {"name", "password"},
#                        "database_url", "dir"}; removed again at exit
#
# nginx also listens on one port per instance that always goes to that instance, through
# the same proxy configuration ("pinned": CLUSTER_PORT+1, +2, … or free ones if taken):
# a browser tab on instance 2 while another is on instance 1, e.g. to watch a kill made
# on one reach the other. Every answer through nginx names its instance in the
# `X-Sessions-Upstream` header (host:port of the instance).
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

# A ready file left by an earlier run must not be mistaken for this one's.
[ -z "${CLUSTER_READY_FILE:-}" ] || rm -f "$CLUSTER_READY_FILE"
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
  [ -z "${CLUSTER_READY_FILE:-}" ] || rm -f "$CLUSTER_READY_FILE"
  say "stopped; $DIR deleted"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

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
PORTS=()
for n in $(seq 1 "$INSTANCES"); do
  port="$(free_port)"
  PORTS+=("$port")
  LEPTOS_SITE_ROOT="$SITE" LEPTOS_OUTPUT_NAME="${LEPTOS_OUTPUT_NAME:-sessions}" \
    LEPTOS_SITE_ADDR="127.0.0.1:$port" DATABASE_URL="$DATABASE_URL" \
    SESSIONS_TRUSTED_PROXIES="127.0.0.1/32" RUST_LOG="${RUST_LOG:-info}" \
    "$BIN" serve --addr "127.0.0.1:$port" >"$DIR/instance-$n.log" 2>&1 &
  PIDS+=("$!")
  say "instance $n on http://127.0.0.1:$port (log $DIR/instance-$n.log)"
done
for n in $(seq 1 "$INSTANCES"); do
  port="${PORTS[$((n - 1))]}"
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    kill -0 "${PIDS[$((n - 1))]}" 2>/dev/null || { cat "$DIR/instance-$n.log" >&2; die "instance $n exited"; }
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || die "instance $n is not ready after 30 s"
done

# --- nginx --------------------------------------------------------------------------
if [ "$CLUSTER_PORT" = 0 ] || ! port_free "$CLUSTER_PORT"; then CLUSTER_PORT="$(free_port)"; fi
# One more port per instance, pinned to it: CLUSTER_PORT+n when free (and never one of
# the instances' own), else any free one.
PINNED=()
for n in $(seq 1 "$INSTANCES"); do
  port=$((CLUSTER_PORT + n))
  if [ "$port" -gt 65535 ] || [[ " ${PORTS[*]} ${PINNED[*]} " == *" $port "* ]] || ! port_free "$port"; then
    port="$(free_port)"
  fi
  PINNED+=("$port")
done
mkdir -p "$DIR/nginx"
NGINX_USER=""
if [ "$(id -u)" -eq 0 ]; then
  # Workers of a root master drop to this user; they write only the temp folders.
  NGINX_USER="user nobody nogroup;"
  chown nobody:nogroup "$DIR/nginx"
fi
# The server block for one port in front of one upstream group.
nginx_server() { # PORT UPSTREAM
  cat <<EOF
    server {
        listen 127.0.0.1:$1;
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
            proxy_pass http://$2;
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
            proxy_pass http://$2;
        }
    }
EOF
}
{
  cat <<EOF
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
    # Which instance answered (host:port), for people trying the cluster and for tests.
    add_header X-Sessions-Upstream \$upstream_addr always;
    # Round robin over every instance (CLUSTER_PORT).
    upstream sessions {
EOF
  for port in "${PORTS[@]}"; do echo "        server 127.0.0.1:$port;"; done
  cat <<EOF
        keepalive 16;
    }
EOF
  # One group per instance, for its pinned port.
  for n in $(seq 1 "$INSTANCES"); do
    cat <<EOF
    upstream instance_$n {
        server 127.0.0.1:${PORTS[$((n - 1))]};
        keepalive 4;
    }
EOF
  done
  nginx_server "$CLUSTER_PORT" sessions
  for n in $(seq 1 "$INSTANCES"); do nginx_server "${PINNED[$((n - 1))]}" "instance_$n"; done
  echo "}"
} >"$DIR/nginx.conf"
"$NGINX" -t -q -c "$DIR/nginx.conf" -p "$DIR" 2>"$DIR/nginx-test.log" \
  || { cat "$DIR/nginx-test.log" >&2; die "nginx refused its configuration"; }
"$NGINX" -c "$DIR/nginx.conf" -p "$DIR" &
PIDS+=("$!")
for port in "$CLUSTER_PORT" "${PINNED[@]}"; do
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
    kill -0 "${PIDS[-1]}" 2>/dev/null || { cat "$DIR/nginx-error.log" >&2; die "nginx exited"; }
    sleep 0.1
  done
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || die "nginx does not answer on $port"
done

PINNED_LINES=""
for n in $(seq 1 "$INSTANCES"); do
  PINNED_LINES+="    instance $n only: http://127.0.0.1:${PINNED[$((n - 1))]}/login"$'\n'
done
cat <<EOF

  Sessions cluster: $INSTANCES instances on one PostgreSQL, nginx in front
    URL:       http://127.0.0.1:$CLUSTER_PORT/login
    user:      admin
    password:  $PASSWORD
    database:  $DATABASE_URL
$PINNED_LINES  Ctrl-C stops it all and deletes $DIR.

EOF

if [ -n "${CLUSTER_READY_FILE:-}" ]; then
  # Written whole, then renamed: a reader never sees half of it.
  CLUSTER_ADMIN_PASSWORD="$PASSWORD" python3 - "$CLUSTER_READY_FILE" <<EOF
import json, os, sys
ports = "${PORTS[*]}".split()
pinned = "${PINNED[*]}".split()
pids = "${PIDS[*]}".split()
ready = {
    "url": "http://127.0.0.1:$CLUSTER_PORT",
    "pinned": ["http://127.0.0.1:%s" % p for p in pinned],
    "instances": [
        {"url": "http://127.0.0.1:%s" % p, "upstream": "127.0.0.1:%s" % p, "pid": int(pid)}
        for p, pid in zip(ports, pids)
    ],
    "admin": {"name": "admin", "password": os.environ["CLUSTER_ADMIN_PASSWORD"]},
    "database_url": "$DATABASE_URL",
    "dir": "$DIR",
}
path = sys.argv[1]
with open(path + ".tmp", "w") as f:
    json.dump(ready, f, indent=2)
os.replace(path + ".tmp", path)
EOF
fi

# Until Ctrl-C or SIGTERM, or until any process of the cluster exits.
wait -n "${PIDS[@]}" || true
say "a process of the cluster exited; see the logs in $DIR before they go:"
tail -n 5 "$DIR"/instance-*.log "$DIR/nginx-error.log" 2>/dev/null || true
exit 1
