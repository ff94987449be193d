//! `/healthz` and `/readyz` on the real server: open to anyone, never cached, and
//! `/readyz` goes to 503 while the database cannot answer, back to 200 when it can,
//! on SQLite and on PostgreSQL.

use crate::support::pg_cluster;

use crate::support::TestServer;
use sqlx::Connection;
use std::time::Duration;

/// Status, `Cache-Control` and JSON body of a GET of `path`, without cookies.
async fn probe(server: &TestServer, path: &str) -> (u16, String, serde_json::Value) {
    let response = server
        .client()
        .get(format!("{}{path}", server.base))
        .send()
        .await
        .expect("probe");
    let status = response.status().as_u16();
    let cache = response
        .headers()
        .get("cache-control")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        response.headers().get("set-cookie").is_none(),
        "a probe sets no cookie"
    );
    let body = response.json().await.expect("a JSON body");
    (status, cache, body)
}

async fn assert_ready(server: &TestServer) {
    for path in ["/healthz", "/readyz"] {
        let (status, cache, body) = probe(server, path).await;
        assert_eq!(status, 200, "{path}: {body}");
        assert_eq!(cache, "no-store", "{path}");
    }
}

/// Polls `/readyz` until it answers `status` (the pool notices a change on its next use).
async fn wait_for_ready_status(server: &TestServer, status: u16) -> serde_json::Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (seen, cache, body) = probe(server, "/readyz").await;
        assert_eq!(cache, "no-store");
        if seen == status {
            return body;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "/readyz stayed {seen} ({body}), expected {status}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn assert_unavailable(body: &serde_json::Value) {
    assert_eq!(body["status"], "unavailable", "{body}");
    let reason = body["reason"].as_str().expect("a reason");
    assert!(reason.starts_with("the database"), "{body}");
    assert!(!reason.contains("counters"), "no raw cause: {body}");
}

#[tokio::test]
async fn both_answer_200_uncached_on_a_running_server() {
    let server = TestServer::start(&[]);
    assert_ready(&server).await;
    let (_, _, body) = probe(&server, "/readyz").await;
    assert_eq!(body["status"], "ready");
}

#[tokio::test]
async fn readyz_is_503_while_the_sqlite_database_is_broken() {
    let server = TestServer::start(&[]);
    assert_ready(&server).await;
    let rename = |from: &str, to: &str| {
        let url = server.database_url.clone();
        let statement = format!("ALTER TABLE {from} RENAME TO {to}");
        async move {
            let mut connection = sqlx::SqliteConnection::connect(&url)
                .await
                .expect("connect");
            sqlx::query(sqlx::AssertSqlSafe(statement))
                .execute(&mut connection)
                .await
                .expect("rename");
            connection.close().await.expect("close");
        }
    };
    rename("counters", "counters_away").await;
    let body = wait_for_ready_status(&server, 503).await;
    assert_unavailable(&body);
    let (status, _, _) = probe(&server, "/healthz").await;
    assert_eq!(status, 200, "the process is still alive");

    rename("counters_away", "counters").await;
    wait_for_ready_status(&server, 200).await;
}

#[tokio::test]
async fn readyz_is_503_while_postgresql_refuses_connections() {
    let url = pg_cluster::fresh_database_url().await;
    let server = TestServer::start_on(&url, &[]);
    assert_ready(&server).await;
    // The test's database by name, and the cluster's own database to administer it from.
    let path = url.split_once('?').map_or(url.as_str(), |(path, _)| path);
    let (cluster, database) = path.rsplit_once('/').expect("a database name");
    let admin_url = url.replacen(
        &format!("{cluster}/{database}"),
        &format!("{cluster}/postgres"),
        1,
    );
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("connect as admin");
    let mut run = async |statement: String| {
        sqlx::query(sqlx::AssertSqlSafe(statement))
            .execute(&mut admin)
            .await
            .expect("admin statement");
    };
    // The server's connections end and no new one is let in: "the database is gone"
    // without stopping the cluster the other tests share.
    run(format!(
        "ALTER DATABASE {database} WITH ALLOW_CONNECTIONS false"
    ))
    .await;
    run(format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{database}'"
    ))
    .await;
    let body = wait_for_ready_status(&server, 503).await;
    assert_unavailable(&body);
    let (status, _, _) = probe(&server, "/healthz").await;
    assert_eq!(status, 200, "the process is still alive");

    run(format!(
        "ALTER DATABASE {database} WITH ALLOW_CONNECTIONS true"
    ))
    .await;
    wait_for_ready_status(&server, 200).await;
}
