//! The application API (/api/v1) between applications and with the console: one
//! application's key reaches nothing of another's, a revoked key stops working and its
//! sessions end, a kill from the console or the CLI reaches the application's next
//! check, and the session policy applies to API sessions as to console sign-ins.

use crate::support::{cli, cli_json, cli_ok, eventually, TestServer, API_USER_AGENT};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

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

// ---- between applications ----------------------------------------------------------------

#[tokio::test]
async fn another_applications_key_can_neither_see_nor_touch_a_session() {
    let server = TestServer::start(&[]);
    let shop = server.api_add_app("shop");
    let blog = server.api_add_app("blog");
    let (token, session) = server.api_create(&shop, "u-1", "203.0.113.7").await;
    let id = id_of(&session);
    let before = server.api_stored();

    // A check from another address would end the session if it counted (IP changes are
    // refused by default), so both prove the session was not touched.
    for ip in ["203.0.113.7", "198.51.100.1"] {
        let reply = server.api_check(&blog, &token, ip).await;
        let error = reply.expect_error(401, "session_unknown");
        assert!(error.get("reason").is_none(), "{error}");
    }
    server
        .api_post("/sessions/logout", &blog, json!({ "token": token }))
        .await
        .expect_error(401, "session_unknown");
    let path = format!("/sessions/{id}");
    server
        .api(Method::DELETE, &path, Some(&blog), None)
        .await
        .expect_error(404, "session_not_found");
    let ended = server
        .api(
            Method::DELETE,
            "/users/u-1/sessions?reason=killed",
            Some(&blog),
            None,
        )
        .await;
    assert_eq!(ended.expect_json(200), json!({ "ended": 0 }));
    let listed = server
        .api(Method::GET, "/sessions", Some(&blog), None)
        .await
        .expect_json(200);
    assert_eq!(listed, json!({ "sessions": [], "total": 0, "next": null }));
    let listed = server
        .api(Method::GET, "/sessions?user_id=u-1", Some(&blog), None)
        .await
        .expect_json(200);
    assert_eq!(listed["total"], 0, "{listed}");
    assert_eq!(server.api_stored(), before, "nothing stored or ended");
    let checked = server
        .api_check(&shop, &token, "203.0.113.7")
        .await
        .expect_json(200);
    assert_eq!(checked["last_ip"], "203.0.113.7", "{checked}");

    // The same user id in two applications is two users.
    let (blog_token, blog_session) = server.api_create(&blog, "u-1", "203.0.113.8").await;
    let ended = server
        .api(Method::DELETE, "/users/u-1/sessions", Some(&shop), None)
        .await
        .expect_json(200);
    assert_eq!(ended, json!({ "ended": 1 }));
    server
        .api_check(&blog, &blog_token, "203.0.113.8")
        .await
        .expect_json(200);
    server
        .api_check(&shop, &token, "203.0.113.7")
        .await
        .expect_refusal("session_ended", Some("logout"));
    let listed = server
        .api(Method::GET, "/sessions", Some(&blog), None)
        .await
        .expect_json(200);
    let listed: Vec<String> = listed["sessions"]
        .as_array()
        .expect("list")
        .iter()
        .map(id_of)
        .collect();
    assert_eq!(listed, [id_of(&blog_session)]);
    let listed = server.api_listed(&id_of(&blog_session)).expect("live");
    assert_eq!(listed["application"], "blog", "{listed}");
}

#[tokio::test]
async fn a_revoked_key_stops_working_within_a_second_or_two_and_its_sessions_end() {
    let server = TestServer::start(&[]);
    let shop = server.api_add_app("shop");
    let blog = server.api_add_app("blog");
    let (first, first_session) = server.api_create(&shop, "u-1", "203.0.113.1").await;
    let (_, second_session) = server.api_create(&shop, "u-2", "203.0.113.2").await;
    let (blog_token, _) = server.api_create(&blog, "u-1", "203.0.113.3").await;
    server
        .api_check(&shop, &first, "203.0.113.1")
        .await
        .expect_json(200);

    let since = Instant::now();
    cli_ok(&server.database_url, &["app", "revoke", "shop"]);
    eventually("the revoked key to be refused", || async {
        server
            .api(Method::GET, "/sessions", Some(&shop), None)
            .await
            .status
            == 401
    })
    .await;
    assert!(
        since.elapsed() < Duration::from_secs(2),
        "refused only after {:?}",
        since.elapsed()
    );
    server
        .api(Method::GET, "/sessions", Some(&shop), None)
        .await
        .expect_error(401, "invalid_api_key");
    server
        .api_check(&shop, &first, "203.0.113.1")
        .await
        .expect_error(401, "invalid_api_key");
    let guest = server
        .api_post("/guest-sessions", &shop, json!({ "ip": "203.0.113.1" }))
        .await;
    guest.expect_error(401, "invalid_api_key");

    for session in [&first_session, &second_session] {
        let id = id_of(session);
        assert!(server.api_listed(&id).is_none(), "{id} is still live");
        assert_eq!(
            history_of(&server, &id),
            Some(("killed".into(), "cli".into())),
            "{id}"
        );
    }
    server
        .api_check(&blog, &blog_token, "203.0.113.3")
        .await
        .expect_json(200);
    let apps = cli_json(&server.database_url, &["app", "list", "--format", "json"]);
    let shop_row = apps
        .as_array()
        .expect("list")
        .iter()
        .find(|app| app["name"] == "shop")
        .cloned();
    assert!(
        shop_row.is_some_and(|row| row["revoked_at"].is_i64()),
        "{apps}"
    );
    let reused = cli(&server.database_url, &["app", "add", "SHOP"], None);
    assert_eq!(
        reused.status.code(),
        Some(2),
        "a revoked name stays taken, case aside: {}",
        crate::support::stdout(&reused)
    );
}

// ---- the console and the CLI ---------------------------------------------------------------

#[tokio::test]
async fn a_kill_from_the_cli_or_the_console_reaches_the_applications_next_check() {
    let server = TestServer::start(ADMIN);
    let shop = server.api_add_app("shop");
    let (by_cli, by_cli_session) = server.api_create(&shop, "u-1", "203.0.113.1").await;
    let (by_console, by_console_session) = server.api_create(&shop, "u-2", "203.0.113.2").await;
    let (survivor, _) = server.api_create(&shop, "u-3", "203.0.113.3").await;
    for (token, ip) in [(&by_cli, "203.0.113.1"), (&by_console, "203.0.113.2")] {
        server.api_check(&shop, token, ip).await.expect_json(200);
    }

    cli_ok(&server.database_url, &["kill", &id_of(&by_cli_session)]);
    let refused = refused_within_two_seconds(&server, &shop, &by_cli, "203.0.113.1").await;
    refused.expect_refusal("session_ended", Some("killed"));

    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let form = format!("ids[0]={}", id_of(&by_console_session));
    let (status, body) = server.call("kill_sessions", Some(&admin), &form).await;
    assert_eq!(
        (status, body.as_str()),
        (200, "1"),
        "the console kills the API session"
    );
    let refused = refused_within_two_seconds(&server, &shop, &by_console, "203.0.113.2").await;
    refused.expect_refusal("session_ended", Some("killed"));
    server
        .api_check(&shop, &survivor, "203.0.113.3")
        .await
        .expect_json(200);
}

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
