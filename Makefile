# Sessions: build, run and test. `make run` to try it, `make test` for everything.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

ADDR ?= 127.0.0.1:3000
DATABASE_URL ?= sqlite://data/sessions.db

# $(call step,NAME,COMMAND): run COMMAND; on failure say which step of `make test` failed.
step = echo "==> $(1)"; $(2) || { echo "make test: FAILED at: $(1)" >&2; exit 1; }

.PHONY: setup run demo build check test clean

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

# Release build: binary target/release/sessions (with hash.txt, the hashed /pkg names,
# beside it), site target/site with /pkg precompressed (.br, .gz) at the best quality.
build: setup
	cargo leptos build --release --precompress --split

# Formatting and lints, server side and browser side, and the app crate's own tests.
# Clippy's browser pass uses its own target dir (as cargo-leptos does) so the two
# feature sets of `app` never share build artefacts.
check:
	cargo fmt --all --check
	cargo clippy -p sessions-core -p server --all-targets -- -D warnings
	cargo clippy -p frontend --lib --target wasm32-unknown-unknown --target-dir target/front -- -D warnings
	cargo test -p app --features ssr --lib

# Everything: engine tests, server integration tests (they start the real binary),
# release build, wasm size budget, schemathesis against the served OpenAPI document,
# browser tests in Chromium (desktop and phone).
test:
	@$(call step,set-up,bash scripts/setup.sh --test)
	@$(call step,check (format and lints),$(MAKE) --no-print-directory check)
	@$(call step,core tests,cargo test -p sessions-core)
	@$(call step,server tests,cargo test -p server)
	@$(call step,release build,cargo leptos build --release --precompress --split)
	@$(call step,wasm size,bash scripts/wasm-size.sh)
	@$(call step,API fuzzing,bash scripts/schemathesis.sh target/release/sessions)
	@$(call step,browser tests,cd end2end && npx playwright test)
	@echo "make test: PASSED (check, core tests, server tests, release build, wasm size, API fuzzing, browser tests)"

clean:
	cargo clean
	rm -rf end2end/test-results end2end/playwright-report
