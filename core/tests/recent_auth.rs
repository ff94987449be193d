//! Recent authentication (ASVS 7.5.2/7.5.3): the password entered within the last few
//! minutes, at sign-in or in a confirmation, or asked for again. A real SQLite file and
//! a manual clock.

use sessions_core::engine::{ClientInfo, RECENT_AUTH_MS};
use sessions_core::model::Role;
use sessions_core::CoreError;

mod support;

fn client() -> ClientInfo {
    ClientInfo {
        ip: "10.0.0.7".into(),
        user_agent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36".into(),
    }
}

#[tokio::test]
async fn a_fresh_sign_in_is_recent_then_the_password_is_asked_for_again() {
    let f = support::fixture(&[("alice", Role::User)]).await;
    let signed_in = f
        .engine
        .sign_in("alice", "alice-password".into(), &client())
        .await
        .expect("sign in");
    let session = f
        .engine
        .check(&signed_in.token, &client())
        .await
        .expect("check");
    f.engine
        .require_recent_auth(&session, None, &client())
        .await
        .expect("just signed in");

    f.clock.advance(RECENT_AUTH_MS + 1);
    let session = f
        .engine
        .check(&signed_in.token, &client())
        .await
        .expect("still live");
    assert!(!f.engine.auth_is_recent(&session));
    assert!(matches!(
        f.engine
            .require_recent_auth(&session, None, &client())
            .await,
        Err(CoreError::PasswordRequired)
    ));
    assert!(matches!(
        f.engine
            .require_recent_auth(&session, Some(String::new()), &client())
            .await,
        Err(CoreError::PasswordRequired)
    ));
    match f
        .engine
        .require_recent_auth(&session, Some("wrong".into()), &client())
        .await
    {
        Err(CoreError::Invalid(message)) => assert_eq!(message, "The password is wrong."),
        other => panic!("a wrong password passed: {other:?}"),
    }
    assert!(
        !f.engine.auth_is_recent(&session),
        "a wrong password confirms nothing"
    );

    f.engine
        .require_recent_auth(&session, Some("alice-password".into()), &client())
        .await
        .expect("the right password");
    assert!(f.engine.auth_is_recent(&session));
    // Recent for a while, then asked again.
    f.clock.advance(RECENT_AUTH_MS - 1);
    f.engine
        .require_recent_auth(&session, None, &client())
        .await
        .expect("still recent");
    f.clock.advance(2);
    assert!(matches!(
        f.engine
            .require_recent_auth(&session, None, &client())
            .await,
        Err(CoreError::PasswordRequired)
    ));
}

#[tokio::test]
async fn password_confirmations_go_through_the_sign_in_throttle() {
    let f = support::fixture(&[("alice", Role::User)]).await;
    let signed_in = f
        .engine
        .sign_in("alice", "alice-password".into(), &client())
        .await
        .expect("sign in");
    f.clock.advance(RECENT_AUTH_MS + 1);
    let session = f
        .engine
        .check(&signed_in.token, &client())
        .await
        .expect("live");
    let mut throttled = false;
    for _ in 0..30 {
        match f
            .engine
            .require_recent_auth(&session, Some("guess".into()), &client())
            .await
        {
            Err(CoreError::Invalid(_)) => {}
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
        f.engine
            .require_recent_auth(&session, Some("alice-password".into()), &client())
            .await,
        Err(CoreError::Throttled { .. })
    ));
}
