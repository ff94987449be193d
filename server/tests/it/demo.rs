//! `sessions demo` on the real binary: the console fills with demo applications,
//! guests and signed-in users within seconds and keeps changing; the demo's data lives
//! in a throwaway database that is gone when it stops; and nothing of it reaches a
//! database unless `--database-url` asks for it.

use crate::support::{cli_json, json, sqlite_path, TestServer};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

const DEMO_APPS: [&str; 4] = ["billing", "helpdesk", "shop", "wiki"];
const LIST: &str =
    "query[search]=&query[sort]=created&query[dir]=desc&query[page]=first&query[limit]=200";

/// One facet dimension of `session_facets` as value → count.
fn counts(facets: &Value, dimension: &str) -> BTreeMap<String, i64> {
    facets[dimension]
        .as_array()
        .unwrap_or_else(|| panic!("no {dimension} in {facets}"))
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().expect("value").to_owned(),
                pair[1].as_i64().expect("count"),
            )
        })
        .collect()
}

async fn facets(server: &TestServer, admin: &str) -> Value {
    let (status, body) = server.call("session_facets", Some(admin), "").await;
    assert_eq!(status, 200, "{body}");
    json(&body)
}

/// Ids of the live sessions the admin sees.
async fn live_ids(server: &TestServer, admin: &str) -> BTreeSet<String> {
    let (status, body) = server.call("list_sessions", Some(admin), LIST).await;
    assert_eq!(status, 200, "{body}");
    json(&body)["sessions"]
        .as_array()
        .expect("sessions")
        .iter()
        .map(|session| session["id"].as_str().expect("id").to_owned())
        .collect()
}

fn app_names(database_url: &str) -> Vec<String> {
    let apps = cli_json(database_url, &["app", "list", "--format", "json"]);
    apps.as_array()
        .unwrap_or_else(|| panic!("a list: {apps}"))
        .iter()
        .map(|app| app["name"].as_str().expect("name").to_owned())
        .collect()
}

#[tokio::test]
async fn the_demo_console_is_lively_within_seconds_and_its_database_goes_away() {
    let (mut server, banner) = TestServer::start_demo(&["--seed", "42"], &[]);
    let started = Instant::now();
    assert!(
        banner.password.starts_with("demo-"),
        "a demo password: {:?}",
        banner.lines
    );
    assert!(
        banner.lines.iter().any(|line| line.contains("DEMO MODE")),
        "{:?}",
        banner.lines
    );
    let database = sqlite_path(&banner.database_url);
    assert!(
        database.starts_with(std::env::temp_dir()),
        "a throwaway database: {}",
        database.display()
    );
    assert!(database.exists(), "{}", database.display());

    let admin = server.sign_in("admin", &banner.password).await.cookie;

    // Within ~5 s: every demo application, guests and signed-in users, many countries.
    let lively = loop {
        let facets = facets(&server, &admin).await;
        let applications = counts(&facets, "applications");
        let statuses = counts(&facets, "statuses");
        let live: i64 = statuses.values().sum();
        let countries = counts(&facets, "countries")
            .keys()
            .filter(|code| !code.is_empty())
            .count();
        let guests = statuses.get("guest").copied().unwrap_or(0);
        let users = statuses.get("authenticated").copied().unwrap_or(0);
        let all_apps = DEMO_APPS
            .iter()
            .all(|app| applications.get(*app).is_some_and(|n| *n > 0));
        if all_apps && guests >= 3 && users >= 10 && live >= 20 && countries >= 5 {
            break facets;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "after 5 s: {live} live, {guests} guests, {countries} countries, applications {applications:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let roles = counts(&lively, "roles");
    assert!(
        roles.get("admin").is_some_and(|n| *n > 0) && roles.get("user").is_some_and(|n| *n > 0),
        "{roles:?}"
    );

    // It keeps moving: within seconds some sessions end and others begin. The first
    // sessions are seeded without any leaving, and seeding signs people in (a password
    // hash each): on a loaded 2-core machine it outlasted 8 s, so allow 20.
    let before = live_ids(&server, &admin).await;
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let now = live_ids(&server, &admin).await;
        if now.difference(&before).next().is_some() && before.difference(&now).next().is_some() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "nothing came and went in 20 s: {} then {}",
            before.len(),
            now.len()
        );
    }

    // Killed in the console, the generator notices and fills the console up again.
    let (status, body) = server
        .call("kill_all", Some(&admin), "include_mine=false")
        .await;
    assert_eq!(status, 200, "kill all: {body}");
    let deadline = Instant::now() + Duration::from_secs(8);
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        if live_ids(&server, &admin).await.len() >= 10 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the demo did not refill the console after Kill all"
        );
    }

    let status = server.stop();
    assert!(
        status.success(),
        "the demo stops cleanly on SIGTERM: {status:?}"
    );
    let dir = database.parent().expect("its directory");
    assert!(
        !dir.exists(),
        "the throwaway database is deleted: {}",
        dir.display()
    );
}

#[tokio::test]
async fn demo_data_never_reaches_a_database_unless_asked_for() {
    // DATABASE_URL in the environment (as `make run` sets it) is not an invitation.
    let (_keep, real) = crate::support::database();
    let (mut demo, banner) = TestServer::start_demo(&[], &[("DATABASE_URL", real.as_str())]);
    assert_ne!(banner.database_url, real, "{:?}", banner.lines);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(demo.stop().success());
    assert!(
        app_names(&real).is_empty(),
        "demo applications leaked into DATABASE_URL"
    );
    assert_eq!(
        cli_json(&real, &["list", "--format", "json"]),
        serde_json::json!([])
    );

    // The normal server on a fresh database has no demo applications and no traffic.
    let serve = TestServer::start(&[]);
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(app_names(&serve.database_url).is_empty());
    assert_eq!(
        cli_json(&serve.database_url, &["list", "--format", "json"]),
        serde_json::json!([])
    );
}

#[tokio::test]
async fn asked_for_with_database_url_the_demo_data_stays() {
    let (_keep, chosen) = crate::support::database();
    let (mut demo, banner) = TestServer::start_demo(&["--database-url", chosen.as_str()], &[]);
    assert_eq!(banner.database_url, chosen, "{:?}", banner.lines);
    assert!(
        banner.lines.iter().any(|line| line.contains("stays")),
        "it says the data stays: {:?}",
        banner.lines
    );
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(demo.stop().success());
    let mut names = app_names(&chosen);
    names.sort();
    assert_eq!(names, DEMO_APPS);
    assert!(sqlite_path(&chosen).exists());
}
