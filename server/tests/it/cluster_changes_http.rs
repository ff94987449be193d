//! Settings and applications changed anywhere apply on every instance before the
//! change is acknowledged, as ends do: the change takes a number in the change log
//! and waits until every live instance reports that it is current past it. Here the
//! CLI, a third process on the same PostgreSQL database, makes each change, and
//! instance B, which holds the old state in memory, answers by the new one on its
//! very next call after the CLI returns.

use crate::support::{cli_ok, pg_cluster, TestServer};
use reqwest::Method;

const IP: &str = "203.0.113.7";
const MOVED: &str = "203.0.113.8";
const MOVED_AGAIN: &str = "203.0.113.9";
/// Longer than any instance takes to follow a change it was not made to wait for.
const FOLLOWED: std::time::Duration = std::time::Duration::from_millis(1500);

#[tokio::test]
async fn a_setting_saved_elsewhere_applies_on_every_instance_before_it_is_acknowledged() {
    let url = pg_cluster::fresh_database_url().await;
    let a = TestServer::start_on(&url, &[]);
    let b = TestServer::start_on(&url, &[]);
    let key = a.api_add_app("shop");

    cli_ok(&url, &["settings", "set", "allow_ip_change", "true"]);
    let (token, _) = a.api_create(&key, "u-1", IP).await;
    // B holds the session and the new setting in memory from here on.
    b.api_check(&key, &token, MOVED).await.expect_json(200);

    cli_ok(&url, &["settings", "set", "allow_ip_change", "false"]);
    b.api_check(&key, &token, MOVED_AGAIN)
        .await
        .expect_refusal("ip_changed", Some("ip_change"));
}

#[tokio::test]
async fn a_revoked_key_is_refused_on_every_instance_once_the_revoke_returns() {
    let url = pg_cluster::fresh_database_url().await;
    let a = TestServer::start_on(&url, &[]);
    let b = TestServer::start_on(&url, &[]);
    // "shop" has a live session (its revocation ends it, and that end waits for B);
    // "blog" has none, so only the revocation itself can make the CLI wait.
    let shop = a.api_add_app("shop");
    let blog = a.api_add_app("blog");
    // B remembers a key only once it has followed the applications' version past the
    // key's creation; this outlasts any poll, so the calls below leave both keys in
    // B's memory and the refusals below come from B following the revocation.
    tokio::time::sleep(FOLLOWED).await;
    let (token, _) = b.api_create(&shop, "u-1", IP).await;
    b.api_check(&shop, &token, IP).await.expect_json(200);
    b.api(Method::GET, "/sessions", Some(&blog), None)
        .await
        .expect_json(200);

    for (name, key) in [("blog", &blog), ("shop", &shop)] {
        cli_ok(&url, &["app", "revoke", name]);
        b.api(Method::GET, "/sessions", Some(key), None)
            .await
            .expect_error(401, "invalid_api_key");
    }
    b.api_check(&shop, &token, IP)
        .await
        .expect_error(401, "invalid_api_key");
}
