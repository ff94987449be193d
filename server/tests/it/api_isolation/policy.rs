//! The session policy applies to API sessions as to console sign-ins: address binding,
//! concurrent limits, the idle timeout and the lifetime.

use super::*;

// ---- the session policy ------------------------------------------------------------------

/// `sessions settings set ARGS…`, then waits until the server applies it.
async fn set_policy(server: &TestServer, admin: &str, key: &str, value: &str, role: Option<&str>) {
    let mut args = vec!["settings", "set", key, value];
    if let Some(role) = role {
        args.extend(["--role", role]);
    }
    cli_ok(&server.database_url, &args);
    server.wait_for_setting(admin, role, key, Some(value)).await;
}

#[tokio::test]
async fn ip_binding_refuses_a_moved_address_unless_changes_are_allowed() {
    let server = TestServer::start(ADMIN);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let shop = server.api_add_app("shop");
    let (token, session) = server.api_create(&shop, "u-1", "203.0.113.7").await;
    server
        .api_check(&shop, &token, "203.0.113.7")
        .await
        .expect_json(200);
    server
        .api_check(&shop, &token, "203.0.113.8")
        .await
        .expect_refusal("ip_changed", Some("ip_change"));
    // It ended: back on the first address it stays refused.
    server
        .api_check(&shop, &token, "203.0.113.7")
        .await
        .expect_refusal("ip_changed", Some("ip_change"));
    assert_eq!(
        history_of(&server, &id_of(&session))
            .map(|(reason, _)| reason)
            .as_deref(),
        Some("ip_change")
    );

    set_policy(&server, &admin, "allow_ip_change", "true", None).await;
    let (token, _) = server.api_create(&shop, "u-1", "203.0.113.7").await;
    let moved = server
        .api_check(&shop, &token, "203.0.113.8")
        .await
        .expect_json(200);
    assert_eq!(
        (moved["first_ip"].as_str(), moved["last_ip"].as_str()),
        (Some("203.0.113.7"), Some("203.0.113.8"))
    );

    // A move into a denied range is refused even so; a new session there is not created.
    set_policy(&server, &admin, "ip_deny", "198.51.100.0/24", None).await;
    let denied = server.api_check(&shop, &token, "198.51.100.9").await;
    denied.expect_error(401, "ip_not_allowed");
    let before = server.api_stored();
    let body = json!({ "user_id": "u-2", "ip": "198.51.100.5", "user_agent": API_USER_AGENT });
    server
        .api_post("/sessions", &shop, body)
        .await
        .expect_error(403, "refused_by_policy");
    let guest = server
        .api_post("/guest-sessions", &shop, json!({ "ip": "198.51.100.6" }))
        .await;
    guest.expect_error(403, "refused_by_policy");
    assert_eq!(
        server.api_stored(),
        before,
        "a refused create stores nothing"
    );
}

#[tokio::test]
async fn a_concurrent_limit_refuses_a_new_api_session_and_stores_nothing() {
    let server = TestServer::start(ADMIN);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let shop = server.api_add_app("shop");
    set_policy(&server, &admin, "max_sessions_per_user", "1", Some("user")).await;
    let (first, _) = server.api_create(&shop, "u-1", "203.0.113.1").await;
    let before = server.api_stored();
    let body = json!({ "user_id": "u-1", "ip": "203.0.113.2", "user_agent": API_USER_AGENT });
    server
        .api_post("/sessions", &shop, body)
        .await
        .expect_error(403, "refused_by_policy");
    assert_eq!(server.api_stored(), before);
    server
        .api_check(&shop, &first, "203.0.113.1")
        .await
        .expect_json(200);
    // Another user, and the admin role (no limit set for it), are not limited.
    server.api_create(&shop, "u-2", "203.0.113.3").await;
    for ip in ["203.0.113.4", "203.0.113.5"] {
        let body = json!({ "user_id": "root", "role": "admin", "ip": ip });
        server
            .api_post("/sessions", &shop, body)
            .await
            .expect_json(201);
    }
}

/// Opens a session of `user_id` for `application` `ago` ago (see
/// `TestServer::engine_behind`). Its token.
async fn old_api_session(
    server: &TestServer,
    application: &str,
    user_id: &str,
    ago: Duration,
) -> String {
    use sessions_core::engine::{AppSignIn, ClientInfo};
    use sessions_core::model::Role;
    let engine = server.engine_behind(ago).await;
    let client = ClientInfo {
        ip: "203.0.113.7".into(),
        user_agent: API_USER_AGENT.into(),
    };
    let sign_in = AppSignIn {
        user_id: user_id.into(),
        display_name: None,
        role: Role::User,
        client,
    };
    let signed_in = engine
        .open_app_session(application, sign_in)
        .await
        .expect("open");
    signed_in.token.expose().to_owned()
}

#[tokio::test]
async fn a_session_idle_past_the_timeout_is_refused_as_idle_and_ends() {
    let server = TestServer::start(&[]);
    let shop = server.api_add_app("shop");
    // 31 minutes without a request, the idle timeout being 30 (the sweeper allows 2 more).
    let token = old_api_session(&server, "shop", "u-1", Duration::from_secs(31 * 60)).await;
    server
        .api_check(&shop, &token, "203.0.113.7")
        .await
        .expect_refusal("session_idle", Some("idle"));
    // It ended: it stays refused (the code names the end reason), and the history has it.
    server
        .api_check(&shop, &token, "203.0.113.7")
        .await
        .expect_refusal("session_idle", Some("idle"));
    let idle = cli_json(
        &server.database_url,
        &["history", "--reason", "idle", "--format", "json"],
    );
    assert_eq!(idle.as_array().map(Vec::len), Some(1), "{idle}");
    let fresh = old_api_session(&server, "shop", "u-2", Duration::from_secs(29 * 60)).await;
    server
        .api_check(&shop, &fresh, "203.0.113.7")
        .await
        .expect_json(200);
}

#[tokio::test]
async fn a_session_past_its_lifetime_is_refused_as_expired() {
    let server = TestServer::start(ADMIN);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let shop = server.api_add_app("shop");
    set_policy(&server, &admin, "idle_timeout_minutes", "99999", None).await;
    // A session 720 minutes old less 3 s expires in 3 s. Whether the check notices
    // or the server's sweeper (every 5 s) ends it first, the answer is the same.
    let token = old_api_session(
        &server,
        "shop",
        "u-1",
        Duration::from_millis(720 * 60_000 - 3_000),
    )
    .await;
    let since = Instant::now();
    let refused = loop {
        let reply = server.api_check(&shop, &token, "203.0.113.7").await;
        if reply.status != 200 {
            break reply;
        }
        assert!(
            since.elapsed() < Duration::from_secs(6),
            "still live after {:?}",
            since.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert!(
        since.elapsed() >= Duration::from_millis(1_000),
        "refused before its expiry: {}",
        refused.body
    );
    refused.expect_refusal("session_expired", Some("expired"));
    server
        .api_check(&shop, &token, "203.0.113.7")
        .await
        .expect_refusal("session_expired", Some("expired"));
    let expired = cli_json(
        &server.database_url,
        &["history", "--reason", "expired", "--format", "json"],
    );
    assert_eq!(expired.as_array().map(Vec::len), Some(1), "{expired}");
}
