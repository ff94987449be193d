//! The live channel at `/live` against the real binary: who may open it, and the shape
//! of batched messages.

use crate::support::{cli, device_agent, Delivery, TestServer};
use tokio_tungstenite::tungstenite::Error;

const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "admin-password-1"),
    ("alice", "user", "alice-password-1"),
];

#[tokio::test]
async fn only_our_own_pages_may_open_the_channel() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    for origin in [
        "null",
        "http://evil.example",
        "http://127.0.0.1.evil.example",
    ] {
        match server.live_from(Some(&admin), Some(origin)).await {
            Err(Error::Http(response)) => {
                assert_eq!(response.status().as_u16(), 403, "origin {origin}")
            }
            other => panic!(
                "origin {origin} was not refused with 403: {:?}",
                other.err()
            ),
        }
    }
    let mut own = server
        .live_from(Some(&admin), Some(&server.base))
        .await
        .expect("own origin");
    assert!(
        matches!(own.next().await, Delivery::TimedOut),
        "open and quiet"
    );
    server
        .live_from(Some(&admin), None)
        .await
        .expect("no Origin: not a browser, allowed");
}

#[tokio::test]
async fn a_bulk_kill_reaches_an_admin_as_one_message_of_whole_sessions() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let mut ids = Vec::new();
    for device in 0..3 {
        let alice = server
            .sign_in_from("alice", "alice-password-1", &device_agent(device))
            .await
            .cookie;
        ids.push(server.session_id(&alice).await);
    }
    ids.sort();
    let mut live = server.live(Some(&admin)).await.expect("upgrade");
    let killed = cli(&server.database_url, &["kill", "--user", "alice"], None);
    assert!(
        killed.status.success(),
        "{}",
        String::from_utf8_lossy(&killed.stderr)
    );

    let events = live.until(|event| event["type"] == "ended").await;
    let ended = events.last().expect("ended");
    let sessions = ended["sessions"].as_array().expect("sessions");
    let mut ended_ids: Vec<String> = sessions
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_owned())
        .collect();
    ended_ids.sort();
    assert_eq!(ended_ids, ids, "all three in one message");
    for session in sessions {
        assert_eq!(session["username"], "alice");
        assert_eq!(session["end_reason"], "killed");
        assert!(
            session["ended_at"].is_i64() && session["user_agent"].is_string(),
            "a whole session: {session}"
        );
    }
    assert!(
        !matches!(live.next().await, Delivery::Event(ref event) if event["type"] == "ended"),
        "no second end message"
    );
}
