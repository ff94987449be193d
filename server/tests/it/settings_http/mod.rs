//! The session policy over HTTP, against the real server: who may read and change it,
//! what bad input gets, whether the preview tells the truth about what saving ends,
//! and the records a save leaves (history of ended sessions, ledger of changes).

use crate::support::{json as parse, refusal_reason, Delivery, TestServer};
use serde_json::{json, Value};

mod access;
mod history;
mod preview;

const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "admin-password-1"),
    ("alice", "user", "alice-password-1"),
    ("bob", "user", "bob-password-1"),
];

/// The policy functions take JSON (nested scopes and options travel intact).
async fn call_json(
    server: &TestServer,
    name: &str,
    cookie: Option<&str>,
    body: Value,
) -> (u16, String) {
    server.call_json(name, cookie, &body).await
}

/// Signs in from another browser than the harness's: the same user from the same
/// browser within seconds is taken for a double-click and gets the same session.
async fn sign_in_from_firefox(server: &TestServer, user: &str, password: &str) -> String {
    let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
    let response = server
        .rpc(
            "sign_in",
            None,
            &format!("username={user}&password={password}"),
        )
        .header("Origin", &server.base)
        .header("User-Agent", firefox)
        .send()
        .await
        .expect("sign in");
    assert_eq!(
        response.status().as_u16(),
        200,
        "sign in as {user} from Firefox"
    );
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .expect("a cookie")
        .to_str()
        .expect("ascii");
    set_cookie.split(';').next().expect("pair").to_owned()
}

fn change(scope: Value, key: &str, value: Option<&str>) -> Value {
    json!({ "scope": scope, "key": key, "value": value })
}

fn role(name: &str) -> Value {
    json!({ "role": name })
}

fn history_query(reason: Option<&str>) -> Value {
    json!({ "query": { "user": "", "reason": reason, "from": null, "until": null, "after": null, "limit": 50 } })
}

async fn ok(server: &TestServer, name: &str, cookie: &str, body: Value) -> Value {
    let (status, text) = call_json(server, name, Some(cookie), body).await;
    assert_eq!(status, 200, "{name}: {text}");
    parse(&text)
}
