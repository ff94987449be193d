//! The HTTP surface of the real server: cookies, CSRF, bad input, authorisation and
//! revocation across processes.

mod support;

use std::time::{Duration, Instant};
use support::{cli, TestServer};

const USERS: &[(&str, &str, &str)] =
    &[("admin", "admin", "admin-password-1"), ("alice", "user", "alice-password-1"), ("bob", "user", "bob-password-1")];
const LIST: &str = "query[search]=&query[sort]=created&query[dir]=desc&query[page]=first&query[limit]=50";

#[tokio::test]
async fn the_session_cookie_has_every_protection() {
    let server = TestServer::start(USERS);
    let (_, header) = server.sign_in("alice", "alice-password-1").await;
    assert!(header.starts_with("__Host-sessions="), "{header}");
    for part in ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(header.contains(part), "{header} lacks {part}");
    }
}

#[tokio::test]
async fn wrong_passwords_get_one_message_and_then_a_wait() {
    let server = TestServer::start(USERS);
    let (status, wrong) = server.call("sign_in", None, "username=alice&password=nope-nope").await;
    let (_, unknown) = server.call("sign_in", None, "username=nobody&password=nope-nope").await;
    assert_eq!(status, 400);
    assert!(wrong.contains("Wrong username or password."), "{wrong}");
    assert_eq!(wrong, unknown, "no account enumeration");
    for _ in 0..4 {
        server.call("sign_in", None, "username=alice&password=nope-nope").await;
    }
    let (status, body) = server.call("sign_in", None, "username=alice&password=alice-password-1").await;
    assert_eq!(status, 429, "{body}");
    assert!(body.contains("Try again in"), "{body}");
}

#[tokio::test]
async fn cross_site_posts_are_refused_and_change_nothing() {
    let server = TestServer::start(USERS);
    let (admin, _) = server.sign_in("admin", "admin-password-1").await;
    let (alice, _) = server.sign_in("alice", "alice-password-1").await;
    for origin in [None, Some("http://evil.example")] {
        let mut request = server
            .client()
            .post(format!("{}/rpc/kill_all", server.base))
            .header("Cookie", &admin)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("include_mine=true");
        if let Some(origin) = origin {
            request = request.header("Origin", origin);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status().as_u16(), 403, "origin {origin:?}");
    }
    assert_eq!(server.call("whoami", Some(&alice), "").await.0, 200, "nothing was killed");
}

#[tokio::test]
async fn bad_input_gets_a_clear_4xx() {
    let server = TestServer::start(USERS);
    let (admin, _) = server.sign_in("admin", "admin-password-1").await;
    let bad_cursor = LIST.replace("query[page]=first", "query[page][after]=zzz");
    let long_search = LIST.replace("query[search]=", &format!("query[search]={}", "x".repeat(201)));
    for (form, expected) in [
        (LIST.replace("query[limit]=50", "query[limit]=abc"), 400),
        (bad_cursor, 400),
        (long_search, 400),
    ] {
        let (status, body) = server.call("list_sessions", Some(&admin), &form).await;
        assert_eq!(status, expected, "{form}: {body}");
        assert!(!body.to_lowercase().contains("database"), "internal detail leaked: {body}");
    }
    let (status, body) = server.call("kill_sessions", Some(&admin), "ids[0]=not-an-id").await;
    assert_eq!(status, 400, "{body}");
    let (status, _) = server.call("kill_sessions", Some(&admin), &format!("ids[0]={}", "0".repeat(32))).await;
    assert_eq!(status, 200, "an unknown but well-formed id ends nothing and is not an error");

    let huge = format!("username={}&password=x", "a".repeat(1 << 20));
    assert_eq!(server.call("sign_in", None, &huge).await.0, 413);
    let get = server.client().get(format!("{}/rpc/kill_all", server.base)).header("Cookie", &admin).send().await;
    let status = get.expect("request").status().as_u16();
    assert!((400..500).contains(&status), "GET on a POST function: {status}");
}

#[tokio::test]
async fn only_admins_list_or_kill_and_users_cannot_reach_others() {
    let server = TestServer::start(USERS);
    let (alice, _) = server.sign_in("alice", "alice-password-1").await;
    let (bob, _) = server.sign_in("bob", "bob-password-1").await;
    let bob_id = server.session_id(&bob).await;
    assert_eq!(server.call("list_sessions", None, LIST).await.0, 401);
    assert_eq!(server.call("list_sessions", Some(&alice), LIST).await.0, 403);
    assert_eq!(server.call("kill_sessions", Some(&alice), &format!("ids[0]={bob_id}")).await.0, 403);
    let (status, body) = server.call("sign_out_sessions", Some(&alice), &format!("ids[0]={bob_id}")).await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = server.call("my_sessions", Some(&alice), LIST).await;
    assert_eq!(status, 200);
    assert!(!body.contains(&bob_id), "alice's list shows bob's session");
    assert_eq!(server.call("whoami", Some(&bob), "").await.0, 200, "bob's session survived");
}

#[tokio::test]
async fn a_killed_session_is_refused_on_its_next_request_with_the_reason() {
    let server = TestServer::start(USERS);
    let (admin, _) = server.sign_in("admin", "admin-password-1").await;
    let (alice, _) = server.sign_in("alice", "alice-password-1").await;
    let alice_id = server.session_id(&alice).await;
    let (status, body) = server.call("kill_sessions", Some(&admin), &format!("ids[0]={alice_id}")).await;
    assert_eq!((status, body.as_str()), (200, "1"));
    let (status, body) = server.call("whoami", Some(&alice), "").await;
    assert_eq!(status, 401);
    assert!(body.contains("killed") && body.contains("ended by an administrator"), "{body}");
}

#[tokio::test]
async fn kill_all_keeps_the_callers_own_session_unless_asked() {
    let server = TestServer::start(USERS);
    let (admin, _) = server.sign_in("admin", "admin-password-1").await;
    let (alice, _) = server.sign_in("alice", "alice-password-1").await;
    assert_eq!(server.call("kill_all", Some(&admin), "include_mine=false").await, (200, "1".into()));
    assert_eq!(server.call("whoami", Some(&alice), "").await.0, 401);
    assert_eq!(server.call("whoami", Some(&admin), "").await.0, 200);
    assert_eq!(server.call("kill_all", Some(&admin), "include_mine=true").await, (200, "1".into()));
    assert_eq!(server.call("whoami", Some(&admin), "").await.0, 401);
}

#[tokio::test]
async fn a_cli_kill_reaches_the_running_server_within_half_a_second() {
    let server = TestServer::start(USERS);
    let (alice, _) = server.sign_in("alice", "alice-password-1").await;
    let alice_id = server.session_id(&alice).await;
    let output = cli(&server.database_url, &["kill", &alice_id], None);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let killed_at = Instant::now();
    loop {
        if server.call("whoami", Some(&alice), "").await.0 == 401 {
            break;
        }
        assert!(killed_at.elapsed() < Duration::from_millis(500), "still accepted 500 ms after the CLI kill");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn pages_send_visitors_where_they_belong() {
    let server = TestServer::start(USERS);
    let client = server.client();
    let login = client.get(format!("{}/login", server.base)).send().await.expect("login");
    assert_eq!(login.status().as_u16(), 200);
    assert!(login.text().await.expect("html").contains("Username"));
    let anonymous = client.get(format!("{}/admin/sessions", server.base)).send().await.expect("page");
    assert_eq!(anonymous.headers()["location"], "/login");
    let (alice, _) = server.sign_in("alice", "alice-password-1").await;
    let user = client.get(format!("{}/admin/sessions", server.base)).header("Cookie", &alice).send().await.expect("page");
    assert_eq!(user.headers()["location"], "/account/sessions");
    let (admin, _) = server.sign_in("admin", "admin-password-1").await;
    let page = client.get(format!("{}/admin/sessions", server.base)).header("Cookie", &admin).send().await.expect("page");
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("Active user connections across all apps") && html.contains("2 Active"), "SSR shows the data");
}

#[tokio::test]
async fn the_live_channel_needs_a_session() {
    let server = TestServer::start(USERS);
    let url = format!("{}/live", server.base.replace("http://", "ws://"));
    assert!(tokio_tungstenite::connect_async(url).await.is_err(), "upgrade without a cookie must be refused");
}

#[tokio::test]
async fn an_acknowledged_kill_survives_sigkill() {
    let server = TestServer::start(USERS);
    let (admin, _) = server.sign_in("admin", "admin-password-1").await;
    let (alice, _) = server.sign_in("alice", "alice-password-1").await;
    let alice_id = server.session_id(&alice).await;
    assert_eq!(server.call("kill_sessions", Some(&admin), &format!("ids[0]={alice_id}")).await.0, 200);
    let server = server.kill_and_restart();
    let (status, body) = server.call("whoami", Some(&alice), "").await;
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("killed"), "{body}");
    assert_eq!(server.call("whoami", Some(&admin), "").await.0, 200, "the admin's session survived the crash");
}
