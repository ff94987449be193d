//! The HTTP surface of the real server: cookies, CSRF, bad input, authorisation,
//! revocation across processes, pages and the live channel.

use crate::support::{cli, device_agent, json, refusal_reason, stderr, Delivery, TestServer};
use std::time::{Duration, Instant};

const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "admin-password-1"),
    ("alice", "user", "alice-password-1"),
    ("bob", "user", "bob-password-1"),
];
const LIST: &str =
    "query[search]=&query[sort]=created&query[dir]=desc&query[page]=first&query[limit]=50";

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
    assert_eq!(
        (status, body.as_str()),
        (200, "0"),
        "an unknown but well-formed id ends nothing and is not an error"
    );

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

// ---- authorisation -----------------------------------------------------------------

#[tokio::test]
async fn only_admins_list_or_kill_and_users_cannot_reach_others() {
    let server = TestServer::start(USERS);
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let bob_id = server.session_id(&bob).await;
    assert_eq!(server.call("whoami", None, "").await.0, 401);
    assert_eq!(server.call("list_sessions", None, LIST).await.0, 401);
    assert_eq!(
        server.call("list_sessions", Some(&alice), LIST).await.0,
        403
    );
    assert_eq!(
        server
            .call("kill_sessions", Some(&alice), &format!("ids[0]={bob_id}"))
            .await
            .0,
        403
    );
    assert_eq!(
        server
            .call("kill_all", Some(&alice), "include_mine=true")
            .await
            .0,
        403
    );
    let (status, body) = server
        .call(
            "sign_out_sessions",
            Some(&alice),
            &format!("ids[0]={bob_id}"),
        )
        .await;
    assert_eq!(status, 404, "a forged id: {body}");
    let (status, body) = server.call("my_sessions", Some(&alice), LIST).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(json(&body)["total"], 1, "{body}");
    assert!(!body.contains(&bob_id), "alice's list shows bob's session");
    assert_eq!(
        server.call("whoami", Some(&bob), "").await.0,
        200,
        "bob's session survived"
    );
}

#[tokio::test]
async fn users_sign_out_their_own_sessions() {
    let server = TestServer::start(USERS);
    // Three devices: the same browser twice within seconds would be one sign-in.
    let laptop = server
        .sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await
        .cookie;
    let phone = server
        .sign_in_from("alice", "alice-password-1", &device_agent(2))
        .await
        .cookie;
    let tablet = server
        .sign_in_from("alice", "alice-password-1", &device_agent(3))
        .await
        .cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let phone_id = server.session_id(&phone).await;

    assert_eq!(
        server
            .call(
                "sign_out_sessions",
                Some(&laptop),
                &format!("ids[0]={phone_id}")
            )
            .await,
        (200, "1".into())
    );
    let (status, body) = server.call("whoami", Some(&phone), "").await;
    assert_eq!(
        (status, refusal_reason(&body).as_deref()),
        (401, Some("logout")),
        "{body}"
    );

    assert_eq!(
        server.call("sign_out_others", Some(&laptop), "").await,
        (200, "1".into())
    );
    assert_eq!(server.call("whoami", Some(&tablet), "").await.0, 401);
    assert_eq!(
        server.call("whoami", Some(&laptop), "").await.0,
        200,
        "the current device stays"
    );
    assert_eq!(
        server.call("whoami", Some(&bob), "").await.0,
        200,
        "other users are untouched"
    );

    let (status, body) = server.call("sign_out", Some(&laptop), "").await;
    assert!((200..400).contains(&status), "{status}: {body}");
    assert_eq!(server.call("whoami", Some(&laptop), "").await.0, 401);
    assert_eq!(server.call("whoami", Some(&bob), "").await.0, 200);
}

// ---- revocation --------------------------------------------------------------------

#[tokio::test]
async fn a_killed_session_is_refused_on_its_next_request_with_the_reason() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let alice_id = server.session_id(&alice).await;
    let (status, body) = server
        .call("kill_sessions", Some(&admin), &format!("ids[0]={alice_id}"))
        .await;
    assert_eq!((status, body.as_str()), (200, "1"));
    let (status, body) = server.call("whoami", Some(&alice), "").await;
    assert_eq!(status, 401);
    assert_eq!(refusal_reason(&body).as_deref(), Some("killed"), "{body}");
    assert!(body.contains("ended by an administrator"), "{body}");
}

#[tokio::test]
async fn kill_all_keeps_the_callers_own_session_unless_asked() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    assert_eq!(
        server
            .call("kill_all", Some(&admin), "include_mine=false")
            .await,
        (200, "1".into())
    );
    assert_eq!(server.call("whoami", Some(&alice), "").await.0, 401);
    assert_eq!(server.call("whoami", Some(&admin), "").await.0, 200);
    assert_eq!(
        server
            .call("kill_all", Some(&admin), "include_mine=true")
            .await,
        (200, "1".into())
    );
    assert_eq!(server.call("whoami", Some(&admin), "").await.0, 401);
}

#[tokio::test]
async fn a_cli_kill_reaches_the_running_server_within_half_a_second() {
    let server = TestServer::start(USERS);
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let alice_id = server.session_id(&alice).await;
    let output = cli(&server.database_url, &["kill", &alice_id], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let took = server.time_until_refused(&alice, Instant::now()).await;
    assert!(
        took.is_some_and(|took| took < Duration::from_millis(500)),
        "refused after {took:?}"
    );
}

#[tokio::test]
async fn an_acknowledged_kill_survives_sigkill() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let alice_id = server.session_id(&alice).await;
    assert_eq!(
        server
            .call("kill_sessions", Some(&admin), &format!("ids[0]={alice_id}"))
            .await
            .0,
        200
    );
    let server = server.kill_and_restart();
    let (status, body) = server.call("whoami", Some(&alice), "").await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(refusal_reason(&body).as_deref(), Some("killed"), "{body}");
    assert_eq!(
        server.call("whoami", Some(&admin), "").await.0,
        200,
        "the admin's session survived the crash"
    );
}

// ---- pages -------------------------------------------------------------------------

#[tokio::test]
async fn pages_send_visitors_where_they_belong() {
    let server = TestServer::start(USERS);
    let client = server.client();
    let page = |cookie: Option<&str>| {
        let request = client.get(format!("{}/admin/sessions", server.base));
        let request = if let Some(cookie) = cookie {
            request.header("Cookie", cookie)
        } else {
            request
        };
        async move { request.send().await.expect("page") }
    };
    let login = client
        .get(format!("{}/login", server.base))
        .send()
        .await
        .expect("login");
    assert_eq!(login.status().as_u16(), 200);
    assert!(login.text().await.expect("html").contains("Username"));
    let anonymous = page(None).await;
    assert!(
        matches!(anonymous.status().as_u16(), 302 | 303),
        "{}",
        anonymous.status()
    );
    assert_eq!(anonymous.headers()["location"], "/login");
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let user = page(Some(&alice)).await;
    assert!(
        matches!(user.status().as_u16(), 302 | 303),
        "{}",
        user.status()
    );
    assert_eq!(user.headers()["location"], "/account/sessions");
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let console = page(Some(&admin)).await;
    assert_eq!(console.status().as_u16(), 200);
    let html = console.text().await.expect("html");
    assert!(
        html.contains("Active user connections across all apps") && html.contains("2 Active"),
        "SSR shows the data"
    );
}

// ---- the live channel --------------------------------------------------------------

#[tokio::test]
async fn the_live_channel_needs_a_live_session() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let alice_id = server.session_id(&alice).await;
    server
        .call("kill_sessions", Some(&admin), &format!("ids[0]={alice_id}"))
        .await;
    let garbage = "__Host-sessions=not-a-token";
    for cookie in [None, Some(garbage), Some(alice.as_str())] {
        match server.live(cookie).await {
            Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                assert_eq!(response.status().as_u16(), 401, "cookie {cookie:?}");
            }
            other => panic!(
                "upgrade with cookie {cookie:?} was not refused with 401: {:?}",
                other.err()
            ),
        }
    }
}

#[tokio::test]
async fn an_admin_console_sees_new_sign_ins() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let mut live = server.live(Some(&admin)).await.expect("upgrade");
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let bob_id = server.session_id(&bob).await;
    let events = live.until(|event| event["type"] == "created").await;
    let session = &events.last().expect("created")["session"];
    assert_eq!(
        (session["id"].as_str(), session["username"].as_str()),
        (Some(bob_id.as_str()), Some("bob"))
    );
}

#[tokio::test]
async fn a_killed_sessions_channel_is_told_and_closed() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let mut alice_live = server.live(Some(&alice)).await.expect("upgrade");
    let mut bob_live = server.live(Some(&bob)).await.expect("upgrade");

    // By the admin, in this process.
    let alice_id = server.session_id(&alice).await;
    server
        .call("kill_sessions", Some(&admin), &format!("ids[0]={alice_id}"))
        .await;
    // By the CLI, through the end log.
    let bob_id = server.session_id(&bob).await;
    assert!(cli(&server.database_url, &["kill", &bob_id], None)
        .status
        .success());

    for live in [&mut alice_live, &mut bob_live] {
        let events = live.until(|event| event["type"] == "signed_out").await;
        assert_eq!(
            events.last(),
            Some(&json(r#"{"type":"signed_out","reason":"killed"}"#))
        );
        assert!(
            matches!(live.next().await, Delivery::Closed(_)),
            "the server closes the channel"
        );
    }
}

#[tokio::test]
async fn a_users_channel_carries_only_their_own_sessions() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let mut live = server.live(Some(&alice)).await.expect("upgrade");
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let bob_id = server.session_id(&bob).await;
    server
        .call("kill_sessions", Some(&admin), &format!("ids[0]={bob_id}"))
        .await;
    // Events are delivered in order: once alice's own new sign-in arrives, anything
    // about bob would have arrived before it.
    server
        .sign_in_from("alice", "alice-password-1", &device_agent(2))
        .await;
    let events = live.until(|event| event["type"] == "created").await;
    assert_eq!(
        events.last().expect("created")["session"]["username"],
        "alice"
    );
    for event in &events {
        let text = event.to_string();
        assert!(
            !text.contains(&bob_id) && !text.contains("\"bob\""),
            "alice saw bob: {text}"
        );
    }
}
