//! Who may read and change the policy, and what bad values get.

use super::*;

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
