#!/usr/bin/env bash
# Fuzzes the application API (/api/v1) of a built `sessions` binary with schemathesis,
# driven by the server's own OpenAPI document: no server error, and every answer as the
# document says (status, content type, body schema). Builds nothing.
#
# Usage: scripts/schemathesis.sh [path/to/sessions]      (default: target/debug/sessions)
# Environment: MAX_EXAMPLES (default 50 per operation), TIME_LIMIT (seconds, default 600),
# SEED (default: random; schemathesis prints the one it used), WORKERS (default 2).
# Exits 0 only when schemathesis found nothing; the last line says how many passed.
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
BIN=${1:-target/debug/sessions}
MAX_EXAMPLES=${MAX_EXAMPLES:-50}
TIME_LIMIT=${TIME_LIMIT:-600}
WORKERS=${WORKERS:-2}
CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance

fail() {
    echo "schemathesis.sh: $*" >&2
    exit 2
}

[[ -x $BIN ]] || fail "no executable at $BIN (build it first, e.g. cargo build -p server)"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# schemathesis from PyPI, the version this script was checked with.
installed=$(python3 -c 'import importlib.metadata as m; print(m.version("schemathesis"))' 2>/dev/null || true)
if [[ $installed != "$SCHEMATHESIS_VERSION" ]]; then
    echo "schemathesis.sh: installing schemathesis $SCHEMATHESIS_VERSION (found: ${installed:-none})"
    python3 -m pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
SCHEMATHESIS="$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')/schemathesis"
[[ -x $SCHEMATHESIS ]] || SCHEMATHESIS=$(command -v schemathesis) || fail "schemathesis is not on PATH"

WORK=$(mktemp -d)
SERVER=
cleanup() {
    if [[ -n $SERVER ]]; then
        kill "$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

DATABASE_URL="sqlite://$WORK/sessions.db"
# Nothing from the caller's environment may point the server elsewhere.
run_sessions() {
    env -u DATABASE_URL -u SESSIONS_ADDR -u SESSIONS_ADMIN_PASSWORD -u SESSIONS_INSECURE_COOKIES \
        LEPTOS_SITE_ROOT="$WORK/site" RUST_LOG="${RUST_LOG:-warn}" "$BIN" "$@" --database-url "$DATABASE_URL"
}

# The key first: the server reads keys it has not seen from the database anyway.
KEY=$(run_sessions app add fuzz --format json | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')
[[ $KEY == sk_* ]] || fail "sessions app add printed no key"

run_sessions serve --addr 127.0.0.1:0 >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER=$!
BASE=
for _ in $(seq 1 300); do
    BASE=$(sed -n 's/.*listening on \(http:\/\/127\.0\.0\.1:[0-9]*\).*/\1/p' "$WORK/server.out" | head -n 1)
    [[ -n $BASE ]] && break
    kill -0 "$SERVER" 2>/dev/null || { cat "$WORK/server.err" >&2; fail "the server exited at start"; }
    sleep 0.1
done
[[ -n $BASE ]] || fail "the server did not say where it listens within 30 s"
echo "schemathesis.sh: server at $BASE (pid $SERVER), database $DATABASE_URL"

args=(
    run "$BASE/api/v1/openapi.json"
    --url "$BASE/api/v1"
    --header "Authorization: Bearer $KEY"
    --checks "$CHECKS"
    --max-examples "$MAX_EXAMPLES"
    --workers "$WORKERS"
    --request-timeout 10
    --generation-database none
    --report junit --report-junit-path "$WORK/junit.xml"
    --no-color
)
[[ -n ${SEED:-} ]] && args+=(--seed "$SEED")

status=0
(cd "$WORK" && timeout --signal=INT --kill-after=15 "$TIME_LIMIT" "$SCHEMATHESIS" "${args[@]}") || status=$?
if [[ $status == 124 ]]; then
    echo "schemathesis.sh: no result within $TIME_LIMIT s" >&2
fi
if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "schemathesis.sh: the server died during the run; its log:" >&2
    tail -n 50 "$WORK/server.err" >&2
    status=1
fi
if grep -qiE 'panicked|ERROR' "$WORK/server.err"; then
    echo "schemathesis.sh: the server logged errors:" >&2
    grep -iE 'panicked|ERROR' "$WORK/server.err" | head -n 20 >&2
    status=1
fi

# One line to close: test cases (operations x phases) that passed and failed.
if [[ -s $WORK/junit.xml ]]; then
    read -r total failed < <(python3 - "$WORK/junit.xml" <<'EOF'
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
cases = list(root.iter("testcase"))
bad = sum(1 for case in cases if case.find("failure") is not None or case.find("error") is not None)
print(len(cases), bad)
EOF
    )
    [[ $status != 0 && $failed == 0 ]] && failed=1
    echo "schemathesis: $((total - failed)) passed, $failed failed"
else
    echo "schemathesis: 0 passed, 1 failed"
    [[ $status == 0 ]] && status=1
fi
exit "$status"
