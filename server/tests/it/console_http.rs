//! The console's additions on the real server: filter chips (facets) and filtered
//! lists, bad filters, "kill all sessions of this user", and the password change on
//! My sessions, with who may do what.

use crate::support::{device_agent, json, refusal_reason, TestServer};
use serde_json::Value;
use std::collections::BTreeMap;

const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "admin-password-1"),
    ("alice", "user", "alice-password-1"),
    ("bob", "user", "bob-password-1"),
];
const LIST: &str =
    "query[search]=&query[sort]=created&query[dir]=desc&query[page]=first&query[limit]=50";

/// Signs `user` in with their first password from device `n`: distinct devices get
/// distinct sessions (one device signing in twice within seconds gets the same one).
async fn sign_in(server: &TestServer, user: &str, device: u32) -> String {
    server
        .sign_in_from(user, &format!("{user}-password-1"), &device_agent(device))
        .await
        .cookie
}

/// `list_sessions` with `filter` (form fields of `query[filter]`), as the admin.
async fn list(server: &TestServer, admin: &str, filter: &str) -> (u16, Value) {
    let form = if filter.is_empty() {
        LIST.to_owned()
    } else {
        format!("{LIST}&{filter}")
    };
    let (status, body) = server.call("list_sessions", Some(admin), &form).await;
    let value = if status == 200 {
        json(&body)
    } else {
        Value::String(body)
    };
    (status, value)
}

/// One facet dimension as value → count.
fn counts(facets: &Value, dimension: &str) -> BTreeMap<String, i64> {
    facets[dimension]
        .as_array()
        .unwrap_or_else(|| panic!("no {dimension} in {facets}"))
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().expect("value").to_owned(),
                pair[1].as_i64().expect("count"),
            )
        })
        .collect()
}

fn map(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs
        .iter()
        .map(|(value, count)| ((*value).to_owned(), *count))
        .collect()
}

/// The user id behind a session, from the admin's list.
async fn user_id(server: &TestServer, admin: &str, name: &str) -> i64 {
    let (status, page) = list(server, admin, "").await;
    assert_eq!(status, 200, "{page}");
    page["sessions"]
        .as_array()
        .and_then(|sessions| sessions.iter().find(|s| s["username"] == name))
        .and_then(|session| session["user_id"].as_i64())
        .unwrap_or_else(|| panic!("no live session of {name}: {page}"))
}

fn bad_request(body: &str) -> String {
    json(body)["BadRequest"]
        .as_str()
        .unwrap_or_else(|| panic!("not a BadRequest: {body}"))
        .to_owned()
}

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
