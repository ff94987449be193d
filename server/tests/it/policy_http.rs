//! Each rule of the session policy, end to end: the real server signs people in over
//! HTTP while the command line changes the policy and the accounts in the same
//! database, the way an operator would on a running installation.

use crate::support::{
    cli, cli_json, cli_ok, device_agent, json as parse, refusal_reason, stderr, Delivery,
    TestServer,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

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

// ---- concurrent limits ---------------------------------------------------------------

#[tokio::test]
async fn a_per_user_limit_refuses_the_sign_in_beyond_it_and_creates_nothing() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let set = settings_set(&server, &["max_sessions_per_user", "2", "--role", "user"]);
    assert_eq!(
        set,
        "max_sessions_per_user for role user: (default) -> 2\nNo session ended.\n"
    );
    server
        .wait_for_setting(&admin, Some("user"), "max_sessions_per_user", Some("2"))
        .await;

    let laptop = server
        .sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await
        .cookie;
    let phone = server
        .sign_in_from("alice", "alice-password-1", &device_agent(2))
        .await
        .cookie;
    let before = ids(&live_sessions_of(&server, "alice"));
    assert_eq!(before.len(), 2);
    let third = server
        .try_sign_in_from("alice", "alice-password-1", &device_agent(3))
        .await;
    assert_eq!(
        refused_message(third),
        "Sign-in refused: at most 2 sessions per user are allowed. Sign out of another session first."
    );
    assert_eq!(
        ids(&live_sessions_of(&server, "alice")),
        before,
        "the refused sign-in created nothing"
    );
    assert_live(&server, &[&laptop, &phone]).await;

    // The limit is per user and for the user role only.
    server
        .sign_in_from("bob", "bob-password-1", &device_agent(1))
        .await;
    for device in 1..=3 {
        server
            .sign_in_from("admin", "admin-password-1", &device_agent(device))
            .await;
    }
    assert_eq!(
        live_sessions_of(&server, "admin").len(),
        4,
        "admins have no limit"
    );
}

#[tokio::test]
async fn a_per_user_limit_with_evict_oldest_ends_the_oldest_session_and_tells_its_page() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    settings_set(&server, &["max_sessions_per_user", "2", "--role", "user"]);
    settings_set(&server, &["limit_action", "evict_oldest"]);
    server
        .wait_for_setting(&admin, None, "limit_action", Some("evict_oldest"))
        .await;
    server
        .wait_for_setting(&admin, Some("user"), "max_sessions_per_user", Some("2"))
        .await;

    let oldest = server
        .sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await
        .cookie;
    let oldest_id = server.session_id(&oldest).await;
    let mut oldest_live = server.live(Some(&oldest)).await.expect("upgrade");
    let middle = server
        .sign_in_from("alice", "alice-password-1", &device_agent(2))
        .await
        .cookie;
    let newest = server
        .sign_in_from("alice", "alice-password-1", &device_agent(3))
        .await
        .cookie;

    let events = oldest_live
        .until(|event| event["type"] == "signed_out")
        .await;
    assert_eq!(
        events.last(),
        Some(&json!({ "type": "signed_out", "reason": "evicted_by_limit" }))
    );
    assert!(
        matches!(oldest_live.next().await, Delivery::Closed(_)),
        "the server closes its channel"
    );
    assert_eq!(
        refusal(&server, &oldest, Duration::ZERO).await,
        "evicted_by_limit",
        "refused on its next request"
    );
    assert_live(&server, &[&middle, &newest, &admin]).await;
    assert_eq!(live_sessions_of(&server, "alice").len(), 2);

    let history = cli_json(&server.database_url, &["history", "--format", "json"]);
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");
    let ended = &history[0];
    assert_eq!(ended["id"].as_str(), Some(oldest_id.as_str()));
    assert_eq!(
        (ended["end_reason"].as_str(), ended["ended_by"].as_str()),
        (Some("evicted_by_limit"), Some("system"))
    );
}

#[tokio::test]
async fn two_sign_ins_from_one_client_are_two_sessions_with_their_own_tokens() {
    let server = TestServer::start(USERS);
    let (first, second) = tokio::join!(
        server.sign_in("alice", "alice-password-1"),
        server.sign_in("alice", "alice-password-1")
    );
    assert_ne!(
        first.cookie, second.cookie,
        "never one token for two clients"
    );
    let again = server.sign_in("alice", "alice-password-1").await;
    assert_ne!(again.cookie, first.cookie);
    assert_eq!(live_sessions_of(&server, "alice").len(), 3);
}

// ---- network rules -------------------------------------------------------------------

#[tokio::test]
async fn a_denied_range_for_a_role_ends_its_sessions_at_once_and_refuses_its_sign_ins() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let mut alice_live = server.live(Some(&alice)).await.expect("upgrade");
    let url = &server.database_url;

    let preview = cli_ok(
        url,
        &[
            "settings",
            "set",
            "ip_deny",
            "127.0.0.1/8",
            "--role",
            "user",
            "--dry-run",
        ],
    );
    assert_eq!(preview, "Would end 2 sessions: alice 1, bob 1.\n");
    assert_eq!(
        cli_json(url, &["history", "--settings", "--format", "json"]),
        json!([]),
        "a dry run saves nothing"
    );
    assert_live(&server, &[&alice, &bob]).await;

    let set = settings_set(&server, &["ip_deny", "127.0.0.1/8", "--role", "user"]);
    assert_eq!(
        set,
        "ip_deny for role user: (default) -> 127.0.0.0/8\nEnded 2 sessions: alice 1, bob 1.\n"
    );
    for cookie in [&alice, &bob] {
        assert_eq!(
            refusal(&server, cookie, END_REACHES_SERVER).await,
            "ip_rule"
        );
    }
    let events = alice_live
        .until(|event| event["type"] == "signed_out")
        .await;
    assert_eq!(
        events.last(),
        Some(&json!({ "type": "signed_out", "reason": "ip_rule" }))
    );
    assert_live(&server, &[&admin]).await;

    server
        .wait_for_setting(&admin, Some("user"), "ip_deny", Some("127.0.0.0/8"))
        .await;
    let refused = server
        .try_sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await;
    assert_eq!(
        refused_message(refused),
        "Sign-in from 127.0.0.1 is not allowed: it is in the denied range 127.0.0.0/8."
    );
    server
        .sign_in_from("admin", "admin-password-1", &device_agent(1))
        .await;

    let ended = cli_json(url, &["history", "--reason", "ip_rule", "--format", "json"]);
    let mut users: Vec<&str> = ended
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|s| s["username"].as_str())
        .collect();
    users.sort_unstable();
    assert_eq!(users, ["alice", "bob"], "{ended}");
    assert!(
        ended
            .as_array()
            .expect("list")
            .iter()
            .all(|session| session["ended_by"] == "system"),
        "{ended}"
    );
}

#[tokio::test]
async fn address_kinds_public_only_refuses_loopback_and_private_only_allows_it() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    settings_set(&server, &["ip_ranges", "public_only", "--role", "user"]);
    server
        .wait_for_setting(&admin, Some("user"), "ip_ranges", Some("public_only"))
        .await;
    let refused = server
        .try_sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await;
    assert_eq!(
        refused_message(refused),
        "Sign-in from 127.0.0.1 is not allowed: only public addresses are allowed."
    );
    assert!(live_sessions_of(&server, "alice").is_empty());

    settings_set(&server, &["ip_ranges", "private_only", "--role", "user"]);
    server
        .wait_for_setting(&admin, Some("user"), "ip_ranges", Some("private_only"))
        .await;
    let alice = server
        .sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await
        .cookie;
    assert_live(&server, &[&alice]).await;
}

// ---- lifetime ------------------------------------------------------------------------

#[tokio::test]
async fn a_shorter_lifetime_set_while_running_ends_older_sessions_within_two_seconds() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await.cookie;
    // A three-hour-old session is only alive if it has not been idle for three hours.
    settings_set(&server, &["idle_timeout_minutes", "99999"]);
    let old = server
        .old_session("alice", "alice-password-1", Duration::from_secs(3 * 3600))
        .await;
    server
        .wait_for_setting(&admin, None, "idle_timeout_minutes", Some("99999"))
        .await;
    let fresh = server.sign_in("alice", "alice-password-1").await.cookie;
    assert_live(&server, &[&old, &fresh]).await;

    let set = settings_set(&server, &["lifetime_minutes", "120"]);
    assert_eq!(
        refusal(&server, &old, Duration::from_secs(2)).await,
        "expired"
    );
    assert_live(&server, &[&fresh, &admin]).await;
    server
        .wait_for_setting(&admin, None, "lifetime_minutes", Some("120"))
        .await;
    for session in live_sessions_of(&server, "alice") {
        let lifetime = session["expires_at"]
            .as_i64()
            .zip(session["created_at"].as_i64())
            .map(|(end, start)| end - start);
        assert_eq!(
            lifetime,
            Some(120 * 60_000),
            "the survivors' expiry moved in: {session}"
        );
    }
    // The save ended the old session itself, so it says so and the history has it.
    assert_eq!(
        set,
        "lifetime_minutes for all roles: 720 -> 120\nEnded 1 session: alice 1.\n"
    );
    let history = cli_json(
        &server.database_url,
        &["history", "--reason", "expired", "--format", "json"],
    );
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");
    assert_eq!(history[0]["ended_by"], "system", "{history}");
}

// ---- account changes -----------------------------------------------------------------

#[tokio::test]
async fn a_password_change_ends_the_users_sessions_unless_told_to_keep_them() {
    let server = TestServer::start(USERS);
    let laptop = server
        .sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await
        .cookie;
    let phone = server
        .sign_in_from("alice", "alice-password-1", &device_agent(2))
        .await
        .cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let url = &server.database_url;

    let kept = cli(
        url,
        &[
            "user",
            "passwd",
            "alice",
            "--password-stdin",
            "--keep-sessions",
        ],
        Some("alice-password-2"),
    );
    assert_eq!(
        crate::support::stdout(&kept),
        "Password of \"alice\" changed. No session ended.\n",
        "{}",
        stderr(&kept)
    );
    // Ends reach the server in order: once bob's is refused, any of alice's would have been.
    cli_ok(url, &["kill", "--user", "bob"]);
    assert_eq!(refusal(&server, &bob, END_REACHES_SERVER).await, "killed");
    assert_live(&server, &[&laptop, &phone]).await;
    assert_eq!(
        server
            .call("sign_in", None, "username=alice&password=alice-password-1")
            .await
            .0,
        400
    );
    let tablet = server
        .sign_in_from("alice", "alice-password-2", &device_agent(3))
        .await
        .cookie;
    let mut laptop_live = server.live(Some(&laptop)).await.expect("upgrade");

    let changed = cli(
        url,
        &["user", "passwd", "alice", "--password-stdin"],
        Some("alice-password-3"),
    );
    assert_eq!(
        crate::support::stdout(&changed),
        "Password of \"alice\" changed. Ended 3 sessions.\n",
        "{}",
        stderr(&changed)
    );
    for cookie in [&laptop, &phone, &tablet] {
        assert_eq!(
            refusal(&server, cookie, END_REACHES_SERVER).await,
            "password_change"
        );
    }
    let events = laptop_live
        .until(|event| event["type"] == "signed_out")
        .await;
    assert_eq!(
        events.last(),
        Some(&json!({ "type": "signed_out", "reason": "password_change" }))
    );
    server
        .sign_in_from("alice", "alice-password-3", &device_agent(4))
        .await;
}

#[tokio::test]
async fn disabling_ends_every_session_and_refuses_sign_in_until_enabled() {
    let server = TestServer::start(USERS);
    let laptop = server
        .sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await
        .cookie;
    let phone = server
        .sign_in_from("alice", "alice-password-1", &device_agent(2))
        .await
        .cookie;
    let bob = server.sign_in("bob", "bob-password-1").await.cookie;
    let url = &server.database_url;

    assert_eq!(
        cli_ok(url, &["user", "disable", "alice"]),
        "Disabled \"alice\". Ended 2 sessions.\n"
    );
    for cookie in [&laptop, &phone] {
        assert_eq!(
            refusal(&server, cookie, END_REACHES_SERVER).await,
            "user_disabled"
        );
    }
    assert_live(&server, &[&bob]).await;
    let (status, body) = server
        .call("sign_in", None, "username=alice&password=alice-password-1")
        .await;
    assert_eq!(
        (status, parse(&body)),
        (400, json!({ "BadRequest": "Wrong username or password." }))
    );

    assert_eq!(
        cli_ok(url, &["user", "enable", "alice"]),
        "Enabled \"alice\".\n"
    );
    let back = server
        .sign_in_from("alice", "alice-password-1", &device_agent(3))
        .await
        .cookie;
    assert_live(&server, &[&back]).await;
}

#[tokio::test]
async fn deleting_a_user_ends_their_sessions_and_keeps_them_in_the_history() {
    let server = TestServer::start(USERS);
    let alice = server.sign_in("alice", "alice-password-1").await.cookie;
    let alice_id = server.session_id(&alice).await;
    let url = &server.database_url;

    assert_eq!(
        cli(url, &["user", "delete", "alice"], None).status.code(),
        Some(2),
        "needs --yes"
    );
    assert_live(&server, &[&alice]).await;
    assert_eq!(
        cli_ok(url, &["user", "delete", "alice", "--yes"]),
        "Deleted \"alice\". Ended 1 session.\n"
    );
    assert_eq!(
        refusal(&server, &alice, END_REACHES_SERVER).await,
        "user_disabled"
    );
    let (status, _) = server
        .call("sign_in", None, "username=alice&password=alice-password-1")
        .await;
    assert_eq!(status, 400);
    let users = cli_json(url, &["user", "list", "--format", "json"]);
    assert!(
        users
            .as_array()
            .expect("list")
            .iter()
            .all(|user| user["name"] != "alice"),
        "{users}"
    );

    let history = cli_json(url, &["history", "--user", "alice", "--format", "json"]);
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");
    assert_eq!(history[0]["id"].as_str(), Some(alice_id.as_str()));
    assert_eq!(
        (
            history[0]["end_reason"].as_str(),
            history[0]["ended_by"].as_str()
        ),
        (Some("user_disabled"), Some("cli"))
    );
}

// ---- the records ---------------------------------------------------------------------

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
