#!/usr/bin/env bash
# Kill on instance A -> refused on instance B, for two `sessions serve` instances on one
# throwaway PostgreSQL (the server test server/tests/it/cluster_http.rs with KILLS kills
# instead of its usual 50). For each kill: a session created through A's API, checked
# once on B (so B has it cached), a pause stepping through B's poll period (0-99 ms, by
# 37), then ended through A's API (DELETE /api/v1/sessions/{id}, 204), then checked once
# on B, which must answer 401 (the test fails otherwise). Measured: how long A's DELETE
# takes (it waits until every instance applied the end) and A's 204 -> B's 401.
#
# Second, the victim's page (the test server/tests/it/cluster_live_http.rs with
# CHANNEL_KILLS kills): alice signs in through B and opens B's live channel, the admin
# kills that session through A's console (kill_sessions); measured: the kill's request
# to B's channel told "signed out" and closed, and A's answer to that close.
#
# Usage: bench/cluster_kill.sh          (from anywhere; builds the test binary first)
# Env:   KILLS=200, CHANNEL_KILLS=1000, CARGO_TARGET_DIR is honoured; NOTE= a line
#        added to the results.
# Needs: cargo, Debian's postgresql package (initdb; scripts/setup.sh --test).
# Writes bench/results-cluster.md and prints the same. Only 127.0.0.1 is targeted; the
# servers and the cluster stop when the test binary exits.
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS=${KILLS:-200}
CHANNEL_KILLS=${CHANNEL_KILLS:-1000}
OUT=bench/results-cluster.md
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

SESSIONS_BENCH_KILLS=$KILLS SESSIONS_BENCH_CHANNEL_KILLS=$CHANNEL_KILLS \
  cargo test -p sessions-core -p app -p server --features app/ssr --test it -- \
  cluster_http::a_kill_through_a_is_refused_on_b cluster_live_http:: --nocapture --test-threads 1 2>&1 | tee "$LOG"
LINE=$(grep -o ' kills=.*' "$LOG" | tail -1)
CHANNEL_LINE=$(grep -o 'channel_kills=.*' "$LOG" | tail -1)
[ -n "$LINE" ] && [ -n "$CHANNEL_LINE" ] || { echo "cluster_kill.sh: no measurement in the test output" >&2; exit 1; }
field() { echo "$LINE $CHANNEL_LINE" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

cat >"$OUT" <<MD
# A session ended through instance A → refused on instance B (PostgreSQL)

Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/cluster_kill.sh\` at commit $(git rev-parse --short HEAD).
Machine: $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GiB, Linux $(uname -r); shared with other work.
Two **debug** \`sessions serve\` instances on one throwaway PostgreSQL cluster (\`fsync=off\`),
the API over keep-alive HTTP on 127.0.0.1. Per kill: create through A, check on B (cached
there), a pause of (37·n mod 100) ms so kills fall evenly over B's poll period, DELETE
through A (204), then one check on B, which must answer 401. Load average at the end of
the run (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg).

| kills | A's DELETE p50 | p99 | max | A's 204 → B's 401 p50 | max | refused on B's first check |
|---|---|---|---|---|---|---|
| $(field kills) | $(field ack_p50) | $(field ack_p99) | $(field ack_max) | $(field refused_p50) | $(field refused_max) | $(field refused_on_first_check) of $(field kills) |

The victim's page on B (console kill through A, B's live channel of that session):

| kills | kill asked → B's channel closed p50 | p99 | max | A's answer → closed p50 | p99 |
|---|---|---|---|---|---|
| $(field channel_kills) | $(field close_p50) | $(field close_p99) | $(field close_max) | $(field after_ack_p50) | $(field after_ack_p99) |

A acknowledges an end only once every instance heard from within the staleness bound
reports it applied it (\`core/src/engine/agreement.rs\`), so B refuses the session on its
very next check; the DELETE's time is the time B takes to learn of the end.
${NOTE:-}
MD
cat "$OUT"
