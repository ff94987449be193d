//! The records (ledger and history) of who changed and ended what, and bad input that
//! changes nothing.

use super::*;

#[tokio::test]
async fn the_ledger_and_the_history_say_who_changed_and_ended_what() {
    let server = TestServer::start(USERS);
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let bob_id = server.session_id(&bob).await;
    let url = &server.database_url;
    cli_ok(url, &["kill", &bob_id]);
    assert_eq!(refusal(&server, &bob, END_REACHES_SERVER).await, "killed");
    assert_eq!(server.call("sign_out", Some(&alice), "").await.0 / 100, 2);
    settings_set(&server, &["idle_timeout_minutes", "45"]);
    settings_set(&server, &["ip_deny", "203.0.113.7/24", "--role", "user"]);

    let ledger = cli_json(url, &["history", "--settings", "--format", "json"]);
    let records: Vec<Value> = ledger
        .as_array()
        .expect("list")
        .iter()
        .map(|record| {
            assert!(
                record["at"]
                    .as_i64()
                    .is_some_and(|at| at > 1_700_000_000_000),
                "{record}"
            );
            json!([
                record["actor"],
                record["scope"],
                record["key"],
                record["old_value"],
                record["new_value"]
            ])
        })
        .collect();
    let expected = [
        json!(["cli", { "role": "user" }, "ip_deny", null, "203.0.113.0/24"]),
        json!(["cli", "default", "idle_timeout_minutes", "30", "45"]),
    ];
    assert_eq!(records, expected, "newest first, values as stored");
    let table = cli_ok(url, &["history", "--settings"]);
    assert!(
        table
            .lines()
            .any(|line| line.contains("role user") && line.contains("203.0.113.0/24")),
        "{table}"
    );

    let killed = cli_ok(url, &["history", "--reason", "killed", "--format", "csv"]);
    let lines: Vec<&str> = killed.lines().collect();
    assert_eq!(lines.len(), 2, "{killed}");
    assert_eq!(
        lines[0],
        "ID,User,App,Role,IP,Country,Ended,Reason,Ended by,Flags"
    );
    assert!(
        lines[1].starts_with(&format!("{bob_id},bob,console,user,127.0.0.1,,")),
        "{killed}"
    );
    assert!(lines[1].ends_with(" UTC,killed,cli,"), "{killed}");

    let all = cli_json(url, &["history", "--format", "json"]);
    let reasons: Vec<&str> = all
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["end_reason"].as_str())
        .collect();
    assert_eq!(reasons, ["logout", "killed"], "newest first: {all}");
    assert_eq!(
        cli_json(url, &["history", "--user", "ali", "--format", "json"])
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    assert_eq!(
        cli_json(url, &["history", "--since", "1h", "--format", "json"])
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        cli_json(url, &["history", "--until", "1h", "--format", "json"]),
        json!([])
    );
    assert_eq!(
        cli_json(url, &["history", "--limit", "1", "--format", "json"])
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

#[tokio::test]
async fn bad_input_exits_2_with_a_precise_message_and_changes_nothing() {
    let server = TestServer::start(USERS);
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let url = &server.database_url;
    settings_set(&server, &["idle_timeout_minutes", "45"]);
    let settings_before = cli_ok(url, &["settings", "get", "--format", "json"]);
    let user_before = cli_ok(
        url,
        &["settings", "get", "--role", "user", "--format", "json"],
    );
    let ledger_before = cli_ok(url, &["history", "--settings", "--format", "json"]);

    let cases: [(&[&str], &str); 9] = [
        (
            &["settings", "set", "max_sessions_per_user", "-1"],
            "error: Sessions per user (max_sessions_per_user): must be a whole number from 0 (no limit) to 10,000; got \"-1\".",
        ),
        (
            &["settings", "set", "idle_timeout_minutes", "0"],
            "error: Idle timeout (idle_timeout_minutes): must be a whole number of minutes from 1 to 99,999; got \"0\".",
        ),
        (
            &["settings", "set", "idle_timeout_minutes", "1000000000", "--role", "user"],
            "error: Idle timeout (idle_timeout_minutes) for role user: must be a whole number of minutes from 1 to 99,999; got \"1000000000\".",
        ),
        (
            &["settings", "set", "ip_deny", "10.0.0.0/33"],
            "error: Denied ranges (ip_deny): \"10.0.0.0/33\" is not a CIDR range: the prefix length of an IPv4 range is 0 to 32, not \"33\".",
        ),
        (
            &["settings", "set", "ip_deny", "127.0.0.0/8, foo"],
            "error: Denied ranges (ip_deny): \"foo\" is not an IP address or CIDR range (like 203.0.113.0/24 or 2001:db8::/32).",
        ),
        (
            &["settings", "set", "no_such_key", "1"],
            "error: Unknown setting \"no_such_key\". Known settings: idle_timeout_minutes, lifetime_minutes, allow_ip_change, \
             history_retention_days, max_sessions_per_user, max_sessions_per_user_ip, max_sessions_per_user_country, \
             max_sessions_per_user_device, max_sessions_per_ip, max_ips_per_user, ip_window_minutes, limit_action, \
             limits_mode, ip_ranges, ip_allow, ip_deny, network_mode.",
        ),
        (
            &["settings", "set", "idle_timeout_minutes", "5", "--role", "root"],
            "error: invalid value 'root' for '--role <ROLE>'\n  [possible values: admin, user]",
        ),
        (
            &["settings", "unset", "idle_timeout_minutes", "--role", "root"],
            "error: invalid value 'root' for '--role <ROLE>'\n  [possible values: admin, user]",
        ),
        (
            &["history", "--since", "yesterdayish"],
            "error: \"yesterdayish\" is not a time: use RFC 3339 like 2026-11-23T10:00:00Z or an age like 15m, 2h, 7d.",
        ),
    ];
    for (args, expected) in cases {
        let output = cli(url, args, None);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).starts_with(expected),
            "{args:?}:\n{}\nexpected:\n{expected}",
            stderr(&output)
        );
        assert_eq!(crate::support::stdout(&output), "", "{args:?} printed data");
    }
    let dry = cli(
        url,
        &["settings", "set", "ip_deny", "foo", "--dry-run"],
        None,
    );
    assert_eq!(
        dry.status.code(),
        Some(2),
        "a dry run validates too: {}",
        stderr(&dry)
    );

    assert_eq!(
        cli_ok(url, &["settings", "get", "--format", "json"]),
        settings_before
    );
    assert_eq!(
        cli_ok(
            url,
            &["settings", "get", "--role", "user", "--format", "json"]
        ),
        user_before
    );
    assert_eq!(
        cli_ok(url, &["history", "--settings", "--format", "json"]),
        ledger_before,
        "the ledger is unchanged"
    );
    assert_live(&server, &[&alice]).await;
}
