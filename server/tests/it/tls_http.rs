//! Native TLS against the real binary: `--tls-cert`/`--tls-key` serve HTTPS with HSTS,
//! the live channel works over wss, a stop is as clean as over plain HTTP, and a wrong
//! flag or file stops the start. Our own origin includes the scheme: a page of
//! `http://host` may not post to `https://host`, nor the other way.

use crate::support::tls::TestCert;
use crate::support::{cli, missing_database, sqlite_path, stderr, Delivery, TestServer, BIN};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Error;

const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "admin-password-1"),
    ("alice", "user", "alice-password-1"),
];

const HSTS: &str = "strict-transport-security";

/// `base` under the other scheme: `http://h:p` ↔ `https://h:p`.
fn other_scheme(base: &str) -> String {
    match base.strip_prefix("https://") {
        Some(rest) => format!("http://{rest}"),
        None => base.replacen("http://", "https://", 1),
    }
}

async fn get(server: &TestServer, path: &str) -> reqwest::Response {
    let response = server
        .client()
        .get(format!("{}{path}", server.base))
        .send()
        .await
        .unwrap_or_else(|err| panic!("GET {path}: {err}"));
    assert_eq!(response.status(), 200, "GET {path}");
    response
}

#[tokio::test]
async fn over_https_every_answer_carries_hsts_without_include_subdomains() {
    let server = TestServer::start_tls(USERS, TestCert::new());
    let admin = server.sign_in("admin", "admin-password-1").await;
    assert!(
        admin.set_cookie.contains("__Host-") && admin.set_cookie.contains("Secure"),
        "{}",
        admin.set_cookie
    );
    // A page, a probe outside the page layers, and an application API answer.
    for path in ["/login", "/healthz", "/api/v1/openapi.json"] {
        let response = get(&server, path).await;
        assert_eq!(
            response.headers().get(HSTS).map(|value| value.as_bytes()),
            Some(&b"max-age=31536000"[..]),
            "{path}"
        );
    }
    let answer = server
        .rpc("whoami", Some(&admin.cookie), "")
        .header("Origin", &server.base)
        .send()
        .await
        .expect("rpc");
    assert_eq!(answer.status(), 200);
    assert!(answer.headers().contains_key(HSTS), "server functions too");
}

#[tokio::test]
async fn plain_http_never_sends_hsts_not_even_when_a_proxy_says_https() {
    // 127.0.0.1 is a trusted proxy here, so its X-Forwarded-Proto counts for the origin,
    // but HSTS stays the proxy's business.
    let server = TestServer::start_with_env(USERS, &[("SESSIONS_TRUSTED_PROXIES", "127.0.0.1")]);
    for path in ["/login", "/healthz"] {
        for proto in [None, Some("https")] {
            let mut request = server.client().get(format!("{}{path}", server.base));
            if let Some(proto) = proto {
                request = request.header("X-Forwarded-Proto", proto);
            }
            let response = request.send().await.expect("GET");
            assert_eq!(response.status(), 200, "{path}");
            assert!(
                !response.headers().contains_key(HSTS),
                "{path} with X-Forwarded-Proto {proto:?}"
            );
        }
    }
}

/// Kill all (including the caller's own session) with `Origin: origin` and no
/// `Sec-Fetch-Site`, as a browser without it would send it: the status.
async fn kill_all_from(
    server: &TestServer,
    cookie: &str,
    origin: &str,
    proto: Option<&str>,
) -> u16 {
    let mut request = server
        .rpc("kill_all", Some(cookie), "include_mine=true")
        .header("Origin", origin);
    if let Some(proto) = proto {
        request = request.header("X-Forwarded-Proto", proto);
    }
    request.send().await.expect("kill_all").status().as_u16()
}

/// The status of a refused `/live` upgrade, or 101 when it opened.
async fn live_status(server: &TestServer, cookie: &str, origin: &str) -> u16 {
    match server.live_from(Some(cookie), Some(origin)).await {
        Ok(_) => 101,
        Err(Error::Http(response)) => response.status().as_u16(),
        Err(err) => panic!("live from {origin}: {err}"),
    }
}

#[tokio::test]
async fn an_origin_with_the_other_scheme_is_refused_on_rpc_and_live_over_https_and_http() {
    for server in [
        TestServer::start_tls(USERS, TestCert::new()),
        TestServer::start(USERS),
    ] {
        let base = server.base.clone();
        let wrong = other_scheme(&base);
        let admin = server.sign_in("admin", "admin-password-1").await.cookie;
        let alice = server.sign_in("alice", "alice-password-1").await.cookie;

        assert_eq!(
            kill_all_from(&server, &admin, &wrong, None).await,
            403,
            "{base}: {wrong}"
        );
        assert_eq!(
            live_status(&server, &admin, &wrong).await,
            403,
            "{base}: {wrong}"
        );
        assert_eq!(
            server.call("whoami", Some(&alice), "").await.0,
            200,
            "{base}: nothing was killed"
        );

        assert_eq!(
            live_status(&server, &admin, &base).await,
            101,
            "{base}: own origin"
        );
        assert_eq!(
            kill_all_from(&server, &admin, &base, None).await,
            200,
            "{base}"
        );
        assert_eq!(
            server.call("whoami", Some(&alice), "").await.0,
            401,
            "{base}: the accepted kill all ended alice's session"
        );
    }
}

#[tokio::test]
async fn behind_a_trusted_proxy_x_forwarded_proto_https_makes_https_our_origin() {
    let proxied = TestServer::start_with_env(USERS, &[("SESSIONS_TRUSTED_PROXIES", "127.0.0.1")]);
    let direct = TestServer::start(USERS);
    for (server, expected, why) in [
        (&proxied, 200, "a trusted proxy says the browser used https"),
        (&direct, 403, "an untrusted peer cannot say so"),
    ] {
        let admin = server.sign_in("admin", "admin-password-1").await.cookie;
        let https = other_scheme(&server.base);
        let status = kill_all_from(server, &admin, &https, Some("https")).await;
        assert_eq!(status, expected, "{why}");
    }
    let admin = proxied.sign_in("admin", "admin-password-1").await.cookie;
    let http = proxied.base.clone();
    assert_eq!(
        kill_all_from(&proxied, &admin, &http, Some("https")).await,
        403,
        "the proxy says https, so an http page is another origin"
    );
}

#[tokio::test]
async fn the_live_channel_works_over_wss_and_a_stop_is_clean() {
    let mut server = TestServer::start_tls(USERS, TestCert::new());
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let mut live = server
        .live_from(Some(&admin), Some(&server.base))
        .await
        .expect("wss upgrade from our own origin");
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let alice_id = server.session_id(&alice).await;
    let killed = cli(&server.database_url, &["kill", &alice_id], None);
    assert!(killed.status.success(), "{}", stderr(&killed));
    let events = live.until(|event| event["type"] == "ended").await;
    assert!(
        events
            .last()
            .expect("ended")
            .to_string()
            .contains(&alice_id),
        "{events:?}"
    );

    // SIGTERM with the channel still open: the server stops at once and cleanly.
    let stopping = Instant::now();
    let status = server.stop();
    assert!(status.success(), "stopped cleanly over TLS: {status:?}");
    assert!(
        stopping.elapsed() < Duration::from_secs(5),
        "took {:?}",
        stopping.elapsed()
    );
    assert!(
        matches!(live.next().await, Delivery::Closed(_)),
        "the channel is closed"
    );
}

/// Runs `sessions serve ARGS…` on a missing database; it must exit within 20 s (a
/// server that started would not) without creating the database.
fn serve_must_refuse(args: &[&str]) -> Output {
    let (_dir, url) = missing_database();
    let mut child = Command::new(BIN)
        .args(["serve", "--addr", "127.0.0.1:0", "--database-url", &url])
        .args(args)
        .env_remove("SESSIONS_TLS_CERT")
        .env_remove("SESSIONS_TLS_KEY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve {args:?} started instead of refusing");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("output");
    assert!(
        !sqlite_path(&url).exists(),
        "serve {args:?} created the database before refusing"
    );
    output
}

#[test]
fn one_tls_flag_without_the_other_is_a_usage_error() {
    let cert = TestCert::new();
    let cert_path = cert.cert_path.display().to_string();
    let key_path = cert.key_path.display().to_string();
    for (given, missing) in [
        (["--tls-cert", cert_path.as_str()], "--tls-key"),
        (["--tls-key", key_path.as_str()], "--tls-cert"),
    ] {
        let output = serve_must_refuse(&given);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{given:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(missing),
            "{given:?}: {}",
            stderr(&output)
        );
        assert!(
            output.stdout.is_empty(),
            "nothing served: {}",
            crate::support::stdout(&output)
        );
    }
}

#[test]
fn a_missing_or_invalid_certificate_or_key_stops_the_start_naming_the_file() {
    let cert = TestCert::new();
    let other = TestCert::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("missing.pem").display().to_string();
    let garbage = dir.path().join("garbage.pem");
    std::fs::write(&garbage, "not a PEM file\n").expect("write");
    let garbage = garbage.display().to_string();
    let cert_path = cert.cert_path.display().to_string();
    let key_path = cert.key_path.display().to_string();
    let other_key = other.key_path.display().to_string();
    // (cert, key, the path the message must name)
    let cases = [
        (missing.as_str(), key_path.as_str(), missing.as_str()),
        (cert_path.as_str(), missing.as_str(), missing.as_str()),
        (garbage.as_str(), key_path.as_str(), garbage.as_str()),
        (cert_path.as_str(), garbage.as_str(), garbage.as_str()),
        // The key of another certificate.
        (cert_path.as_str(), other_key.as_str(), other_key.as_str()),
    ];
    for (cert, key, named) in cases {
        let output = serve_must_refuse(&["--tls-cert", cert, "--tls-key", key]);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{cert} {key}: {message}");
        assert!(
            message.contains(named) && message.contains("TLS"),
            "{cert} {key}: {message}"
        );
        assert!(
            output.stdout.is_empty(),
            "nothing served: {}",
            crate::support::stdout(&output)
        );
    }
}
