# Sessions: build, run and test. `make run` to try it, `make test` for everything.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

ADDR ?= 127.0.0.1:3000
DATABASE_URL ?= sqlite://data/sessions.db

# $(call step,NAME,COMMAND): run COMMAND; on failure say which step of `make test` failed.
step = echo "==> $(1)"; $(2) || { echo "make test: FAILED at: $(1)" >&2; exit 1; }

.PHONY: setup run demo cluster build check test clean

setup:
	bash scripts/setup.sh

# Debug build, served on ./data/sessions.db. On a database with no users the first start
# creates `admin` and prints its one-time password (or set SESSIONS_ADMIN_PASSWORD).
run: setup
	cargo leptos build --split
	mkdir -p data
	LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=sessions LEPTOS_SITE_ADDR=$(ADDR) \
	DATABASE_URL=$(DATABASE_URL) \
	  target/debug/sessions serve --addr $(ADDR)

# Debug build, served with demo applications and simulated traffic on a throwaway
# database (deleted on exit; ./data/sessions.db is never touched). It prints the URL
# and a demo-only admin password.
demo: setup
	cargo leptos build --split
	LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=sessions LEPTOS_SITE_ADDR=$(ADDR) \
	  target/debug/sessions demo --addr $(ADDR)

# Debug build, served by a throwaway cluster: PostgreSQL (`initdb` into a temporary
# folder; Debian's `postgresql`), two instances on free ports and nginx in front (Debian's
# `nginx`; WebSocket upgrade for /live). It prints the URL and an admin password; Ctrl-C
# stops everything and deletes the folder. INSTANCES=N for more, CLUSTER_PORT=P for
# nginx's port (default 8080).
cluster: setup
	cargo leptos build --split
	LEPTOS_SITE_ROOT=target/site LEPTOS_OUTPUT_NAME=sessions bash scripts/cluster.sh target/debug/sessions

# Release build: binary target/release/sessions (with hash.txt, the hashed /pkg names,
# beside it), site target/site with /pkg precompressed (.br, .gz) at the best quality.
build: setup
	cargo leptos build --release --precompress --split

# The server-side packages are always tested together, in one cargo invocation, so cargo
# resolves their features once and every dependency is built once for all of them (tested
# one by one, `app` and `sessions-core` each got their own feature set and a second build
# of most dependencies).
TEST_PACKAGES := -p sessions-core -p app -p server --features app/ssr

# `make test`'s release build for the browser tests: thin LTO over parallel codegen units.
# The fat, single-unit LTO of `make build` (what people run) takes about 10 of its 18
# minutes on a 2-core machine; the code is the same, only less optimised across crates.
# The wasm profile sets its own LTO, so this changes the server binary only.
TEST_RELEASE_PROFILE := CARGO_PROFILE_RELEASE_LTO=thin CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

# Formatting, no modules importing each other in a circle, lints (server side and
# browser side), and the unit tests (the app crate's included). `app` is named in both
# clippy passes: clippy lints only the packages it is given, and clippy.toml's rule is
# about the app's code. Clippy's browser pass uses its own target dir (as cargo-leptos
# does) so the two feature sets of `app` never share build artefacts.
check:
	cargo fmt --all --check
	python3 scripts/import_circles.py app/src core/src server/src frontend/src
	cargo clippy $(TEST_PACKAGES) --all-targets -- -D warnings
	cargo clippy -p frontend -p app --lib --target wasm32-unknown-unknown --target-dir target/front -- -D warnings
	cargo test $(TEST_PACKAGES) --lib

# Everything: engine tests, server integration tests (they start the real binary),
# release build, wasm size budget, schemathesis against the served OpenAPI document,
# browser tests in Chromium (desktop and phone; one of them through scripts/cluster.sh:
# two instances on a throwaway PostgreSQL behind nginx, both installed by set-up).
test:
	@$(call step,set-up,bash scripts/setup.sh --test)
	@$(call step,check (format and lints),$(MAKE) --no-print-directory check)
	@$(call step,engine and server tests,cargo test $(TEST_PACKAGES))
	@# CI only (PRUNE_DEBUG=1, set by .ci/run): the debug build is not used past this step,
	@# and the release build needs the disk it held.
	@if [ "$${PRUNE_DEBUG:-}" = 1 ]; then du -sh target/debug; rm -rf target/debug; fi
	@$(call step,release build,$(TEST_RELEASE_PROFILE) cargo leptos build --release --precompress --split)
	@$(call step,wasm size,bash scripts/wasm-size.sh)
	@$(call step,API fuzzing,bash scripts/schemathesis.sh target/release/sessions)
	@$(call step,browser tests,cd end2end && npx playwright test)
	@echo "make test: PASSED (check, engine and server tests, release build, wasm size, API fuzzing, browser tests)"

clean:
	cargo clean
	rm -rf end2end/test-results end2end/playwright-report
