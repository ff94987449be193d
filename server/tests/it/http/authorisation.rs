//! Who may do what: admins list and kill, users reach only their own sessions, pages
//! send visitors where they belong.

use super::*;
use crate::support::Args;

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

/// Fetches `name` as the admin (200 asserted).
async fn as_admin(
    server: &TestServer,
    admin: &str,
    name: &str,
    body: serde_json::Value,
) -> serde_json::Value {
    let (status, text) = server.call_json(name, Some(admin), &body).await;
    assert_eq!(status, 200, "{name}: {text}");
    json(&text)
}

/// Every ended session, newest first.
fn history_query() -> serde_json::Value {
    serde_json::json!({ "query":
        { "user": "", "reason": null, "from": null, "until": null, "after": null, "limit": 50 } })
}

#[tokio::test]
async fn every_admin_function_refuses_users_and_visitors() {
    use serde_json::json as value;
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    // A browser of bob's own, so a leak of his session would be recognisable.
    let bob_agent = "Mozilla/5.0 (X11; Linux x86_64) BobsOwnBrowser/7.7";
    let bob = server
        .sign_in_from("bob", "bob-password-1", bob_agent)
        .await
        .cookie;
    let bob_id = server.session_id(&bob).await;
    let (status, page) = server.call("list_sessions", Some(&admin), LIST).await;
    assert_eq!(status, 200, "{page}");
    let page = json(&page);
    let bobs = page["sessions"]
        .as_array()
        .and_then(|sessions| sessions.iter().find(|s| s["id"] == bob_id.as_str()))
        .unwrap_or_else(|| panic!("bob's session is not listed: {page}"))
        .clone();
    let bob_user_id = bobs["user_id"].as_i64().expect("bob's user id");
    // Real targets: an application the admin added, with a live session of one of its
    // users, and a setting that differs from its current value.
    let shop = as_admin(
        &server,
        &admin,
        "add_application",
        value!({ "name": "shop" }),
    )
    .await;
    let shop_key = shop["key"].as_str().expect("a key").to_owned();
    let (shop_token, _) = server.api_create(&shop_key, "u-42", "203.0.113.7").await;
    let settings = as_admin(&server, &admin, "get_settings", value!({})).await;
    assert_eq!(settings["values"]["defaults"]["idle_timeout_minutes"], "30");
    let changes = value!({ "changes": [
        { "scope": "default", "key": "idle_timeout_minutes", "value": "5" }
    ] });
    let report = value!({ "query": { "range": "Day", "since": "", "until": "", "app": "" } });
    let kill_bob = format!("ids[0]={bob_id}");
    let kill_bobs_account = format!("user_id={bob_user_id}&include_mine=true");

    // Every `#[server]` function that calls `require_admin` or `require_admin_viewing`
    // (app/src/*_api.rs), each aimed at something real: a new one is one line here.
    let calls = [
        ("analytics_report", Args::Json(report)),
        ("list_applications", Args::Json(value!({}))),
        (
            "add_application",
            Args::Json(value!({ "name": "intruder" })),
        ),
        ("revoke_application", Args::Json(value!({ "name": "shop" }))),
        ("session_facets", Args::Form(String::new())),
        ("live_session", Args::Form(format!("id={bob_id}"))),
        ("list_sessions", Args::Form(LIST.into())),
        ("kill_sessions", Args::Form(kill_bob)),
        ("kill_all", Args::Form("include_mine=true".into())),
        ("kill_user_sessions", Args::Form(kill_bobs_account)),
        (
            "kill_app_user_sessions",
            Args::Form("application=shop&user_id=u-42".into()),
        ),
        ("get_settings", Args::Json(value!({}))),
        ("preview_settings", Args::Json(changes.clone())),
        ("save_settings", Args::Json(changes)),
        ("session_history", Args::Json(history_query())),
        ("settings_changes", Args::Json(value!({}))),
    ];
    // What of bob's session a leaking refusal would show.
    let bobs_data = [
        bob_id.as_str(),
        "\"bob\"",
        bob_agent,
        "BobsOwnBrowser",
        bobs["last_ip"].as_str().expect("bob's address"),
    ];
    for (name, args) in &calls {
        let (status, body) = server.call_args(name, None, args).await;
        assert_eq!(status, 401, "{name} signed out: {body}");
        let (status, body) = server.call_args(name, Some(&alice), args).await;
        assert_eq!(status, 403, "{name} as a user: {body}");
        assert_eq!(json(&body), value!("Forbidden"), "{name} as a user");
        for data in bobs_data {
            assert!(!body.contains(data), "{name} showed alice {data}: {body}");
        }
    }

    // Nothing changed: no session ended, the application is as the admin left it, the
    // settings and their ledger are untouched.
    assert_eq!(
        server.call("whoami", Some(&bob), "").await.0,
        200,
        "bob's session survived"
    );
    assert_eq!(
        server.call("whoami", Some(&alice), "").await.0,
        200,
        "alice's too"
    );
    server
        .api_check(&shop_key, &shop_token, "203.0.113.7")
        .await
        .expect_json(200);
    let history = as_admin(&server, &admin, "session_history", history_query()).await;
    assert_eq!(history["total"], 0, "a session ended: {history}");
    let applications = as_admin(&server, &admin, "list_applications", value!({})).await;
    let listed: Vec<_> = applications
        .as_array()
        .expect("a list")
        .iter()
        .map(|app| (app["name"].clone(), app["revoked_at"].clone()))
        .collect();
    assert_eq!(listed, [(value!("shop"), value!(null))], "{applications}");
    assert_eq!(
        as_admin(&server, &admin, "get_settings", value!({})).await,
        settings
    );
    assert_eq!(
        as_admin(&server, &admin, "settings_changes", value!({})).await,
        value!([])
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
