//! Recent authentication (ASVS 7.5.2/7.5.3): the password entered within the last few
//! minutes, at sign-in or in a confirmation, or asked for again. A real SQLite file and
//! a manual clock.

use sessions_core::cache::CachedSession;
use sessions_core::engine::{ClientInfo, RECENT_AUTH_MS};
use sessions_core::model::Role;
use sessions_core::token::Token;
use sessions_core::CoreError;
use std::sync::Arc;

mod support;

// In memory but for the password lookup, like the throttle: SQLite only.
use support::{Backend, Fixture};

fn client() -> ClientInfo {
    ClientInfo {
        ip: "10.0.0.7".into(),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36".into(),
    }
}

/// Alice, signed in just now: her token.
async fn alice_signs_in(f: &Fixture) -> Token {
    let signed_in = f
        .engine
        .sign_in("alice", "alice-password".into(), &client())
        .await;
    signed_in.expect("sign in").token
}

/// The live session behind `token`, as the server functions see it.
async fn session(f: &Fixture, token: &Token) -> Arc<CachedSession> {
    f.engine
        .check(token, &client())
        .await
        .expect("live session")
}

async fn confirm(
    f: &Fixture,
    session: &CachedSession,
    password: Option<&str>,
) -> Result<(), CoreError> {
    f.engine
        .require_recent_auth(session, password.map(str::to_owned), &client())
        .await
}

#[tokio::test]
async fn a_fresh_sign_in_is_recent_then_the_password_is_asked_for_again() {
    let f = support::fixture(Backend::Sqlite, &[("alice", Role::User)]).await;
    let token = alice_signs_in(&f).await;
    let fresh = session(&f, &token).await;
    confirm(&f, &fresh, None).await.expect("just signed in");

    f.clock.advance(RECENT_AUTH_MS + 1);
    let session = session(&f, &token).await;
    assert!(!f.engine.auth_is_recent(&session));
    assert!(matches!(
        confirm(&f, &session, None).await,
        Err(CoreError::PasswordRequired)
    ));
    assert!(matches!(
        confirm(&f, &session, Some("")).await,
        Err(CoreError::PasswordRequired)
    ));
    match confirm(&f, &session, Some("wrong")).await {
        Err(CoreError::Invalid { message, .. }) => assert_eq!(message, "The password is wrong."),
        other => panic!("a wrong password passed: {other:?}"),
    }
    assert!(
        !f.engine.auth_is_recent(&session),
        "a wrong password confirms nothing"
    );

    confirm(&f, &session, Some("alice-password"))
        .await
        .expect("the right password");
    assert!(f.engine.auth_is_recent(&session));
    // Recent for a while, then asked again.
    f.clock.advance(RECENT_AUTH_MS - 1);
    confirm(&f, &session, None).await.expect("still recent");
    f.clock.advance(2);
    assert!(matches!(
        confirm(&f, &session, None).await,
        Err(CoreError::PasswordRequired)
    ));
}

#[tokio::test]
async fn password_confirmations_go_through_the_sign_in_throttle() {
    let f = support::fixture(Backend::Sqlite, &[("alice", Role::User)]).await;
    let token = alice_signs_in(&f).await;
    f.clock.advance(RECENT_AUTH_MS + 1);
    let session = session(&f, &token).await;
    let mut throttled = false;
    for _ in 0..30 {
        match confirm(&f, &session, Some("guess")).await {
            Err(CoreError::Invalid { .. }) => {}
            Err(CoreError::Throttled { .. }) => {
                throttled = true;
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert!(
        throttled,
        "30 wrong guesses through a stolen session were never slowed down"
    );
    // Even the right password waits out the throttle: guessing cannot be sped up.
    assert!(matches!(
        confirm(&f, &session, Some("alice-password")).await,
        Err(CoreError::Throttled { .. })
    ));
}
