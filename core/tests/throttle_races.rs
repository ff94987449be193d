//! Sign-in throttling under concurrency and shared addresses, on a real SQLite file:
//! the attempt is reserved before the password is hashed, and an address full of
//! failures does not lock out a user nobody is guessing at.

use futures_util::future::join_all;
use sessions_core::engine::{ClientInfo, KeepSessions};
use sessions_core::model::Role;
use sessions_core::throttle::PER_USER;
use sessions_core::CoreError;

mod support;

// The throttle is memory only: one backend is enough.
use support::Backend;

fn client(ip: &str) -> ClientInfo {
    ClientInfo {
        ip: ip.into(),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36".into(),
    }
}

#[tokio::test]
async fn parallel_wrong_guesses_are_reserved_before_hashing() {
    let f = support::fixture(Backend::Sqlite, &[("alice", Role::User)]).await;
    let from = client("10.0.0.1");
    let guesses = (0..16).map(|n| f.engine.sign_in("alice", format!("guess-{n}-nope"), &from));
    let results = join_all(guesses).await;
    let hashed = results
        .iter()
        .filter(|result| matches!(result, Err(CoreError::BadCredentials)))
        .count();
    let throttled = results
        .iter()
        .filter(|result| matches!(result, Err(CoreError::Throttled { .. })))
        .count();
    assert_eq!(
        (hashed, throttled),
        (
            PER_USER.free_failures as usize,
            16 - PER_USER.free_failures as usize
        ),
        "only the free attempts may reach the password hash: {results:?}",
        results = results
            .iter()
            .map(|r| r.as_ref().err().map(ToString::to_string))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn failures_with_other_names_do_not_lock_out_a_user_nobody_guessed_at() {
    let f = support::fixture(
        Backend::Sqlite,
        &[("alice", Role::User), ("root", Role::Admin)],
    )
    .await;
    let office = client("10.0.0.1");
    for n in 0..20 {
        let guess = f
            .engine
            .sign_in(&format!("user{n}"), "nope-nope".into(), &office)
            .await;
        assert!(
            matches!(guess, Err(CoreError::BadCredentials)),
            "guess {n}: {guess:?}",
            guess = guess.err()
        );
    }
    f.engine
        .sign_in("root", "root-password".into(), &office)
        .await
        .expect("the admin's right password still works from the crowded address");
    // A name that failed from the crowded address waits for the address too.
    let again = f.engine.sign_in("user3", "nope-nope".into(), &office).await;
    assert!(
        matches!(again, Err(CoreError::Throttled { .. })),
        "{:?}",
        again.err()
    );
}

#[tokio::test]
async fn the_current_password_check_is_throttled_per_user() {
    let f = support::fixture(Backend::Sqlite, &[("alice", Role::User)]).await;
    let alice = f.engine.user_by_name("alice").await.expect("alice");
    let from = client("10.0.0.1");
    let mut refusals = Vec::new();
    for n in 0..12 {
        let changed = f
            .engine
            .change_own_password(
                alice.id,
                format!("wrong-{n}-guess"),
                "new-password-1".into(),
                KeepSessions::All,
                &from,
            )
            .await;
        refusals.push(changed.expect_err("a wrong current password"));
    }
    let throttled = refusals
        .iter()
        .filter(|err| matches!(err, CoreError::Throttled { .. }))
        .count();
    assert_eq!(
        throttled,
        12 - PER_USER.free_failures as usize,
        "{refusals:?}"
    );
    let right = f
        .engine
        .change_own_password(
            alice.id,
            "alice-password".into(),
            "new-password-1".into(),
            KeepSessions::All,
            &from,
        )
        .await;
    assert!(
        matches!(right, Err(CoreError::Throttled { .. })),
        "even the right one waits: {:?}",
        right.err()
    );
    // The same count as sign-in: guesses here slow sign-in guesses too.
    let sign_in = f
        .engine
        .sign_in("alice", "alice-password".into(), &client("10.0.0.2"))
        .await;
    assert!(
        matches!(sign_in, Err(CoreError::Throttled { .. })),
        "{:?}",
        sign_in.err()
    );
}
