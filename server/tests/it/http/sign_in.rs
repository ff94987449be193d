//! Signing in: the cookie, the throttle after wrong passwords, the first admin, CSRF
//! and bad input.

use super::*;

// ---- signing in ------------------------------------------------------------------------

#[tokio::test]
async fn sign_in_sets_a_protected_cookie_and_says_where_to_go() {
    let server = TestServer::start(USERS);
    let alice = server.sign_in("alice", "alice-password-1").await;
    assert!(
        alice.set_cookie.starts_with("__Host-sessions="),
        "{}",
        alice.set_cookie
    );
    for part in [
        "Secure",
        "HttpOnly",
        "SameSite=Strict",
        "Path=/",
        "Max-Age=",
    ] {
        assert!(
            alice.set_cookie.contains(part),
            "{} lacks {part}",
            alice.set_cookie
        );
    }
    assert_eq!(alice.landing, "/account/sessions");
    assert_eq!(
        server.sign_in("admin", "admin-password-1").await.landing,
        "/admin/sessions"
    );
    let (status, body) = server.call("whoami", Some(&alice.cookie), "").await;
    assert_eq!(status, 200, "{body}");
    let me = json(&body);
    assert_eq!(
        (me["username"].as_str(), me["role"].as_str()),
        (Some("alice"), Some("user")),
        "{body}"
    );
    assert!(
        me["session_id"].as_str().is_some_and(|id| !id.is_empty()),
        "{body}"
    );
}

#[tokio::test]
async fn wrong_passwords_get_one_message_and_then_a_wait() {
    let server = TestServer::start(USERS);
    let (status, wrong) = server
        .call("sign_in", None, "username=alice&password=nope-nope")
        .await;
    let (_, unknown) = server
        .call("sign_in", None, "username=nobody&password=nope-nope")
        .await;
    assert_eq!(status, 400);
    assert_eq!(
        json(&wrong),
        json(r#"{"BadRequest":"Wrong username or password."}"#)
    );
    assert_eq!(wrong, unknown, "no account enumeration");
    for _ in 0..4 {
        server
            .call("sign_in", None, "username=alice&password=nope-nope")
            .await;
    }
    let response = server
        .rpc("sign_in", None, "username=alice&password=alice-password-1")
        .header("Origin", &server.base)
        .send()
        .await
        .expect("sign in");
    assert_eq!(response.status().as_u16(), 429);
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = response.text().await.expect("body");
    assert_eq!(
        retry_after.as_deref(),
        Some("1"),
        "the wait is in the Retry-After header: {body}"
    );
    let message = json(&body)["TooManyRequests"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.starts_with("Too many failed sign-in attempts. Try again in "),
        "{body}"
    );
}

#[tokio::test]
async fn a_fresh_start_creates_admin_from_the_environment() {
    let server = TestServer::start_with_admin_password("first-admin-password");
    let admin = server.sign_in("admin", "first-admin-password").await;
    assert_eq!(admin.landing, "/admin/sessions");
}

// ---- cross-site requests and bad input ----------------------------------------------

#[tokio::test]
async fn cross_site_posts_are_refused_and_change_nothing() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await;
    let alice = server.sign_in("alice", "alice-password-1").await;
    let proofs: [&[(&str, &str)]; 3] = [
        &[],
        &[("Origin", "http://evil.example")],
        &[
            ("Origin", server.base.as_str()),
            ("Sec-Fetch-Site", "cross-site"),
        ],
    ];
    for headers in proofs {
        let mut request = server.rpc("kill_all", Some(&admin.cookie), "include_mine=true");
        let mut sign_in = server.rpc("sign_in", None, "username=alice&password=alice-password-1");
        for (name, value) in headers {
            request = request.header(*name, *value);
            sign_in = sign_in.header(*name, *value);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status().as_u16(), 403, "kill_all with {headers:?}");
        let response = sign_in.send().await.expect("request");
        assert_eq!(response.status().as_u16(), 403, "sign_in with {headers:?}");
        assert!(
            response.headers().get("set-cookie").is_none(),
            "no session for a forged sign-in"
        );
    }
    assert_eq!(
        server.call("whoami", Some(&alice.cookie), "").await.0,
        200,
        "nothing was killed"
    );
    assert_eq!(
        server.call("whoami", Some(&admin.cookie), "").await.0,
        200,
        "nothing was killed"
    );
    let same_origin = server
        .rpc("whoami", Some(&alice.cookie), "")
        .header("Sec-Fetch-Site", "same-origin");
    assert_eq!(
        same_origin.send().await.expect("request").status().as_u16(),
        200,
        "Sec-Fetch-Site alone is proof"
    );
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await;
    let admin = admin.cookie.as_str();
    let bad_cursor = LIST.replace("query[page]=first", "query[page][after]=zzz");
    let long_search = LIST.replace(
        "query[search]=",
        &format!("query[search]={}", "x".repeat(201)),
    );
    let bad_limit = LIST.replace("query[limit]=50", "query[limit]=abc");
    for form in [bad_limit, bad_cursor, long_search] {
        let (status, body) = server.call("list_sessions", Some(admin), &form).await;
        assert_eq!(status, 400, "{form}: {body}");
        assert!(json(&body)["BadRequest"].is_string(), "{form}: {body}");
        assert!(
            !body.to_lowercase().contains("database"),
            "internal detail leaked: {body}"
        );
    }
    let (status, body) = server
        .call("kill_sessions", Some(admin), "ids[0]=not-an-id")
        .await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = server
        .call(
            "kill_sessions",
            Some(admin),
            &format!("ids[0]={}", "0".repeat(32)),
        )
        .await;
    assert_eq!(status, 404, "an unknown but well-formed id: {body}");
    assert!(body.contains("has ended or does not exist"), "{body}");

    let huge = format!("username={}&password=x", "a".repeat(1 << 20));
    assert_eq!(server.call("sign_in", None, &huge).await.0, 413);
    let get = server
        .client()
        .get(format!("{}/rpc/kill_all", server.base))
        .header("Cookie", admin)
        .send()
        .await;
    let status = get.expect("request").status().as_u16();
    assert!(
        (400..500).contains(&status),
        "GET on a POST function: {status}"
    );
    let as_json = server
        .client()
        .post(format!("{}/rpc/kill_all", server.base))
        .header("Origin", &server.base)
        .header("Cookie", admin)
        .json(&serde_json::json!({ "include_mine": true }))
        .send()
        .await
        .expect("request");
    let status = as_json.status().as_u16();
    assert!(
        (400..500).contains(&status),
        "JSON body to a form function: {status}"
    );
    assert_eq!(
        server.call("whoami", Some(admin), "").await.0,
        200,
        "none of it ended the admin's session"
    );
}
