//! The records a save or a kill leaves: the history of ended sessions.

use super::*;

#[tokio::test]
async fn the_history_shows_who_killed_whom() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let bob_id = server.session_id(&bob).await;
    assert_eq!(
        server
            .call("kill_sessions", Some(&admin), &format!("ids[0]={bob_id}"))
            .await
            .0,
        200
    );
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    assert_eq!(server.call("sign_out", Some(&alice), "").await.0 / 100, 2);

    let all = ok(&server, "session_history", &admin, history_query(None)).await;
    assert_eq!(all["total"], 2, "{all}");
    assert_eq!(all["sessions"][0]["username"], "alice", "newest first");
    let killed = ok(
        &server,
        "session_history",
        &admin,
        history_query(Some("killed")),
    )
    .await;
    assert_eq!(killed["total"], 1, "{killed}");
    let entry = &killed["sessions"][0];
    assert_eq!(
        (entry["id"].as_str(), entry["ended_by"].as_str()),
        (Some(bob_id.as_str()), Some("admin"))
    );
    let mut by_user = history_query(None);
    by_user["query"]["user"] = json!("ali");
    let alices = ok(&server, "session_history", &admin, by_user).await;
    assert_eq!(
        (
            alices["total"].clone(),
            alices["sessions"][0]["end_reason"].clone()
        ),
        (json!(1), json!("logout"))
    );
    let mut bad = history_query(None);
    bad["query"]["reason"] = json!("bored");
    assert_eq!(
        call_json(&server, "session_history", Some(&admin), bad)
            .await
            .0,
        400
    );
}
