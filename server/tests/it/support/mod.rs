//! Runs the real `sessions` binary: the server on a free port against a fresh SQLite
//! file (`process`), called the way our pages call it (`rpc`), its live channel
//! (`live`), its application API (`api`), its CLI (`cli`) and its demo (`demo`).

#![allow(dead_code)]

mod api;
mod cli;
mod demo;
mod live;
/// The throwaway PostgreSQL cluster the engine tests use, shared with them.
#[path = "../../../../core/tests/support/pg_cluster.rs"]
pub mod pg_cluster;
mod process;
mod rpc;
pub mod tls;

pub use api::*;
pub use cli::*;
pub use live::*;
pub use process::*;
pub use rpc::Args;

use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_sessions");
/// The user agent every test request sends, so the parsed browser / OS can be checked.
pub const USER_AGENT: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
pub(super) const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a test waits for something that should happen at once.
pub const EVENT_TIMEOUT: Duration = Duration::from_secs(5);

/// A user agent of its own per `device` number (Chrome 120 + `device` on Linux).
pub fn device_agent(device: u32) -> String {
    USER_AGENT.replace("Chrome/120.", &format!("Chrome/{}.", 120 + device))
}

/// Polls `check` every 50 ms until it holds; panics naming `what` after `EVENT_TIMEOUT`.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + EVENT_TIMEOUT;
    while !check().await {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|err| panic!("not JSON ({err}): {body}"))
}

/// The `reason` of an `{"Unauthenticated":{…}}` error body.
pub fn refusal_reason(body: &str) -> Option<String> {
    json(body)["Unauthenticated"]["reason"]
        .as_str()
        .map(str::to_owned)
}

/// The `fraction` percentile of `times`, in milliseconds as printed.
pub fn percentile(times: &mut [Duration], fraction: f64) -> String {
    times.sort_unstable();
    let rank = ((times.len() as f64 * fraction).ceil() as usize).clamp(1, times.len());
    format!("{:.1}ms", times[rank - 1].as_secs_f64() * 1e3)
}

/// How many rounds a measuring test runs: `var` from the environment (a bench raises
/// it), else `default`.
pub fn bench_count(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(default)
}
