//! A database that is missing or unreachable: named clearly, its password never shown.

use super::*;

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
