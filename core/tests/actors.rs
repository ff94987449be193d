//! Who may read and end which sessions, decided by the engine from the actor: an end
//! user reaches only their own sessions and an application only its own, whatever ids
//! they name, on both backends.

use sessions_core::engine::{Actor, AppSignIn, SignedIn};
use sessions_core::model::{EndReason, ListFilter, ListQuery, Role, SessionId};
use sessions_core::{CoreError, Engine};

mod support;

use support::{account, client, fixture, sign_in, Backend};

async fn open_app(engine: &Engine, application: &str, user: &str) -> SignedIn {
    let sign_in = AppSignIn {
        user_id: user.into(),
        display_name: None,
        role: Role::User,
        client: client("10.0.1.1"),
    };
    engine
        .open_app_session(application, sign_in)
        .await
        .expect("open an application session")
}

fn id_of(signed: &SignedIn) -> SessionId {
    SessionId::issued(signed.session.id.clone())
}

async fn an_end_user_cannot_list_or_end_another_users_session(backend: Backend) {
    let users = [
        ("alice", Role::User),
        ("bob", Role::User),
        ("root", Role::Admin),
    ];
    let f = fixture(backend, &users).await;
    let alice = sign_in(&f.engine, "alice", "10.0.0.1").await;
    // Past the double-click window, so the second sign-in is a session of its own.
    f.clock.advance(6_000);
    let alice_phone = sign_in(&f.engine, "alice", "10.0.0.2").await;
    let bob = sign_in(&f.engine, "bob", "10.0.0.3").await;
    let root = sign_in(&f.engine, "root", "10.0.0.4").await;
    let me = account(&alice);

    let mine = f
        .engine
        .list(&me, &ListQuery::default())
        .await
        .expect("list");
    assert_eq!(mine.total, 2, "only alice's two sessions");
    assert!(mine
        .sessions
        .iter()
        .all(|session| session.user_id == alice.session.user_id));

    let foreign = vec![id_of(&bob), id_of(&root)];
    let ended = f
        .engine
        .end_sessions(&me, foreign, EndReason::Logout)
        .await
        .expect("end");
    assert!(ended.is_empty(), "another user's ids end nothing");

    let bob_id = bob.session.user_id.expect("bob's account");
    for actor in [me.clone(), Actor::Application("shop".into())] {
        assert!(matches!(
            f.engine
                .end_account_sessions(&actor, bob_id, false, EndReason::Killed)
                .await,
            Err(CoreError::Forbidden)
        ));
    }

    let ended = f
        .engine
        .end_all(&me, true, EndReason::Logout)
        .await
        .expect("end all");
    assert_eq!(ended.len(), 1, "alice's other session, not her current one");
    assert_eq!(ended[0].id, alice_phone.session.id);
    for (signed, ip) in [
        (&alice, "10.0.0.1"),
        (&bob, "10.0.0.3"),
        (&root, "10.0.0.4"),
    ] {
        f.engine
            .check(&signed.token, &client(ip))
            .await
            .expect("still live");
    }
    let everyone = f
        .engine
        .list(&Actor::Operator, &ListQuery::default())
        .await
        .expect("list");
    assert_eq!(everyone.total, 3);
}

async fn an_application_cannot_touch_another_applications_sessions(backend: Backend) {
    let f = fixture(backend, &[]).await;
    for name in ["shop", "blog"] {
        f.engine.create_application(name, "cli").await.expect("add");
    }
    let shopper = open_app(&f.engine, "shop", "u-1").await;
    let reader = open_app(&f.engine, "blog", "u-1").await;
    let blog = Actor::Application("blog".into());

    let listed = f
        .engine
        .list(&blog, &ListQuery::default())
        .await
        .expect("list");
    assert_eq!(listed.total, 1);
    assert_eq!(listed.sessions[0].id, reader.session.id);

    let ended = f
        .engine
        .end_sessions(&blog, vec![id_of(&shopper)], EndReason::Killed)
        .await
        .expect("end");
    assert!(
        ended.is_empty(),
        "the shop's session is not the blog's to end"
    );

    let ended = f
        .engine
        .end_all(&blog, false, EndReason::Killed)
        .await
        .expect("end all");
    assert_eq!(ended.len(), 1);
    assert_eq!(ended[0].id, reader.session.id);
    f.engine
        .check_for("shop", &shopper.token, &client("10.0.1.1"))
        .await
        .expect("the shop's session is untouched");
}

async fn list_filters_are_checked_for_every_actor(backend: Backend) {
    let f = fixture(backend, &[("alice", Role::User)]).await;
    let alice = sign_in(&f.engine, "alice", "10.0.0.1").await;
    let bad_country = ListQuery {
        filter: ListFilter {
            country: Some("xyz".into()),
            ..ListFilter::default()
        },
        ..ListQuery::default()
    };
    for actor in [
        Actor::Operator,
        account(&alice),
        Actor::Application("shop".into()),
    ] {
        assert!(matches!(
            f.engine.list(&actor, &bad_country).await,
            Err(CoreError::Invalid { .. })
        ));
    }
}

support::on_both_backends!(
    an_end_user_cannot_list_or_end_another_users_session,
    an_application_cannot_touch_another_applications_sessions,
    list_filters_are_checked_for_every_actor,
);
