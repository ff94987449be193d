//! Filter chips (facets) and filtered lists, malformed filters, and end users kept out
//! of both.

use super::*;

// ---- facets and filters ------------------------------------------------------------

#[tokio::test]
async fn facets_count_live_sessions_and_filters_narrow_the_list() {
    let server = TestServer::start(USERS);
    let admin = sign_in(&server, "admin", 1).await;
    sign_in(&server, "alice", 3).await;
    sign_in(&server, "alice", 4).await;
    let bob = sign_in(&server, "bob", 2).await;
    server.call("sign_out", Some(&bob), "").await;

    let (status, body) = server.call("session_facets", Some(&admin), "").await;
    assert_eq!(status, 200, "{body}");
    let facets = json(&body);
    assert_eq!(
        counts(&facets, "applications"),
        map(&[("console", 3)]),
        "bob signed out: {body}"
    );
    assert_eq!(
        counts(&facets, "roles"),
        map(&[("admin", 1), ("user", 2)]),
        "{body}"
    );
    assert_eq!(
        counts(&facets, "statuses"),
        map(&[("authenticated", 3)]),
        "{body}"
    );
    // Loopback addresses have no country: all of them are "unknown" ("").
    assert_eq!(counts(&facets, "countries"), map(&[("", 3)]), "{body}");

    for (filter, total) in [
        ("query[filter][role]=user", 2),
        ("query[filter][role]=admin", 1),
        ("query[filter][application]=console", 3),
        ("query[filter][application]=no-such-app", 0),
        ("query[filter][status]=authenticated", 3),
        ("query[filter][status]=guest", 0),
        ("query[filter][country]=", 3),
        ("query[filter][country]=nl", 0),
        ("query[filter][role]=user&query[filter][country]=", 2),
    ] {
        let (status, page) = list(&server, &admin, filter).await;
        assert_eq!(status, 200, "{filter}: {page}");
        assert_eq!(page["total"], total, "{filter}: {page}");
        assert_eq!(
            page["sessions"].as_array().map(Vec::len),
            Some(total as usize),
            "{filter}: {page}"
        );
    }
    let (_, users) = list(&server, &admin, "query[filter][role]=user").await;
    let names: Vec<&str> = users["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .filter_map(|s| s["username"].as_str())
        .collect();
    assert_eq!(names, ["alice", "alice"], "{users}");
}

#[tokio::test]
async fn malformed_filters_get_a_400_that_says_why() {
    let server = TestServer::start(USERS);
    let admin = sign_in(&server, "admin", 1).await;
    let long_application = format!("query[filter][application]={}", "a".repeat(201));
    let (status, body) = list(&server, &admin, &long_application).await;
    assert_eq!(status, 400, "{body}");
    let message = bad_request(body.as_str().expect("body"));
    assert_eq!(
        message,
        "The application filter is longer than 200 characters."
    );
    let (status, body) = list(
        &server,
        &admin,
        &format!("query[filter][application]={}", "a".repeat(200)),
    )
    .await;
    assert_eq!(status, 200, "200 characters are allowed: {body}");

    for country in ["NLD", "N", "1A", "n%C3%A9", "%20%20"] {
        let (status, body) = list(
            &server,
            &admin,
            &format!("query[filter][country]={country}"),
        )
        .await;
        assert_eq!(status, 400, "country {country}: {body}");
        let message = bad_request(body.as_str().expect("body"));
        assert!(
            message.starts_with("The country filter must be a two-letter country code"),
            "{country}: {message}"
        );
    }
    let (status, body) = list(&server, &admin, "query[filter][role]=superuser").await;
    assert_eq!(status, 400, "unknown role: {body}");
    assert_eq!(
        server.call("whoami", Some(&admin), "").await.0,
        200,
        "none of it ended anything"
    );
}

// ---- who may do what ----------------------------------------------------------------

#[tokio::test]
async fn end_users_reach_neither_the_chips_nor_anyone_elses_sessions() {
    let server = TestServer::start(USERS);
    let admin = sign_in(&server, "admin", 1).await;
    let alice = sign_in(&server, "alice", 2).await;
    let bob = sign_in(&server, "bob", 3).await;
    let bob_id = user_id(&server, &admin, "bob").await;
    let admin_id = user_id(&server, &admin, "admin").await;

    assert_eq!(server.call("session_facets", None, "").await.0, 401);
    assert_eq!(server.call("session_facets", Some(&alice), "").await.0, 403);
    for target in [bob_id, admin_id] {
        for include_mine in [false, true] {
            let form = format!("user_id={target}&include_mine={include_mine}");
            let (status, body) = server.call("kill_user_sessions", Some(&alice), &form).await;
            assert_eq!(status, 403, "{form}: {body}");
        }
    }
    assert_eq!(
        server
            .call(
                "kill_user_sessions",
                None,
                &format!("user_id={bob_id}&include_mine=true")
            )
            .await
            .0,
        401
    );
    // Alice's password change touches only Alice.
    let form = "current=alice-password-1&new=alice-password-2&repeat=alice-password-2&sign_out_others=true";
    assert_eq!(
        server.call("change_password", Some(&alice), form).await,
        (200, "0".into())
    );
    assert_eq!(
        server.call("whoami", Some(&bob), "").await.0,
        200,
        "bob is untouched"
    );
    assert_eq!(
        server.call("whoami", Some(&admin), "").await.0,
        200,
        "the admin is untouched"
    );
    sign_in(&server, "bob", 4).await;
    assert_eq!(server.call("change_password", None, form).await.0, 401);
}
