//! "Kill all sessions of this user", for console accounts and application users.

use super::*;

// ---- kill all sessions of a user ---------------------------------------------------

#[tokio::test]
async fn killing_a_user_ends_all_of_their_sessions_and_no_one_elses() {
    let server = TestServer::start(USERS);
    let admin = sign_in(&server, "admin", 1).await;
    let bob_laptop = sign_in(&server, "bob", 2).await;
    let bob_phone = sign_in(&server, "bob", 3).await;
    let alice = sign_in(&server, "alice", 4).await;
    let bob_id = user_id(&server, &admin, "bob").await;

    let (status, body) = server
        .call(
            "kill_user_sessions",
            Some(&admin),
            &format!("user_id={bob_id}&include_mine=false"),
        )
        .await;
    assert_eq!((status, body.as_str()), (200, "2"));
    for cookie in [&bob_laptop, &bob_phone] {
        let (status, body) = server.call("whoami", Some(cookie), "").await;
        assert_eq!(
            (status, refusal_reason(&body).as_deref()),
            (401, Some("killed")),
            "{body}"
        );
    }
    assert_eq!(
        server.call("whoami", Some(&alice), "").await.0,
        200,
        "alice is untouched"
    );
    assert_eq!(
        server.call("whoami", Some(&admin), "").await.0,
        200,
        "the admin is untouched"
    );
    let (status, body) = server
        .call(
            "kill_user_sessions",
            Some(&admin),
            &format!("user_id={bob_id}&include_mine=false"),
        )
        .await;
    assert_eq!(
        (status, body.as_str()),
        (200, "0"),
        "nothing of bob's is left to end"
    );

    let (status, body) = server
        .call(
            "kill_user_sessions",
            Some(&admin),
            "user_id=999999&include_mine=false",
        )
        .await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(json(&body)["NotFound"], "No such user.", "{body}");
    let (status, body) = server
        .call(
            "kill_user_sessions",
            Some(&admin),
            "user_id=bob&include_mine=false",
        )
        .await;
    assert_eq!(status, 400, "a name is not an id: {body}");
}

#[tokio::test]
async fn an_admin_killing_their_own_user_keeps_the_current_session_unless_asked() {
    let server = TestServer::start(USERS);
    let here = sign_in(&server, "admin", 1).await;
    let elsewhere = sign_in(&server, "admin", 2).await;
    let admin_id = user_id(&server, &here, "admin").await;

    let form = format!("user_id={admin_id}&include_mine=false");
    assert_eq!(
        server.call("kill_user_sessions", Some(&here), &form).await,
        (200, "1".into())
    );
    assert_eq!(
        server.call("whoami", Some(&elsewhere), "").await.0,
        401,
        "the other admin session ended"
    );
    assert_eq!(
        server.call("whoami", Some(&here), "").await.0,
        200,
        "the current one survived"
    );

    let form = format!("user_id={admin_id}&include_mine=true");
    assert_eq!(
        server.call("kill_user_sessions", Some(&here), &form).await,
        (200, "1".into())
    );
    assert_eq!(
        server.call("whoami", Some(&here), "").await.0,
        401,
        "asked to include it, it ended too"
    );
}

#[tokio::test]
async fn killing_an_application_user_ends_only_that_users_sessions_in_that_application() {
    let server = TestServer::start(USERS);
    let admin = sign_in(&server, "admin", 1).await;
    let alice = sign_in(&server, "alice", 2).await;
    let shop = server.api_add_app("shop");
    let blog = server.api_add_app("blog");
    let (ada_laptop, _) = server.api_create(&shop, "u-42", "203.0.113.7").await;
    let (ada_phone, _) = server.api_create(&shop, "u-42", "203.0.113.8").await;
    let (grace, _) = server.api_create(&shop, "u-43", "203.0.113.9").await;
    let (ada_in_blog, _) = server.api_create(&blog, "u-42", "203.0.113.7").await;

    let form = "application=shop&user_id=u-42";
    assert_eq!(
        server
            .call("kill_app_user_sessions", Some(&alice), form)
            .await
            .0,
        403,
        "admins only"
    );
    assert_eq!(
        server.call("kill_app_user_sessions", None, form).await.0,
        401
    );
    server
        .api_check(&shop, &ada_laptop, "203.0.113.7")
        .await
        .expect_json(200);

    assert_eq!(
        server
            .call("kill_app_user_sessions", Some(&admin), form)
            .await,
        (200, "2".into())
    );
    server
        .api_check(&shop, &ada_laptop, "203.0.113.7")
        .await
        .expect_refusal("session_ended", Some("killed"));
    server
        .api_check(&shop, &ada_phone, "203.0.113.8")
        .await
        .expect_refusal("session_ended", Some("killed"));
    server
        .api_check(&shop, &grace, "203.0.113.9")
        .await
        .expect_json(200);
    server
        .api_check(&blog, &ada_in_blog, "203.0.113.7")
        .await
        .expect_json(200);
    assert_eq!(
        server.call("whoami", Some(&admin), "").await.0,
        200,
        "the admin is untouched"
    );
}
