//! Who may do what: admins list and kill, users reach only their own sessions, pages
//! send visitors where they belong.

use super::*;

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
