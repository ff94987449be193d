//! The session policy over HTTP, against the real server: who may read and change it,
//! what bad input gets, whether the preview tells the truth about what saving ends,
//! and the records a save leaves (history of ended sessions, ledger of changes).

use crate::support::{json as parse, refusal_reason, Delivery, TestServer};
use serde_json::{json, Value};

const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "admin-password-1"),
    ("alice", "user", "alice-password-1"),
    ("bob", "user", "bob-password-1"),
];

/// The policy functions take JSON (nested scopes and options travel intact).
async fn call_json(
    server: &TestServer,
    name: &str,
    cookie: Option<&str>,
    body: Value,
) -> (u16, String) {
    server.call_json(name, cookie, &body).await
}

/// Signs in from another browser than the harness's: the same user from the same
/// browser within seconds is taken for a double-click and gets the same session.
async fn sign_in_from_firefox(server: &TestServer, user: &str, password: &str) -> String {
    let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
    let response = server
        .rpc(
            "sign_in",
            None,
            &format!("username={user}&password={password}"),
        )
        .header("Origin", &server.base)
        .header("User-Agent", firefox)
        .send()
        .await
        .expect("sign in");
    assert_eq!(
        response.status().as_u16(),
        200,
        "sign in as {user} from Firefox"
    );
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .expect("a cookie")
        .to_str()
        .expect("ascii");
    set_cookie.split(';').next().expect("pair").to_owned()
}

fn change(scope: Value, key: &str, value: Option<&str>) -> Value {
    json!({ "scope": scope, "key": key, "value": value })
}

fn role(name: &str) -> Value {
    json!({ "role": name })
}

fn history_query(reason: Option<&str>) -> Value {
    json!({ "query": { "user": "", "reason": reason, "from": null, "until": null, "after": null, "limit": 50 } })
}

async fn ok(server: &TestServer, name: &str, cookie: &str, body: Value) -> Value {
    let (status, text) = call_json(server, name, Some(cookie), body).await;
    assert_eq!(status, 200, "{name}: {text}");
    parse(&text)
}

#[tokio::test]
async fn only_admins_reach_the_policy() {
    let server = TestServer::start(USERS);
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let changes =
        json!({ "changes": [change(json!("default"), "idle_timeout_minutes", Some("5"))] });
    let calls = [
        ("get_settings", json!({})),
        ("preview_settings", changes.clone()),
        ("save_settings", changes),
        ("session_history", history_query(None)),
        ("settings_changes", json!({})),
    ];
    for (name, body) in calls {
        let (status, text) = call_json(&server, name, Some(&alice), body.clone()).await;
        assert_eq!(status, 403, "{name} as a user: {text}");
        assert_eq!(
            call_json(&server, name, None, body).await.0,
            401,
            "{name} signed out"
        );
    }
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let settings = ok(&server, "get_settings", &admin, json!({})).await;
    assert_eq!(
        settings["values"]["defaults"]["idle_timeout_minutes"], "30",
        "the user's save changed nothing"
    );
    assert_eq!(
        ok(&server, "settings_changes", &admin, json!({})).await,
        json!([])
    );
}

#[tokio::test]
async fn bad_values_get_a_precise_400_and_change_nothing() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let before = ok(&server, "get_settings", &admin, json!({})).await;
    let valid = change(json!("default"), "idle_timeout_minutes", Some("45"));
    let cases = [
        (
            change(json!("default"), "idle_timeout_minutes", Some("0")),
            r#"Idle timeout (idle_timeout_minutes): must be a whole number of minutes from 1 to 99,999; got "0"."#,
        ),
        (
            change(json!("default"), "idle_timeout_minutes", Some("1000000000")),
            r#"Idle timeout (idle_timeout_minutes): must be a whole number of minutes from 1 to 99,999; got "1000000000"."#,
        ),
        (
            change(role("user"), "max_sessions_per_user", Some("-1")),
            r#"Sessions per user (max_sessions_per_user) for role user: must be a whole number from 0 (no limit) to 10,000; got "-1"."#,
        ),
        (
            change(json!("default"), "ip_deny", Some("10.0.0.0/33")),
            r#""10.0.0.0/33" is not a CIDR range: the prefix length of an IPv4 range is 0 to 32, not "33"."#,
        ),
        (
            change(json!("default"), "ip_allow", Some("foo")),
            r#""foo" is not an IP address or CIDR range (like 203.0.113.0/24 or 2001:db8::/32)."#,
        ),
        (
            change(json!("default"), "no_such_setting", Some("1")),
            r#"Unknown setting "no_such_setting". Known settings: "#,
        ),
        (
            change(role("superuser"), "idle_timeout_minutes", Some("5")),
            "unknown variant `superuser`",
        ),
    ];
    for (bad, expected) in cases {
        // The valid change first: one bad value refuses the whole batch.
        let body = json!({ "changes": [valid.clone(), bad.clone()] });
        for function in ["preview_settings", "save_settings"] {
            let (status, text) = call_json(&server, function, Some(&admin), body.clone()).await;
            assert_eq!(status, 400, "{function} {bad}: {text}");
            let message = parse(&text)["BadRequest"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(
                message.contains(expected),
                "{function} {bad}: {message:?} lacks {expected:?}"
            );
        }
    }
    let (status, text) = call_json(
        &server,
        "save_settings",
        Some(&admin),
        json!({ "changes": [] }),
    )
    .await;
    assert_eq!(
        (status, parse(&text)),
        (400, json!({ "BadRequest": "No setting to change." }))
    );
    assert_eq!(
        ok(&server, "get_settings", &admin, json!({})).await,
        before,
        "nothing was saved"
    );
    assert_eq!(
        ok(&server, "settings_changes", &admin, json!({})).await,
        json!([]),
        "nothing was recorded"
    );
}

#[tokio::test]
async fn the_preview_is_what_saving_a_limit_ends() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let older = server.sign_in("alice", "alice-password-1").await.cookie;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let newer = sign_in_from_firefox(&server, "alice", "alice-password-1").await;
    assert_ne!(
        server.session_id(&newer).await,
        server.session_id(&older).await,
        "two sessions"
    );
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let older_id = server.session_id(&older).await;
    let mut older_live = server.live(Some(&older)).await.expect("upgrade");

    let body = json!({ "changes": [change(role("user"), "max_sessions_per_user", Some("1"))] });
    let preview = ok(&server, "preview_settings", &admin, body.clone()).await;
    let expected = json!({
        "sessions": 1,
        "users": [["alice", 1]],
        "reasons": [["evicted_by_limit", 1]],
        "includes_own": false,
        "observing": [],
    });
    assert_eq!(preview, expected);
    assert_eq!(
        server.call("whoami", Some(&older), "").await.0,
        200,
        "a preview ends nothing"
    );

    let saved = ok(&server, "save_settings", &admin, body).await;
    assert_eq!(saved, json!({ "changed": 1, "impact": expected }));
    let (status, text) = server.call("whoami", Some(&older), "").await;
    assert_eq!(
        (status, refusal_reason(&text).as_deref()),
        (401, Some("evicted_by_limit")),
        "{text}"
    );
    for cookie in [&newer, &bob, &admin] {
        assert_eq!(
            server.call("whoami", Some(cookie), "").await.0,
            200,
            "only the oldest of alice's ends"
        );
    }
    let events = older_live
        .until(|event| event["type"] == "signed_out")
        .await;
    assert_eq!(
        events.last(),
        Some(&json!({ "type": "signed_out", "reason": "evicted_by_limit" }))
    );
    assert!(
        matches!(older_live.next().await, Delivery::Closed(_)),
        "its live channel is closed"
    );

    let history = ok(&server, "session_history", &admin, history_query(None)).await;
    assert_eq!(history["total"], 1, "{history}");
    let ended = &history["sessions"][0];
    assert_eq!(
        (ended["id"].as_str(), ended["username"].as_str()),
        (Some(older_id.as_str()), Some("alice"))
    );
    assert_eq!(
        (ended["end_reason"].as_str(), ended["ended_by"].as_str()),
        (Some("evicted_by_limit"), Some("system"))
    );

    let ledger = ok(&server, "settings_changes", &admin, json!({})).await;
    let records = ledger.as_array().expect("a list");
    assert_eq!(records.len(), 1, "{ledger}");
    let record = &records[0];
    assert_eq!(record["actor"], "admin");
    assert_eq!(record["scope"], role("user"));
    assert_eq!(record["key"], "max_sessions_per_user");
    assert_eq!(
        (record["old_value"].clone(), record["new_value"].clone()),
        (Value::Null, json!("1"))
    );
    let settings = ok(&server, "get_settings", &admin, json!({})).await;
    assert_eq!(
        settings["values"]["overrides"]["user"]["max_sessions_per_user"],
        "1"
    );
    assert_eq!(
        settings["values"]["defaults"]["max_sessions_per_user"], "0",
        "the default stays"
    );

    // "Use default" drops the override again; that ends nobody.
    let reset = json!({ "changes": [change(role("user"), "max_sessions_per_user", None)] });
    let saved = ok(&server, "save_settings", &admin, reset).await;
    assert_eq!(saved["changed"], 1);
    assert_eq!(saved["impact"]["sessions"], 0);
    let settings = ok(&server, "get_settings", &admin, json!({})).await;
    assert!(settings["values"]["overrides"]
        .get("user")
        .is_none_or(|user| user.get("max_sessions_per_user").is_none()));
    let ledger = ok(&server, "settings_changes", &admin, json!({})).await;
    assert_eq!(
        (
            ledger[0]["old_value"].clone(),
            ledger[0]["new_value"].clone()
        ),
        (json!("1"), Value::Null),
        "newest first"
    );
}

#[tokio::test]
async fn a_deny_range_ends_a_roles_sessions_and_the_preview_warns_about_ones_own() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;

    // For everyone, the admin's own session would end too: the preview says so.
    let everyone = json!({ "changes": [change(json!("default"), "ip_deny", Some("127.0.0.0/8"))] });
    let preview = ok(&server, "preview_settings", &admin, everyone).await;
    assert_eq!(
        (preview["sessions"].clone(), preview["includes_own"].clone()),
        (json!(3), json!(true)),
        "{preview}"
    );
    assert_eq!(preview["reasons"], json!([["ip_rule", 3]]));

    let users_only = json!({ "changes": [change(role("user"), "ip_deny", Some("127.0.0.1/8"))] });
    let preview = ok(&server, "preview_settings", &admin, users_only.clone()).await;
    assert_eq!(preview["includes_own"], false, "{preview}");
    assert_eq!(preview["sessions"], 2, "{preview}");
    let mut users: Vec<Value> = preview["users"].as_array().expect("users").clone();
    users.sort_by_key(|user| user[0].as_str().map(str::to_owned));
    assert_eq!(users, vec![json!(["alice", 1]), json!(["bob", 1])]);

    let saved = ok(&server, "save_settings", &admin, users_only).await;
    assert_eq!(
        saved["impact"]["sessions"], preview["sessions"],
        "the save ended what the preview said"
    );
    for cookie in [&alice, &bob] {
        let (status, text) = server.call("whoami", Some(cookie), "").await;
        assert_eq!(
            (status, refusal_reason(&text).as_deref()),
            (401, Some("ip_rule")),
            "{text}"
        );
    }
    assert_eq!(
        server.call("whoami", Some(&admin), "").await.0,
        200,
        "the admin's own session survives"
    );
    let (status, text) = server
        .call("sign_in", None, "username=alice&password=alice-password-1")
        .await;
    assert_eq!(
        status, 403,
        "a new sign-in from a denied range is refused: {text}"
    );
    let settings = ok(&server, "get_settings", &admin, json!({})).await;
    assert_eq!(
        settings["values"]["overrides"]["user"]["ip_deny"], "127.0.0.0/8",
        "stored normalised"
    );

    let history = ok(
        &server,
        "session_history",
        &admin,
        history_query(Some("ip_rule")),
    )
    .await;
    assert_eq!(history["total"], 2, "{history}");
    let none = ok(
        &server,
        "session_history",
        &admin,
        history_query(Some("killed")),
    )
    .await;
    assert_eq!(none["total"], 0, "the reason filter applies: {none}");
}

#[tokio::test]
async fn the_history_shows_who_killed_whom() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let bob_id = server.session_id(&bob).await;
    assert_eq!(
        server
            .call("kill_sessions", Some(&admin), &format!("ids[0]={bob_id}"))
            .await
            .0,
        200
    );
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    assert_eq!(server.call("sign_out", Some(&alice), "").await.0 / 100, 2);

    let all = ok(&server, "session_history", &admin, history_query(None)).await;
    assert_eq!(all["total"], 2, "{all}");
    assert_eq!(all["sessions"][0]["username"], "alice", "newest first");
    let killed = ok(
        &server,
        "session_history",
        &admin,
        history_query(Some("killed")),
    )
    .await;
    assert_eq!(killed["total"], 1, "{killed}");
    let entry = &killed["sessions"][0];
    assert_eq!(
        (entry["id"].as_str(), entry["ended_by"].as_str()),
        (Some(bob_id.as_str()), Some("admin"))
    );
    let mut by_user = history_query(None);
    by_user["query"]["user"] = json!("ali");
    let alices = ok(&server, "session_history", &admin, by_user).await;
    assert_eq!(
        (
            alices["total"].clone(),
            alices["sessions"][0]["end_reason"].clone()
        ),
        (json!(1), json!("logout"))
    );
    let mut bad = history_query(None);
    bad["query"]["reason"] = json!("bored");
    assert_eq!(
        call_json(&server, "session_history", Some(&admin), bad)
            .await
            .0,
        400
    );
}
