//! `X-Forwarded-For` is read only from trusted proxies (`--trusted-proxy`,
//! `SESSIONS_TRUSTED_PROXIES`): the address a session records is the connection's peer
//! otherwise, and a bad CIDR stops the start.

use crate::support::{cli_json, TestServer};
use std::process::{Command, Stdio};

const USERS: &[(&str, &str, &str)] = &[("alice", "user", "alice-password-1")];

/// Signs alice in with `forwarded` as `X-Forwarded-For`; returns the address her new
/// session recorded.
async fn sign_in_recorded_ip(server: &TestServer, forwarded: &str) -> String {
    let response = server
        .rpc("sign_in", None, "username=alice&password=alice-password-1")
        .header("Origin", &server.base)
        .header("X-Forwarded-For", forwarded)
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status().as_u16(), 200, "signed in");
    let live = cli_json(&server.database_url, &["list", "--format", "json"]);
    let sessions = live.as_array().expect("a list");
    assert_eq!(sessions.len(), 1, "{live}");
    sessions[0]["first_ip"]
        .as_str()
        .expect("first_ip")
        .to_owned()
}

#[tokio::test]
async fn without_trusted_proxies_the_header_is_ignored() {
    let server = TestServer::start(USERS);
    let ip = sign_in_recorded_ip(&server, "203.0.113.7").await;
    assert_eq!(ip, "127.0.0.1", "the socket peer, not the header");
}

#[tokio::test]
async fn from_a_trusted_proxy_the_right_most_untrusted_address_is_the_client() {
    let server = TestServer::start_with_env(
        USERS,
        &[("SESSIONS_TRUSTED_PROXIES", "10.0.0.0/8,127.0.0.1")],
    );
    // The client wrote the first entry itself; our proxy appended the last.
    let ip = sign_in_recorded_ip(&server, "198.51.100.66, 203.0.113.7, 10.0.0.3").await;
    assert_eq!(ip, "203.0.113.7");
}

#[tokio::test]
async fn a_proxy_outside_the_trusted_networks_is_not_believed() {
    let server = TestServer::start_with_env(USERS, &[("SESSIONS_TRUSTED_PROXIES", "10.0.0.0/8")]);
    let ip = sign_in_recorded_ip(&server, "203.0.113.7").await;
    assert_eq!(ip, "127.0.0.1");
}

#[test]
fn a_bad_cidr_stops_the_start_with_exit_code_1() {
    let (_dir, database_url) = crate::support::database();
    let output = Command::new(crate::support::BIN)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--database-url",
            &database_url,
        ])
        .args([
            "--trusted-proxy",
            "10.0.0.0/8",
            "--trusted-proxy",
            "10.0.0.0/33",
        ])
        .env_remove("SESSIONS_TRUSTED_PROXIES")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run the server");
    assert_eq!(output.status.code(), Some(1));
    let stderr = crate::support::stderr(&output);
    assert!(
        stderr.contains("\"10.0.0.0/33\"") && stderr.contains("--trusted-proxy"),
        "{stderr}"
    );
    assert!(
        crate::support::stdout(&output).is_empty(),
        "it never listened"
    );
}
