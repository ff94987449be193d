//! Bad input to the application API (/api/v1): each gets the contract's status and
//! stable code in `{"error":{"code","message"}}`, and nothing is stored or ended.
//!
//! The contract's 500 `internal` is not tested: no honest request provokes it.

use crate::support::{api_send, ApiReply, TestServer, API_USER_AGENT};
use reqwest::Method;
use serde_json::{json, Value};

mod bodies;
mod keys_and_ids;

/// A server with an application, one live session (its token) and nothing else.
async fn setup() -> (TestServer, String, String) {
    let server = TestServer::start(&[]);
    let key = server.api_add_app("shop");
    let (token, _) = server.api_create(&key, "u-1", "203.0.113.7").await;
    (server, key, token)
}

/// Every endpoint that needs a key, with a valid body: (method, path, body).
fn endpoints(token: &str) -> Vec<(Method, String, Option<Value>)> {
    let ip = "203.0.113.7";
    vec![
        (
            Method::POST,
            "/sessions".into(),
            Some(json!({ "user_id": "u-9", "ip": ip })),
        ),
        (
            Method::POST,
            "/guest-sessions".into(),
            Some(json!({ "ip": ip })),
        ),
        (
            Method::POST,
            "/sessions/check".into(),
            Some(json!({ "token": token, "ip": ip })),
        ),
        (
            Method::POST,
            "/sessions/logout".into(),
            Some(json!({ "token": token })),
        ),
        (
            Method::DELETE,
            format!("/sessions/{}", "a".repeat(32)),
            None,
        ),
        (Method::DELETE, "/users/u-1/sessions".into(), None),
        (Method::GET, "/sessions".into(), None),
    ]
}

/// Sends a raw body to `path` with `content_type` (none when `None`).
async fn raw(
    server: &TestServer,
    key: &str,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> ApiReply {
    let mut request = server.api_request(Method::POST, path, Some(key)).body(body);
    if let Some(content_type) = content_type {
        request = request.header("Content-Type", content_type);
    }
    api_send(request).await
}
