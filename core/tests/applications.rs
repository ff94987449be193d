//! Applications and their API sessions on the real engine: keys, isolation between
//! applications, the policy applied to API sessions, and revocation.

mod support;

use sessions_core::catalogue::{SettingChange, SettingScope};
use sessions_core::engine::{AppSignIn, ClientInfo};
use sessions_core::model::{AppUserId, EndReason, Role, SessionId, SessionStatus};
use sessions_core::{CoreError, Entity};
use support::{fixture, Backend};

fn client(ip: &str) -> ClientInfo {
    ClientInfo {
        ip: ip.into(),
        user_agent:
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"
                .into(),
    }
}

fn ada(ip: &str) -> AppSignIn {
    AppSignIn {
        user_id: "u-42".into(),
        display_name: Some("Ada Lovelace".into()),
        role: Role::User,
        client: client(ip),
    }
}

/// Ada's id in the application "shop" (and "blog").
fn u42() -> AppUserId {
    AppUserId::parse("u-42").expect("an application user id")
}

async fn keys_are_shown_once_and_checked_by_hash(backend: Backend) {
    let f = fixture(backend, &[]).await;
    let created = f
        .engine
        .create_application("shop", "cli")
        .await
        .expect("add");
    assert_eq!(created.application.key_prefix, &created.key.expose()[..10]);
    let name = f
        .engine
        .authenticate_app(created.key.expose(), "10.0.0.1")
        .await
        .expect("auth");
    assert_eq!(name.as_deref(), Some("shop"));
    // The key with its last character changed (to 'B' when it already ends in 'A').
    let last = if created.key.expose().ends_with('A') {
        "B"
    } else {
        "A"
    };
    let wrong = format!("{}{last}", &created.key.expose()[..45]);
    assert_eq!(
        f.engine
            .authenticate_app(&wrong, "10.0.0.1")
            .await
            .expect("auth"),
        None
    );
    assert_eq!(
        f.engine
            .authenticate_app("not a key", "10.0.0.1")
            .await
            .expect("auth"),
        None
    );
    // Names are unique for ever, case-insensitively, and "console" is reserved.
    assert!(matches!(
        f.engine.create_application("SHOP", "cli").await,
        Err(CoreError::Invalid { .. })
    ));
    assert!(matches!(
        f.engine.create_application("console", "cli").await,
        Err(CoreError::Invalid { .. })
    ));
    let listed = f.engine.list_applications().await.expect("list");
    assert_eq!(listed.len(), 1);
}

async fn an_application_sees_and_touches_only_its_own_sessions(backend: Backend) {
    let f = fixture(backend, &[]).await;
    f.engine
        .create_application("shop", "cli")
        .await
        .expect("add");
    f.engine
        .create_application("blog", "cli")
        .await
        .expect("add");
    let signed = f
        .engine
        .open_app_session("shop", ada("10.0.0.1"))
        .await
        .expect("open");
    assert_eq!(signed.session.application, "shop");
    assert_eq!(signed.session.external_user_id.as_deref(), Some("u-42"));
    assert_eq!(signed.session.username.as_deref(), Some("Ada Lovelace"));

    // The other application's check from another address neither sees nor ends it.
    let foreign = f
        .engine
        .check_for("blog", &signed.token, &client("10.9.9.9"))
        .await;
    assert!(matches!(foreign, Err(CoreError::Unauthenticated(None))));
    // Nor does the console treat an application's token as a console session.
    assert!(f
        .engine
        .check(&signed.token, &client("10.0.0.1"))
        .await
        .is_err());
    assert!(f
        .engine
        .end_app_session_by_token("blog", &signed.token)
        .await
        .is_err());
    assert!(matches!(
        f.engine
            .end_app_session_by_id("blog", &SessionId::issued(signed.session.id.clone()))
            .await,
        Err(CoreError::NotFound(Entity::Session))
    ));
    let ended = f
        .engine
        .end_app_user_sessions("blog", &u42(), None, EndReason::PasswordChange)
        .await
        .expect("end user");
    assert_eq!(ended, 0);
    let blog_list = f
        .engine
        .list_app_sessions("blog", None, 50, None)
        .await
        .expect("list");
    assert_eq!(blog_list.total, 0);

    let checked = f
        .engine
        .check_for("shop", &signed.token, &client("10.0.0.1"))
        .await
        .expect("check");
    assert_eq!(checked.id, signed.session.id);
    let shop_list = f
        .engine
        .list_app_sessions("shop", Some(&u42()), 50, None)
        .await
        .expect("list");
    assert_eq!(shop_list.total, 1);
}

async fn logout_and_end_all_of_a_user_keep_what_is_asked(backend: Backend) {
    let f = fixture(backend, &[]).await;
    f.engine
        .create_application("shop", "cli")
        .await
        .expect("add");
    let first = f
        .engine
        .open_app_session("shop", ada("10.0.0.1"))
        .await
        .expect("open");
    let second = f
        .engine
        .open_app_session("shop", ada("10.0.0.1"))
        .await
        .expect("open");
    let third = f
        .engine
        .open_app_session("shop", ada("10.0.0.2"))
        .await
        .expect("open");
    assert_ne!(
        first.session.id, second.session.id,
        "an application asking twice gets two sessions"
    );

    f.engine
        .end_app_session_by_token("shop", &first.token)
        .await
        .expect("logout");
    // Logging out again is fine.
    f.engine
        .end_app_session_by_token("shop", &first.token)
        .await
        .expect("logout again");
    let refused = f
        .engine
        .check_for("shop", &first.token, &client("10.0.0.1"))
        .await;
    assert!(matches!(
        refused,
        Err(CoreError::Unauthenticated(Some(EndReason::Logout)))
    ));

    let ended = f
        .engine
        .end_app_user_sessions(
            "shop",
            &u42(),
            Some(SessionId::issued(third.session.id.clone())),
            EndReason::PasswordChange,
        )
        .await
        .expect("end user");
    assert_eq!(ended, 1);
    let refused = f
        .engine
        .check_for("shop", &second.token, &client("10.0.0.1"))
        .await;
    assert!(matches!(
        refused,
        Err(CoreError::Unauthenticated(Some(EndReason::PasswordChange)))
    ));
    f.engine
        .check_for("shop", &third.token, &client("10.0.0.2"))
        .await
        .expect("kept");
}

async fn guests_and_the_policy_apply_to_api_sessions(backend: Backend) {
    let f = fixture(backend, &[]).await;
    f.engine
        .create_application("shop", "cli")
        .await
        .expect("add");
    let guest = f
        .engine
        .open_guest_session("shop", &client("10.0.0.1"))
        .await
        .expect("guest");
    assert_eq!(guest.session.status, SessionStatus::Guest);
    assert_eq!(guest.session.username, None);

    // IP binding: a check from another address ends the session.
    let refused = f
        .engine
        .check_for("shop", &guest.token, &client("10.0.0.2"))
        .await;
    assert!(matches!(
        refused,
        Err(CoreError::Unauthenticated(Some(EndReason::IpChange)))
    ));

    // A per-user limit counts the application's user across their sessions.
    f.engine
        .save_settings(
            &[SettingChange {
                scope: SettingScope::Default,
                key: "max_sessions_per_user".into(),
                value: Some("1".into()),
            }],
            "admin",
            None,
        )
        .await
        .expect("save");
    f.engine
        .open_app_session("shop", ada("10.0.0.1"))
        .await
        .expect("first");
    let second = f.engine.open_app_session("shop", ada("10.0.0.3")).await;
    assert!(
        matches!(second, Err(CoreError::Refused(_))),
        "got {:?}",
        second.err()
    );
    // Another user of the same application is not counted with Ada.
    let mut grace = ada("10.0.0.4");
    grace.user_id = "u-43".into();
    f.engine
        .open_app_session("shop", grace)
        .await
        .expect("another user");
}

async fn revoking_an_application_ends_its_sessions_and_its_key(backend: Backend) {
    let f = fixture(backend, &[]).await;
    let created = f
        .engine
        .create_application("shop", "cli")
        .await
        .expect("add");
    let signed = f
        .engine
        .open_app_session("shop", ada("10.0.0.1"))
        .await
        .expect("open");
    assert!(f
        .engine
        .authenticate_app(created.key.expose(), "10.0.0.1")
        .await
        .expect("auth")
        .is_some());
    let (revoked, ended) = f
        .engine
        .revoke_application("shop", "cli")
        .await
        .expect("revoke");
    assert_eq!(ended, 1);
    assert!(revoked.revoked_at.is_some());
    assert_eq!(
        f.engine
            .authenticate_app(created.key.expose(), "10.0.0.1")
            .await
            .expect("auth"),
        None
    );
    let refused = f
        .engine
        .check_for("shop", &signed.token, &client("10.0.0.1"))
        .await;
    assert!(matches!(
        refused,
        Err(CoreError::Unauthenticated(Some(EndReason::Killed)))
    ));
    assert!(matches!(
        f.engine.revoke_application("shop", "cli").await,
        Err(CoreError::NotFound(Entity::ApiKey(_)))
    ));
    assert!(matches!(
        f.engine.create_application("shop", "cli").await,
        Err(CoreError::Invalid { .. })
    ));
}

async fn failed_keys_slow_their_address_and_a_known_key_still_works(backend: Backend) {
    let f = fixture(backend, &[]).await;
    let created = f
        .engine
        .create_application("shop", "cli")
        .await
        .expect("add");
    let key = created.key.expose();
    // As the server's poller does after a change of the applications.
    f.engine.apply_logged_changes().await.expect("read the log");
    assert!(f
        .engine
        .authenticate_app(key, "10.0.0.9")
        .await
        .expect("auth")
        .is_some());
    let unknown = |n: u32| format!("sk_{n:Q>43}");
    for n in 0..20 {
        assert_eq!(
            f.engine
                .authenticate_app(&unknown(n), "10.0.0.9")
                .await
                .expect("auth"),
            None
        );
    }
    let slowed = f.engine.authenticate_app(&unknown(20), "10.0.0.9").await;
    assert!(
        matches!(
            slowed,
            Err(CoreError::Throttled {
                retry_after_secs: 1
            })
        ),
        "{slowed:?}"
    );
    assert_eq!(
        f.engine
            .authenticate_app(&unknown(20), "10.0.0.8")
            .await
            .expect("another address"),
        None
    );
    assert!(
        f.engine
            .authenticate_app(key, "10.0.0.9")
            .await
            .expect("auth")
            .is_some(),
        "a key the server knows works from the slowed address"
    );
}

support::on_both_backends!(
    keys_are_shown_once_and_checked_by_hash,
    an_application_sees_and_touches_only_its_own_sessions,
    logout_and_end_all_of_a_user_keep_what_is_asked,
    guests_and_the_policy_apply_to_api_sessions,
    revoking_an_application_ends_its_sessions_and_its_key,
    failed_keys_slow_their_address_and_a_known_key_still_works,
);
