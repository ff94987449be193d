//! Only what a person does counts as activity. An open console tab keeps asking for its
//! list, its counts and who is signed in, and keeps its live channel open; none of that
//! may keep its session from going idle. What the person does (a page load, an action,
//! the page's "still here" after a click) does.

use crate::support::{cli_ok, json, refusal_reason, Delivery, TestServer};
use std::time::{Duration, Instant};

const USERS: &[(&str, &str, &str)] = &[("admin", "admin", "admin-password-1")];
const LIST: &str =
    "query[search]=&query[sort]=created&query[dir]=desc&query[page]=first&query[limit]=50";
const IDLE: Duration = Duration::from_secs(60);

/// The reads an open console makes by itself, all of which must succeed while live.
async fn automatic_refresh(server: &TestServer, cookie: &str) -> Result<(), String> {
    for (name, form) in [
        ("whoami", ""),
        ("session_facets", ""),
        ("list_sessions", LIST),
    ] {
        let (status, body) = server.call(name, Some(cookie), form).await;
        if status == 401 {
            return Err(refusal_reason(&body).unwrap_or_default());
        }
        assert_eq!(status, 200, "{name}: {body}");
    }
    Ok(())
}

#[tokio::test]
async fn an_untouched_console_tab_goes_idle_on_time_whatever_it_refreshes() {
    let server = TestServer::start(USERS);
    cli_ok(
        &server.database_url,
        &["settings", "set", "idle_timeout_minutes", "1"],
    );
    let watcher = server.sign_in("admin", "admin-password-1").await.cookie;
    let signed_in = Instant::now();
    let mut live = server
        .live(Some(&watcher))
        .await
        .expect("live channel opens");
    // Traffic elsewhere keeps the server busy meanwhile (another admin works).
    let worker = server
        .sign_in_from(
            "admin",
            "admin-password-1",
            "Mozilla/5.0 (X11; Linux x86_64) Worker/1",
        )
        .await
        .cookie;

    let reason = loop {
        if let Err(reason) = automatic_refresh(&server, &watcher).await {
            break reason;
        }
        let (status, body) = server.call("still_here", Some(&worker), "").await;
        assert_eq!(status, 200, "the working admin stays signed in: {body}");
        assert!(
            signed_in.elapsed() < IDLE + Duration::from_secs(15),
            "still live after {:?}",
            signed_in.elapsed()
        );
        tokio::time::sleep(Duration::from_secs(2)).await;
    };
    assert_eq!(reason, "idle");
    let after = signed_in.elapsed();
    assert!(
        after >= IDLE,
        "ended after {after:?}, before its idle timeout"
    );
    // The channel that was open all along is told why, as for a kill, then closed.
    let events = live.until(|event| event["type"] == "signed_out").await;
    assert_eq!(
        events.last(),
        Some(&json(r#"{"type":"signed_out","reason":"idle"}"#))
    );
    assert!(
        matches!(live.next().await, Delivery::Closed(_)),
        "the server closes the channel"
    );
    // The working admin, whose clicks counted, is still signed in.
    assert_eq!(server.call("whoami", Some(&worker), "").await.0, 200);
}
