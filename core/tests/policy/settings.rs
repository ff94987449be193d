//! Saving settings: the preview counts what the save then ends, invalid changes change
//! nothing, a shorter lifetime reaches live sessions, another process's save applies here.

use super::*;

async fn preview_counts_what_save_then_ends(backend: Backend) {
    let f = fixture(backend).await;
    let admin = f.sign_in("root", "10.0.0.9").await.expect("admin");
    let alice = f.sign_in("alice", "10.0.0.1").await.expect("alice");
    f.sign_in("bob", "10.0.0.2").await.expect("bob");
    f.clock.advance(12 * MINUTE_MS);
    f.engine
        .check(&admin.token, &client("10.0.0.9", CHROME))
        .await
        .expect("the admin is active");

    let shorter = [change(SettingScope::Default, "idle_timeout_minutes", "10")];
    let impact = f
        .engine
        .preview_settings(&shorter, Some(&admin.session.id))
        .await
        .expect("preview");
    assert_eq!(impact.sessions, 2);
    assert_eq!(
        impact.users,
        vec![("alice".to_owned(), 1), ("bob".to_owned(), 1)]
    );
    assert_eq!(impact.reasons, vec![(EndReason::Idle, 2)]);
    assert!(!impact.includes_own);
    assert_eq!(f.live_ids("").await.len(), 3, "a preview changes nothing");

    let deny_own = [change(SettingScope::Default, "ip_deny", "10.0.0.9")];
    assert!(
        f.engine
            .preview_settings(&deny_own, Some(&admin.session.id))
            .await
            .expect("preview")
            .includes_own
    );

    let mut events = f.engine.subscribe();
    let saved = f
        .engine
        .save_settings(&shorter, "root", Some(&admin.session.id))
        .await
        .expect("save");
    assert_eq!(saved.impact.sessions, 2, "{:?}", saved.impact);
    assert_eq!(f.live_ids("").await, vec![admin.session.id.clone()]);
    let refusal = f
        .engine
        .check(&alice.token, &client("10.0.0.1", CHROME))
        .await;
    assert!(matches!(
        refusal,
        Err(CoreError::Unauthenticated(Some(EndReason::Idle)))
    ));
    let mut told = 0;
    while let Ok(frame) = events.try_recv() {
        if let LiveEvent::Ended { sessions } = &frame.event {
            told += sessions
                .iter()
                .filter(|s| s.end_reason == Some(EndReason::Idle))
                .count();
        }
    }
    assert_eq!(told, 2, "each ended tab is told its reason");

    let ledger = f.engine.settings_changes(10, None).await.expect("ledger");
    assert_eq!(ledger[0].key, "idle_timeout_minutes");
    assert_eq!(
        (
            ledger[0].old_value.as_deref(),
            ledger[0].new_value.as_deref(),
            ledger[0].actor.as_str()
        ),
        (Some("30"), Some("10"), "root")
    );
}

async fn invalid_changes_are_refused_whole(backend: Backend) {
    let f = fixture(backend).await;
    let before = f.engine.policy();
    for (key, value) in [
        ("max_sessions_per_user", "-1"),
        ("idle_timeout_minutes", "0"),
        ("idle_timeout_minutes", "1000000000"),
        ("ip_deny", "10.0.0.0/33"),
        ("ip_allow", "foo"),
        ("no_such_setting", "1"),
    ] {
        let changes = [
            change(SettingScope::Default, "lifetime_minutes", "60"),
            change(SettingScope::Default, key, value),
        ];
        let err = f
            .engine
            .save_settings(&changes, "root", None)
            .await
            .expect_err("refused");
        assert!(
            matches!(err, CoreError::Invalid { .. }),
            "{key}={value}: {err:?}"
        );
        assert!(
            err.to_string().contains(key),
            "{key}={value}: the message names the field: {err}"
        );
    }
    assert_eq!(*f.engine.policy(), *before, "nothing was half-saved");
    assert!(f
        .engine
        .settings_changes(10, None)
        .await
        .expect("ledger")
        .is_empty());
}

async fn a_shorter_lifetime_shortens_live_sessions(backend: Backend) {
    let f = fixture(backend).await;
    let alice = f.sign_in("alice", "10.0.0.1").await.expect("alice");
    f.clock.advance(20 * MINUTE_MS);
    f.set(SettingScope::Default, "lifetime_minutes", "60").await;
    let checked = f
        .engine
        .check(&alice.token, &client("10.0.0.1", CHROME))
        .await
        .expect("still within 60 min");
    assert_eq!(
        checked.expires_at,
        alice.session.created_at + 60 * MINUTE_MS
    );
    let shorter = [change(SettingScope::Default, "lifetime_minutes", "15")];
    let impact = f
        .engine
        .preview_settings(&shorter, None)
        .await
        .expect("preview");
    assert_eq!(impact.sessions, 1);
    f.engine
        .check(&alice.token, &client("10.0.0.1", CHROME))
        .await
        .expect("a preview ends nothing and moves no expiry");
    let saved = f
        .engine
        .save_settings(&shorter, "root", None)
        .await
        .expect("save");
    assert_eq!(
        saved.impact.reasons,
        vec![(EndReason::Expired, 1)],
        "the save itself ends it, with its reason"
    );
    let refusal = f
        .engine
        .check(&alice.token, &client("10.0.0.1", CHROME))
        .await;
    assert!(matches!(
        refusal,
        Err(CoreError::Unauthenticated(Some(EndReason::Expired)))
    ));
    let history = f
        .engine
        .history(&HistoryQuery {
            limit: 10,
            ..HistoryQuery::default()
        })
        .await
        .expect("history");
    assert_eq!(history.sessions[0].ended_by.as_deref(), Some("system"));
}

async fn another_process_saving_settings_applies_here(backend: Backend) {
    let f = fixture(backend).await;
    let other = Engine::open_with_clock(&config(&f.url), f.clock.clone())
        .await
        .expect("second process");
    other
        .save_settings(
            &[change(
                SettingScope::Role(Role::User),
                "idle_timeout_minutes",
                "7",
            )],
            "cli",
            None,
        )
        .await
        .expect("save elsewhere");
    assert_ne!(
        f.engine.policy().for_role(Role::User).idle_timeout_ms,
        7 * MINUTE_MS,
        "not before this process reads the change log"
    );
    // What the poller (and, on PostgreSQL, the notification) does.
    f.engine.apply_logged_changes().await.expect("read the log");
    assert_eq!(
        f.engine.policy().for_role(Role::User).idle_timeout_ms,
        7 * MINUTE_MS
    );
}

support::on_both_backends!(
    preview_counts_what_save_then_ends,
    invalid_changes_are_refused_whole,
    a_shorter_lifetime_shortens_live_sessions,
    another_process_saving_settings_applies_here,
);
