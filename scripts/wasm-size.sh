#!/usr/bin/env bash
# The wasm a browser must fetch before a page works, per page, and a budget for the two
# pages people meet first: /login and the console (/admin/sessions).
#
# The release build is split (`cargo leptos build --release --split`): every page but
# /login is a lazy route (app/src/pages/routes.rs), so a page needs the main module (shell, router,
# reactive runtime), its own route module and the shared chunks the split manifest
# lists for it. Sizes are gzip -9 of each file, as each is fetched on its own.
# Budgets (override with WASM_LOGIN_GZIP_LIMIT / WASM_CONSOLE_GZIP_LIMIT, in bytes) are
# the figures last measured (bench/results-wasm.md, 2026-12-01: login 232.7 KB, console
# 616.1 KB) plus a few KB of room.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKG="$ROOT/target/site/pkg"
export LOGIN_LIMIT="${WASM_LOGIN_GZIP_LIMIT:-241664}"      # 236 KiB
export CONSOLE_LIMIT="${WASM_CONSOLE_GZIP_LIMIT:-634880}"  # 620 KiB

python3 - "$PKG" <<'PY'
import glob, gzip, json, os, sys

pkg = sys.argv[1]
def only(pattern, what):
    found = [f for f in glob.glob(os.path.join(pkg, pattern))]
    if len(found) != 1:
        sys.exit(f"wasm-size: expected one {what} in {pkg}, found {len(found)}: build with "
                 "`cargo leptos build --release --split` first")
    return found[0]
def gz(path):
    with open(path, "rb") as f:
        return len(gzip.compress(f.read(), 9))
def kb(n):
    return f"{n / 1024:.1f} KB"

main = only("sessions.*.wasm", "main module sessions.HASH.wasm")
manifest = json.load(open(only("__wasm_split_manifest*.json", "split manifest")))
main_gz = gz(main)
print(f"wasm-size: main module {kb(os.path.getsize(main))} raw, {kb(main_gz)} gzip")

initial = {}
for key, chunks in sorted(manifest.items()):
    route = key.strip("_").split("_route_view")[0]
    own = [f for f in glob.glob(os.path.join(pkg, f"split_{key}*.wasm"))]
    files = own + [os.path.join(pkg, chunk + ".wasm") for chunk in chunks]
    total = main_gz + sum(gz(f) for f in files)
    initial[route] = total
    print(f"wasm-size: {route:15} {kb(total):>9} gzip before it works ({len(files)} files + main)")

# Pages that are not lazy routes (app/src/pages/routes.rs) need the main module alone.
for route in ("login",):
    if route not in initial:
        initial[route] = main_gz
        print(f"wasm-size: {route:15} {kb(main_gz):>9} gzip before it works (in the main module)")

failed = False
for route, limit in (("login", int(os.environ["LOGIN_LIMIT"])),
                     ("admin_sessions", int(os.environ["CONSOLE_LIMIT"]))):
    if route not in initial:
        sys.exit(f"wasm-size: no route '{route}' measured")
    if initial[route] > limit:
        print(f"wasm-size: FAIL: {route} needs {initial[route]} bytes gzip, over its "
              f"limit of {limit}", file=sys.stderr)
        failed = True
    else:
        print(f"wasm-size: {route} within its limit of {kb(limit)}")
sys.exit(1 if failed else 0)
PY
