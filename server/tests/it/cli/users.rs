//! Accounts from the command line: adding (validation, duplicates, the password from
//! stdin), listing and changing them in every format.

use super::*;

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
