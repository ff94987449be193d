//! The preview tells the truth about what saving ends.

use super::*;

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
