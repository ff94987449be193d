//! Checking and ending sessions: fresh activity, logout, delete by id, ending a user's
//! sessions with one kept.

use super::*;

#[tokio::test]
async fn check_answers_the_session_with_fresh_activity_and_refuses_an_unknown_token() {
    let server = TestServer::start(&[]);
    let key = server.api_add_app("shop");
    let (token, created) = server.api_create(&key, "u-1", "203.0.113.7").await;
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let checked = server
        .api_check(&key, &token, "203.0.113.7")
        .await
        .expect_json(200);
    api_assert_session(&checked);
    assert!(checked.get("token").is_none(), "{checked}");
    assert_eq!(id_of(&checked), id_of(&created));
    let seen = checked["last_seen_at"].as_i64().expect("last_seen_at");
    assert!(
        seen > created["last_seen_at"].as_i64().expect("last_seen_at"),
        "fresh activity: {checked}"
    );
    assert_eq!(
        checked["idle_deadline"].as_i64(),
        Some(seen + 30 * MINUTE),
        "{checked}"
    );
    assert_eq!(checked["created_at"], created["created_at"], "{checked}");

    // user_agent is optional on a check.
    let bare = json!({ "token": token, "ip": "203.0.113.7" });
    server
        .api_post("/sessions/check", &key, bare)
        .await
        .expect_json(200);

    let before = server.api_stored();
    let unknown = server.api_check(&key, &"A".repeat(43), "203.0.113.7").await;
    let error = unknown.expect_error(401, "session_unknown");
    assert!(
        error.get("reason").is_none(),
        "no end reason for a token never seen: {error}"
    );
    assert_eq!(
        server.api_stored(),
        before,
        "an unknown token changes nothing"
    );
}

#[tokio::test]
async fn logout_ends_the_session_and_answers_204_again_afterwards() {
    let server = TestServer::start(&[]);
    let key = server.api_add_app("shop");
    let (token, session) = server.api_create(&key, "u-1", "203.0.113.7").await;
    let (other, _) = server.api_create(&key, "u-1", "203.0.113.8").await;

    let logout = server
        .api_post("/sessions/logout", &key, json!({ "token": token }))
        .await;
    assert_eq!(
        (logout.status, logout.body.as_str()),
        (204, ""),
        "{logout:?}"
    );
    server
        .api_check(&key, &token, "203.0.113.7")
        .await
        .expect_refusal("session_ended", Some("logout"));
    assert_eq!(
        ended_reason(&server, &id_of(&session)).as_deref(),
        Some("logout"),
        "the history records it"
    );
    assert!(
        server.api_listed(&id_of(&session)).is_none(),
        "no longer live"
    );
    let again = server
        .api_post("/sessions/logout", &key, json!({ "token": token }))
        .await;
    assert_eq!(
        again.status, 204,
        "an ended session logs out again: {again:?}"
    );
    server
        .api_check(&key, &other, "203.0.113.8")
        .await
        .expect_json(200);

    let before = server.api_stored();
    let unknown = server
        .api_post("/sessions/logout", &key, json!({ "token": "B".repeat(43) }))
        .await;
    unknown.expect_error(401, "session_unknown");
    assert_eq!(server.api_stored(), before);
}

#[tokio::test]
async fn delete_by_id_ends_that_session_only() {
    let server = TestServer::start(&[]);
    let key = server.api_add_app("shop");
    let (token, session) = server.api_create(&key, "u-1", "203.0.113.7").await;
    let (other, _) = server.api_create(&key, "u-1", "203.0.113.8").await;
    let path = format!("/sessions/{}", id_of(&session));

    let deleted = server.api(Method::DELETE, &path, Some(&key), None).await;
    assert_eq!(
        (deleted.status, deleted.body.as_str()),
        (204, ""),
        "{deleted:?}"
    );
    let refused = server.api_check(&key, &token, "203.0.113.7").await;
    refused.expect_error(401, "session_ended");
    assert!(
        ended_reason(&server, &id_of(&session)).is_some(),
        "the history records it"
    );
    server
        .api_check(&key, &other, "203.0.113.8")
        .await
        .expect_json(200);

    let before = server.api_stored();
    let again = server.api(Method::DELETE, &path, Some(&key), None).await;
    again.expect_error(404, "session_not_found");
    let unknown = server
        .api(
            Method::DELETE,
            &format!("/sessions/{}", "0".repeat(32)),
            Some(&key),
            None,
        )
        .await;
    unknown.expect_error(404, "session_not_found");
    assert_eq!(server.api_stored(), before);
}

#[tokio::test]
async fn ending_a_users_sessions_keeps_one_if_asked_and_records_the_reason() {
    let server = TestServer::start(&[]);
    let key = server.api_add_app("shop");
    let mut tokens = Vec::new();
    for ip in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        tokens.push((server.api_create(&key, "u-1", ip).await, ip));
    }
    let (bob, bob_session) = server.api_create(&key, "u-2", "203.0.113.9").await;
    let (email, _) = server
        .api_create(&key, "ada lovelace@example.com", "203.0.113.10")
        .await;
    let kept = id_of(&tokens[0].0 .1);

    let path = format!("/users/u-1/sessions?keep={kept}&reason=password_change");
    let ended = server
        .api(Method::DELETE, &path, Some(&key), None)
        .await
        .expect_json(200);
    assert_eq!(ended, json!({ "ended": 2 }));
    server
        .api_check(&key, &tokens[0].0 .0, tokens[0].1)
        .await
        .expect_json(200);
    for ((token, _), ip) in &tokens[1..] {
        server
            .api_check(&key, token, ip)
            .await
            .expect_refusal("session_ended", Some("password_change"));
    }
    server
        .api_check(&key, &bob, "203.0.113.9")
        .await
        .expect_json(200);

    // Without keep and reason: all of them, reason logout; then there is nothing left.
    let ended = server
        .api(Method::DELETE, "/users/u-1/sessions", Some(&key), None)
        .await
        .expect_json(200);
    assert_eq!(ended, json!({ "ended": 1 }));
    server
        .api_check(&key, &tokens[0].0 .0, tokens[0].1)
        .await
        .expect_refusal("session_ended", Some("logout"));
    let ended = server
        .api(Method::DELETE, "/users/u-1/sessions", Some(&key), None)
        .await
        .expect_json(200);
    assert_eq!(ended, json!({ "ended": 0 }));
    let nobody = server
        .api(Method::DELETE, "/users/nobody/sessions", Some(&key), None)
        .await
        .expect_json(200);
    assert_eq!(nobody, json!({ "ended": 0 }));

    // The other reasons, and a user id that needs escaping in the path.
    let killed = server
        .api(
            Method::DELETE,
            "/users/u-2/sessions?reason=killed",
            Some(&key),
            None,
        )
        .await;
    assert_eq!(killed.expect_json(200), json!({ "ended": 1 }));
    server
        .api_check(&key, &bob, "203.0.113.9")
        .await
        .expect_refusal("session_ended", Some("killed"));
    assert_eq!(
        ended_reason(&server, &id_of(&bob_session)).as_deref(),
        Some("killed")
    );
    let path = "/users/ada%20lovelace%40example.com/sessions?reason=user_disabled";
    assert_eq!(
        server
            .api(Method::DELETE, path, Some(&key), None)
            .await
            .expect_json(200),
        json!({ "ended": 1 })
    );
    server
        .api_check(&key, &email, "203.0.113.10")
        .await
        .expect_refusal("session_ended", Some("user_disabled"));
    assert!(server.api_stored().live.is_empty());
}
