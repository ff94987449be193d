//! Concurrent-session limits over HTTP: refusing beyond the limit, evicting the oldest and
//! telling its page, and what counts as a second session.

use super::*;

#[tokio::test]
async fn a_per_user_limit_refuses_the_sign_in_beyond_it_and_creates_nothing() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let set = settings_set(&server, &["max_sessions_per_user", "2", "--role", "user"]);
    assert_eq!(
        set,
        "max_sessions_per_user for role user: (default) -> 2\nNo session ended.\n"
    );
    server
        .wait_for_setting(&admin, Some("user"), "max_sessions_per_user", Some("2"))
        .await;

    let laptop = server
        .sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await
        .cookie;
    let phone = server
        .sign_in_from("alice", "alice-password-1", &device_agent(2))
        .await
        .cookie;
    let before = ids(&live_sessions_of(&server, "alice"));
    assert_eq!(before.len(), 2);
    let third = server
        .try_sign_in_from("alice", "alice-password-1", &device_agent(3))
        .await;
    assert_eq!(
        refused_message(third),
        "Sign-in refused: at most 2 sessions per user are allowed. Sign out of another session first."
    );
    assert_eq!(
        ids(&live_sessions_of(&server, "alice")),
        before,
        "the refused sign-in created nothing"
    );
    assert_live(&server, &[&laptop, &phone]).await;

    // The limit is per user and for the user role only.
    server
        .sign_in_from("bob", "bob-password-1", &device_agent(1))
        .await;
    for device in 1..=3 {
        server
            .sign_in_from("admin", "admin-password-1", &device_agent(device))
            .await;
    }
    assert_eq!(
        live_sessions_of(&server, "admin").len(),
        4,
        "admins have no limit"
    );
}

#[tokio::test]
async fn a_per_user_limit_with_evict_oldest_ends_the_oldest_session_and_tells_its_page() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    settings_set(&server, &["max_sessions_per_user", "2", "--role", "user"]);
    settings_set(&server, &["limit_action", "evict_oldest"]);
    server
        .wait_for_setting(&admin, None, "limit_action", Some("evict_oldest"))
        .await;
    server
        .wait_for_setting(&admin, Some("user"), "max_sessions_per_user", Some("2"))
        .await;

    let oldest = server
        .sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await
        .cookie;
    let oldest_id = server.session_id(&oldest).await;
    let mut oldest_live = server.live(Some(&oldest)).await.expect("upgrade");
    let middle = server
        .sign_in_from("alice", "alice-password-1", &device_agent(2))
        .await
        .cookie;
    let newest = server
        .sign_in_from("alice", "alice-password-1", &device_agent(3))
        .await
        .cookie;

    let events = oldest_live
        .until(|event| event["type"] == "signed_out")
        .await;
    assert_eq!(
        events.last(),
        Some(&json!({ "type": "signed_out", "reason": "evicted_by_limit" }))
    );
    assert!(
        matches!(oldest_live.next().await, Delivery::Closed(_)),
        "the server closes its channel"
    );
    assert_eq!(
        refusal(&server, &oldest, Duration::ZERO).await,
        "evicted_by_limit",
        "refused on its next request"
    );
    assert_live(&server, &[&middle, &newest, &admin]).await;
    assert_eq!(live_sessions_of(&server, "alice").len(), 2);

    let history = cli_json(&server.database_url, &["history", "--format", "json"]);
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");
    let ended = &history[0];
    assert_eq!(ended["id"].as_str(), Some(oldest_id.as_str()));
    assert_eq!(
        (ended["end_reason"].as_str(), ended["ended_by"].as_str()),
        (Some("evicted_by_limit"), Some("system"))
    );
}

#[tokio::test]
async fn two_sign_ins_from_one_client_are_two_sessions_with_their_own_tokens() {
    let server = TestServer::start(USERS);
    let (first, second) = tokio::join!(
        server.sign_in("alice", "alice-password-1"),
        server.sign_in("alice", "alice-password-1")
    );
    assert_ne!(
        first.cookie, second.cookie,
        "never one token for two clients"
    );
    let again = server.sign_in("alice", "alice-password-1").await;
    assert_ne!(again.cookie, first.cookie);
    assert_eq!(live_sessions_of(&server, "alice").len(), 3);
}
