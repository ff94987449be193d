//! The server's integration tests, as one test binary: each module is one area, all
//! share `support` (the real binary on a free port, a real database file, the CLI, the
//! live channel and API clients). One binary links once instead of once per file.

mod support;

mod analytics_cli;
mod analytics_page;
mod api_bad_input;
mod api_http;
mod api_isolation;
mod api_keys_http;
mod cli;
mod cluster_changes_http;
mod cluster_http;
mod cluster_live_http;
mod compression_http;
mod console_http;
mod demo;
mod fail_closed_http;
mod first_start;
mod flags_http;
mod health_http;
mod http;
mod idle_http;
mod live_http;
mod metrics_http;
mod observe_http;
mod policy_http;
mod security_headers_http;
mod serve_options_http;
mod settings_http;
mod sign_in_http;
mod store_failure_http;
mod tls_http;
mod trusted_proxy_http;
