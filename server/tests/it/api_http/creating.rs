//! Creating sessions: the token once, the session in the console; guests without a user.

use super::*;

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
