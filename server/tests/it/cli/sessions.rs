//! The sessions of a running server from the command line: listing, killing by id and by
//! user, refused at the next check, spreadsheet-safe CSV.

use super::*;

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
