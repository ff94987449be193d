//! Listing sessions: newest first, pages with a total, filtered by user.

use super::*;

/// Every page of `query` (which must set a limit), following `next`; the ids in order.
async fn all_pages(server: &TestServer, key: &str, query: &str, total: u64) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/sessions?{query}&cursor={cursor}"),
            None => format!("/sessions?{query}"),
        };
        let page = server
            .api(Method::GET, &path, Some(key), None)
            .await
            .expect_json(200);
        assert_eq!(
            page["total"].as_u64(),
            Some(total),
            "every page has the total: {page}"
        );
        seen.extend(ids(&page["sessions"]));
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return seen,
        }
        assert!(
            seen.len() <= total as usize,
            "more pages than sessions: {seen:?}"
        );
    }
}

#[tokio::test]
async fn list_pages_newest_first_with_a_total_and_filters_by_user() {
    let server = TestServer::start(&[]);
    let key = server.api_add_app("shop");
    let mut first = None;
    for n in 0..5 {
        let created = server
            .api_create(&key, "u-1", &format!("203.0.113.{n}"))
            .await;
        first.get_or_insert(created);
    }
    server.api_create(&key, "u-2", "203.0.113.20").await;
    server.api_create(&key, "u-2", "203.0.113.21").await;
    server
        .api_post("/guest-sessions", &key, json!({ "ip": "203.0.113.30" }))
        .await
        .expect_json(201);
    let (ended_token, ended_session) = first.expect("created");
    server
        .api_post("/sessions/logout", &key, json!({ "token": ended_token }))
        .await;

    let page = server
        .api(Method::GET, "/sessions", Some(&key), None)
        .await
        .expect_json(200);
    assert_eq!(keys(&page), ["next", "sessions", "total"], "{page}");
    assert_eq!(
        (page["total"].as_u64(), page["next"].as_str()),
        (Some(7), None),
        "{page}"
    );
    let sessions = page["sessions"].as_array().expect("list");
    sessions.iter().for_each(api_assert_session);
    let created: Vec<i64> = sessions
        .iter()
        .map(|session| session["created_at"].as_i64().expect("ms"))
        .collect();
    assert!(
        created.windows(2).all(|pair| pair[0] >= pair[1]),
        "newest first: {created:?}"
    );
    let everything = ids(&page["sessions"]);
    assert!(
        !everything.contains(&id_of(&ended_session)),
        "only live sessions"
    );

    let mine = server
        .api(Method::GET, "/sessions?user_id=u-1", Some(&key), None)
        .await
        .expect_json(200);
    assert_eq!(mine["total"].as_u64(), Some(4), "{mine}");
    assert!(
        mine["sessions"]
            .as_array()
            .expect("list")
            .iter()
            .all(|session| session["user_id"] == "u-1"),
        "{mine}"
    );
    let nobody = server
        .api(Method::GET, "/sessions?user_id=nobody", Some(&key), None)
        .await
        .expect_json(200);
    assert_eq!(nobody, json!({ "sessions": [], "total": 0, "next": null }));

    // Paging visits every session once, in the same order.
    assert_eq!(all_pages(&server, &key, "limit=1", 7).await, everything);
    assert_eq!(all_pages(&server, &key, "limit=3", 7).await, everything);
    let paged_mine = all_pages(&server, &key, "user_id=u-1&limit=3", 4).await;
    assert_eq!(paged_mine, ids(&mine["sessions"]));
    let widest = server
        .api(Method::GET, "/sessions?limit=200", Some(&key), None)
        .await
        .expect_json(200);
    assert_eq!(ids(&widest["sessions"]), everything);

    // The default page holds 50.
    for n in 0..44 {
        server
            .api_post(
                "/guest-sessions",
                &key,
                json!({ "ip": format!("198.51.100.{n}") }),
            )
            .await
            .expect_json(201);
    }
    let page = server
        .api(Method::GET, "/sessions", Some(&key), None)
        .await
        .expect_json(200);
    assert_eq!(page["total"].as_u64(), Some(51), "{}", page["total"]);
    assert_eq!(page["sessions"].as_array().map(Vec::len), Some(50));
    let next = page["next"].as_str().expect("a next page");
    let rest = server
        .api(
            Method::GET,
            &format!("/sessions?cursor={next}"),
            Some(&key),
            None,
        )
        .await
        .expect_json(200);
    assert_eq!(
        (
            rest["sessions"].as_array().map(Vec::len),
            rest["next"].as_str()
        ),
        (Some(1), None),
        "{rest}"
    );
}
