//! Account changes from the command line end the sessions of a running server: a new
//! password, disabling, deleting.

use super::*;

#[tokio::test]
async fn a_password_change_ends_the_users_sessions_unless_told_to_keep_them() {
    let server = TestServer::start(USERS);
    let laptop = server
        .sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await
        .cookie;
    let phone = server
        .sign_in_from("alice", "alice-password-1", &device_agent(2))
        .await
        .cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let url = &server.database_url;

    let kept = cli(
        url,
        &[
            "user",
            "passwd",
            "alice",
            "--password-stdin",
            "--keep-sessions",
        ],
        Some("alice-password-2"),
    );
    assert_eq!(
        crate::support::stdout(&kept),
        "Password of \"alice\" changed. No session ended.\n",
        "{}",
        stderr(&kept)
    );
    // Ends reach the server in order: once bob's is refused, any of alice's would have been.
    cli_ok(url, &["kill", "--user", "bob"]);
    assert_eq!(refusal(&server, &bob, END_REACHES_SERVER).await, "killed");
    assert_live(&server, &[&laptop, &phone]).await;
    assert_eq!(
        server
            .call("sign_in", None, "username=alice&password=alice-password-1")
            .await
            .0,
        400
    );
    let tablet = server
        .sign_in_from("alice", "alice-password-2", &device_agent(3))
        .await
        .cookie;
    let mut laptop_live = server.live(Some(&laptop)).await.expect("upgrade");

    let changed = cli(
        url,
        &["user", "passwd", "alice", "--password-stdin"],
        Some("alice-password-3"),
    );
    assert_eq!(
        crate::support::stdout(&changed),
        "Password of \"alice\" changed. Ended 3 sessions.\n",
        "{}",
        stderr(&changed)
    );
    for cookie in [&laptop, &phone, &tablet] {
        assert_eq!(
            refusal(&server, cookie, END_REACHES_SERVER).await,
            "password_change"
        );
    }
    let events = laptop_live
        .until(|event| event["type"] == "signed_out")
        .await;
    assert_eq!(
        events.last(),
        Some(&json!({ "type": "signed_out", "reason": "password_change" }))
    );
    server
        .sign_in_from("alice", "alice-password-3", &device_agent(4))
        .await;
}

#[tokio::test]
async fn disabling_ends_every_session_and_refuses_sign_in_until_enabled() {
    let server = TestServer::start(USERS);
    let laptop = server
        .sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await
        .cookie;
    let phone = server
        .sign_in_from("alice", "alice-password-1", &device_agent(2))
        .await
        .cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let url = &server.database_url;

    assert_eq!(
        cli_ok(url, &["user", "disable", "alice"]),
        "Disabled \"alice\". Ended 2 sessions.\n"
    );
    for cookie in [&laptop, &phone] {
        assert_eq!(
            refusal(&server, cookie, END_REACHES_SERVER).await,
            "user_disabled"
        );
    }
    assert_live(&server, &[&bob]).await;
    let (status, body) = server
        .call("sign_in", None, "username=alice&password=alice-password-1")
        .await;
    assert_eq!(
        (status, parse(&body)),
        (400, json!({ "BadRequest": "Wrong username or password." }))
    );

    assert_eq!(
        cli_ok(url, &["user", "enable", "alice"]),
        "Enabled \"alice\".\n"
    );
    let back = server
        .sign_in_from("alice", "alice-password-1", &device_agent(3))
        .await
        .cookie;
    assert_live(&server, &[&back]).await;
}

#[tokio::test]
async fn deleting_a_user_ends_their_sessions_and_keeps_them_in_the_history() {
    let server = TestServer::start(USERS);
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let alice_id = server.session_id(&alice).await;
    let url = &server.database_url;

    assert_eq!(
        cli(url, &["user", "delete", "alice"], None).status.code(),
        Some(2),
        "needs --yes"
    );
    assert_live(&server, &[&alice]).await;
    assert_eq!(
        cli_ok(url, &["user", "delete", "alice", "--yes"]),
        "Deleted \"alice\". Ended 1 session.\n"
    );
    assert_eq!(
        refusal(&server, &alice, END_REACHES_SERVER).await,
        "user_disabled"
    );
    let (status, _) = server
        .call("sign_in", None, "username=alice&password=alice-password-1")
        .await;
    assert_eq!(status, 400);
    let users = cli_json(url, &["user", "list", "--format", "json"]);
    assert!(
        users
            .as_array()
            .expect("list")
            .iter()
            .all(|user| user["name"] != "alice"),
        "{users}"
    );

    let history = cli_json(url, &["history", "--user", "alice", "--format", "json"]);
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");
    assert_eq!(history[0]["id"].as_str(), Some(alice_id.as_str()));
    assert_eq!(
        (
            history[0]["end_reason"].as_str(),
            history[0]["ended_by"].as_str()
        ),
        (Some("user_disabled"), Some("cli"))
    );
}
