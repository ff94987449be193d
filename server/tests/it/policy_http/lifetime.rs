//! A shorter lifetime saved while the server runs reaches the sessions already live.

use super::*;

#[tokio::test]
async fn a_shorter_lifetime_set_while_running_ends_older_sessions_within_two_seconds() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    // A three-hour-old session is only alive if it has not been idle for three hours.
    settings_set(&server, &["idle_timeout_minutes", "99999"]);
    let old = server
        .old_session("alice", "alice-password-1", Duration::from_secs(3 * 3600))
        .await;
    server
        .wait_for_setting(&admin, None, "idle_timeout_minutes", Some("99999"))
        .await;
    let fresh = server.sign_in("alice", "alice-password-1").await.cookie;
    assert_live(&server, &[&old, &fresh]).await;
    let mut old_live = server.live(Some(&old)).await.expect("upgrade");

    let set = settings_set(&server, &["lifetime_minutes", "120"]);
    assert_eq!(
        refusal(&server, &old, Duration::from_secs(2)).await,
        "expired"
    );
    // Its open channel is told why, as for a kill, then closed.
    let events = old_live.until(|event| event["type"] == "signed_out").await;
    assert_eq!(
        events.last(),
        Some(&json!({ "type": "signed_out", "reason": "expired" }))
    );
    assert!(
        matches!(old_live.next().await, Delivery::Closed(_)),
        "the server closes the channel"
    );
    assert_live(&server, &[&fresh, &admin]).await;
    server
        .wait_for_setting(&admin, None, "lifetime_minutes", Some("120"))
        .await;
    for session in live_sessions_of(&server, "alice") {
        let lifetime = session["expires_at"]
            .as_i64()
            .zip(session["created_at"].as_i64())
            .map(|(end, start)| end - start);
        assert_eq!(
            lifetime,
            Some(120 * 60_000),
            "the survivors' expiry moved in: {session}"
        );
    }
    // The save ended the old session itself, so it says so and the history has it.
    assert_eq!(
        set,
        "lifetime_minutes for all roles: 720 -> 120\nEnded 1 session: alice 1.\n"
    );
    let history = cli_json(
        &server.database_url,
        &["history", "--reason", "expired", "--format", "json"],
    );
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");
    assert_eq!(history[0]["ended_by"], "system", "{history}");
}

#[tokio::test]
async fn a_session_reaching_its_lifetime_unasked_has_its_channel_told_and_closed() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    // A session signed in almost twelve hours ago (the default lifetime) is only alive
    // if it has not been idle that long.
    settings_set(&server, &["idle_timeout_minutes", "99999"]);
    server
        .wait_for_setting(&admin, None, "idle_timeout_minutes", Some("99999"))
        .await;
    let lifetime = Duration::from_secs(720 * 60);
    // Time enough to sign in and open the channel on a busy machine.
    let left = Duration::from_secs(8);
    let old = server
        .old_session("alice", "alice-password-1", lifetime - left)
        .await;
    let mut live = server.live(Some(&old)).await.expect("upgrade");

    // Nothing asks for the session again: the server's own sweep (every 5 s) must end it
    // and tell its channel, within its remaining life plus one sweep.
    let deadline = Instant::now() + left + Duration::from_secs(10);
    let told = loop {
        match live.next().await {
            Delivery::Event(event) if event["type"] == "signed_out" => break event,
            Delivery::Event(_) | Delivery::TimedOut => assert!(
                Instant::now() < deadline,
                "the channel was not told within {:?}",
                left + Duration::from_secs(10)
            ),
            Delivery::Closed(code) => panic!("closed ({code:?}) without being told why"),
        }
    };
    assert_eq!(told, json!({ "type": "signed_out", "reason": "expired" }));
    assert!(
        matches!(live.next().await, Delivery::Closed(_)),
        "the server closes the channel"
    );
    assert_eq!(refusal(&server, &old, Duration::ZERO).await, "expired");
}
