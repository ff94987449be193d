//! Analytics through the engine on both backends: what happens is counted at once
//! (memory), written once its hour is over (rollups), added up across instances, read
//! the same by another process, and purged with history.

use sessions_core::analytics::{KpiName, Metric, Report};
use sessions_core::catalogue::{SettingChange, SettingScope};
use sessions_core::engine::{AppSignIn, ClientInfo, KeepSessions};
use sessions_core::model::{EndReason, Role, HOUR_MS};
use sessions_core::store::{EndSelector, Scope};
use sessions_core::{CoreError, Engine};
use std::sync::Arc;

mod support;

use support::{config, on_both_backends, Backend, Fixture, START};

const DAY_MS: i64 = 24 * HOUR_MS;

fn client(ip: &str) -> ClientInfo {
    ClientInfo {
        ip: ip.into(),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36".into(),
    }
}

async fn fixture(backend: Backend) -> Fixture {
    support::fixture(backend, &[("alice", Role::User), ("bob", Role::Admin)]).await
}

/// A second engine on the same database: another instance, or the CLI.
async fn another_process(f: &Fixture) -> Arc<Engine> {
    let store = sessions_core::store::open(&f.url, &Default::default())
        .await
        .expect("open the store");
    Engine::with_store(store, &config(&f.url), f.clock.clone())
        .await
        .expect("open")
}

async fn last_day(engine: &Engine, app: Option<&str>) -> Report {
    let period = engine.analytics_period(None, None).expect("period");
    let app = engine.analytics_application(app).await.expect("app");
    engine
        .analytics(period, app.as_deref())
        .await
        .expect("report")
}

fn current(report: &Report, name: KpiName) -> Option<f64> {
    report
        .kpis
        .iter()
        .find(|kpi| kpi.name == name)
        .and_then(|kpi| kpi.current)
}

/// (hour, active users, all users) of every point of the series that has them.
fn users_over_time(report: &Report) -> Vec<(i64, i64, i64)> {
    report
        .series
        .iter()
        .filter_map(|point| Some((point.start, point.users_active?, point.users_all?)))
        .collect()
}

/// Sign-ins of every outcome, a kill, a logout and account changes; the KPIs move
/// at once, stay the same once the hour is written, and read the same elsewhere.
async fn the_current_hour_counts_at_once_and_reads_the_same_once_written(backend: Backend) {
    let f = fixture(backend).await;
    let engine = &f.engine;
    engine.sweep_tick().await.expect("take the lead");
    engine
        .sign_in("alice", "alice-password".into(), &client("10.0.0.1"))
        .await
        .expect("alice");
    let bob = engine
        .sign_in("bob", "bob-password".into(), &client("10.0.0.2"))
        .await
        .expect("bob");
    let mut failed = 0;
    loop {
        match engine
            .sign_in("mallory", "wrong-password".into(), &client("10.0.0.9"))
            .await
        {
            Err(CoreError::BadCredentials) => failed += 1,
            Err(CoreError::Throttled { .. }) => break,
            other => panic!("unexpected {:?}", other.map(|_| ())),
        }
        assert!(failed < 50, "never throttled");
    }
    let shop = engine.create_application("shop", "cli").await.expect("app");
    let sign_in = AppSignIn {
        user_id: "u-1".into(),
        display_name: None,
        role: Role::User,
        client: client("10.0.0.3"),
    };
    let app_session = engine
        .open_app_session(&shop.application.name, sign_in)
        .await
        .expect("app sign-in");
    // A minute on: the sessions ended below were live for a while inside this hour.
    f.clock.advance(60_000);
    engine
        .end_app_session_by_token("shop", &app_session.token)
        .await
        .expect("logout");
    engine
        .end(
            EndSelector::Ids {
                ids: vec![bob.session.id.clone()],
                scope: Scope::Everyone,
            },
            EndReason::Killed,
            "admin",
        )
        .await
        .expect("kill");
    let carol = engine
        .add_user("carol", "carol-password".into(), Role::User)
        .await
        .expect("carol");
    engine.delete_user(&carol, "admin").await.expect("delete");
    let alice = engine.user_by_name("alice").await.expect("alice");
    engine
        .set_password(
            &alice,
            "alice-password-2".into(),
            KeepSessions::All,
            "admin",
        )
        .await
        .expect("password");
    engine
        .rollup_tick()
        .await
        .expect("sample the live count: alice");

    let attempts = 3 + failed + 1;
    let expected = [
        (
            KpiName::SignInSuccessRate,
            Some(100.0 * 3.0 / attempts as f64),
        ),
        (KpiName::BlockedAttempts, Some(1.0)),
        (KpiName::CleanedSessions, Some(0.0)),
        // alice and bob by the fixture, carol created and deleted.
        (KpiName::Turnover, Some(4.0)),
        // alice, bob and u-1 were live; all users: alice, bob and u-1.
        (KpiName::ActiveUsers, Some(100.0)),
        (KpiName::ActiveSessionsAverage, Some(1.0)),
        (KpiName::ActiveSessionsPeak, Some(1.0)),
    ];
    let check = |report: &Report, when: &str| {
        for (name, value) in expected {
            let got = current(report, name);
            let close = match (got, value) {
                (Some(got), Some(value)) => (got - value).abs() < 0.01,
                (got, value) => got == value,
            };
            assert!(close, "{when}: {name:?} is {got:?}, expected {value:?}");
        }
    };
    let in_memory = last_day(engine, None).await;
    check(&in_memory, "before any write");
    // The hour before the start, counted by the leader's first tick (no one live; the
    // two accounts), and the hour under way, counted when asked: alice, bob and u-1
    // were live; carol is gone.
    assert_eq!(
        users_over_time(&in_memory),
        [(START - HOUR_MS, 0, 2), (START, 3, 3)]
    );
    assert_eq!(
        engine.rollup_tick().await.expect("tick"),
        0,
        "nothing is written while the hour lasts"
    );

    f.clock.advance(HOUR_MS);
    assert!(
        engine.rollup_tick().await.expect("tick") > 0,
        "the hour is written"
    );
    let period = in_memory.period;
    let written = engine.analytics(period, None).await.expect("report");
    check(&written, "after the write");
    assert_eq!(written.kpis, in_memory.kpis);
    assert_eq!(written.series, in_memory.series);
    let elsewhere = another_process(&f).await;
    let read_elsewhere = elsewhere.analytics(period, None).await.expect("report");
    assert_eq!(
        read_elsewhere.kpis, in_memory.kpis,
        "another process reads the same"
    );

    let shop_only = last_day(&elsewhere, Some("SHOP")).await;
    assert_eq!(shop_only.application.as_deref(), Some("shop"));
    assert_eq!(current(&shop_only, KpiName::SignInSuccessRate), Some(100.0));
    assert_eq!(current(&shop_only, KpiName::Turnover), Some(0.0));
    let logouts: i64 = shop_only.series.iter().map(|point| point.logouts).sum();
    assert_eq!(logouts, 1);
    assert_eq!(
        users_over_time(&shop_only),
        [
            (START - HOUR_MS, 0, 0),
            (START, 1, 1),
            (START + HOUR_MS, 0, 1)
        ],
        "none before; u-1 in the hour the leader wrote; then known, not live, in the one under way"
    );
    assert!(matches!(
        elsewhere.analytics_application(Some("nope")).await,
        Err(CoreError::NotFound(_))
    ));
}

/// Blocked attempts by why: too many failures, a concurrent limit, a network rule.
async fn blocked_sign_ins_are_counted_by_the_rule_that_blocked_them(backend: Backend) {
    let f = fixture(backend).await;
    let engine = &f.engine;
    let set = |key: &str, value: &str| SettingChange {
        scope: SettingScope::Default,
        key: key.into(),
        value: Some(value.into()),
    };
    let changes = [
        set("max_sessions_per_user", "1"),
        set("ip_deny", "10.6.6.0/24"),
    ];
    engine
        .save_settings(&changes, "root", None)
        .await
        .expect("save");
    let alice = |ip: &'static str| async move {
        let client = client(ip);
        engine
            .sign_in("alice", "alice-password".into(), &client)
            .await
            .map(drop)
    };
    alice("10.0.0.1").await.expect("the first session");
    f.clock.advance(10_000);
    assert!(
        matches!(alice("10.0.0.2").await, Err(CoreError::Refused(_))),
        "limit"
    );
    assert!(
        matches!(alice("10.6.6.6").await, Err(CoreError::Refused(_))),
        "network rule"
    );
    engine.flush_rollups().await.expect("write");
    let period = engine.analytics_period(None, None).expect("period");
    let report = f.engine.analytics(period, None).await.expect("report");
    let blocked = report
        .distributions
        .iter()
        .find(|d| d.name == "sign_ins")
        .map(|d| d.entries.clone());
    assert_eq!(
        blocked,
        Some(vec![("blocked".into(), 2), ("successful".into(), 1)])
    );
    let store = sessions_core::store::open(&f.url, &Default::default())
        .await
        .expect("open the store");
    let mut by_rule: Vec<(String, i64)> = store
        .rollups(Some("console"), period.since, period.until)
        .await
        .expect("rollups")
        .into_iter()
        .filter(|row| row.metric == Metric::SignInBlocked)
        .map(|row| (row.dimension, row.value))
        .collect();
    by_rule.sort();
    assert_eq!(
        by_rule,
        vec![("limit".into(), 1), ("network_rule".into(), 1)]
    );
}

/// Two instances each add their own counts to the same hour; the sum is exact, and a
/// process that stops writes its current hour first.
async fn instances_add_their_counts_to_the_same_hour(backend: Backend) {
    let f = fixture(backend).await;
    let a = another_process(&f).await;
    let b = another_process(&f).await;
    for (engine, ip) in [(&a, "10.0.1.1"), (&b, "10.0.1.2"), (&b, "10.0.1.3")] {
        let result = engine
            .sign_in("alice", "wrong-password".into(), &client(ip))
            .await;
        assert!(matches!(result, Err(CoreError::BadCredentials)));
    }
    a.flush_rollups().await.expect("a stops");
    b.flush_rollups().await.expect("b stops");
    assert_eq!(a.flush_rollups().await.expect("again"), 0, "written once");
    let reader = another_process(&f).await;
    let report = last_day(&reader, None).await;
    let failed: i64 = report.series.iter().map(|p| p.sign_ins_failed).sum();
    assert_eq!(failed, 3);
    assert_eq!(current(&report, KpiName::SignInSuccessRate), Some(0.0));
}

/// Rollups older than the longest history retention go with the history purge.
async fn rollups_are_purged_with_history(backend: Backend) {
    let f = fixture(backend).await;
    let old = f
        .engine
        .analytics_period(Some(START), Some(START + HOUR_MS))
        .expect("period");
    f.engine
        .flush_rollups()
        .await
        .expect("write the fixture's accounts");
    let turnover = |engine: Arc<Engine>| async move {
        let report = engine.analytics(old, None).await.expect("report");
        current(&report, KpiName::Turnover)
    };
    assert_eq!(turnover(f.engine.clone()).await, Some(2.0));
    f.clock.advance(29 * DAY_MS);
    f.engine.sweep().await.expect("sweep");
    assert_eq!(turnover(f.engine.clone()).await, Some(2.0), "kept 30 days");
    f.clock.advance(2 * DAY_MS);
    f.engine.sweep().await.expect("sweep");
    assert_eq!(
        turnover(f.engine.clone()).await,
        Some(0.0),
        "purged after 30"
    );
}

on_both_backends!(
    the_current_hour_counts_at_once_and_reads_the_same_once_written,
    blocked_sign_ins_are_counted_by_the_rule_that_blocked_them,
    instances_add_their_counts_to_the_same_hour,
    rollups_are_purged_with_history,
);
