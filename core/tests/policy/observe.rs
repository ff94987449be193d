//! The same rules in observe mode: nothing is refused or ended, the sessions are flagged
//! and the analytics count what enforcing would have blocked.

use super::*;

/// The flag of `kind` a sign-in's session carries, or a panic naming what it has.
fn flag(flags: &[SessionFlag], kind: FlagKind) -> &SessionFlag {
    flags
        .iter()
        .find(|flag| flag.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} flag in {flags:?}"))
}

/// The "would have been blocked" KPI of the last 24 hours, every application.
async fn would_have_been_blocked(f: &Fixture) -> Option<f64> {
    let period = f.engine.analytics_period(None, None).expect("period");
    let report = f.engine.analytics(period, None).await.expect("analytics");
    report
        .kpis
        .iter()
        .find(|kpi| kpi.name == KpiName::WouldHaveBeenBlocked)
        .and_then(|kpi| kpi.current)
}

async fn limits_in_observe_mode_refuse_and_end_nothing(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Role(Role::User), "max_sessions_per_user", "1")
        .await;
    f.set(SettingScope::Role(Role::User), "limits_mode", "observe")
        .await;
    let first = f
        .sign_in("alice", "10.0.0.1")
        .await
        .expect("within the limit");
    assert!(first.session.flags.is_empty(), "{:?}", first.session.flags);
    let second = f
        .sign_in("alice", "10.0.0.2")
        .await
        .expect("past the limit, observed only");
    let reason = &flag(&second.session.flags, FlagKind::LimitObserved).reason;
    assert!(
        reason.starts_with("Observe mode, not enforced: ")
            && reason.contains("at most 1 session per user"),
        "{reason}"
    );

    f.set(
        SettingScope::Role(Role::User),
        "limit_action",
        "evict_oldest",
    )
    .await;
    let third = f
        .sign_in("alice", "10.0.0.3")
        .await
        .expect("would evict, observed only");
    let reason = &flag(&third.session.flags, FlagKind::LimitObserved).reason;
    assert!(
        reason.contains("would have ended 2 older sessions"),
        "{reason}"
    );
    assert_eq!(f.live_ids("alice").await.len(), 3, "nothing was evicted");
    f.engine
        .check(&first.token, &client("10.0.0.1", CHROME))
        .await
        .expect("the oldest is still live");
    assert_eq!(would_have_been_blocked(&f).await, Some(2.0));

    // Enforced again: saving ends the excess, and the next sign-in is refused.
    f.set(SettingScope::Role(Role::User), "limit_action", "refuse")
        .await;
    let preview = f
        .preview(SettingScope::Role(Role::User), "limits_mode", "enforce")
        .await;
    assert_eq!(preview.sessions, 2);
    assert!(preview.observing.is_empty(), "{:?}", preview.observing);
    f.set(SettingScope::Role(Role::User), "limits_mode", "enforce")
        .await;
    assert_eq!(f.live_ids("alice").await.len(), 1);
    let message = refused(f.sign_in("alice", "10.0.0.4").await);
    assert!(message.contains("at most 1 session per user"), "{message}");
    assert_eq!(would_have_been_blocked(&f).await, Some(2.0));
}

async fn network_rules_in_observe_mode_flag_sign_ins_and_moves(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Default, "ip_deny", "203.0.113.0/24")
        .await;
    f.set(SettingScope::Default, "allow_ip_change", "true")
        .await;
    let preview = f
        .preview(SettingScope::Role(Role::User), "network_mode", "observe")
        .await;
    assert_eq!(preview.sessions, 0);
    assert_eq!(preview.observing.len(), 1);
    assert!(
        preview.observing[0].contains("role user only observe: they refuse and end nothing"),
        "{:?}",
        preview.observing
    );
    f.set(SettingScope::Role(Role::User), "network_mode", "observe")
        .await;

    let denied = f
        .sign_in("alice", "203.0.113.9")
        .await
        .expect("a denied address, observed only");
    let reason = &flag(&denied.session.flags, FlagKind::NetworkRuleObserved).reason;
    assert!(
        reason.contains("203.0.113.9") && reason.contains("203.0.113.0/24"),
        "{reason}"
    );
    assert_eq!(would_have_been_blocked(&f).await, Some(1.0));
    let message = refused(f.sign_in("root", "203.0.113.9").await);
    assert!(
        message.contains("203.0.113.0/24"),
        "admins still enforce: {message}"
    );

    // A live session moving into the denied range is flagged, not ended.
    let bob = f.sign_in("bob", "198.51.100.1").await.expect("allowed");
    assert!(bob.session.flags.is_empty(), "{:?}", bob.session.flags);
    f.engine
        .check(&bob.token, &client("203.0.113.7", CHROME))
        .await
        .expect("observed, not ended");
    assert_eq!(f.engine.judge_moves().await, 1);
    let moved = f
        .engine
        .live_session(&SessionId::issued(bob.session.id.clone()))
        .await
        .expect("read")
        .expect("still live");
    let reason = &flag(&moved.flags, FlagKind::NetworkRuleObserved).reason;
    assert!(reason.contains("203.0.113.7"), "{reason}");
    assert_eq!(
        would_have_been_blocked(&f).await,
        Some(2.0),
        "the move counts as well as the sign-in"
    );

    // Enforced: the same move ends the session, the same sign-in is refused.
    f.set(SettingScope::Role(Role::User), "network_mode", "enforce")
        .await;
    let carol = f.sign_in("bob", "198.51.100.2").await.expect("allowed");
    let moved = f
        .engine
        .check(&carol.token, &client("203.0.113.8", CHROME))
        .await;
    assert!(
        matches!(
            moved,
            Err(CoreError::Unauthenticated(Some(EndReason::IpRule)))
        ),
        "{:?}",
        moved.err()
    );
    refused(f.sign_in("alice", "203.0.113.9").await);
}

support::on_both_backends!(
    limits_in_observe_mode_refuse_and_end_nothing,
    network_rules_in_observe_mode_flag_sign_ins_and_moves,
);
