//! The engine's rules end to end on a real SQLite file, with a manual clock.

use sessions_core::engine::{Actor, SignInForm};
use sessions_core::model::{EndReason, ListQuery, LiveEvent, Role, SessionId, MINUTE_MS};
use sessions_core::store::{EndSelector, Scope, SharedStore};
use sessions_core::{CoreError, Engine};

mod support;

use support::{account, client, config, sign_in, Backend, Fixture, START};

async fn fixture(backend: Backend) -> Fixture {
    support::fixture(backend, &[("alice", Role::User), ("root", Role::Admin)]).await
}

fn refused_for(result: Result<impl Sized, CoreError>) -> Option<EndReason> {
    match result {
        Err(CoreError::Unauthenticated(reason)) => reason,
        Err(other) => panic!("unexpected error {other:?}"),
        Ok(_) => panic!("the check passed"),
    }
}

async fn sign_in_issues_a_fresh_token_and_the_check_accepts_it(backend: Backend) {
    let f = fixture(backend).await;
    let first = sign_in(&f.engine, "alice", "10.0.0.1").await;
    // Past the double-click window a sign-in is a new session.
    f.clock.advance(6_000);
    let second = sign_in(&f.engine, "alice", "10.0.0.1").await;
    assert_ne!(first.token, second.token);
    assert_ne!(first.session.id, second.session.id);
    assert_ne!(
        first.session.id,
        first.token.expose(),
        "the public id is not the token"
    );
    let checked = f
        .engine
        .check(&first.token, &client("10.0.0.1"))
        .await
        .expect("check");
    assert_eq!(checked.id, first.session.id);
    assert_eq!(first.session.agent.browser, "Chrome");
}

async fn wrong_passwords_and_unknown_users_look_the_same_and_get_slowed(backend: Backend) {
    let f = fixture(backend).await;
    let wrong = f
        .engine
        .sign_in("alice", "nope-nope".into(), &client("10.0.0.1"))
        .await;
    let unknown = f
        .engine
        .sign_in("mallory", "nope-nope".into(), &client("10.0.0.1"))
        .await;
    assert!(matches!(wrong, Err(CoreError::BadCredentials)));
    assert!(matches!(unknown, Err(CoreError::BadCredentials)));
    for _ in 0..4 {
        let _ = f
            .engine
            .sign_in("alice", "nope-nope".into(), &client("10.0.0.1"))
            .await;
    }
    let throttled = f
        .engine
        .sign_in("alice", "alice-password".into(), &client("10.0.0.1"))
        .await;
    assert!(
        matches!(throttled, Err(CoreError::Throttled { .. })),
        "even the right password waits"
    );
}

async fn idle_sessions_are_refused_with_their_reason(backend: Backend) {
    let f = fixture(backend).await;
    let signed = sign_in(&f.engine, "alice", "10.0.0.1").await;
    f.clock.advance(29 * MINUTE_MS);
    f.engine
        .check(&signed.token, &client("10.0.0.1"))
        .await
        .expect("still live after 29 min");
    f.clock.advance(30 * MINUTE_MS);
    assert_eq!(
        refused_for(f.engine.check(&signed.token, &client("10.0.0.1")).await),
        Some(EndReason::Idle)
    );
    // And it stays refused, from the store this time.
    assert_eq!(
        refused_for(f.engine.check(&signed.token, &client("10.0.0.1")).await),
        Some(EndReason::Idle)
    );
}

async fn sessions_expire_after_their_lifetime_even_when_active(backend: Backend) {
    let f = fixture(backend).await;
    let signed = sign_in(&f.engine, "alice", "10.0.0.1").await;
    for _ in 0..(12 * 60 / 20) {
        f.clock.advance(20 * MINUTE_MS);
        if f.engine
            .check(&signed.token, &client("10.0.0.1"))
            .await
            .is_err()
        {
            break;
        }
    }
    assert_eq!(
        refused_for(f.engine.check(&signed.token, &client("10.0.0.1")).await),
        Some(EndReason::Expired)
    );
}

async fn an_ip_change_ends_the_session_by_default(backend: Backend) {
    let f = fixture(backend).await;
    let signed = sign_in(&f.engine, "alice", "10.0.0.1").await;
    assert_eq!(
        refused_for(f.engine.check(&signed.token, &client("10.6.6.6")).await),
        Some(EndReason::IpChange)
    );
    assert_eq!(
        refused_for(f.engine.check(&signed.token, &client("10.0.0.1")).await),
        Some(EndReason::IpChange)
    );
}

async fn a_kill_is_refused_on_the_next_check_and_announced(backend: Backend) {
    let f = fixture(backend).await;
    let mut events = f.engine.subscribe();
    let signed = sign_in(&f.engine, "alice", "10.0.0.1").await;
    f.engine
        .check(&signed.token, &client("10.0.0.1"))
        .await
        .expect("cached");
    let ended = f
        .engine
        .end(
            EndSelector::Ids {
                ids: vec![signed.session.id.clone()],
                scope: Scope::Everyone,
            },
            EndReason::Killed,
            "root",
        )
        .await
        .expect("kill");
    assert_eq!(ended.len(), 1);
    assert_eq!(
        refused_for(f.engine.check(&signed.token, &client("10.0.0.1")).await),
        Some(EndReason::Killed)
    );
    assert!(matches!(
        events.recv().await.map(|f| f.event.clone()),
        Ok(LiveEvent::Created { .. })
    ));
    match events.recv().await.map(|f| f.event.clone()) {
        Ok(LiveEvent::Ended { sessions }) => {
            let ends: Vec<_> = sessions
                .iter()
                .map(|s| (s.id.clone(), s.end_reason, s.ended_by.as_deref()))
                .collect();
            assert_eq!(
                ends,
                vec![(
                    signed.session.id.clone(),
                    Some(EndReason::Killed),
                    Some("root")
                )]
            );
        }
        other => panic!("expected the end event, got {other:?}"),
    }
}

async fn a_revocation_by_another_process_reaches_this_cache_through_the_end_log(backend: Backend) {
    let f = fixture(backend).await;
    let signed = sign_in(&f.engine, "alice", "10.0.0.1").await;
    f.engine
        .check(&signed.token, &client("10.0.0.1"))
        .await
        .expect("cached");

    // A second engine on the same file plays the CLI.
    let cli = Engine::open(&config(&f.url)).await.expect("second engine");
    cli.end(EndSelector::User(1), EndReason::Killed, "cli")
        .await
        .expect("kill");

    let mut events = f.engine.subscribe();
    assert_eq!(f.engine.apply_logged_changes().await.expect("poll"), 1);
    assert_eq!(
        refused_for(f.engine.check(&signed.token, &client("10.0.0.1")).await),
        Some(EndReason::Killed)
    );
    match events.recv().await.map(|f| f.event.clone()) {
        // The whole row, as the other process ended it.
        Ok(LiveEvent::Ended { sessions }) => {
            assert_eq!(sessions.len(), 1);
            let ended = &sessions[0];
            assert_eq!(ended.id, signed.session.id);
            assert_eq!(ended.username.as_deref(), Some("alice"));
            assert_eq!(
                (ended.end_reason, ended.ended_by.as_deref()),
                (Some(EndReason::Killed), Some("cli"))
            );
            assert!(ended.ended_at.is_some());
        }
        other => panic!("expected one end event, got {other:?}"),
    }
    assert_eq!(
        f.engine.apply_logged_changes().await.expect("poll"),
        0,
        "applied once"
    );
}

async fn sweeping_ends_idle_sessions_but_not_recently_active_ones(backend: Backend) {
    let f = fixture(backend).await;
    let idle = sign_in(&f.engine, "alice", "10.0.0.1").await;
    let busy = sign_in(&f.engine, "root", "10.0.0.2").await;
    for _ in 0..8 {
        f.clock.advance(5 * MINUTE_MS);
        f.engine
            .check(&busy.token, &client("10.0.0.2"))
            .await
            .expect("busy stays live");
    }
    assert_eq!(f.engine.sweep().await.expect("sweep"), 1);
    let live = f
        .engine
        .list(&Actor::Operator, &ListQuery::default())
        .await
        .expect("list");
    assert_eq!(
        live.sessions
            .iter()
            .map(|s| s.id.clone())
            .collect::<Vec<_>>(),
        vec![busy.session.id.clone()]
    );
    assert_eq!(
        refused_for(f.engine.check(&idle.token, &client("10.0.0.1")).await),
        Some(EndReason::Idle)
    );
}

/// "Last seen" as stored, read through a second store on the fixture's database: what
/// the database holds, not the engine's memory (which `list` overlays).
async fn stored_last_seen(store: &SharedStore, id: &str) -> i64 {
    store
        .session_by_id(id)
        .await
        .expect("read the session")
        .expect("the session is stored")
        .last_seen_at
}

async fn last_seen_is_batched_in_memory_and_shown_in_lists(backend: Backend) {
    let f = fixture(backend).await;
    let database = sessions_core::store::open(&f.url, &Default::default())
        .await
        .expect("a second store on the same database");
    let signed = sign_in(&f.engine, "alice", "10.0.0.1").await;
    let id = signed.session.id.clone();
    assert_eq!(
        stored_last_seen(&database, &id).await,
        START,
        "the sign-in stores last seen"
    );
    // Five checks, ten seconds apart: all within the write granularity (a minute).
    for _ in 0..5 {
        f.clock.advance(10_000);
        f.engine
            .check(&signed.token, &client("10.0.0.1"))
            .await
            .expect("check");
        assert_eq!(
            stored_last_seen(&database, &id).await,
            START,
            "a check wrote last seen to the database"
        );
    }
    assert_eq!(
        f.engine.flush_touches(false).await.expect("flush"),
        0,
        "50 s is under the write granularity"
    );
    assert_eq!(
        stored_last_seen(&database, &id).await,
        START,
        "a flush within the granularity wrote last seen"
    );
    let listed = f
        .engine
        .list(&Actor::Operator, &ListQuery::default())
        .await
        .expect("list");
    assert_eq!(
        listed.sessions[0].last_seen_at,
        START + 50_000,
        "the list shows memory's last seen"
    );
    f.clock.advance(2 * MINUTE_MS);
    f.engine
        .check(&signed.token, &client("10.0.0.1"))
        .await
        .expect("check");
    assert_eq!(f.engine.flush_touches(false).await.expect("flush"), 1);
    assert_eq!(
        stored_last_seen(&database, &id).await,
        START + 50_000 + 2 * MINUTE_MS,
        "past the granularity the batch writes the latest last seen"
    );
}

async fn malformed_and_foreign_ids_change_nothing(backend: Backend) {
    let f = fixture(backend).await;
    let alice = sign_in(&f.engine, "alice", "10.0.0.1").await;
    let root = sign_in(&f.engine, "root", "10.0.0.2").await;
    // A malformed id never becomes a `SessionId`, so no engine call can be given one.
    let bad = SessionId::parse("'; DROP TABLE sessions; --").map_err(CoreError::from);
    assert!(matches!(bad, Err(CoreError::Invalid { .. })));
    let forged = vec![SessionId::issued(root.session.id.clone())];
    assert!(f
        .engine
        .end_sessions(&account(&alice), forged, EndReason::Logout)
        .await
        .expect("end")
        .is_empty());
    f.engine
        .check(&root.token, &client("10.0.0.2"))
        .await
        .expect("root's session is untouched");
    let long = ListQuery {
        search: "x".repeat(201),
        ..ListQuery::default()
    };
    assert!(matches!(
        f.engine.list(&Actor::Operator, &long).await,
        Err(CoreError::Invalid { .. })
    ));
}

async fn a_new_sign_in_ends_the_session_the_browser_still_holds(backend: Backend) {
    let f = fixture(backend).await;
    let browser = client("10.0.0.1");
    let old = sign_in(&f.engine, "alice", "10.0.0.1").await;
    let form = SignInForm {
        previous: Some(old.token.clone()),
        ..SignInForm::default()
    };
    let new = f
        .engine
        .sign_in_form("alice", "alice-password".into(), &browser, form)
        .await
        .expect("sign in again");
    assert_ne!(new.token, old.token);
    assert_eq!(
        refused_for(f.engine.check(&old.token, &browser).await),
        Some(EndReason::Logout),
        "the old session ended as a logout"
    );
    f.engine
        .check(&new.token, &browser)
        .await
        .expect("the new one is live");
    // A wrong password ends nothing.
    let form = SignInForm {
        previous: Some(new.token.clone()),
        ..SignInForm::default()
    };
    let wrong = f
        .engine
        .sign_in_form("alice", "nope-nope".into(), &browser, form)
        .await;
    assert!(matches!(wrong, Err(CoreError::BadCredentials)));
    f.engine
        .check(&new.token, &browser)
        .await
        .expect("still live");
}

async fn every_sign_in_gets_its_own_token_and_a_form_sent_twice_opens_one_session(
    backend: Backend,
) {
    let f = fixture(backend).await;
    let browser = client("10.0.0.1");
    // Same user, address and browser, at once: still two sessions, two tokens.
    let first = sign_in(&f.engine, "alice", "10.0.0.1").await;
    let second = sign_in(&f.engine, "alice", "10.0.0.1").await;
    assert_ne!(first.token, second.token);
    assert_ne!(first.session.id, second.session.id);

    let form = || SignInForm {
        nonce: Some("form-nonce-1".into()),
        ..SignInForm::default()
    };
    let wrong = f
        .engine
        .sign_in_form("alice", "typo-typo".into(), &browser, form())
        .await;
    assert!(
        matches!(wrong, Err(CoreError::BadCredentials)),
        "a failed try gives its nonce back"
    );
    f.engine
        .sign_in_form("alice", "alice-password".into(), &browser, form())
        .await
        .expect("the corrected form");
    let again = f
        .engine
        .sign_in_form("alice", "alice-password".into(), &browser, form())
        .await;
    assert!(
        matches!(&again, Err(CoreError::Invalid { message, .. }) if message.contains("already sent")),
        "{:?}",
        again.err()
    );
    let query = ListQuery {
        search: "alice".into(),
        ..ListQuery::default()
    };
    let live = f.engine.list(&Actor::Operator, &query).await.expect("list");
    assert_eq!(
        live.sessions.len(),
        3,
        "the form sent twice opened one session"
    );
}

support::on_both_backends!(
    sign_in_issues_a_fresh_token_and_the_check_accepts_it,
    wrong_passwords_and_unknown_users_look_the_same_and_get_slowed,
    idle_sessions_are_refused_with_their_reason,
    sessions_expire_after_their_lifetime_even_when_active,
    an_ip_change_ends_the_session_by_default,
    a_kill_is_refused_on_the_next_check_and_announced,
    a_revocation_by_another_process_reaches_this_cache_through_the_end_log,
    sweeping_ends_idle_sessions_but_not_recently_active_ones,
    last_seen_is_batched_in_memory_and_shown_in_lists,
    malformed_and_foreign_ids_change_nothing,
    a_new_sign_in_ends_the_session_the_browser_still_holds,
    every_sign_in_gets_its_own_token_and_a_form_sent_twice_opens_one_session,
);
