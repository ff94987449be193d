#!/usr/bin/env bash
# Prints the raw and gzip size of the release wasm and fails when the gzip size is over
# the budget (1.5 MB, override with WASM_GZIP_LIMIT=bytes). Run after
# `cargo leptos build --release`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$ROOT/target/site/pkg"
LIMIT="${WASM_GZIP_LIMIT:-1572864}"   # 1.5 MiB

# The name carries a content hash with cargo-leptos `hash-files` (sessions.HASH.wasm);
# without it, sessions.wasm or sessions_bg.wasm. Each build empties the site first, so
# there is one.
# nullglob drops only patterns that match nothing; the plain names are kept only when
# the file exists.
shopt -s nullglob
found=()
for candidate in "$PKG"/sessions.wasm "$PKG"/sessions_bg.wasm "$PKG"/sessions.*.wasm; do
    [ -f "$candidate" ] && found+=("$candidate")
done
shopt -u nullglob
[ "${#found[@]}" -gt 0 ] || { echo "wasm-size: no sessions*.wasm in $PKG; build first" >&2; exit 1; }
[ "${#found[@]}" -eq 1 ] || { echo "wasm-size: several wasm files in $PKG: ${found[*]}; rebuild" >&2; exit 1; }
wasm="${found[0]}"

raw=$(stat -c %s "$wasm")
gz=$(gzip -9 -c "$wasm" | wc -c)
kb() { awk -v b="$1" 'BEGIN { printf "%.1f KB", b / 1024 }'; }
echo "wasm-size: ${wasm#"$ROOT"/}: $(kb "$raw") raw, $(kb "$gz") gzip (limit $(kb "$LIMIT") gzip)"
if [ "$gz" -gt "$LIMIT" ]; then
  echo "wasm-size: FAIL: gzip size $gz bytes is over the limit of $LIMIT bytes" >&2
  exit 1
fi
