//! Bad credentials and addresses: missing or wrong keys, malformed tokens and session
//! ids, unknown paths and wrong methods.

use super::*;

#[tokio::test]
async fn calls_without_a_usable_key_are_refused_on_every_endpoint() {
    let (server, key, token) = setup().await;
    let before = server.api_stored();
    let well_formed_unknown = format!("sk_{}", "Q".repeat(43));
    let malformed = [
        "sk_short",
        "not-a-key",
        &format!("{key}x"),
        &key[..45],
        &format!("pk_{}", &key[3..]),
    ];
    for (method, path, body) in endpoints(&token) {
        let reply = server.api(method.clone(), &path, None, body.as_ref()).await;
        reply.expect_error(401, "missing_api_key");
        let mut basic = server
            .api_request(method.clone(), &path, None)
            .basic_auth("shop", Some(&key));
        if let Some(body) = &body {
            basic = basic
                .header("Content-Type", "application/json")
                .body(body.to_string());
        }
        api_send(basic).await.expect_error(401, "missing_api_key");
        for bad in std::iter::once(well_formed_unknown.as_str()).chain(malformed) {
            let reply = server
                .api(method.clone(), &path, Some(bad), body.as_ref())
                .await;
            assert_eq!(
                reply.error_code().as_deref(),
                Some("invalid_api_key"),
                "{method} {path} with {bad:?}"
            );
            reply.expect_error(401, "invalid_api_key");
        }
    }
    assert_eq!(server.api_stored(), before, "nothing stored, nothing ended");
    server
        .api_check(&key, &token, "203.0.113.7")
        .await
        .expect_json(200);
    // The scheme name is case-insensitive.
    let lower = server
        .api_request(reqwest::Method::GET, "/sessions", None)
        .header("Authorization", format!("bearer {key}"));
    api_send(lower).await.expect_json(200);
}

#[tokio::test]
async fn malformed_tokens_are_400_and_touch_nothing() {
    let (server, key, token) = setup().await;
    let before = server.api_stored();
    let bad = [
        token[..42].to_owned(),
        format!("{token}A"),
        String::new(),
        format!("{}!", &token[..42]),
        format!("{}=", &token[..42]),
        format!("{}+", &token[..42]),
        format!("{}/", &token[..42]),
        format!("{}é", &token[..41]),
    ];
    for bad in &bad {
        let check = json!({ "token": bad, "ip": "203.0.113.7" });
        let reply = server.api_post("/sessions/check", &key, check).await;
        assert_eq!(
            reply.error_code().as_deref(),
            Some("malformed_token"),
            "check {bad:?}: {}",
            reply.body
        );
        reply.expect_error(400, "malformed_token");
        server
            .api_post("/sessions/logout", &key, json!({ "token": bad }))
            .await
            .expect_error(400, "malformed_token");
    }
    assert_eq!(server.api_stored(), before);
    server
        .api_check(&key, &token, "203.0.113.7")
        .await
        .expect_json(200);
}

#[tokio::test]
async fn malformed_session_ids_are_400() {
    let (server, key, _) = setup().await;
    let listed = server
        .api(Method::GET, "/sessions", Some(&key), None)
        .await
        .expect_json(200);
    let live = listed["sessions"][0]["id"].as_str().expect("id").to_owned();
    let before = server.api_stored();
    let upper = live.to_uppercase();
    let bad = [
        &live[..31],
        &format!("{live}0"),
        "not-a-session-id",
        &"g".repeat(32),
        &upper,
        "%20",
    ];
    for bad in bad {
        let reply = server
            .api(
                Method::DELETE,
                &format!("/sessions/{bad}"),
                Some(&key),
                None,
            )
            .await;
        assert_eq!(
            reply.error_code().as_deref(),
            Some("malformed_session_id"),
            "DELETE {bad}: {}",
            reply.body
        );
        reply.expect_error(400, "malformed_session_id");
        let path = format!("/users/u-1/sessions?keep={bad}");
        let reply = server.api(Method::DELETE, &path, Some(&key), None).await;
        assert_eq!(
            reply.error_code().as_deref(),
            Some("malformed_session_id"),
            "keep={bad}: {}",
            reply.body
        );
        reply.expect_error(400, "malformed_session_id");
    }
    assert_eq!(server.api_stored(), before, "nothing ended");
}

#[tokio::test]
async fn unknown_paths_are_404_and_wrong_methods_405() {
    let (server, key, _) = setup().await;
    let before = server.api_stored();
    for path in [
        "/nope",
        "/session",
        "/sessions/check/more",
        "/users/u-1",
        "/users/u-1/sessions/extra",
    ] {
        let reply = server.api(Method::GET, path, Some(&key), None).await;
        assert_eq!(
            reply.error_code().as_deref(),
            Some("not_found"),
            "GET {path}: {} {}",
            reply.status,
            reply.body
        );
        reply.expect_error(404, "not_found");
    }
    let wrong = [
        (Method::PUT, "/sessions".to_owned()),
        (Method::DELETE, "/sessions".to_owned()),
        (Method::GET, "/sessions/check".to_owned()),
        (Method::GET, "/sessions/logout".to_owned()),
        (Method::GET, "/guest-sessions".to_owned()),
        (Method::POST, format!("/sessions/{}", "a".repeat(32))),
        (Method::GET, "/users/u-1/sessions".to_owned()),
        (Method::POST, "/openapi.json".to_owned()),
    ];
    for (method, path) in wrong {
        let reply = server.api(method.clone(), &path, Some(&key), None).await;
        assert_eq!(
            reply.error_code().as_deref(),
            Some("method_not_allowed"),
            "{method} {path}: {}",
            reply.body
        );
        reply.expect_error(405, "method_not_allowed");
    }
    assert_eq!(server.api_stored(), before);
}
