//! The command line against a real database file: exit codes scripts can rely on.

mod support;

use support::cli;

fn database() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    (dir, url)
}

#[test]
fn user_add_validates_and_refuses_duplicates() {
    let (_dir, url) = database();
    let ok = cli(&url, &["user", "add", "alice", "--role", "user", "--password-stdin"], Some("alice-password-1"));
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let again = cli(&url, &["user", "add", "ALICE", "--role", "admin", "--password-stdin"], Some("another-pass"));
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let short = cli(&url, &["user", "add", "carol", "--role", "user", "--password-stdin"], Some("short"));
    assert_eq!(short.status.code(), Some(2));
    let bad_role = cli(&url, &["user", "add", "dave", "--role", "root", "--password-stdin"], Some("long-enough-1"));
    assert_eq!(bad_role.status.code(), Some(2));
}

#[test]
fn list_prints_every_format_on_an_empty_store() {
    let (_dir, url) = database();
    let table = cli(&url, &["list"], None);
    assert_eq!(String::from_utf8_lossy(&table.stdout).trim(), "No live sessions.");
    let json = cli(&url, &["list", "--format", "json"], None);
    assert_eq!(String::from_utf8_lossy(&json.stdout).trim(), "[]");
    let csv = cli(&url, &["list", "--format", "csv"], None);
    assert!(String::from_utf8_lossy(&csv.stdout).starts_with("ID,User,App,Status,IP"));
}

#[test]
fn kill_refuses_what_it_cannot_do() {
    let (_dir, url) = database();
    assert_eq!(cli(&url, &["kill", "not-an-id"], None).status.code(), Some(2));
    assert_eq!(cli(&url, &["kill", "--all"], None).status.code(), Some(2));
    assert_eq!(cli(&url, &["kill", "--user", "nobody"], None).status.code(), Some(3));
    assert_eq!(cli(&url, &["kill", &"0".repeat(32)], None).status.code(), Some(3));
    assert_eq!(cli(&url, &["kill"], None).status.code(), Some(2));
    let all = cli(&url, &["kill", "--all", "--yes"], None);
    assert!(all.status.success());
    assert_eq!(String::from_utf8_lossy(&all.stdout).trim(), "Ended 0 sessions.");
}
