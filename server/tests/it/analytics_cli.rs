//! `sessions analytics` against the real binary and a real SQLite file: sign-ins, a
//! failure and a kill through the real server, then the KPIs the CLI prints; and bad
//! input refused with a clear message and the right exit code.

use crate::support::{
    cli, cli_json, cli_ok, missing_database, sqlite_path, stderr, TestServer, USER_AGENT,
};
use serde_json::Value;

const USERS: &[(&str, &str, &str)] = &[
    ("alice", "admin", "alice-password-1"),
    ("bob", "user", "bob-password-1"),
];

fn kpi<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["kpis"]
        .as_array()
        .expect("kpis")
        .iter()
        .find(|kpi| kpi["name"] == name)
        .unwrap_or_else(|| panic!("no {name}: {report}"))
}

#[tokio::test]
async fn the_cli_prints_the_kpis_of_what_happened_on_the_server() {
    let mut server = TestServer::start(USERS);
    let admin = server.sign_in("alice", "alice-password-1").await.cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let wrong = server
        .try_sign_in_from("bob", "wrong-password", USER_AGENT)
        .await;
    assert!(wrong.is_err(), "a wrong password is refused");
    let bob_id = server.session_id(&bob).await;
    let form = format!("ids[0]={bob_id}");
    let (status, body) = server.call("kill_sessions", Some(&admin), &form).await;
    assert_eq!((status, body.as_str()), (200, "1"), "the admin kills bob");
    // A stopping server writes the hour under way (a running one writes it when the
    // hour is over); the CLI reads what is written.
    assert!(server.stop().success());
    let url = &server.database_url;

    let report = cli_json(url, &["analytics", "--format", "json"]);
    assert_eq!(report["application"], Value::Null);
    let since = report["period"]["since"].as_str().expect("since");
    let until = report["period"]["until"].as_str().expect("until");
    assert!(
        since.ends_with(":00:00Z") && until.ends_with(":00:00Z"),
        "{report}"
    );
    assert_eq!(report["previous"]["until"], report["period"]["since"]);
    let expected = [
        // 2 successful / (2 + 1 failed + 0 blocked)
        ("sign_in_success_rate", "percent", Value::from(66.67)),
        ("blocked_attempts", "count", Value::from(0.0)),
        ("would_have_been_blocked", "count", Value::from(0.0)),
        // The kill was an admin's: not cleaned.
        ("cleaned_sessions", "count", Value::from(0.0)),
        // alice and bob, added with `sessions user add`.
        ("turnover", "count", Value::from(2.0)),
        // Both had a session live in the period; both are all the users there are.
        ("active_users", "percent", Value::from(100.0)),
    ];
    for (name, unit, current) in expected {
        let kpi = kpi(&report, name);
        assert_eq!(kpi["unit"], unit, "{kpi}");
        assert_eq!(kpi["current"], current, "{kpi}");
        assert_eq!(kpi["change_percent"], Value::Null, "nothing before: {kpi}");
        assert!(kpi["label"].as_str().is_some_and(|label| !label.is_empty()));
    }
    assert_eq!(report["kpis"].as_array().map(Vec::len), Some(8));
    let peak = &kpi(&report, "active_sessions_peak")["current"];
    assert!(
        peak.is_null() || peak.as_f64().is_some_and(|peak| peak <= 2.0),
        "{peak}"
    );

    let console = cli_json(url, &["analytics", "--app", "Console", "--format", "json"]);
    assert_eq!(console["application"], "console");
    assert_eq!(
        kpi(&console, "sign_in_success_rate"),
        kpi(&report, "sign_in_success_rate")
    );

    let table = cli_ok(url, &["analytics"]);
    for text in [
        "Sign-in success rate",
        "66.7 %",
        "n/a",
        "Turnover",
        "all applications",
    ] {
        assert!(table.contains(text), "{text:?} missing in:\n{table}");
    }
    let csv = cli_ok(url, &["analytics", "--since", "24h", "--format", "csv"]);
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("KPI,Current,Previous,Change"));
    assert!(
        lines.any(|line| line == "Sign-in success rate,66.7 %,n/a,n/a"),
        "{csv}"
    );
}

#[test]
fn bad_input_is_refused_with_a_clear_message() {
    let (_dir, url) = missing_database();
    let output = cli(&url, &["analytics"], None);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("no database at"),
        "{}",
        stderr(&output)
    );
    assert!(!sqlite_path(&url).exists(), "no database was created");

    let server = TestServer::start(USERS);
    let url = server.database_url.clone();
    let cases: [(&[&str], i32, &str); 5] = [
        (&["--since", "yesterdayish"], 2, "is not a time"),
        (&["--until", "2026-13-01T00:00:00Z"], 2, "is not a time"),
        (
            &["--since", "1h", "--until", "2h"],
            2,
            "must start before it ends",
        ),
        (
            &[
                "--since",
                "2026-11-23T10:00:00Z",
                "--until",
                "2026-11-23T10:00:00Z",
            ],
            2,
            "must start before it ends",
        ),
        (&["--app", "nope"], 3, "No application named \"nope\""),
    ];
    for (args, code, message) in cases {
        let mut argv = vec!["analytics"];
        argv.extend_from_slice(args);
        let output = cli(&url, &argv, None);
        assert_eq!(
            output.status.code(),
            Some(code),
            "{argv:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(message),
            "{argv:?}: {}",
            stderr(&output)
        );
        assert!(output.stdout.is_empty(), "{argv:?} printed data");
    }
    let report = cli_json(&url, &["analytics", "--format", "json"]);
    assert_eq!(
        kpi(&report, "turnover")["current"],
        Value::from(2.0),
        "only the two accounts added: the refused commands counted nothing"
    );
}
