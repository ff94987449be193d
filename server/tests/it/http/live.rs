//! The live channel: who may open it, what an admin and a user receive on it, and a
//! killed session's channel being told and closed.

use super::*;

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
