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
# Every check that the document lets pass honestly. Not positive_data_acceptance: the
# document does not spell out every rule (an `ip` must parse, a token is base64url), so
# some data it allows is rightly refused with a 4xx.
CHECKS=${CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,\
response_headers_conformance,negative_data_rejection,missing_required_header,unsupported_method,ignored_auth,\
use_after_free,ensure_resource_availability}

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
# The site is the one built with the binary (target/site, found beside it): the server
# checks at start that its hash file names that site's wasm, and says so in the log.
SESSIONS=(env -u DATABASE_URL -u SESSIONS_ADDR -u SESSIONS_ADMIN_PASSWORD -u SESSIONS_INSECURE_COOKIES
    -u LEPTOS_SITE_ROOT RUST_LOG="${RUST_LOG:-warn}" "$BIN")

# The key first: the server reads keys it has not seen from the database anyway. Only
# `serve` and `user add` create a database (a mistyped path must not become a new one):
# start from an empty file.
: >"$WORK/sessions.db"
KEY=$("${SESSIONS[@]}" app add fuzz --format json --database-url "$DATABASE_URL" | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')
[[ $KEY == sk_* ]] || fail "sessions app add printed no key"

# `env` execs the binary, so $! is the server itself.
"${SESSIONS[@]}" serve --addr 127.0.0.1:0 --database-url "$DATABASE_URL" >"$WORK/server.out" 2>"$WORK/server.err" &
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
if [[ -n ${SEED:-} ]]; then args+=(--seed "$SEED"); fi

status=0
(cd "$WORK" && timeout --signal=INT --kill-after=15 "$TIME_LIMIT" "$SCHEMATHESIS" "${args[@]}") 2>&1 |
    tee "$WORK/schemathesis.log" || status=$?
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

# One line to close, from schemathesis's own count of test cases ("N generated, N passed,
# N failed, ..."); else from the JUnit report (one case per operation).
summary=$(grep -oE '[0-9]+ generated(, [0-9]+ [a-z]+)+' "$WORK/schemathesis.log" | tail -n 1 || true)
count() { grep -oE "[0-9]+ $1" <<<"$summary" | grep -oE '^[0-9]+' || echo 0; }
passed=$(count passed)
failed=$(($(count failed) + $(count errored)))
# A run that found something says "N generated, F found F unique failures, ...".
found=$(grep -oE 'found [0-9]+ unique failure' "$WORK/schemathesis.log" | grep -oE '[0-9]+' | tail -n 1 || true)
failed=$((failed + ${found:-0}))
if [[ -z $summary && -s $WORK/junit.xml ]]; then
    read -r passed failed < <(python3 - "$WORK/junit.xml" <<'EOF'
import sys
import xml.etree.ElementTree as ET

cases = list(ET.parse(sys.argv[1]).getroot().iter("testcase"))
bad = sum(1 for case in cases if case.find("failure") is not None or case.find("error") is not None)
print(len(cases) - bad, bad)
EOF
    )
fi
if [[ $status != 0 && $failed == 0 ]]; then
    failed=1
fi
if [[ $status == 0 && $passed == 0 ]]; then
    echo "schemathesis.sh: no test case ran" >&2
    status=1
    failed=1
fi
echo "schemathesis: $passed passed, $failed failed"
exit "$status"
