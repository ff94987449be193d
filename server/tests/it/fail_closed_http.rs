//! Fail closed: an instance that has not read the end log for longer than the
//! staleness bound answers checks, sign-ins and `/readyz` with 503 rather than trust a
//! cache that may miss a revocation, and recovers by itself when reads succeed again.
//! On a PostgreSQL cluster of the test's own, stopped and started with `pg_ctl`.

use crate::support::pg_cluster::OwnCluster;
use crate::support::TestServer;
use std::time::{Duration, Instant};

const IP: &str = "203.0.113.8";
/// Shorter than the default 5 s, to keep the test short.
const BOUND: Duration = Duration::from_secs(2);

async fn readyz(server: &TestServer) -> u16 {
    server
        .client()
        .get(format!("{}/readyz", server.base))
        .send()
        .await
        .expect("readyz")
        .status()
        .as_u16()
}

#[tokio::test]
async fn checks_fail_closed_while_postgresql_is_down_and_recover_after() {
    let cluster = OwnCluster::start();
    let url = cluster.fresh_database_url().await;
    let bound_ms = BOUND.as_millis().to_string();
    let server = TestServer::start_on(&url, &[("SESSIONS_STALENESS_BOUND_MS", &bound_ms)]);
    let key = server.api_add_app("fail-closed");
    // The server reads the applications' version every second; a key used after that
    // is kept in memory. Then a check of a cached session reads no database, and only
    // failing closed can make it a 503.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (alive, _) = server.api_create(&key, "alive", IP).await;
    let (killed, session) = server.api_create(&key, "killed", IP).await;
    server.api_check(&key, &alive, IP).await.expect_json(200);
    server.api_check(&key, &killed, IP).await.expect_json(200);
    let id = session["id"].as_str().expect("id");
    let ended = server.api_end(&key, id).await;
    assert_eq!(ended.status, 204, "{}", ended.body);
    assert_eq!(readyz(&server).await, 200);

    cluster.stop();
    let stopped = Instant::now();
    loop {
        let reply = server.api_check(&key, &alive, IP).await;
        if reply.status == 503 {
            reply.expect_error(503, "unavailable");
            break;
        }
        reply.expect_json(200);
        assert!(
            stopped.elapsed() < BOUND + Duration::from_secs(1),
            "checks still answered from the cache {:?} after the database stopped",
            stopped.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(stopped.elapsed() <= BOUND + Duration::from_secs(1));
    assert_eq!(readyz(&server).await, 503, "not ready while failing closed");
    let body = serde_json::json!({ "user_id": "new", "ip": IP, "user_agent": "test" });
    server
        .api_post("/sessions", &key, body)
        .await
        .expect_error(503, "unavailable");

    cluster.restart();
    let restarted = Instant::now();
    loop {
        let reply = server.api_check(&key, &alive, IP).await;
        if reply.status == 200 {
            break;
        }
        reply.expect_error(503, "unavailable");
        assert!(
            restarted.elapsed() < Duration::from_secs(30),
            "no recovery 30 s after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The kill acknowledged before the outage still holds.
    server
        .api_check(&key, &killed, IP)
        .await
        .expect_refusal("session_ended", Some("logout"));
    assert_eq!(readyz(&server).await, 200);
}
