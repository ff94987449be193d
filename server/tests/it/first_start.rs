//! A fresh install hands the operator a way in once: the first `serve` on a database
//! with no users prints a generated admin password next to the URL; later starts, and
//! starts on a database that has users, print none.

use crate::support::{cli_json, TestServer};
use std::time::Duration;

/// The banner comes right after the listening line; this long a pause means it is over.
const QUIET: Duration = Duration::from_millis(700);

fn password_in(lines: &[String]) -> Option<String> {
    lines
        .iter()
        .find_map(|line| line.trim().strip_prefix("Password: "))
        .map(str::to_owned)
}

#[tokio::test]
async fn the_first_start_prints_a_one_time_admin_password_that_signs_in() {
    let server = TestServer::start(&[]);
    let printed = server.printed(QUIET);
    let password =
        password_in(&printed).unwrap_or_else(|| panic!("no password printed: {printed:?}"));
    assert!(
        password.len() >= 20 && password.chars().all(|c| c.is_ascii_alphanumeric()),
        "{password}"
    );
    assert!(
        printed
            .iter()
            .any(|line| line.contains(&format!("{}/login", server.base))),
        "the URL: {printed:?}"
    );
    assert!(
        printed.iter().any(|line| line.trim() == "Username: admin"),
        "{printed:?}"
    );
    let change = printed
        .iter()
        .find(|line| line.contains("user passwd admin"))
        .expect("how to change it");
    assert!(
        change.contains(&format!("--database-url {}", server.database_url)),
        "the command names the database in use (not the default): {change}"
    );

    let users = cli_json(&server.database_url, &["user", "list", "--format", "json"]);
    assert_eq!(users.as_array().map(Vec::len), Some(1), "{users}");
    assert_eq!(
        (users[0]["name"].as_str(), users[0]["role"].as_str()),
        (Some("admin"), Some("admin")),
        "{users}"
    );
    let admin = server.sign_in("admin", &password).await;
    assert_eq!(admin.landing, "/admin/sessions");

    let again = server.kill_and_restart();
    let printed = again.printed(QUIET);
    assert_eq!(
        password_in(&printed),
        None,
        "the second start prints no password: {printed:?}"
    );
    let users = cli_json(&again.database_url, &["user", "list", "--format", "json"]);
    assert_eq!(
        users.as_array().map(Vec::len),
        Some(1),
        "no second admin: {users}"
    );
    again.sign_in("admin", &password).await;
}

#[tokio::test]
async fn a_database_with_users_or_an_admin_password_from_the_environment_prints_none() {
    let with_users = TestServer::start(&[("alice", "user", "alice-password-1")]);
    let printed = with_users.printed(QUIET);
    assert_eq!(password_in(&printed), None, "{printed:?}");
    let users = cli_json(
        &with_users.database_url,
        &["user", "list", "--format", "json"],
    );
    assert_eq!(
        users.as_array().map(Vec::len),
        Some(1),
        "no admin added next to alice: {users}"
    );

    let from_env = TestServer::start_with_admin_password("first-admin-password");
    let printed = from_env.printed(QUIET);
    assert_eq!(password_in(&printed), None, "{printed:?}");
    from_env.sign_in("admin", "first-admin-password").await;
}
