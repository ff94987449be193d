//! Unknown application keys from one address: a few are answered as invalid, then the
//! address waits (429 with `Retry-After`) before its keys are looked up again; a key
//! the server knows keeps working.

use crate::support::{api_send, TestServer};

const USERS: &[(&str, &str, &str)] = &[("admin", "admin", "admin-password-1")];

/// A well-formed key that no application has, different for every `n`.
fn unknown_key(n: u32) -> String {
    format!("sk_{n:Q>43}")
}

#[tokio::test]
async fn unknown_keys_from_one_address_are_slowed_and_a_good_key_still_works() {
    let server = TestServer::start(USERS);
    let key = server.api_add_app("shop");
    // The server takes in a new application within a poll (1 s); from then on a key
    // it has seen is checked in memory.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    server
        .api(reqwest::Method::GET, "/sessions", Some(&key), None)
        .await
        .expect_json(200);
    for n in 0..20 {
        let reply = server
            .api(
                reqwest::Method::GET,
                "/sessions",
                Some(&unknown_key(n)),
                None,
            )
            .await;
        reply.expect_error(401, "invalid_api_key");
    }
    let response = server
        .api_request(reqwest::Method::GET, "/sessions", Some(&unknown_key(20)))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status().as_u16(), 429);
    let retry_after = response
        .headers()
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    assert_eq!(
        retry_after.as_deref(),
        Some("1"),
        "the wait is in Retry-After"
    );
    let body = response.text().await.expect("body");
    assert!(
        body.contains("\"rate_limited\"") && body.contains("API keys"),
        "{body}"
    );
    // The same unknown key again is still refused, and a known key still works.
    let again = server
        .api(
            reqwest::Method::GET,
            "/sessions",
            Some(&unknown_key(3)),
            None,
        )
        .await;
    assert_eq!(again.status, 429, "{}", again.body);
    api_send(server.api_request(reqwest::Method::GET, "/sessions", Some(&key)))
        .await
        .expect_json(200);
}
