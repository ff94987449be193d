//! The application API (/api/v1) between applications and with the console: one
//! application's key reaches nothing of another's, a revoked key stops working and its
//! sessions end, a kill from the console or the CLI reaches the application's next
//! check, and the session policy applies to API sessions as to console sign-ins.

use crate::support::{cli, cli_json, cli_ok, TestServer, API_USER_AGENT};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

mod between_apps;
mod policy;

const ADMIN: &[(&str, &str, &str)] = &[("admin", "admin", "admin-password-1")];

fn id_of(session: &Value) -> String {
    session["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id: {session}"))
        .to_owned()
}

/// The ended sessions the history records: id → (reason, ended by).
fn history_of(server: &TestServer, id: &str) -> Option<(String, String)> {
    let history = cli_json(
        &server.database_url,
        &["history", "--limit", "10000", "--format", "json"],
    );
    let ended = history
        .as_array()
        .expect("a list")
        .iter()
        .find(|session| session["id"] == id)?
        .clone();
    let text = |key: &str| ended[key].as_str().unwrap_or_default().to_owned();
    Some((text("end_reason"), text("ended_by")))
}

/// Checks `token` until it is refused (within 2 s); the refusal.
async fn refused_within_two_seconds(
    server: &TestServer,
    key: &str,
    token: &str,
    ip: &str,
) -> crate::support::ApiReply {
    let since = Instant::now();
    loop {
        let reply = server.api_check(key, token, ip).await;
        if reply.status != 200 {
            return reply;
        }
        assert!(
            since.elapsed() < Duration::from_secs(2),
            "still live after {:?}",
            since.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}
