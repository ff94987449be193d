//! The application API (/api/v1) of the real server, endpoint by endpoint, as the
//! contract of issue 4 states it: the status, the JSON shape, and what each call stored
//! as the command line sees the same database.

use crate::support::{api_assert_session, api_is_token, cli_json, TestServer, API_USER_AGENT};
use reqwest::Method;
use serde_json::{json, Value};

mod checking;
mod creating;
mod document;
mod listing;

const MINUTE: i64 = 60_000;

fn id_of(session: &Value) -> String {
    session["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id: {session}"))
        .to_owned()
}

fn ids(sessions: &Value) -> Vec<String> {
    sessions
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {sessions}"))
        .iter()
        .map(id_of)
        .collect()
}

fn keys(object: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = object
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// The end reason the history records for session `id`.
fn ended_reason(server: &TestServer, id: &str) -> Option<String> {
    let history = cli_json(
        &server.database_url,
        &["history", "--limit", "10000", "--format", "json"],
    );
    let ended = history
        .as_array()
        .expect("a list")
        .iter()
        .find(|session| session["id"] == id)?;
    ended["end_reason"].as_str().map(str::to_owned)
}
