//! Two `sessions serve` instances on one PostgreSQL: a session ended through instance
//! A's API is refused by instance B, which had it cached, on B's very next check. A
//! acknowledges an end only once every live instance reports that it applied it
//! (`engine::agreement`); `bench/cluster_kill.sh` runs this with many kills to measure
//! the time from A's acknowledgement to B's refusal. Sessions created through B reach
//! A's consoles live and move A's chip counts (the change log logs creations too).

use crate::support::pg_cluster;

use crate::support::{add_users, bench_count, json, percentile, TestServer};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Kills per run; `SESSIONS_BENCH_KILLS` raises it for the benchmark.
const DEFAULT_KILLS: usize = 50;
const IP: &str = "203.0.113.7";

#[tokio::test]
async fn a_kill_through_a_is_refused_on_b() {
    let url = pg_cluster::fresh_database_url().await;
    let a = TestServer::start_on(&url, &[]);
    let b = TestServer::start_on(&url, &[]);
    let key = a.api_add_app("cluster-test");
    let kills = bench_count("SESSIONS_BENCH_KILLS", DEFAULT_KILLS);

    let mut delays = Vec::with_capacity(kills);
    let mut kill_times = Vec::with_capacity(kills);
    for n in 0..kills {
        let (token, session) = a.api_create(&key, &format!("u-{n}"), IP).await;
        // B checks it first, so B answers from its cache afterwards, not from the store.
        b.api_check(&key, &token, IP).await.expect_json(200);
        let id = session["id"].as_str().expect("id");
        // Each kill would otherwise come a fixed time after B's last end-log read;
        // stepping through the poll period by 37 ms spreads kills evenly over it.
        tokio::time::sleep(Duration::from_millis((n as u64 * 37) % 100)).await;
        let asked = Instant::now();
        let ended = a.api_end(&key, id).await;
        assert_eq!(ended.status, 204, "{}", ended.body);
        let acknowledged = Instant::now();
        let reply = b.api_check(&key, &token, IP).await;
        // An application ending a session by id records it as a logout.
        reply.expect_refusal("session_ended", Some("logout"));
        // `delays`: A's 204 to B's 401, one check; `kill_times`: the DELETE itself,
        // which waits for B to apply the end.
        delays.push(acknowledged.elapsed());
        kill_times.push(asked.elapsed());
    }
    // Every kill got here only if B refused it on its first check after the 204.
    println!(
        "kill on A -> refused on B: kills={kills} ack_p50={} ack_p99={} ack_max={} refused_p50={} refused_max={} refused_on_first_check={kills}",
        percentile(&mut kill_times, 0.50),
        percentile(&mut kill_times, 0.99),
        percentile(&mut kill_times, 1.0),
        percentile(&mut delays, 0.50),
        percentile(&mut delays, 1.0),
    );
}

const USERS: &[(&str, &str, &str)] = &[
    ("admin", "admin", "admin-password-1"),
    ("alice", "user", "alice-password-1"),
];

/// A fresh database on the test cluster with `USERS` in it.
pub(crate) async fn database_with_users() -> String {
    let url = pg_cluster::fresh_database_url().await;
    add_users(&url, USERS);
    url
}

/// The console's role chip counts on `server`, as role → count.
async fn role_counts(server: &TestServer, admin: &str) -> BTreeMap<String, i64> {
    let (status, body) = server.call("session_facets", Some(admin), "").await;
    assert_eq!(status, 200, "{body}");
    json(&body)["roles"]
        .as_array()
        .unwrap_or_else(|| panic!("no roles in {body}"))
        .iter()
        .map(|pair| {
            let role = pair[0].as_str().expect("role").to_owned();
            (role, pair[1].as_i64().expect("count"))
        })
        .collect()
}

#[tokio::test]
async fn a_console_on_a_sees_sign_ins_and_sign_outs_through_b_live() {
    let url = database_with_users().await;
    let a = TestServer::start_on(&url, &[]);
    let b = TestServer::start_on(&url, &[]);
    let admin = a.sign_in("admin", "admin-password-1").await.cookie;
    let before = role_counts(&a, &admin).await;
    assert_eq!(
        before.get("user"),
        None,
        "no user signed in yet: {before:?}"
    );
    let mut live = a.live(Some(&admin)).await.expect("upgrade");

    let alice = b.sign_in("alice", "alice-password-1").await.cookie;
    let id = b.session_id(&alice).await;
    let events = live
        .until(|event| event["type"] == "created" && event["session"]["id"] == id.as_str())
        .await;
    let session = &events.last().expect("created")["session"];
    assert_eq!(session["username"], "alice", "the whole session: {session}");
    assert!(session["ended_at"].is_null(), "{session}");
    // The counts moved before the message went out, without a restart.
    let after = role_counts(&a, &admin).await;
    assert_eq!(after.get("user"), Some(&1), "{after:?}");
    assert_eq!(after.get("admin"), before.get("admin"), "{after:?}");

    // Signing out through B takes it out of A's console and counts again.
    let (status, body) = b.call("sign_out", Some(&alice), "").await;
    assert!(status < 400, "sign out: {status} {body}");
    live.until(|event| {
        event["type"] == "ended"
            && event["sessions"]
                .as_array()
                .is_some_and(|ended| ended.iter().any(|s| s["id"] == id.as_str()))
    })
    .await;
    assert_eq!(role_counts(&a, &admin).await, before);
}

// ---- faults ---------------------------------------------------------------------------

/// Terminates every connection of `url`'s database that listens for changes (A's and
/// B's: PostgreSQL names no instance), as a network cut or a restarted pooler would;
/// returns how many there were.
async fn terminate_listeners(db: &mut sqlx::PgConnection) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid() \
         AND query LIKE 'LISTEN%') AS terminated",
    )
    .fetch_one(db)
    .await
    .expect("terminate the listeners")
}

async fn listeners(db: &mut sqlx::PgConnection) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() \
         AND pid <> pg_backend_pid() AND query LIKE 'LISTEN%'",
    )
    .fetch_one(db)
    .await
    .expect("count the listeners")
}

/// Polls `listeners` until both instances listen; panics after 30 s.
async fn until_both_listen(db: &mut sqlx::PgConnection) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while listeners(db).await < 2 {
        assert!(
            Instant::now() < deadline,
            "the instances do not listen again"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn kills_through_b_reach_a_while_its_listener_connection_is_cut() {
    use sqlx::Connection;
    const ROUNDS: usize = 8;
    let url = pg_cluster::fresh_database_url().await;
    let a = TestServer::start_on(&url, &[]);
    let b = TestServer::start_on(&url, &[]);
    let key = a.api_add_app("listener-cut");
    let mut killed = Vec::new();
    let mut alive = Vec::new();
    for n in 0..ROUNDS {
        for list in [&mut killed, &mut alive] {
            let (token, session) = b.api_create(&key, &format!("u-{n}"), IP).await;
            // Cached on A: only the change log can take it out.
            a.api_check(&key, &token, IP).await.expect_json(200);
            list.push((token, session["id"].as_str().expect("id").to_owned()));
        }
    }
    let mut db = sqlx::PgConnection::connect(&url).await.expect("connect");
    until_both_listen(&mut db).await;

    let mut slowest = Duration::ZERO;
    for (round, (token, id)) in killed.iter().enumerate() {
        assert!(
            terminate_listeners(&mut db).await >= 1,
            "round {round}: no listener to cut"
        );
        // At once, while A's listener is down or reconnecting: its NOTIFY may be lost.
        let asked = Instant::now();
        let ended = b.api_end(&key, id).await;
        assert_eq!(ended.status, 204, "{}", ended.body);
        slowest = slowest.max(asked.elapsed());
        a.api_check(&key, token, IP)
            .await
            .expect_refusal("session_ended", Some("logout"));
        // Every other round waits for the listeners to come back before the next cut.
        if round % 2 == 1 {
            until_both_listen(&mut db).await;
        }
    }
    // Acknowledged because A reported it current, not because the wait for it ran out.
    assert!(
        slowest < agreement_timeout() - Duration::from_millis(500),
        "a kill took {slowest:?}: A did not confirm it"
    );
    // Nothing missed, nothing extra: every kill refused on A, every other session not.
    until_both_listen(&mut db).await;
    for (token, _) in &killed {
        a.api_check(&key, token, IP)
            .await
            .expect_refusal("session_ended", Some("logout"));
    }
    for (token, _) in &alive {
        a.api_check(&key, token, IP).await.expect_json(200);
    }
    // And the feed works again: a kill through B after the cuts reaches A.
    let (token, id) = &alive[0];
    assert_eq!(b.api_end(&key, id).await.status, 204);
    a.api_check(&key, token, IP)
        .await
        .expect_refusal("session_ended", Some("logout"));
}

/// The default staleness bound: how long an end waits at most for an instance.
fn agreement_timeout() -> Duration {
    sessions_core::DEFAULT_STALENESS_BOUND
}

#[tokio::test]
async fn a_carries_on_when_b_is_sigkilled() {
    // Shorter than the default 5 s, to keep the test short.
    const BOUND: Duration = Duration::from_secs(2);
    let bound_ms = BOUND.as_millis().to_string();
    let env = [("SESSIONS_STALENESS_BOUND_MS", bound_ms.as_str())];
    let url = pg_cluster::fresh_database_url().await;
    let a = TestServer::start_on(&url, &env);
    let mut b = TestServer::start_on(&url, &env);
    let key = a.api_add_app("sigkill");
    let mut sessions = Vec::new();
    for n in 0..3 {
        let (token, session) = a.api_create(&key, &format!("u-{n}"), IP).await;
        a.api_check(&key, &token, IP).await.expect_json(200);
        b.api_check(&key, &token, IP).await.expect_json(200);
        sessions.push((token, session["id"].as_str().expect("id").to_owned()));
    }

    b.kill();
    let died = Instant::now();
    // B's last heartbeat is fresh: this kill may wait for B, but not past the bound.
    let (token, id) = &sessions[0];
    let asked = Instant::now();
    assert_eq!(a.api_end(&key, id).await.status, 204);
    let first = asked.elapsed();
    assert!(
        first < BOUND + Duration::from_secs(3),
        "held up {first:?} by a dead instance"
    );
    a.api_check(&key, token, IP)
        .await
        .expect_refusal("session_ended", Some("logout"));
    // Checks go on meanwhile and after.
    a.api_check(&key, &sessions[1].0, IP).await.expect_json(200);
    let body = serde_json::json!({ "user_id": "new", "ip": IP, "user_agent": "test" });
    a.api_post("/sessions", &key, body).await.expect_json(201);

    // Past the bound B's heartbeat no longer counts: kills are not held up at all.
    let past_bound = BOUND + Duration::from_millis(500);
    if let Some(rest) = past_bound.checked_sub(died.elapsed()) {
        tokio::time::sleep(rest).await;
    }
    let (token, id) = &sessions[1];
    let asked = Instant::now();
    assert_eq!(a.api_end(&key, id).await.status, 204);
    let second = asked.elapsed();
    assert!(
        second < BOUND,
        "a kill {second:?} after B died waited for it"
    );
    a.api_check(&key, token, IP)
        .await
        .expect_refusal("session_ended", Some("logout"));
    a.api_check(&key, &sessions[2].0, IP).await.expect_json(200);
    println!("SIGKILL of B: first kill on A {first:?}, a kill past the bound {second:?}");
}
