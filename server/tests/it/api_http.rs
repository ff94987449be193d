//! The application API (/api/v1) of the real server, endpoint by endpoint, as the
//! contract of issue 4 states it: the status, the JSON shape, and what each call stored
//! as the command line sees the same database.

use crate::support::{api_assert_session, api_is_token, cli_json, TestServer, API_USER_AGENT};
use reqwest::Method;
use serde_json::{json, Value};

const MINUTE: i64 = 60_000;

fn id_of(session: &Value) -> String {
    session["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id: {session}"))
        .to_owned()
}

fn ids(sessions: &Value) -> Vec<String> {
    sessions
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {sessions}"))
        .iter()
        .map(id_of)
        .collect()
}

fn keys(object: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = object
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// The end reason the history records for session `id`.
fn ended_reason(server: &TestServer, id: &str) -> Option<String> {
    let history = cli_json(
        &server.database_url,
        &["history", "--limit", "10000", "--format", "json"],
    );
    let ended = history
        .as_array()
        .expect("a list")
        .iter()
        .find(|session| session["id"] == id)?;
    ended["end_reason"].as_str().map(str::to_owned)
}

// ---- creating --------------------------------------------------------------------------

#[tokio::test]
async fn create_returns_the_token_once_and_the_console_lists_the_session() {
    let server = TestServer::start(&[]);
    let key = server.api_add_app("shop");
    let body = json!({ "user_id": "u-42", "display_name": "Ada Lovelace", "role": "user",
                       "ip": "203.0.113.7", "user_agent": API_USER_AGENT });
    let created = server
        .api_post("/sessions", &key, body)
        .await
        .expect_json(201);
    assert_eq!(keys(&created), ["session", "token"], "{created}");
    let token = created["token"].as_str().expect("token");
    assert!(api_is_token(token), "token {token:?}");
    let session = &created["session"];
    api_assert_session(session);
    assert!(
        !session.to_string().contains(token),
        "the session object carries the token: {session}"
    );
    let fields = [
        "user_id",
        "display_name",
        "status",
        "role",
        "first_ip",
        "last_ip",
        "user_agent",
    ];
    let values: Vec<&str> = fields
        .iter()
        .map(|field| session[field].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        values,
        [
            "u-42",
            "Ada Lovelace",
            "authenticated",
            "user",
            "203.0.113.7",
            "203.0.113.7",
            API_USER_AGENT
        ],
        "{session}"
    );
    let agent: Vec<&str> = ["browser", "os", "device"]
        .iter()
        .map(|field| session[field].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(agent, ["Chrome", "Windows 10", "desktop"], "{session}");
    assert!(
        session["browser_version"]
            .as_str()
            .is_some_and(|version| version.starts_with("120")),
        "{session}"
    );
    let at = |field: &str| session[field].as_i64().expect("a timestamp");
    assert_eq!(at("created_at"), at("last_seen_at"), "{session}");
    assert_eq!(
        at("idle_deadline") - at("last_seen_at"),
        30 * MINUTE,
        "default idle timeout: {session}"
    );
    assert_eq!(
        at("expires_at") - at("created_at"),
        720 * MINUTE,
        "default lifetime: {session}"
    );

    // Stored, and shown to the console as a session of the application "shop".
    let listed = server
        .api_listed(&id_of(session))
        .expect("the CLI lists the new session");
    assert_eq!(listed["application"], "shop", "{listed}");
    assert_eq!(
        listed["username"], "Ada Lovelace",
        "the console shows the display name: {listed}"
    );
    assert_eq!(
        (listed["last_ip"].as_str(), listed["role"].as_str()),
        (Some("203.0.113.7"), Some("user")),
        "{listed}"
    );
    let checked = server
        .api_check(&key, token, "203.0.113.7")
        .await
        .expect_json(200);
    assert_eq!(
        id_of(&checked),
        id_of(session),
        "the token is that session's"
    );

    // Defaults: display_name = user_id, role user, user agent ""; IPv6; the admin role.
    let minimal = json!({ "user_id": "u-43", "ip": "2001:db8::1" });
    let minimal = server
        .api_post("/sessions", &key, minimal)
        .await
        .expect_json(201)["session"]
        .clone();
    api_assert_session(&minimal);
    assert_eq!(minimal["display_name"], "u-43", "{minimal}");
    assert_eq!(
        (minimal["role"].as_str(), minimal["user_agent"].as_str()),
        (Some("user"), Some("")),
        "{minimal}"
    );
    assert_eq!(minimal["first_ip"], "2001:db8::1", "{minimal}");
    let admin = json!({ "user_id": "root-1", "role": "admin", "ip": "203.0.113.9" });
    let admin = server
        .api_post("/sessions", &key, admin)
        .await
        .expect_json(201)["session"]
        .clone();
    assert_eq!(admin["role"], "admin", "{admin}");
    assert_eq!(server.api_stored().live.len(), 3);
}

#[tokio::test]
async fn a_guest_session_has_no_user() {
    let server = TestServer::start(&[]);
    let key = server.api_add_app("shop");
    let body = json!({ "ip": "203.0.113.7", "user_agent": API_USER_AGENT });
    let created = server
        .api_post("/guest-sessions", &key, body)
        .await
        .expect_json(201);
    assert_eq!(keys(&created), ["session", "token"], "{created}");
    let token = created["token"].as_str().expect("token");
    assert!(api_is_token(token), "token {token:?}");
    let session = &created["session"];
    api_assert_session(session);
    assert!(
        session["user_id"].is_null() && session["display_name"].is_null(),
        "{session}"
    );
    assert_eq!(
        (session["status"].as_str(), session["role"].as_str()),
        (Some("guest"), Some("user")),
        "{session}"
    );
    let listed = server.api_listed(&id_of(session)).expect("listed");
    assert_eq!(listed["application"], "shop", "{listed}");
    let checked = server
        .api_check(&key, token, "203.0.113.7")
        .await
        .expect_json(200);
    assert_eq!(checked["status"], "guest", "{checked}");
}

// ---- checking and ending ---------------------------------------------------------------

#[tokio::test]
async fn check_answers_the_session_with_fresh_activity_and_refuses_an_unknown_token() {
    let server = TestServer::start(&[]);
    let key = server.api_add_app("shop");
    let (token, created) = server.api_create(&key, "u-1", "203.0.113.7").await;
    tokio::time::sleep(std::time::Duration::from_millis(30)).await;
    let checked = server
        .api_check(&key, &token, "203.0.113.7")
        .await
        .expect_json(200);
    api_assert_session(&checked);
    assert!(checked.get("token").is_none(), "{checked}");
    assert_eq!(id_of(&checked), id_of(&created));
    let seen = checked["last_seen_at"].as_i64().expect("last_seen_at");
    assert!(
        seen > created["last_seen_at"].as_i64().expect("last_seen_at"),
        "fresh activity: {checked}"
    );
    assert_eq!(
        checked["idle_deadline"].as_i64(),
        Some(seen + 30 * MINUTE),
        "{checked}"
    );
    assert_eq!(checked["created_at"], created["created_at"], "{checked}");

    // user_agent is optional on a check.
    let bare = json!({ "token": token, "ip": "203.0.113.7" });
    server
        .api_post("/sessions/check", &key, bare)
        .await
        .expect_json(200);

    let before = server.api_stored();
    let unknown = server.api_check(&key, &"A".repeat(43), "203.0.113.7").await;
    let error = unknown.expect_error(401, "session_unknown");
    assert!(
        error.get("reason").is_none(),
        "no end reason for a token never seen: {error}"
    );
    assert_eq!(
        server.api_stored(),
        before,
        "an unknown token changes nothing"
    );
}

#[tokio::test]
async fn logout_ends_the_session_and_answers_204_again_afterwards() {
    let server = TestServer::start(&[]);
    let key = server.api_add_app("shop");
    let (token, session) = server.api_create(&key, "u-1", "203.0.113.7").await;
    let (other, _) = server.api_create(&key, "u-1", "203.0.113.8").await;

    let logout = server
        .api_post("/sessions/logout", &key, json!({ "token": token }))
        .await;
    assert_eq!(
        (logout.status, logout.body.as_str()),
        (204, ""),
        "{logout:?}"
    );
    server
        .api_check(&key, &token, "203.0.113.7")
        .await
        .expect_refusal("session_ended", Some("logout"));
    assert_eq!(
        ended_reason(&server, &id_of(&session)).as_deref(),
        Some("logout"),
        "the history records it"
    );
    assert!(
        server.api_listed(&id_of(&session)).is_none(),
        "no longer live"
    );
    let again = server
        .api_post("/sessions/logout", &key, json!({ "token": token }))
        .await;
    assert_eq!(
        again.status, 204,
        "an ended session logs out again: {again:?}"
    );
    server
        .api_check(&key, &other, "203.0.113.8")
        .await
        .expect_json(200);

    let before = server.api_stored();
    let unknown = server
        .api_post("/sessions/logout", &key, json!({ "token": "B".repeat(43) }))
        .await;
    unknown.expect_error(401, "session_unknown");
    assert_eq!(server.api_stored(), before);
}

#[tokio::test]
async fn delete_by_id_ends_that_session_only() {
    let server = TestServer::start(&[]);
    let key = server.api_add_app("shop");
    let (token, session) = server.api_create(&key, "u-1", "203.0.113.7").await;
    let (other, _) = server.api_create(&key, "u-1", "203.0.113.8").await;
    let path = format!("/sessions/{}", id_of(&session));

    let deleted = server.api(Method::DELETE, &path, Some(&key), None).await;
    assert_eq!(
        (deleted.status, deleted.body.as_str()),
        (204, ""),
        "{deleted:?}"
    );
    let refused = server.api_check(&key, &token, "203.0.113.7").await;
    refused.expect_error(401, "session_ended");
    assert!(
        ended_reason(&server, &id_of(&session)).is_some(),
        "the history records it"
    );
    server
        .api_check(&key, &other, "203.0.113.8")
        .await
        .expect_json(200);

    let before = server.api_stored();
    let again = server.api(Method::DELETE, &path, Some(&key), None).await;
    again.expect_error(404, "session_not_found");
    let unknown = server
        .api(
            Method::DELETE,
            &format!("/sessions/{}", "0".repeat(32)),
            Some(&key),
            None,
        )
        .await;
    unknown.expect_error(404, "session_not_found");
    assert_eq!(server.api_stored(), before);
}

#[tokio::test]
async fn ending_a_users_sessions_keeps_one_if_asked_and_records_the_reason() {
    let server = TestServer::start(&[]);
    let key = server.api_add_app("shop");
    let mut tokens = Vec::new();
    for ip in ["203.0.113.1", "203.0.113.2", "203.0.113.3"] {
        tokens.push((server.api_create(&key, "u-1", ip).await, ip));
    }
    let (bob, bob_session) = server.api_create(&key, "u-2", "203.0.113.9").await;
    let (email, _) = server
        .api_create(&key, "ada lovelace@example.com", "203.0.113.10")
        .await;
    let kept = id_of(&tokens[0].0 .1);

    let path = format!("/users/u-1/sessions?keep={kept}&reason=password_change");
    let ended = server
        .api(Method::DELETE, &path, Some(&key), None)
        .await
        .expect_json(200);
    assert_eq!(ended, json!({ "ended": 2 }));
    server
        .api_check(&key, &tokens[0].0 .0, tokens[0].1)
        .await
        .expect_json(200);
    for ((token, _), ip) in &tokens[1..] {
        server
            .api_check(&key, token, ip)
            .await
            .expect_refusal("session_ended", Some("password_change"));
    }
    server
        .api_check(&key, &bob, "203.0.113.9")
        .await
        .expect_json(200);

    // Without keep and reason: all of them, reason logout; then there is nothing left.
    let ended = server
        .api(Method::DELETE, "/users/u-1/sessions", Some(&key), None)
        .await
        .expect_json(200);
    assert_eq!(ended, json!({ "ended": 1 }));
    server
        .api_check(&key, &tokens[0].0 .0, tokens[0].1)
        .await
        .expect_refusal("session_ended", Some("logout"));
    let ended = server
        .api(Method::DELETE, "/users/u-1/sessions", Some(&key), None)
        .await
        .expect_json(200);
    assert_eq!(ended, json!({ "ended": 0 }));
    let nobody = server
        .api(Method::DELETE, "/users/nobody/sessions", Some(&key), None)
        .await
        .expect_json(200);
    assert_eq!(nobody, json!({ "ended": 0 }));

    // The other reasons, and a user id that needs escaping in the path.
    let killed = server
        .api(
            Method::DELETE,
            "/users/u-2/sessions?reason=killed",
            Some(&key),
            None,
        )
        .await;
    assert_eq!(killed.expect_json(200), json!({ "ended": 1 }));
    server
        .api_check(&key, &bob, "203.0.113.9")
        .await
        .expect_refusal("session_ended", Some("killed"));
    assert_eq!(
        ended_reason(&server, &id_of(&bob_session)).as_deref(),
        Some("killed")
    );
    let path = "/users/ada%20lovelace%40example.com/sessions?reason=user_disabled";
    assert_eq!(
        server
            .api(Method::DELETE, path, Some(&key), None)
            .await
            .expect_json(200),
        json!({ "ended": 1 })
    );
    server
        .api_check(&key, &email, "203.0.113.10")
        .await
        .expect_refusal("session_ended", Some("user_disabled"));
    assert!(server.api_stored().live.is_empty());
}

// ---- listing ---------------------------------------------------------------------------

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

// ---- the document ----------------------------------------------------------------------

#[tokio::test]
async fn the_openapi_document_is_3_1_and_lists_every_path_without_a_key() {
    let server = TestServer::start(&[]);
    let document = server
        .api(Method::GET, "/openapi.json", None, None)
        .await
        .expect_json(200);
    let version = document["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3.1"), "openapi {version:?}");
    assert!(
        document["info"]["title"].is_string() && document["info"]["version"].is_string(),
        "info"
    );
    let paths = document["paths"].as_object().expect("paths");
    // Parameter names aside, each path of the contract, relative to /api/v1 or not.
    let normal = |path: &str| -> String {
        let path = path.strip_prefix("/api/v1").unwrap_or(path);
        let mut out = String::new();
        let mut in_param = false;
        for c in path.chars() {
            match c {
                '{' => {
                    in_param = true;
                    out.push_str("{}");
                }
                '}' => in_param = false,
                _ if in_param => {}
                _ => out.push(c),
            }
        }
        out
    };
    let documented: Vec<(String, &serde_json::Map<String, Value>)> = paths
        .iter()
        .map(|(path, item)| (normal(path), item.as_object().expect("path item")))
        .collect();
    let wanted = [
        ("/sessions", "post"),
        ("/sessions", "get"),
        ("/guest-sessions", "post"),
        ("/sessions/check", "post"),
        ("/sessions/logout", "post"),
        ("/sessions/{}", "delete"),
        ("/users/{}/sessions", "delete"),
        ("/openapi.json", "get"),
    ];
    for (path, method) in wanted {
        let item = documented
            .iter()
            .find(|(documented, _)| documented == path)
            .map(|(_, item)| item);
        let item = item.unwrap_or_else(|| panic!("{path} is not documented: {:?}", paths.keys()));
        assert!(
            item.contains_key(method),
            "{method} {path} is not documented"
        );
    }
    // The same document with a key, too.
    let key = server.api_add_app("shop");
    let again = server
        .api(Method::GET, "/openapi.json", Some(&key), None)
        .await
        .expect_json(200);
    assert_eq!(again, document);
}
