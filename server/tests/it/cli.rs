//! The command line against a real database file: messages and exit codes scripts can
//! rely on, and its view of (and power over) the sessions of a running server.

use crate::support::{
    cli, database, device_agent, json, missing_database, sqlite_path, stderr, stdout, TestServer,
};
use std::time::{Duration, Instant};

const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "admin-password-1"),
    ("alice", "user", "alice-password-1"),
];
const CSV_HEADER: &str =
    "ID,User,App,Status,Role,IP,Country,Browser/OS,Signed in,Last seen,Expires,Flags";

#[test]
fn user_add_validates_and_refuses_duplicates() {
    let (_dir, url) = database();
    let ok = cli(
        &url,
        &["user", "add", "alice", "--role", "user", "--password-stdin"],
        Some("alice-password-1"),
    );
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert_eq!(
        stdout(&ok).trim(),
        format!("Created user \"alice\" in {url}."),
        "it names the database"
    );
    let admin = cli(
        &url,
        &["user", "add", "root", "--role", "admin", "--password-stdin"],
        Some("root-password-1"),
    );
    assert_eq!(
        stdout(&admin).trim(),
        format!("Created admin user \"root\" in {url}."),
        "{}",
        stderr(&admin)
    );

    let again = cli(
        &url,
        &[
            "user",
            "add",
            "ALICE",
            "--role",
            "admin",
            "--password-stdin",
        ],
        Some("another-pass"),
    );
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).starts_with("error: ") && stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    let short = cli(
        &url,
        &["user", "add", "carol", "--role", "user", "--password-stdin"],
        Some("short"),
    );
    assert_eq!(short.status.code(), Some(2), "{}", stderr(&short));
    assert!(stderr(&short).starts_with("error: "), "{}", stderr(&short));
    let bad_role = cli(
        &url,
        &["user", "add", "dave", "--role", "root", "--password-stdin"],
        Some("long-enough-1"),
    );
    assert_eq!(bad_role.status.code(), Some(2));
    assert!(
        stderr(&bad_role).contains("root"),
        "clap names the bad value: {}",
        stderr(&bad_role)
    );
}

#[test]
fn user_add_without_a_terminal_asks_for_password_stdin() {
    let (_dir, url) = database();
    let output = cli(
        &url,
        &["user", "add", "erin", "--role", "user"],
        Some("erin-password-1"),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--password-stdin"),
        "{}",
        stderr(&output)
    );
    let none = cli(&url, &["list", "--format", "json"], None);
    assert_eq!(stdout(&none).trim(), "[]", "nothing was created");
}

#[test]
fn list_prints_every_format_on_an_empty_store() {
    let (_dir, url) = database();
    let table = cli(&url, &["list"], None);
    assert!(table.status.success(), "{}", stderr(&table));
    assert_eq!(stdout(&table).trim(), "No live sessions.");
    let json_out = cli(&url, &["list", "--format", "json"], None);
    assert_eq!(stdout(&json_out).trim(), "[]");
    let csv = cli(&url, &["list", "--format", "csv"], None);
    assert_eq!(stdout(&csv).trim(), CSV_HEADER);
}

#[test]
fn kill_refuses_what_it_cannot_do() {
    let (_dir, url) = database();
    let malformed = cli(&url, &["kill", "not-an-id"], None);
    assert_eq!(malformed.status.code(), Some(2));
    assert!(
        stderr(&malformed).contains("is not a session id"),
        "{}",
        stderr(&malformed)
    );
    let all = cli(&url, &["kill", "--all"], None);
    assert_eq!(all.status.code(), Some(2));
    assert!(
        stderr(&all).contains("Refusing to end every session without --yes."),
        "{}",
        stderr(&all)
    );
    let nobody = cli(&url, &["kill", "--user", "nobody"], None);
    assert_eq!(nobody.status.code(), Some(3));
    assert!(
        stderr(&nobody).contains("No user named"),
        "{}",
        stderr(&nobody)
    );
    let unknown = "0".repeat(32);
    let gone = cli(&url, &["kill", &unknown], None);
    assert_eq!(gone.status.code(), Some(3));
    assert!(
        stderr(&gone).contains(&unknown),
        "names the id that was not live: {}",
        stderr(&gone)
    );
    let nothing = cli(&url, &["kill"], None);
    assert_eq!(nothing.status.code(), Some(2));
    assert!(
        stderr(&nothing).contains("--all --yes"),
        "usage hint: {}",
        stderr(&nothing)
    );
    let everything = cli(&url, &["kill", "--all", "--yes"], None);
    assert!(everything.status.success(), "{}", stderr(&everything));
    assert_eq!(stdout(&everything).trim(), "Ended 0 sessions.");
}

#[tokio::test]
async fn list_shows_the_live_sessions_of_a_running_server() {
    let server = TestServer::start(USERS);
    let _admin = server.sign_in("admin", "admin-password-1").await;
    let alice = server.sign_in("alice", "alice-password-1").await;
    let alice_id = server.session_id(&alice.cookie).await;
    let url = &server.database_url;

    let sessions = json(&stdout(&cli(url, &["list", "--format", "json"], None)));
    let sessions = sessions.as_array().expect("array");
    let mut users: Vec<&str> = sessions
        .iter()
        .map(|s| s["username"].as_str().expect("name"))
        .collect();
    users.sort_unstable();
    assert_eq!(users, ["admin", "alice"]);

    let csv = stdout(&cli(url, &["list", "--format", "csv"], None));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert_eq!(lines[0], CSV_HEADER);
    let alice_row = lines
        .iter()
        .find(|line| line.starts_with(&alice_id))
        .expect("alice's row");
    assert!(
        alice_row.contains(",alice,console,Authenticated,user,127.0.0.1,,Chrome 120 on Linux,"),
        "{alice_row}"
    );
    assert!(alice_row.ends_with(" UTC,"), "no flags: {alice_row}");

    let table = stdout(&cli(url, &["list", "--search", "alice"], None));
    assert!(
        table.contains(&alice_id) && table.contains("Chrome 120 on Linux"),
        "{table}"
    );
    assert!(
        !table.contains("admin"),
        "the search keeps only alice: {table}"
    );
}

#[tokio::test]
async fn kill_by_id_and_by_user_reach_the_running_server() {
    let server = TestServer::start(USERS);
    let admin = server.sign_in("admin", "admin-password-1").await;
    let first = server
        .sign_in_from("alice", "alice-password-1", &device_agent(1))
        .await;
    let second = server
        .sign_in_from("alice", "alice-password-1", &device_agent(2))
        .await;
    let admin_id = server.session_id(&admin.cookie).await;
    let url = &server.database_url;

    let unknown = "0".repeat(32);
    let by_id = cli(url, &["kill", &admin_id, &unknown], None);
    assert!(
        by_id.status.success(),
        "one of two ended: {}",
        stderr(&by_id)
    );
    assert_eq!(stdout(&by_id).trim(), "Ended 1 session.");
    assert!(
        stderr(&by_id).contains(&unknown),
        "names the id that was not live: {}",
        stderr(&by_id)
    );
    let again = cli(url, &["kill", &admin_id], None);
    assert_eq!(again.status.code(), Some(3), "already ended");

    let by_user = cli(url, &["kill", "--user", "alice"], None);
    assert!(by_user.status.success(), "{}", stderr(&by_user));
    assert_eq!(stdout(&by_user).trim(), "Ended 2 sessions.");
    let since = Instant::now();
    for cookie in [&admin.cookie, &first.cookie, &second.cookie] {
        let took = server.time_until_refused(cookie, since).await;
        assert!(
            took.is_some_and(|took| took < Duration::from_millis(500)),
            "refused after {took:?}"
        );
    }
    assert_eq!(
        stdout(&cli(url, &["list"], None)).trim(),
        "No live sessions."
    );
}

#[test]
fn user_list_and_account_changes_in_every_format() {
    let (_dir, url) = database();
    for (name, role) in [("admin", "admin"), ("alice", "user")] {
        let password = format!("{name}-password-1");
        let output = cli(
            &url,
            &["user", "add", name, "--role", role, "--password-stdin"],
            Some(&password),
        );
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let csv = stdout(&cli(&url, &["user", "list", "--format", "csv"], None));
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "Name,Role,Disabled,Created", "{csv}");
    assert!(
        lines[1].starts_with("admin,admin,no,") && lines[2].starts_with("alice,user,no,"),
        "{csv}"
    );

    let disabled = cli(&url, &["user", "disable", "alice"], None);
    assert_eq!(
        stdout(&disabled).trim(),
        "Disabled \"alice\". No session ended.",
        "{}",
        stderr(&disabled)
    );
    let users = json(&stdout(&cli(
        &url,
        &["user", "list", "--format", "json"],
        None,
    )));
    let alice = users
        .as_array()
        .and_then(|users| users.iter().find(|user| user["name"] == "alice"))
        .expect("alice");
    assert_eq!(
        (alice["role"].as_str(), alice["disabled"].as_bool()),
        (Some("user"), Some(true)),
        "{users}"
    );
    assert!(
        alice["created_at"]
            .as_i64()
            .is_some_and(|at| at > 1_700_000_000_000),
        "{users}"
    );
    let table = stdout(&cli(&url, &["user", "list"], None));
    assert!(
        table.contains("Disabled")
            && table
                .lines()
                .any(|line| line.contains("alice") && line.contains("yes")),
        "{table}"
    );
    assert_eq!(
        stdout(&cli(&url, &["user", "enable", "alice"], None)).trim(),
        "Enabled \"alice\"."
    );

    let passwd = cli(
        &url,
        &["user", "passwd", "alice", "--password-stdin"],
        Some("alice-password-2"),
    );
    assert_eq!(
        stdout(&passwd).trim(),
        "Password of \"alice\" changed. No session ended.",
        "{}",
        stderr(&passwd)
    );
    let weak = cli(
        &url,
        &["user", "passwd", "alice", "--password-stdin"],
        Some("short"),
    );
    assert_eq!(weak.status.code(), Some(2), "{}", stderr(&weak));

    let unconfirmed = cli(&url, &["user", "delete", "alice"], None);
    assert_eq!(unconfirmed.status.code(), Some(2));
    assert_eq!(
        stderr(&unconfirmed).trim(),
        "error: Refusing to delete a user without --yes."
    );
    for command in [
        &["user", "disable", "nobody"][..],
        &["user", "enable", "nobody"],
        &["user", "delete", "nobody", "--yes"],
    ] {
        let output = cli(&url, command, None);
        assert_eq!(output.status.code(), Some(3), "{command:?}");
        assert_eq!(
            stderr(&output).trim(),
            "error: No user named \"nobody\".",
            "{command:?}"
        );
    }
    let deleted = cli(&url, &["user", "delete", "alice", "--yes"], None);
    assert_eq!(
        stdout(&deleted).trim(),
        "Deleted \"alice\". No session ended.",
        "{}",
        stderr(&deleted)
    );
    let names = stdout(&cli(&url, &["user", "list", "--format", "csv"], None));
    assert_eq!(names.lines().count(), 2, "only admin is left: {names}");
}

#[test]
fn settings_get_one_key_in_every_format() {
    let (_dir, url) = database();
    let table = stdout(&cli(
        &url,
        &["settings", "get", "idle_timeout_minutes"],
        None,
    ));
    for text in [
        "Key",
        "Label",
        "Value",
        "Default",
        "Source",
        "idle_timeout_minutes",
        "Idle timeout",
        "built-in",
    ] {
        assert!(table.contains(text), "{text}: {table}");
    }
    assert!(
        !table.contains("lifetime_minutes"),
        "only the key asked for: {table}"
    );
    let all = json(&stdout(&cli(
        &url,
        &["settings", "get", "--format", "json"],
        None,
    )));
    assert_eq!(
        all.as_array().map(Vec::len),
        Some(17),
        "every setting: {all}"
    );

    assert!(cli(
        &url,
        &["settings", "set", "idle_timeout_minutes", "45"],
        None
    )
    .status
    .success());
    let set = json(&stdout(&cli(
        &url,
        &[
            "settings",
            "get",
            "idle_timeout_minutes",
            "--format",
            "json",
        ],
        None,
    )));
    let expected = r#"[{"key":"idle_timeout_minutes","label":"Idle timeout","value":"45","default":"45","source":"set"}]"#;
    assert_eq!(set, json(expected));
    let set = cli(
        &url,
        &[
            "settings",
            "set",
            "idle_timeout_minutes",
            "10",
            "--role",
            "admin",
        ],
        None,
    );
    assert_eq!(
        stdout(&set),
        "idle_timeout_minutes for role admin: (default) -> 10\nNo session ended.\n"
    );
    let admin = stdout(&cli(
        &url,
        &[
            "settings",
            "get",
            "idle_timeout_minutes",
            "--role",
            "admin",
            "--format",
            "csv",
        ],
        None,
    ));
    assert_eq!(
        admin,
        "Key,Label,Value,Default,Source\nidle_timeout_minutes,Idle timeout,10,45,admin override\n"
    );
    let user = stdout(&cli(
        &url,
        &[
            "settings",
            "get",
            "idle_timeout_minutes",
            "--role",
            "user",
            "--format",
            "csv",
        ],
        None,
    ));
    assert_eq!(
        user,
        "Key,Label,Value,Default,Source\nidle_timeout_minutes,Idle timeout,45,45,default\n"
    );

    let again = cli(
        &url,
        &[
            "settings",
            "set",
            "idle_timeout_minutes",
            "10",
            "--role",
            "admin",
        ],
        None,
    );
    assert_eq!(
        stdout(&again).trim(),
        "Nothing changed: the setting already has that value."
    );
    let unset = cli(
        &url,
        &[
            "settings",
            "unset",
            "idle_timeout_minutes",
            "--role",
            "admin",
        ],
        None,
    );
    assert_eq!(
        stdout(&unset),
        "idle_timeout_minutes for role admin: 10 -> (default)\nNo session ended.\n"
    );
    let reset = cli(&url, &["settings", "unset", "idle_timeout_minutes"], None);
    assert_eq!(
        stdout(&reset),
        "idle_timeout_minutes for all roles: 45 -> 30\nNo session ended.\n"
    );
    let unknown = cli(&url, &["settings", "get", "idle"], None);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown)
        .starts_with("error: Unknown setting \"idle\". Known settings: idle_timeout_minutes, "));
}

#[test]
fn history_on_an_empty_store_and_its_usage_errors() {
    let (_dir, url) = database();
    assert_eq!(
        stdout(&cli(&url, &["history"], None)).trim(),
        "No ended sessions."
    );
    assert_eq!(
        stdout(&cli(
            &url,
            &["history", "--format", "json", "--since", "2h", "--until", "5m"],
            None
        ))
        .trim(),
        "[]"
    );
    let csv = cli(
        &url,
        &[
            "history",
            "--format",
            "csv",
            "--since",
            "2026-01-01T00:00:00Z",
            "--reason",
            "ip_rule",
        ],
        None,
    );
    assert_eq!(
        stdout(&csv),
        "ID,User,App,Role,IP,Country,Ended,Reason,Ended by,Flags\n",
        "{}",
        stderr(&csv)
    );
    assert_eq!(
        stdout(&cli(&url, &["history", "--settings"], None)).trim(),
        "No settings changes."
    );
    assert_eq!(
        stdout(&cli(
            &url,
            &["history", "--settings", "--format", "csv"],
            None
        )),
        "When,Who,Scope,Key,Old,New\n"
    );

    let bad: [(&[&str], &str); 5] = [
        (
            &["history", "--reason", "bored"],
            "error: Unknown reason \"bored\"; one of: logout, killed, ",
        ),
        (
            &["history", "--until", "2026-13-01T00:00:00Z"],
            "error: \"2026-13-01T00:00:00Z\" is not a time: use RFC 3339",
        ),
        (
            &["history", "--limit", "0"],
            "error: invalid value '0' for '--limit <LIMIT>'",
        ),
        (
            &["history", "--limit", "10001"],
            "error: invalid value '10001' for '--limit <LIMIT>'",
        ),
        (
            &["history", "--settings", "--reason", "killed"],
            "error: the argument '--settings' cannot be used with",
        ),
    ];
    for (args, expected) in bad {
        let output = cli(&url, args, None);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).starts_with(expected),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(stdout(&output).is_empty(), "{args:?} printed data");
    }
}

#[test]
fn commands_refuse_a_missing_database_and_name_the_path() {
    let (_dir, url) = missing_database();
    let path = sqlite_path(&url);
    let commands: [&[&str]; 8] = [
        &["kill", "--all", "--yes"],
        &["list"],
        &["history"],
        &["settings", "get"],
        &["app", "list"],
        &["user", "list"],
        &["user", "disable", "alice"],
        &["settings", "set", "idle_timeout_minutes", "45"],
    ];
    for args in commands {
        let output = cli(&url, args, None);
        assert_eq!(
            output.status.code(),
            Some(1),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).starts_with("error: no database at ")
                && stderr(&output).contains(&path.display().to_string()),
            "{args:?} names the path it looked at: {}",
            stderr(&output)
        );
        assert!(
            stdout(&output).is_empty(),
            "{args:?} printed {}",
            stdout(&output)
        );
        assert!(!path.exists(), "{args:?} created the database");
    }
    let added = cli(
        &url,
        &["user", "add", "alice", "--role", "user", "--password-stdin"],
        Some("alice-password-1"),
    );
    assert!(
        added.status.success(),
        "`user add` starts a new database: {}",
        stderr(&added)
    );
    assert!(
        cli(&url, &["list"], None).status.success(),
        "and the others then work on it"
    );
}

#[tokio::test]
async fn csv_cells_that_spreadsheets_run_as_formulas_are_neutralised() {
    let server = TestServer::start(USERS);
    let key = server.api_add_app("shop");
    let formula = "=HYPERLINK(\"http://evil.example\",\"x\")";
    let (_, session) = server.api_create(&key, formula, "10.0.0.1").await;
    let id = session["id"].as_str().expect("id").to_owned();
    let live = stdout(&cli(
        &server.database_url,
        &["list", "--format", "csv"],
        None,
    ));
    let row = live
        .lines()
        .find(|line| line.starts_with(&id))
        .unwrap_or_else(|| panic!("{live}"));
    assert!(
        row.contains(",\"'=HYPERLINK("),
        "the user cell starts with a quote: {row}"
    );
    assert!(
        !row.contains(",=") && !row.contains(",\"="),
        "no cell starts a formula: {row}"
    );
    assert!(cli(&server.database_url, &["kill", &id], None)
        .status
        .success());
    let history = stdout(&cli(
        &server.database_url,
        &["history", "--format", "csv"],
        None,
    ));
    let row = history
        .lines()
        .find(|line| line.starts_with(&id))
        .unwrap_or_else(|| panic!("{history}"));
    assert!(row.contains(",\"'=HYPERLINK("), "{row}");
    assert!(!row.contains(",=") && !row.contains(",\"="), "{row}");
}

#[test]
fn an_unreachable_postgres_fails_clearly_without_the_password() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("postgres://app:s3cret@127.0.0.1:{closed}/sessions");
    for args in [&["list"][..], &["serve", "--addr", "127.0.0.1:0"][..]] {
        let output = cli(&url, args, None);
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {message}");
        assert!(
            message.contains("cannot open the database postgres://app:****@127.0.0.1"),
            "{args:?}: {message}"
        );
        assert!(
            !message.contains("s3cret") && !message.contains("panicked"),
            "{args:?}: {message}"
        );
    }
}

/// Read your own kill: once `sessions kill` returns, the running server's very next
/// check refuses the session, every time (the server had it cached, and learns of the
/// end from the end log; the CLI waits until the server reports it applied).
#[tokio::test]
async fn a_cli_kill_is_refused_by_the_servers_very_next_check() {
    const KILLS: usize = 20;
    const IP: &str = "203.0.113.9";
    let server = TestServer::start(USERS);
    let key = server.api_add_app("cli-kill");
    for n in 0..KILLS {
        let (token, session) = server.api_create(&key, &format!("u-{n}"), IP).await;
        server.api_check(&key, &token, IP).await.expect_json(200);
        let id = session["id"].as_str().expect("id");
        let killed = cli(&server.database_url, &["kill", id], None);
        assert!(killed.status.success(), "{}", stderr(&killed));
        server
            .api_check(&key, &token, IP)
            .await
            .expect_refusal("session_ended", Some("killed"));
    }
}
