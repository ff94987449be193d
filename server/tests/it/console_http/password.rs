//! The password change on My sessions.

use super::*;

// ---- changing one's own password ----------------------------------------------------

#[tokio::test]
async fn a_wrong_current_password_changes_nothing() {
    let server = TestServer::start(USERS);
    let here = sign_in(&server, "alice", 1).await;
    let other = sign_in(&server, "alice", 2).await;
    let form = "current=not-the-password&new=alice-password-2&repeat=alice-password-2&sign_out_others=true";
    let (status, body) = server.call("change_password", Some(&here), form).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(bad_request(&body), "The current password is wrong.");

    // Two new fields that differ, or a new password that is too short: refused too.
    let form = "current=alice-password-1&new=alice-password-2&repeat=alice-password-3&sign_out_others=true";
    let (status, body) = server.call("change_password", Some(&here), form).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        bad_request(&body),
        "The new password and its repetition differ."
    );
    let form = "current=alice-password-1&new=short&repeat=short&sign_out_others=true";
    let (status, body) = server.call("change_password", Some(&here), form).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        bad_request(&body).contains("at least 8 characters"),
        "{body}"
    );

    assert_eq!(
        server.call("whoami", Some(&other), "").await.0,
        200,
        "no session ended"
    );
    assert_eq!(
        server.call("whoami", Some(&here), "").await.0,
        200,
        "no session ended"
    );
    sign_in(&server, "alice", 3).await;
}

#[tokio::test]
async fn a_new_password_signs_out_the_other_sessions_and_keeps_this_one() {
    let server = TestServer::start(USERS);
    let here = sign_in(&server, "alice", 1).await;
    let other = sign_in(&server, "alice", 2).await;
    let form = "current=alice-password-1&new=alice-password-2&repeat=alice-password-2&sign_out_others=true";
    assert_eq!(
        server.call("change_password", Some(&here), form).await,
        (200, "1".into())
    );

    let (status, body) = server.call("whoami", Some(&other), "").await;
    assert_eq!(
        (status, refusal_reason(&body).as_deref()),
        (401, Some("password_change")),
        "{body}"
    );
    assert!(
        body.contains("Your session was ended because the password changed."),
        "{body}"
    );
    assert_eq!(
        server.call("whoami", Some(&here), "").await.0,
        200,
        "the current session stays"
    );

    let (status, body) = server
        .call("sign_in", None, "username=alice&password=alice-password-1")
        .await;
    assert_eq!(status, 400, "the old password no longer works: {body}");
    server.sign_in("alice", "alice-password-2").await;
}

#[tokio::test]
async fn a_new_password_without_signing_out_keeps_every_session() {
    let server = TestServer::start(USERS);
    let here = sign_in(&server, "bob", 1).await;
    let other = sign_in(&server, "bob", 2).await;
    let form =
        "current=bob-password-1&new=bob-password-2&repeat=bob-password-2&sign_out_others=false";
    assert_eq!(
        server.call("change_password", Some(&here), form).await,
        (200, "0".into())
    );
    assert_eq!(server.call("whoami", Some(&other), "").await.0, 200);
    assert_eq!(server.call("whoami", Some(&here), "").await.0, 200);
    server.sign_in("bob", "bob-password-2").await;
}
