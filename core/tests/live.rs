//! The live side of the engine: chip counts kept in memory, the non-touching peek,
//! end watches and batched end messages.

use sessions_core::engine::{Actor, ClientInfo, SignedIn};
use sessions_core::model::{EndReason, Facets, ListFilter, ListQuery, LiveEvent, Role, MINUTE_MS};
use sessions_core::store::EndSelector;
use sessions_core::{CoreError, Engine};

mod support;

use support::{config, Backend, Fixture};

async fn fixture(backend: Backend) -> Fixture {
    support::fixture(
        backend,
        &[
            ("alice", Role::User),
            ("bob", Role::User),
            ("root", Role::Admin),
        ],
    )
    .await
}

fn client(ip: &str) -> ClientInfo {
    ClientInfo {
        ip: ip.into(),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36".into(),
    }
}

async fn sign_in(f: &Fixture, user: &str) -> SignedIn {
    // Past the double-click window, so each sign-in is a new session.
    f.clock.advance(6_000);
    f.engine
        .sign_in(user, format!("{user}-password"), &client("10.0.0.1"))
        .await
        .expect("sign in")
}

async fn facets(engine: &Engine) -> Facets {
    engine.facets().await.expect("facets")
}

/// What a fresh process reads from the store must equal what this one kept in memory.
async fn assert_counts_match_store(f: &Fixture, total: i64) {
    let fresh = Engine::open(&config(&f.url)).await.expect("second engine");
    assert_eq!(facets(&f.engine).await, facets(&fresh).await);
    assert_eq!(f.engine.live_total(), total);
    assert_eq!(fresh.live_total(), total);
}

/// A page's total counted in memory (chip filters) must equal what the store counts.
/// Only where every session was made on `f`'s clock: the store leaves out sessions
/// past their expiry by that clock, memory keeps them until the sweep.
async fn assert_page_totals_match_store(f: &Fixture) {
    for role in [None, Some(Role::User), Some(Role::Admin)] {
        let chips = ListQuery {
            filter: ListFilter {
                role,
                ..ListFilter::default()
            },
            ..ListQuery::default()
        };
        // A search is counted by the store; every session here is the console's.
        let scanned = ListQuery {
            search: "console".into(),
            ..chips.clone()
        };
        assert_eq!(
            page_total(&f.engine, &chips).await,
            page_total(&f.engine, &scanned).await,
            "total of role {role:?}"
        );
    }
}

async fn page_total(engine: &Engine, query: &ListQuery) -> i64 {
    engine
        .list(&Actor::Operator, query)
        .await
        .expect("list")
        .total
}

async fn counts_follow_sign_ins_ends_and_the_sweep(backend: Backend) {
    let f = fixture(backend).await;
    assert_eq!(f.engine.live_total(), 0);
    let alice = sign_in(&f, "alice").await;
    sign_in(&f, "alice").await;
    sign_in(&f, "root").await;
    assert_eq!(
        facets(&f.engine).await.roles,
        vec![(Role::User, 2), (Role::Admin, 1)],
        "most first, as the store sorts"
    );
    assert_counts_match_store(&f, 3).await;
    assert_page_totals_match_store(&f).await;

    f.engine
        .end(
            EndSelector::Ids {
                ids: vec![alice.session.id.clone()],
                scope: sessions_core::store::Scope::Everyone,
            },
            EndReason::Killed,
            "root",
        )
        .await
        .expect("kill");
    assert_counts_match_store(&f, 2).await;
    assert_page_totals_match_store(&f).await;

    // Keep root's session active, let alice's go idle: the sweep ends and uncounts it.
    f.clock.advance(40 * MINUTE_MS);
    assert_eq!(
        f.engine.sweep().await.expect("sweep"),
        2,
        "alice idle, root idle"
    );
    assert_counts_match_store(&f, 0).await;
    assert_eq!(facets(&f.engine).await, Facets::default());
}

async fn counts_follow_ends_logged_by_another_process_once(backend: Backend) {
    let f = fixture(backend).await;
    sign_in(&f, "alice").await;
    sign_in(&f, "bob").await;
    let cli = Engine::open(&config(&f.url)).await.expect("second engine");
    cli.end(EndSelector::User(1), EndReason::Killed, "cli")
        .await
        .expect("kill");
    assert_eq!(f.engine.live_total(), 2, "not seen here yet");
    assert_eq!(f.engine.apply_logged_changes().await.expect("poll"), 1);
    assert_eq!(f.engine.apply_logged_changes().await.expect("poll"), 0);
    assert_counts_match_store(&f, 1).await;
    assert_page_totals_match_store(&f).await;
}

async fn counts_and_consoles_follow_sessions_created_by_another_process(backend: Backend) {
    let f = fixture(backend).await;
    sign_in(&f, "alice").await;
    let other = Engine::open(&config(&f.url)).await.expect("second engine");
    let bob = other
        .sign_in("bob", "bob-password".into(), &client("10.0.0.2"))
        .await
        .expect("sign in elsewhere");
    assert_eq!(f.engine.live_total(), 1, "not seen here yet");

    let mut events = f.engine.subscribe();
    assert_eq!(
        f.engine.apply_logged_changes().await.expect("poll"),
        1,
        "bob's creation; alice's is this process's own"
    );
    match events.recv().await.map(|frame| frame.event.clone()) {
        Ok(LiveEvent::Created { session }) => {
            assert_eq!(session.id, bob.session.id);
            assert_eq!(session.username.as_deref(), Some("bob"));
            assert_eq!(session.ended_at, None);
        }
        other => panic!("expected bob's creation, got {other:?}"),
    }
    assert_eq!(f.engine.apply_logged_changes().await.expect("poll"), 0);
    assert_counts_match_store(&f, 2).await;

    // Its end, logged by the other process, takes it out again.
    other
        .end(
            EndSelector::User(bob.session.user_id.expect("bob's id")),
            EndReason::Killed,
            "cli",
        )
        .await
        .expect("kill");
    assert_eq!(f.engine.apply_logged_changes().await.expect("poll"), 1);
    assert_counts_match_store(&f, 1).await;
}

async fn peek_refuses_like_check_but_does_not_move_last_seen(backend: Backend) {
    let f = fixture(backend).await;
    let alice = sign_in(&f, "alice").await;
    let signed_at = alice.session.last_seen_at;
    f.clock.advance(10 * MINUTE_MS);
    let peeked = f
        .engine
        .peek(&alice.token, &client("10.0.0.1"))
        .await
        .expect("peek");
    assert_eq!(peeked.last_seen(), signed_at, "a look is not activity");
    f.clock.advance(25 * MINUTE_MS);
    // 35 minutes without activity: idle, though it was peeked at 10.
    assert!(matches!(
        f.engine.peek(&alice.token, &client("10.0.0.1")).await,
        Err(CoreError::Unauthenticated(Some(EndReason::Idle)))
    ));

    let bob = sign_in(&f, "bob").await;
    f.clock.advance(MINUTE_MS);
    let checked = f
        .engine
        .check(&bob.token, &client("10.0.0.1"))
        .await
        .expect("check");
    assert!(
        checked.last_seen() > bob.session.last_seen_at,
        "the check is activity"
    );
}

async fn a_bulk_end_is_one_message_and_wakes_each_ended_channel(backend: Backend) {
    let f = fixture(backend).await;
    let first = sign_in(&f, "alice").await;
    sign_in(&f, "alice").await;
    sign_in(&f, "alice").await;
    let bob = sign_in(&f, "bob").await;
    let mut frames = f.engine.subscribe();
    let (_, mut alice_tab) = f
        .engine
        .watch(&first.token, &client("10.0.0.1"))
        .await
        .expect("watch");
    let (_, mut bob_tab) = f
        .engine
        .watch(&bob.token, &client("10.0.0.1"))
        .await
        .expect("watch");

    f.engine
        .end(EndSelector::User(1), EndReason::Killed, "root")
        .await
        .expect("kill");
    assert_eq!(alice_tab.ended.try_recv(), Ok(EndReason::Killed));
    assert!(bob_tab.ended.try_recv().is_err());
    let frame = frames.recv().await.expect("frame");
    match &frame.event {
        LiveEvent::Ended { sessions } => assert_eq!(sessions.len(), 3),
        other => panic!("expected one end batch, got {other:?}"),
    }
    assert!(frames.try_recv().is_err(), "one message for the batch");
    assert_eq!(frame.for_user(1), Some(&frame.admin));
    assert!(
        frame.for_user(2).is_none(),
        "bob sees nothing of alice's sessions"
    );

    // A watch asked for after the end is refused instead.
    assert!(f
        .engine
        .watch(&first.token, &client("10.0.0.1"))
        .await
        .is_err());
}

support::on_both_backends!(
    counts_follow_sign_ins_ends_and_the_sweep,
    counts_follow_ends_logged_by_another_process_once,
    counts_and_consoles_follow_sessions_created_by_another_process,
    peek_refuses_like_check_but_does_not_move_last_seen,
    a_bulk_end_is_one_message_and_wakes_each_ended_channel,
);
