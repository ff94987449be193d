//! A store that fails under the running server: a check that cannot be made is a 503
//! with `Retry-After`, never a sign-out (the cookie stays) and never a success.

use crate::support::TestServer;
use sqlx::Connection;

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
