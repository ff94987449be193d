//! Account changes that end sessions: a new password, disabling and deleting a user.

use super::*;

async fn a_new_password_ends_the_other_sessions(backend: Backend) {
    let f = fixture(backend).await;
    let here = f.sign_in("alice", "10.0.0.1").await.expect("here");
    let there = f.sign_in("alice", "10.0.0.2").await.expect("there");
    let user_id = here.session.user_id.expect("user");

    let wrong = f
        .engine
        .change_own_password(
            user_id,
            "guess-guess".into(),
            "fresh-password".into(),
            KeepSessions::This(here.session.id.clone()),
            &client("10.0.0.1", CHROME),
        )
        .await;
    assert!(matches!(wrong, Err(CoreError::Invalid { .. })));
    let ended = f
        .engine
        .change_own_password(
            user_id,
            "alice-password".into(),
            "fresh-password".into(),
            KeepSessions::This(here.session.id.clone()),
            &client("10.0.0.1", CHROME),
        )
        .await
        .expect("change");
    assert_eq!(ended, 1);
    f.engine
        .check(&here.token, &client("10.0.0.1", CHROME))
        .await
        .expect("this device stays");
    let refusal = f
        .engine
        .check(&there.token, &client("10.0.0.2", CHROME))
        .await;
    assert!(matches!(
        refusal,
        Err(CoreError::Unauthenticated(Some(EndReason::PasswordChange)))
    ));
    assert!(
        matches!(
            f.sign_in("alice", "10.0.0.3").await,
            Err(CoreError::BadCredentials)
        ),
        "the old password is gone"
    );
    f.engine
        .sign_in(
            "alice",
            "fresh-password".into(),
            &client("10.0.0.3", CHROME),
        )
        .await
        .expect("new password");
}

async fn disabling_or_deleting_a_user_ends_everything(backend: Backend) {
    let f = fixture(backend).await;
    let alice = f.sign_in("alice", "10.0.0.1").await.expect("alice");
    let bob = f.sign_in("bob", "10.0.0.2").await.expect("bob");
    let alice_user = f.engine.user_by_name("alice").await.expect("alice");
    assert_eq!(
        f.engine
            .set_disabled(&alice_user, true, "root")
            .await
            .expect("disable"),
        1
    );
    let refusal = f
        .engine
        .check(&alice.token, &client("10.0.0.1", CHROME))
        .await;
    assert!(matches!(
        refusal,
        Err(CoreError::Unauthenticated(Some(EndReason::UserDisabled)))
    ));
    assert!(matches!(
        f.sign_in("alice", "10.0.0.1").await,
        Err(CoreError::BadCredentials)
    ));
    f.engine
        .set_disabled(&alice_user, false, "root")
        .await
        .expect("enable");
    f.sign_in("alice", "10.0.0.1").await.expect("enabled again");

    let bob_user = f.engine.user_by_name("bob").await.expect("bob");
    assert_eq!(
        f.engine
            .delete_user(&bob_user, "root")
            .await
            .expect("delete"),
        1
    );
    assert!(f
        .engine
        .check(&bob.token, &client("10.0.0.2", CHROME))
        .await
        .is_err());
    let history = f
        .engine
        .history(&HistoryQuery {
            user: "bob".into(),
            limit: 10,
            ..HistoryQuery::default()
        })
        .await
        .expect("history");
    assert_eq!(
        history.total, 1,
        "the deleted user's ended session stays in history"
    );
    assert_eq!(history.sessions[0].ended_by.as_deref(), Some("root"));
}

support::on_both_backends!(
    a_new_password_ends_the_other_sessions,
    disabling_or_deleting_a_user_ends_everything,
);
