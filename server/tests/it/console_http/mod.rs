//! The console's additions on the real server: filter chips (facets) and filtered
//! lists, bad filters, "kill all sessions of this user", and the password change on
//! My sessions, with who may do what.

use crate::support::{device_agent, json, refusal_reason, TestServer};
use serde_json::Value;
use std::collections::BTreeMap;

mod chips;
mod kill_user;
mod password;

const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "admin-password-1"),
    ("alice", "user", "alice-password-1"),
    ("bob", "user", "bob-password-1"),
];

const LIST: &str =
    "query[search]=&query[sort]=created&query[dir]=desc&query[page]=first&query[limit]=50";

/// Signs `user` in with their first password from device `n`: distinct devices get
/// distinct sessions (one device signing in twice within seconds gets the same one).
async fn sign_in(server: &TestServer, user: &str, device: u32) -> String {
    server
        .sign_in_from(user, &format!("{user}-password-1"), &device_agent(device))
        .await
        .cookie
}

/// `list_sessions` with `filter` (form fields of `query[filter]`), as the admin.
async fn list(server: &TestServer, admin: &str, filter: &str) -> (u16, Value) {
    let form = if filter.is_empty() {
        LIST.to_owned()
    } else {
        format!("{LIST}&{filter}")
    };
    let (status, body) = server.call("list_sessions", Some(admin), &form).await;
    let value = if status == 200 {
        json(&body)
    } else {
        Value::String(body)
    };
    (status, value)
}

/// One facet dimension as value → count.
fn counts(facets: &Value, dimension: &str) -> BTreeMap<String, i64> {
    facets[dimension]
        .as_array()
        .unwrap_or_else(|| panic!("no {dimension} in {facets}"))
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().expect("value").to_owned(),
                pair[1].as_i64().expect("count"),
            )
        })
        .collect()
}

fn map(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs
        .iter()
        .map(|(value, count)| ((*value).to_owned(), *count))
        .collect()
}

/// The user id behind a session, from the admin's list.
async fn user_id(server: &TestServer, admin: &str, name: &str) -> i64 {
    let (status, page) = list(server, admin, "").await;
    assert_eq!(status, 200, "{page}");
    page["sessions"]
        .as_array()
        .and_then(|sessions| sessions.iter().find(|s| s["username"] == name))
        .and_then(|session| session["user_id"].as_i64())
        .unwrap_or_else(|| panic!("no live session of {name}: {page}"))
}

fn bad_request(body: &str) -> String {
    json(body)["BadRequest"]
        .as_str()
        .unwrap_or_else(|| panic!("not a BadRequest: {body}"))
        .to_owned()
}
