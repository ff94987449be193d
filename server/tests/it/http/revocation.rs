//! Revocation: a killed session is refused on its next request, kill all, a CLI kill
//! reaching the running server, and an acknowledged kill surviving SIGKILL.

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
