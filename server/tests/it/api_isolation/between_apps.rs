//! One application's key reaches nothing of another's; a revoked key stops working;
//! a console or CLI kill reaches the application's next check.

use super::*;

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
async fn a_revoked_key_stops_working_once_the_revoke_returns_and_its_sessions_end() {
    let server = TestServer::start(&[]);
    let shop = server.api_add_app("shop");
    let blog = server.api_add_app("blog");
    // The server remembers a key only once it has followed the applications' version
    // past the key's creation: wait that out, so that the key is in its memory and the
    // refusal below comes from the server following the revocation.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (first, first_session) = server.api_create(&shop, "u-1", "203.0.113.1").await;
    let (_, second_session) = server.api_create(&shop, "u-2", "203.0.113.2").await;
    let (blog_token, _) = server.api_create(&blog, "u-1", "203.0.113.3").await;
    server
        .api_check(&shop, &first, "203.0.113.1")
        .await
        .expect_json(200);

    // The CLI returns once the running server has followed the revocation.
    cli_ok(&server.database_url, &["app", "revoke", "shop"]);
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
