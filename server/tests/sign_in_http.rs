//! Sign-in from a browser against the real server: each sign-in is a session of its
//! own, and a browser signing in again leaves no older session of its own alive.

mod support;

use support::{json, refusal_reason, TestServer, USER_AGENT};

const USERS: &[(&str, &str, &str)] = &[("admin", "admin", "admin-password-1"), ("alice", "user", "alice-password-1")];

/// Signs in as `user` sending `form` extra fields and `cookie`: the status, the new
/// `name=value` cookie (empty when none was set) and the body.
async fn sign_in(server: &TestServer, user: &str, extra: &str, cookie: Option<&str>) -> (u16, String, String) {
    let form = format!("username={user}&password={user}-password-1{extra}");
    let response = server
        .rpc("sign_in", cookie, &form)
        .header("Origin", &server.base)
        .header("User-Agent", USER_AGENT)
        .send()
        .await
        .expect("sign in");
    let status = response.status().as_u16();
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter(|value| !value.contains("Max-Age=0"))
        .map(|value| value.split(';').next().unwrap_or_default().to_owned())
        .next()
        .unwrap_or_default();
    (status, cookie, response.text().await.expect("body"))
}

#[tokio::test]
async fn signing_in_again_ends_the_session_the_browser_holds() {
    let server = TestServer::start(USERS);
    let (status, old, body) = sign_in(&server, "alice", "", None).await;
    assert_eq!(status, 200, "{body}");
    let (status, new, body) = sign_in(&server, "alice", "", Some(&old)).await;
    assert_eq!(status, 200, "{body}");
    assert!(!new.is_empty() && new != old, "a fresh token: {new}");
    let (status, body) = server.call("whoami", Some(&old), "").await;
    assert_eq!(status, 401, "the old session ended: {body}");
    assert_eq!(refusal_reason(&body).as_deref(), Some("logout"), "{body}");
    let (status, body) = server.call("whoami", Some(&new), "").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["username"].as_str(), Some("alice"));
}
