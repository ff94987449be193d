#!/usr/bin/env bash
# Delay between "A acknowledged a kill" and "B refuses the session", for two
# `sessions serve` instances on one throwaway PostgreSQL (the server test
# server/tests/it/cluster_http.rs with KILLS kills instead of its usual 20). For each kill:
# a session created through A's API, checked once on B (so B has it cached), a pause
# stepping through B's poll period (0-99 ms, by 37), then ended
# through A's API (DELETE /api/v1/sessions/{id}, 204), then checked on B back to back
# until B answers 401; the delay is from A's 204 to B's 401.
#
# Usage: bench/cluster_kill.sh          (from anywhere; builds the test binary first)
# Env:   KILLS=200, CARGO_TARGET_DIR is honoured. Debug build: the delay is set by B's
#        end-log poll (100 ms), not by CPU speed.
# Needs: cargo, Debian's postgresql package (initdb; scripts/setup.sh --test).
# Writes bench/results-cluster.md and prints the same. Only 127.0.0.1 is targeted; the
# servers and the cluster stop when the test binary exits.
set -euo pipefail
cd "$(dirname "$0")/.."
KILLS=${KILLS:-200}
OUT=bench/results-cluster.md
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT

SESSIONS_BENCH_KILLS=$KILLS cargo test -p server --test it cluster_http:: -- --nocapture 2>&1 | tee "$LOG"
LINE=$(grep -o 'kills=.*' "$LOG" | tail -1)
[ -n "$LINE" ] || { echo "cluster_kill.sh: no measurement in the test output" >&2; exit 1; }
field() { echo "$LINE" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

cat >"$OUT" <<MD
# A session ended through instance A → refused on instance B (PostgreSQL)

Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/cluster_kill.sh\` at commit $(git rev-parse --short HEAD).
Machine: $(nproc) CPUs, $(free -g | awk '/Mem:/ {print $2}') GiB, Linux $(uname -r); shared with other work.
Two debug \`sessions serve\` instances on one throwaway PostgreSQL 15 cluster (\`fsync=off\`),
the API over keep-alive HTTP on 127.0.0.1. Per kill: create through A, check on B (cached
there), a pause of (37·n mod 100) ms so kills fall evenly over B's poll period, DELETE
through A (204), then B checked back to back until it answers 401; the delay runs from
A's 204 to B's 401. Load average at the end of the run (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg).

| kills | p50 | p99 | max | refused on B's first check after the 204 |
|---|---|---|---|---|
| $(field kills) | $(field p50) | $(field p99) | $(field max) | $(field refused_on_first_check) of $(field kills) |

B learns of ends made elsewhere only from the end log it reads every 100 ms
(\`core/src/background.rs\`, \`Intervals::end_poll\`): until that read, B's cache still
accepts the session. Issue 11's "read your own kill everywhere" (NOTIFY on commit, the
acknowledgement waiting for every instance) would bring this to B's next check.
MD
cat "$OUT"
