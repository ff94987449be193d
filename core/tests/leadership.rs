//! The once-per-cluster background work (sweep, history purge): on PostgreSQL one
//! engine of several on a database leads, and another takes over within a sweep
//! interval when it dies; on SQLite every engine leads, as before.

use sessions_core::background::{self, Intervals};
use sessions_core::Engine;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod support;

use support::{config, fixture, Backend};

/// Short, so the test is quick; the default is 5 s.
const RETRY: Duration = Duration::from_millis(300);

/// A second engine ("another instance") on the fixture's database.
async fn another_instance(f: &support::Fixture) -> Arc<Engine> {
    let store = sessions_core::store::open(&f.url, &Default::default())
        .await
        .expect("open the store");
    Engine::with_store(store, &config(&f.url), f.clock.clone())
        .await
        .expect("open")
}

#[tokio::test]
async fn on_postgresql_one_instance_leads_and_another_takes_over_when_it_dies() {
    // The fixture's own engine only holds the database; it never asks for the lead.
    let f = fixture(Backend::Postgres, &[]).await;
    let intervals = Intervals {
        sweep: RETRY,
        ..Intervals::default()
    };
    let a = another_instance(&f).await;
    let b = another_instance(&f).await;
    let a_tasks = background::spawn(a.clone(), intervals);
    let b_tasks = background::spawn(b.clone(), intervals);
    let deadline = Instant::now() + Duration::from_secs(5);
    while !(a.leads_background_work() || b.leads_background_work()) {
        assert!(Instant::now() < deadline, "nobody took the lead");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Several ticks later there is still exactly one leader.
    tokio::time::sleep(RETRY * 3).await;
    let (leader, follower, leader_tasks, follower_tasks) = if a.leads_background_work() {
        (a, b, a_tasks, b_tasks)
    } else {
        (b, a, b_tasks, a_tasks)
    };
    assert!(leader.leads_background_work());
    assert!(!follower.leads_background_work(), "two leaders");
    assert!(
        !follower.lead_background_work().await,
        "asking again does not take it"
    );

    // The leader dies: its tasks stop and its engine, connections included, goes away.
    for task in leader_tasks {
        task.abort();
        let _ = task.await;
    }
    assert_eq!(Arc::strong_count(&leader), 1, "nothing else holds it");
    drop(leader);
    let died = Instant::now();
    while !follower.leads_background_work() {
        assert!(
            died.elapsed() < RETRY * 2,
            "the lead did not move within the retry interval"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    println!("the lead moved {:?} after the leader died", died.elapsed());
    for task in follower_tasks {
        task.abort();
    }
}

#[tokio::test]
async fn on_sqlite_every_instance_leads_as_before() {
    let a = fixture(Backend::Sqlite, &[]).await;
    let b = another_instance(&a).await;
    assert!(a.engine.lead_background_work().await);
    assert!(b.lead_background_work().await);
    assert!(a.engine.lead_background_work().await);
}
