//! Each rule of the session policy, end to end: the real server signs people in over
//! HTTP while the command line changes the policy and the accounts in the same
//! database, the way an operator would on a running installation.

use crate::support::{
    cli, cli_json, cli_ok, device_agent, json as parse, refusal_reason, stderr, Delivery,
    TestServer,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

mod accounts;
mod lifetime;
mod limits;
mod network;
mod records;

const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "admin-password-1"),
    ("alice", "user", "alice-password-1"),
    ("bob", "user", "bob-password-1"),
];
/// How long a CLI end may take to refuse the session in the server (end log: 100 ms).
const END_REACHES_SERVER: Duration = Duration::from_millis(500);

/// `sessions settings set ARGS…`, which must succeed; its output.
fn settings_set(server: &TestServer, args: &[&str]) -> String {
    cli_ok(&server.database_url, &[&["settings", "set"], args].concat())
}

/// Polls `whoami` until the session is refused (within `within`); the reason it gives.
async fn refusal(server: &TestServer, cookie: &str, within: Duration) -> String {
    let since = Instant::now();
    loop {
        let (status, body) = server.call("whoami", Some(cookie), "").await;
        if status == 401 {
            return refusal_reason(&body).unwrap_or_else(|| panic!("401 without a reason: {body}"));
        }
        assert_eq!(status, 200, "{body}");
        assert!(
            since.elapsed() < within,
            "still live after {:?}",
            since.elapsed()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn assert_live(server: &TestServer, cookies: &[&str]) {
    for cookie in cookies {
        let (status, body) = server.call("whoami", Some(cookie), "").await;
        assert_eq!(status, 200, "{body}");
    }
}

/// The `{"Refused": message}` of a 403 sign-in.
fn refused_message(outcome: Result<crate::support::SignedIn, (u16, String)>) -> String {
    match outcome {
        Ok(_) => panic!("the sign-in was allowed"),
        Err((status, body)) => {
            assert_eq!(status, 403, "{body}");
            parse(&body)["Refused"]
                .as_str()
                .unwrap_or_else(|| panic!("not a refusal: {body}"))
                .to_owned()
        }
    }
}

/// The live sessions of `user`, as `sessions list --format json` shows them.
fn live_sessions_of(server: &TestServer, user: &str) -> Vec<Value> {
    let all = cli_json(&server.database_url, &["list", "--format", "json"]);
    all.as_array()
        .expect("a list")
        .iter()
        .filter(|session| session["username"] == user)
        .cloned()
        .collect()
}

fn ids(sessions: &[Value]) -> Vec<String> {
    let mut ids: Vec<String> = sessions
        .iter()
        .map(|session| session["id"].as_str().expect("id").to_owned())
        .collect();
    ids.sort_unstable();
    ids
}
