//! Revocation: a killed session is refused on its next request, kill all, a CLI kill
//! reaching the running server, and an acknowledged kill (one session or many) surviving
//! SIGKILL.

use super::*;

// ---- revocation --------------------------------------------------------------------

#[tokio::test]
async fn a_killed_session_is_refused_on_its_next_request_with_the_reason() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let alice_id = server.session_id(&alice).await;
    let (status, body) = server
        .call("kill_sessions", Some(&admin), &format!("ids[0]={alice_id}"))
        .await;
    assert_eq!((status, body.as_str()), (200, "1"));
    let (status, body) = server.call("whoami", Some(&alice), "").await;
    assert_eq!(status, 401);
    assert_eq!(refusal_reason(&body).as_deref(), Some("killed"), "{body}");
    assert!(body.contains("ended by an administrator"), "{body}");
}

#[tokio::test]
async fn kill_all_keeps_the_callers_own_session_unless_asked() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    assert_eq!(
        server
            .call("kill_all", Some(&admin), "include_mine=false")
            .await,
        (200, "1".into())
    );
    assert_eq!(server.call("whoami", Some(&alice), "").await.0, 401);
    assert_eq!(server.call("whoami", Some(&admin), "").await.0, 200);
    assert_eq!(
        server
            .call("kill_all", Some(&admin), "include_mine=true")
            .await,
        (200, "1".into())
    );
    assert_eq!(server.call("whoami", Some(&admin), "").await.0, 401);
}

#[tokio::test]
async fn a_cli_kill_reaches_the_running_server_within_half_a_second() {
    let server = TestServer::start(USERS);
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let alice_id = server.session_id(&alice).await;
    let output = cli(&server.database_url, &["kill", &alice_id], None);
    assert!(output.status.success(), "{}", stderr(&output));
    let took = server.time_until_refused(&alice, Instant::now()).await;
    assert!(
        took.is_some_and(|took| took < Duration::from_millis(500)),
        "refused after {took:?}"
    );
}

#[tokio::test]
async fn an_acknowledged_kill_survives_sigkill() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let alice_id = server.session_id(&alice).await;
    assert_eq!(
        server
            .call("kill_sessions", Some(&admin), &format!("ids[0]={alice_id}"))
            .await
            .0,
        200
    );
    let server = server.kill_and_restart();
    let (status, body) = server.call("whoami", Some(&alice), "").await;
    assert_eq!(status, 401, "{body}");
    assert_eq!(refusal_reason(&body).as_deref(), Some("killed"), "{body}");
    assert_eq!(
        server.call("whoami", Some(&admin), "").await.0,
        200,
        "the admin's session survived the crash"
    );
}

/// A bulk end as an administrator makes it: from the console or from the command line.
#[derive(Clone, Copy, Debug)]
enum BulkEnd {
    /// `kill_all` without the caller's own session.
    KillAll,
    /// `kill_user_sessions` of bob, without the caller's own session.
    KillUserSessions,
    /// `sessions kill --user bob`.
    CliKillUser,
}

impl BulkEnd {
    /// Makes the end as `admin` and returns its acknowledgement: the count the function
    /// answered, or what the CLI printed once it exited.
    async fn acknowledged(self, server: &TestServer, admin: &str) -> String {
        let (status, body) = match self {
            BulkEnd::KillAll => {
                server
                    .call("kill_all", Some(admin), "include_mine=false")
                    .await
            }
            BulkEnd::KillUserSessions => {
                let bob = user_id(server, admin, "bob").await;
                let form = format!("user_id={bob}&include_mine=false");
                server.call("kill_user_sessions", Some(admin), &form).await
            }
            BulkEnd::CliKillUser => {
                let output = cli(&server.database_url, &["kill", "--user", "bob"], None);
                assert!(output.status.success(), "{}", stderr(&output));
                (200, crate::support::stdout(&output).trim().to_owned())
            }
        };
        assert_eq!(status, 200, "{self:?}: {body}");
        body
    }
}

/// The user id of `name`, who has a live session, from the admin's list.
async fn user_id(server: &TestServer, admin: &str, name: &str) -> i64 {
    let (status, body) = server.call("list_sessions", Some(admin), LIST).await;
    assert_eq!(status, 200, "{body}");
    let page = json(&body);
    page["sessions"]
        .as_array()
        .and_then(|sessions| sessions.iter().find(|s| s["username"] == name))
        .and_then(|session| session["user_id"].as_i64())
        .unwrap_or_else(|| panic!("no live session of {name}: {page}"))
}

/// Nothing acknowledged is ever lost, for the bulk ends too: SIGKILLed the moment the end
/// is acknowledged, the server comes back refusing every session it ended (and listing
/// them as killed in the history), while the sessions it spared still work.
#[tokio::test]
async fn an_acknowledged_bulk_end_survives_sigkill() {
    // Who signs in, each from a device of their own (one browser signing in twice within
    // seconds gets the same session): bob twice, so a user's end is more than one row.
    const SIGNED_IN: [(&str, u32); 4] = [("admin", 1), ("alice", 2), ("bob", 3), ("bob", 4)];
    for (end, ended, acknowledgement) in [
        (BulkEnd::KillAll, &["alice", "bob"][..], "3"),
        (BulkEnd::KillUserSessions, &["bob"][..], "2"),
        (BulkEnd::CliKillUser, &["bob"][..], "Ended 2 sessions."),
    ] {
        let server = TestServer::start(USERS);
        let mut sessions = Vec::new();
        for (user, device) in SIGNED_IN {
            let password = format!("{user}-password-1");
            let cookie = server
                .sign_in_from(user, &password, &device_agent(device))
                .await
                .cookie;
            let id = server.session_id(&cookie).await;
            sessions.push((user, cookie, id));
        }
        let admin = sessions[0].1.clone();

        assert_eq!(
            end.acknowledged(&server, &admin).await,
            acknowledgement,
            "{end:?}"
        );
        let server = server.kill_and_restart();

        let mut killed_ids: Vec<&str> = Vec::new();
        for (user, cookie, id) in &sessions {
            let (status, body) = server.call("whoami", Some(cookie), "").await;
            if ended.contains(user) {
                assert_eq!(
                    (status, refusal_reason(&body).as_deref()),
                    (401, Some("killed")),
                    "{end:?}: {user}'s session {id} came back: {body}"
                );
                killed_ids.push(id);
            } else {
                assert_eq!(status, 200, "{end:?}: {user}'s session was spared: {body}");
            }
        }
        let query = serde_json::json!({ "query": { "user": "", "reason": "killed",
            "from": null, "until": null, "after": null, "limit": 50 } });
        let (status, body) = server
            .call_json("session_history", Some(&admin), &query)
            .await;
        assert_eq!(status, 200, "{body}");
        let history = json(&body);
        let mut in_history: Vec<&str> = history["sessions"]
            .as_array()
            .expect("sessions")
            .iter()
            .map(|session| session["id"].as_str().expect("id"))
            .collect();
        in_history.sort_unstable();
        killed_ids.sort_unstable();
        assert_eq!(in_history, killed_ids, "{end:?}: {history}");
    }
}
