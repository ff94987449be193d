//! Observe before enforcing, end to end: a role's limits and network rules set to
//! observe with the command line, sign-ins over HTTP past a limit and from a denied
//! address that go through, flagged with the reason in the list and the history and
//! counted by the analytics (the page's server function, then the CLI); enforced
//! again, the same sign-in is refused.

use crate::support::{cli_json, cli_ok, device_agent, json as parse, TestServer};
use serde_json::{json, Value};

const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "admin-password-1"),
    ("alice", "user", "alice-password-1"),
];

/// `sessions settings set ARGS…`, which must succeed; its output.
fn settings_set(server: &TestServer, args: &[&str]) -> String {
    cli_ok(&server.database_url, &[&["settings", "set"], args].concat())
}

fn kpi(report: &Value, name: &str) -> Value {
    report["kpis"]
        .as_array()
        .expect("kpis")
        .iter()
        .find(|kpi| kpi["name"] == name)
        .unwrap_or_else(|| panic!("no {name}: {report}"))["current"]
        .clone()
}

/// The reason of the flag of `kind`, or a panic naming the flags there are.
fn reason<'a>(session: &'a Value, kind: &str) -> &'a str {
    session["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .find(|flag| flag["kind"] == kind)
        .and_then(|flag| flag["reason"].as_str())
        .unwrap_or_else(|| panic!("no {kind} flag: {session}"))
}

#[tokio::test]
async fn observe_mode_lets_sign_ins_through_flags_them_and_counts_them() {
    let mut server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let url = server.database_url.clone();
    settings_set(&server, &["max_sessions_per_user", "1", "--role", "user"]);
    settings_set(&server, &["ip_deny", "127.0.0.0/8", "--role", "user"]);
    assert_eq!(
        cli_ok(
            &url,
            &["settings", "set", "network_mode", "observe", "--role", "user", "--dry-run"],
        ),
        "Would end no session.\nNetwork rules of role user only observe: they refuse and end nothing. \
         Sign-ins and address moves they would have refused are flagged and counted.\n"
    );
    settings_set(&server, &["network_mode", "observe", "--role", "user"]);
    let set = settings_set(&server, &["limits_mode", "observe", "--role", "user"]);
    assert!(
        set.starts_with("limits_mode for role user: (default) -> observe\nNo session ended.\n"),
        "{set}"
    );
    server
        .wait_for_setting(&admin, Some("user"), "limits_mode", Some("observe"))
        .await;
    let ledger = cli_json(&url, &["history", "--settings", "--format", "json"]);
    let newest = &ledger[0];
    assert_eq!(
        (
            &newest["scope"],
            &newest["key"],
            &newest["old_value"],
            &newest["new_value"]
        ),
        (
            &json!({ "role": "user" }),
            &json!("limits_mode"),
            &Value::Null,
            &json!("observe")
        ),
        "the ledger records the mode: {ledger}"
    );

    // From loopback (denied) and past the limit of one: both go through.
    server
        .sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await;
    let second = server
        .sign_in_from("alice", "alice-password-1", &device_agent(2))
        .await
        .cookie;
    let listed = cli_json(&url, &["list", "--search", "alice", "--format", "json"]);
    let listed = listed.as_array().expect("list");
    assert_eq!(
        listed.len(),
        2,
        "nothing refused, nothing evicted: {listed:?}"
    );
    let second_id = server.session_id(&second).await;
    let newest = listed
        .iter()
        .find(|session| session["id"] == second_id.as_str())
        .expect("the second sign-in is listed");
    assert_eq!(
        reason(newest, "limit_observed"),
        "Observe mode, not enforced: Sign-in refused: at most 1 session per user is allowed. \
         Sign out of another session first."
    );
    assert_eq!(
        reason(newest, "network_rule_observed"),
        "Observe mode, not enforced: Sign-in from 127.0.0.1 is not allowed: it is in the denied range 127.0.0.0/8."
    );

    // The page's figures move at once; a sign-in counts once, however many rules.
    let (status, body) = server
        .call_json(
            "analytics_report",
            Some(&admin),
            &json!({"query": {"range": "Day", "since": "", "until": "", "app": ""}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let page = &parse(&body)["report"];
    assert_eq!(kpi(page, "would_have_been_blocked"), json!(2.0), "{page}");
    assert_eq!(kpi(page, "blocked_attempts"), json!(0.0), "{page}");

    // Ended, the session stays in the history with its flags and their reasons.
    cli_ok(&url, &["kill", &second_id]);
    let history = cli_json(&url, &["history", "--user", "alice", "--format", "json"]);
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");
    assert!(
        reason(&history[0], "limit_observed").contains("at most 1 session per user"),
        "{history}"
    );

    // Enforced again: the same sign-in is refused, and counted as blocked.
    settings_set(&server, &["network_mode", "enforce", "--role", "user"]);
    server
        .wait_for_setting(&admin, Some("user"), "network_mode", Some("enforce"))
        .await;
    let refused = server
        .try_sign_in_from("alice", "alice-password-1", &device_agent(3))
        .await;
    match refused {
        Ok(_) => panic!("enforced, the sign-in is refused"),
        Err((status, body)) => {
            assert_eq!(status, 403, "{body}");
            assert!(body.contains("denied range 127.0.0.0/8"), "{body}");
        }
    }

    // The stopping server writes what it holds; the CLI prints the same figures.
    assert!(server.stop().success());
    let report = cli_json(&url, &["analytics", "--format", "json"]);
    assert_eq!(
        kpi(&report, "would_have_been_blocked"),
        json!(2.0),
        "{report}"
    );
    assert_eq!(kpi(&report, "blocked_attempts"), json!(1.0), "{report}");
}
