//! Network rules over HTTP: a denied range ends live sessions at once and refuses
//! sign-ins; the public-only and private-only address kinds.

use super::*;

#[tokio::test]
async fn a_denied_range_for_a_role_ends_its_sessions_at_once_and_refuses_its_sign_ins() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let mut alice_live = server.live(Some(&alice)).await.expect("upgrade");
    let url = &server.database_url;

    let preview = cli_ok(
        url,
        &[
            "settings",
            "set",
            "ip_deny",
            "127.0.0.1/8",
            "--role",
            "user",
            "--dry-run",
        ],
    );
    assert_eq!(preview, "Would end 2 sessions: alice 1, bob 1.\n");
    assert_eq!(
        cli_json(url, &["history", "--settings", "--format", "json"]),
        json!([]),
        "a dry run saves nothing"
    );
    assert_live(&server, &[&alice, &bob]).await;

    let set = settings_set(&server, &["ip_deny", "127.0.0.1/8", "--role", "user"]);
    assert_eq!(
        set,
        "ip_deny for role user: (default) -> 127.0.0.0/8\nEnded 2 sessions: alice 1, bob 1.\n"
    );
    for cookie in [&alice, &bob] {
        assert_eq!(
            refusal(&server, cookie, END_REACHES_SERVER).await,
            "ip_rule"
        );
    }
    let events = alice_live
        .until(|event| event["type"] == "signed_out")
        .await;
    assert_eq!(
        events.last(),
        Some(&json!({ "type": "signed_out", "reason": "ip_rule" }))
    );
    assert_live(&server, &[&admin]).await;

    server
        .wait_for_setting(&admin, Some("user"), "ip_deny", Some("127.0.0.0/8"))
        .await;
    let refused = server
        .try_sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await;
    assert_eq!(
        refused_message(refused),
        "Sign-in from 127.0.0.1 is not allowed: it is in the denied range 127.0.0.0/8."
    );
    server
        .sign_in_from("admin", "admin-password-1", &device_agent(1))
        .await;

    let ended = cli_json(url, &["history", "--reason", "ip_rule", "--format", "json"]);
    let mut users: Vec<&str> = ended
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["username"].as_str())
        .collect();
    users.sort_unstable();
    assert_eq!(users, ["alice", "bob"], "{ended}");
    assert!(
        ended
            .as_array()
            .expect("list")
            .iter()
            .all(|session| session["ended_by"] == "system"),
        "{ended}"
    );
}

#[tokio::test]
async fn address_kinds_public_only_refuses_loopback_and_private_only_allows_it() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    settings_set(&server, &["ip_ranges", "public_only", "--role", "user"]);
    server
        .wait_for_setting(&admin, Some("user"), "ip_ranges", Some("public_only"))
        .await;
    let refused = server
        .try_sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await;
    assert_eq!(
        refused_message(refused),
        "Sign-in from 127.0.0.1 is not allowed: only public addresses are allowed."
    );
    assert!(live_sessions_of(&server, "alice").is_empty());

    settings_set(&server, &["ip_ranges", "private_only", "--role", "user"]);
    server
        .wait_for_setting(&admin, Some("user"), "ip_ranges", Some("private_only"))
        .await;
    let alice = server
        .sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await
        .cookie;
    assert_live(&server, &[&alice]).await;
}
