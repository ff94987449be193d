//! A store that fails under the running server: a check that cannot be made is a 503
//! with `Retry-After`, never a sign-out (the cookie stays) and never a success. Its
//! cause is an internal error: logged on stderr, never shown raw in the answer.

use crate::support::{ServerLog, TestServer};
use sqlx::Connection;
use std::time::Duration;

const USERS: &[(&str, &str, &str)] = &[("alice", "user", "alice-password-1")];

/// Renames a table of the server's database under it: every query of it then fails.
async fn rename_table(database_url: &str, from: &str, to: &str) {
    let mut connection = sqlx::SqliteConnection::connect(database_url)
        .await
        .expect("connect");
    // Table names cannot be bound; these are the test's own literals.
    let statement = sqlx::AssertSqlSafe(format!("ALTER TABLE {from} RENAME TO {to}"));
    sqlx::query(statement)
        .execute(&mut connection)
        .await
        .expect("rename");
    connection.close().await.expect("close");
}

fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

#[tokio::test]
async fn a_store_failure_during_a_check_is_a_503_never_a_sign_out() {
    let server = TestServer::start(USERS);
    let alice = server.sign_in("alice", "alice-password-1").await;
    // A fresh process: the session is not in its cache, so the check reads the store.
    let server = server.kill_and_restart();
    rename_table(&server.database_url, "sessions", "sessions_away").await;

    let page = server
        .client()
        .get(format!("{}/account/sessions", server.base))
        .header("Cookie", &alice.cookie)
        .send()
        .await
        .expect("page");
    assert_eq!(page.status().as_u16(), 503, "the page says to retry");
    assert_eq!(header(&page, "retry-after").as_deref(), Some("5"));
    assert_eq!(
        header(&page, "set-cookie"),
        None,
        "the cookie is not cleared"
    );
    assert_eq!(
        header(&page, "location"),
        None,
        "no redirect to the sign-in page"
    );
    let text = page.text().await.expect("body");
    assert!(text.contains("not answering"), "{text}");
    assert!(
        !text.contains("sessions_away") && !text.contains("no such table"),
        "no raw cause: {text}"
    );

    let call = server
        .rpc("whoami", Some(&alice.cookie), "")
        .header("Origin", &server.base)
        .send()
        .await
        .expect("rpc");
    assert_eq!(call.status().as_u16(), 503);
    assert_eq!(header(&call, "retry-after").as_deref(), Some("5"));
    assert_eq!(header(&call, "set-cookie"), None);
    let body = call.text().await.expect("body");
    assert!(
        body.contains("Unavailable") && !body.contains("no such table"),
        "{body}"
    );

    rename_table(&server.database_url, "sessions_away", "sessions").await;
    let (status, body) = server.call("whoami", Some(&alice.cookie), "").await;
    assert_eq!(
        status, 200,
        "the same cookie works once the store is back: {body}"
    );
}

/// What an answer to a store failure must not show: the cause, or what it comes from.
const RAW_CAUSE: &[&str] = &[
    "no such table",
    "sessions_away",
    "sqlx",
    "database",
    "sqlite",
    "error returned",
];

/// What the server logs for a store failure under a request (`CoreError::Unavailable`,
/// mapped by `app::error` for server functions and `server::api::error` for the API).
const LOGGED: &str = "the session store failed";
/// The cause: the table the failing query reads is gone.
const CAUSE: &str = "no such table: sessions";

/// A server whose stderr is kept, with alice's session written to its database by
/// another engine (so not in this server's cache: checking it reads the store) and an
/// application key; the sessions table is then renamed away under it.
async fn failing_server() -> (TestServer, ServerLog, String, String) {
    let (server, log) =
        TestServer::start_serve(USERS, &["--addr", "127.0.0.1:0"], &[("NO_COLOR", "1")]);
    let cookie = server
        .old_session("alice", "alice-password-1", Duration::ZERO)
        .await;
    let key = server.api_add_app("shop");
    rename_table(&server.database_url, "sessions", "sessions_away").await;
    (server, log, cookie, key)
}

fn assert_no_raw_cause(answer: &str) {
    let lower = answer.to_lowercase();
    for word in RAW_CAUSE {
        assert!(!lower.contains(word), "the answer shows {word:?}: {answer}");
    }
}

/// Kills the server and asserts its log has the error line with the cause, logged by
/// `target` (the module that maps the failure to the answer).
fn assert_cause_logged(mut server: TestServer, log: ServerLog, target: &str) {
    server.kill();
    let logged = log.after_exit();
    assert!(
        logged.lines().any(|line| line.contains(" ERROR ")
            && line.contains(&format!("{target}: {LOGGED}"))
            && line.contains(CAUSE)),
        "the cause is logged as an error by {target}:\n{logged}"
    );
}

#[tokio::test]
async fn a_store_failure_in_a_server_function_is_logged_not_shown() {
    let (server, log, cookie, _) = failing_server().await;
    let call = server
        .rpc("whoami", Some(&cookie), "")
        .header("Origin", &server.base)
        .send()
        .await
        .expect("rpc");
    let status = call.status().as_u16();
    let body = call.text().await.expect("body");
    assert_eq!(status, 503, "{body}");
    assert!(
        body.contains("Unavailable") && body.contains("not answering"),
        "a generic sentence: {body}"
    );
    assert_no_raw_cause(&body);
    assert_cause_logged(server, log, "app::error");
}

#[tokio::test]
async fn a_store_failure_in_an_api_call_is_logged_not_shown() {
    let (server, log, _, key) = failing_server().await;
    let reply = server.api_check(&key, &"A".repeat(43), "203.0.113.7").await;
    let error = reply.expect_error(503, "unavailable");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("not answering"),
        "a generic sentence: {message}"
    );
    assert_no_raw_cause(&reply.body);
    assert_cause_logged(server, log, "api::error");
}
