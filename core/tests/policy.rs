//! The session policy end to end on a real SQLite file with a manual clock: limits at
//! sign-in, network rules (each enforced or only observed), previews and saves that end
//! sessions, account changes, the ledger and retention.

use sessions_core::analytics::KpiName;
use sessions_core::catalogue::{SettingChange, SettingScope};
use sessions_core::engine::{ClientInfo, KeepSessions, SignInForm, SignedIn};
use sessions_core::model::{
    EndReason, FlagKind, HistoryQuery, Impact, ListQuery, LiveEvent, Role, SessionFlag, MINUTE_MS,
};
use sessions_core::store::Scope;
use sessions_core::{CoreError, Engine};

const CHROME: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0.0.0 Safari/537.36";
const IPHONE: &str =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";

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

fn client(ip: &str, user_agent: &str) -> ClientInfo {
    ClientInfo {
        ip: ip.into(),
        user_agent: user_agent.into(),
    }
}

/// Sign-ins and settings as the tests use them.
trait PolicyFixture {
    async fn sign_in(&self, user: &str, ip: &str) -> Result<SignedIn, CoreError>;
    async fn sign_in_with(&self, user: &str, ip: &str, agent: &str) -> Result<SignedIn, CoreError>;
    async fn set(&self, scope: SettingScope, key: &str, value: &str);
    /// What saving one value would do, without saving it.
    async fn preview(&self, scope: SettingScope, key: &str, value: &str) -> Impact;
    async fn live_ids(&self, user: &str) -> Vec<String>;
}

impl PolicyFixture for Fixture {
    /// Signs in, then moves the clock past the double-click window.
    async fn sign_in(&self, user: &str, ip: &str) -> Result<SignedIn, CoreError> {
        self.sign_in_with(user, ip, CHROME).await
    }

    async fn sign_in_with(&self, user: &str, ip: &str, agent: &str) -> Result<SignedIn, CoreError> {
        let result = self
            .engine
            .sign_in(user, format!("{user}-password"), &client(ip, agent))
            .await;
        self.clock.advance(10_000);
        result
    }

    async fn set(&self, scope: SettingScope, key: &str, value: &str) {
        self.engine
            .save_settings(&[change(scope, key, value)], "root", None)
            .await
            .expect("save");
    }

    async fn preview(&self, scope: SettingScope, key: &str, value: &str) -> Impact {
        self.engine
            .preview_settings(&[change(scope, key, value)], None)
            .await
            .expect("preview")
    }

    async fn live_ids(&self, user: &str) -> Vec<String> {
        let query = ListQuery {
            search: user.into(),
            ..ListQuery::default()
        };
        let page = self
            .engine
            .list(&query, Scope::Everyone)
            .await
            .expect("list");
        page.sessions.into_iter().map(|s| s.id).collect()
    }
}

fn change(scope: SettingScope, key: &str, value: &str) -> SettingChange {
    SettingChange {
        scope,
        key: key.into(),
        value: Some(value.into()),
    }
}

fn refused(result: Result<SignedIn, CoreError>) -> String {
    match result {
        Err(CoreError::Refused(message)) => message,
        Err(other) => panic!("expected a policy refusal, got {other:?}"),
        Ok(_) => panic!("expected a policy refusal, the sign-in passed"),
    }
}

async fn per_user_limit_refuses_at_the_limit(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Role(Role::User), "max_sessions_per_user", "2")
        .await;
    f.sign_in("alice", "10.0.0.1").await.expect("1 of 2");
    f.sign_in("alice", "10.0.0.2").await.expect("2 of 2");
    let message = refused(f.sign_in("alice", "10.0.0.3").await);
    assert!(message.contains("at most 2 sessions per user"), "{message}");
    assert_eq!(
        f.live_ids("alice").await.len(),
        2,
        "the refusal created nothing"
    );
    // The limit is per role: admins are not limited.
    for n in 0..3 {
        f.sign_in("root", &format!("10.0.1.{n}"))
            .await
            .expect("admins are unlimited");
    }
}

async fn a_third_browser_is_refused_even_like_the_first_and_at_once(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Role(Role::User), "max_sessions_per_user", "2")
        .await;
    let chrome = client("10.0.0.1", CHROME);
    let sign_in = |from| f.engine.sign_in("alice", "alice-password".into(), from);
    let first = sign_in(&chrome).await.expect("1 of 2");
    let iphone = client("10.0.0.1", IPHONE);
    sign_in(&iphone).await.expect("2 of 2");
    // A third browser that looks like the first, within seconds, gets no session
    // (and certainly not the first one's).
    let message = refused(sign_in(&chrome).await);
    assert!(message.contains("at most 2 sessions per user"), "{message}");
    assert_eq!(f.live_ids("alice").await.len(), 2);
    f.engine
        .check(&first.token, &client("10.0.0.1", CHROME))
        .await
        .expect("the first is untouched");
}

async fn evict_oldest_ends_the_oldest_and_tells_it_live(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Default, "max_sessions_per_user", "2")
        .await;
    f.set(SettingScope::Default, "limit_action", "evict_oldest")
        .await;
    let oldest = f.sign_in("alice", "10.0.0.1").await.expect("first");
    let middle = f.sign_in("alice", "10.0.0.2").await.expect("second");
    let mut events = f.engine.subscribe();
    let newest = f
        .sign_in("alice", "10.0.0.3")
        .await
        .expect("third evicts the first");

    let mut live = f.live_ids("alice").await;
    live.sort();
    let mut expected = vec![middle.session.id.clone(), newest.session.id.clone()];
    expected.sort();
    assert_eq!(live, expected);
    let refusal = f
        .engine
        .check(&oldest.token, &client("10.0.0.1", CHROME))
        .await;
    assert!(matches!(
        refusal,
        Err(CoreError::Unauthenticated(Some(EndReason::EvictedByLimit)))
    ));
    let ended = events.try_recv().expect("an event").event.clone();
    assert!(
        matches!(&ended, LiveEvent::Ended { sessions } if sessions.len() == 1
            && sessions[0].id == oldest.session.id
            && sessions[0].end_reason == Some(EndReason::EvictedByLimit)
            && sessions[0].ended_by.as_deref() == Some("system")),
        "{ended:?}"
    );
}

async fn per_ip_and_per_device_limits(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Default, "max_sessions_per_ip", "1")
        .await;
    f.sign_in("alice", "192.0.2.1")
        .await
        .expect("first from the address");
    let message = refused(f.sign_in("bob", "192.0.2.1").await);
    assert!(
        message.contains("from one IP address (192.0.2.1)"),
        "{message}"
    );
    f.sign_in("root", "192.0.2.1")
        .await
        .expect("the limit counts sessions of the same role");
    f.set(SettingScope::Default, "max_sessions_per_ip", "0")
        .await;

    f.set(SettingScope::Default, "max_sessions_per_user_device", "1")
        .await;
    f.sign_in_with("bob", "192.0.2.2", IPHONE)
        .await
        .expect("bob's phone");
    f.sign_in_with("bob", "192.0.2.3", CHROME)
        .await
        .expect("bob's desktop is another class");
    let message = refused(f.sign_in_with("bob", "192.0.2.4", IPHONE).await);
    assert!(message.contains("device (phone)"), "{message}");
}

async fn distinct_addresses_over_the_window(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Default, "max_ips_per_user", "2").await;
    f.set(SettingScope::Default, "ip_window_minutes", "60")
        .await;
    let first = f
        .sign_in("alice", "198.51.100.1")
        .await
        .expect("first address");
    f.engine
        .end(
            sessions_core::store::EndSelector::User(first.session.user_id.expect("user")),
            EndReason::Logout,
            "alice",
        )
        .await
        .expect("logout");
    f.sign_in("alice", "198.51.100.2")
        .await
        .expect("second address");
    let message = refused(f.sign_in("alice", "198.51.100.3").await);
    assert!(message.contains("2 IP addresses"), "{message}");
    let again = f
        .sign_in("alice", "198.51.100.1")
        .await
        .expect("an address used before is fine, even from an ended session");
    // Live sessions count whatever their age; ended ones only within the window.
    let user_id = again.session.user_id.expect("user");
    f.engine
        .end(
            sessions_core::store::EndSelector::User(user_id),
            EndReason::Logout,
            "alice",
        )
        .await
        .expect("logout");
    f.clock.advance(30 * MINUTE_MS);
    refused(f.sign_in("alice", "198.51.100.3").await);
    f.clock.advance(31 * MINUTE_MS);
    f.sign_in("alice", "198.51.100.3")
        .await
        .expect("the window passed");
}

async fn a_double_click_does_not_count_twice(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Default, "max_sessions_per_user", "1")
        .await;
    let ip = client("10.0.0.1", CHROME);
    let form = || SignInForm {
        nonce: Some("one-rendered-form".into()),
        ..SignInForm::default()
    };
    f.engine
        .sign_in_form("alice", "alice-password".into(), &ip, form())
        .await
        .expect("click");
    let second = f
        .engine
        .sign_in_form("alice", "alice-password".into(), &ip, form())
        .await;
    assert!(
        matches!(&second, Err(CoreError::Invalid { message, .. }) if message.contains("already sent")),
        "the same form again is no second session, and no refusal by the limit: {:?}",
        second.err()
    );
    assert_eq!(f.live_ids("alice").await.len(), 1);
}

async fn network_rules_refuse_with_the_reason(backend: Backend) {
    let f = fixture(backend).await;
    f.set(
        SettingScope::Default,
        "ip_deny",
        "203.0.113.0/24, 2001:db8::/32",
    )
    .await;
    let message = refused(f.sign_in("alice", "203.0.113.9").await);
    assert!(message.contains("203.0.113.0/24"), "{message}");
    refused(f.sign_in("alice", "2001:db8::1").await);
    f.sign_in("alice", "198.51.100.1")
        .await
        .expect("outside the range");

    f.set(SettingScope::Role(Role::Admin), "ip_ranges", "private_only")
        .await;
    let message = refused(f.sign_in("root", "198.51.100.1").await);
    assert!(message.contains("private"), "{message}");
    f.sign_in("root", "10.1.2.3")
        .await
        .expect("private address");
    f.sign_in("bob", "198.51.100.7")
        .await
        .expect("the override is the admin role's only");
}

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
        .live_session(&bob.session.id)
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
    assert!(f.engine.reload_policy_if_changed().await.expect("reload"));
    assert_eq!(
        f.engine.policy().for_role(Role::User).idle_timeout_ms,
        7 * MINUTE_MS
    );
    assert!(
        !f.engine.reload_policy_if_changed().await.expect("reload"),
        "nothing new the second time"
    );
}

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

async fn history_keeps_who_and_why_until_retention(backend: Backend) {
    let f = fixture(backend).await;
    f.set(SettingScope::Default, "history_retention_days", "1")
        .await;
    let alice = f.sign_in("alice", "10.0.0.1").await.expect("alice");
    f.engine
        .end(
            sessions_core::store::EndSelector::User(alice.session.user_id.expect("user")),
            EndReason::Killed,
            "root",
        )
        .await
        .expect("kill");
    let page = f
        .engine
        .history(&HistoryQuery {
            limit: 10,
            ..HistoryQuery::default()
        })
        .await
        .expect("history");
    assert_eq!(page.total, 1);
    assert_eq!(
        (
            page.sessions[0].end_reason,
            page.sessions[0].ended_by.as_deref()
        ),
        (Some(EndReason::Killed), Some("root"))
    );
    f.clock.advance(25 * 60 * MINUTE_MS);
    f.engine.sweep().await.expect("sweep");
    assert_eq!(
        f.engine
            .history(&HistoryQuery {
                limit: 10,
                ..HistoryQuery::default()
            })
            .await
            .expect("history")
            .total,
        0
    );

    // Refused whatever the backend, before any query.
    let backwards = HistoryQuery {
        from: Some(400),
        until: Some(200),
        ..HistoryQuery::default()
    };
    assert!(matches!(
        f.engine.history(&backwards).await,
        Err(CoreError::Invalid { .. })
    ));
    let long_user = HistoryQuery {
        user: "x".repeat(201),
        ..HistoryQuery::default()
    };
    assert!(matches!(
        f.engine.history(&long_user).await,
        Err(CoreError::Invalid { .. })
    ));
}

support::on_both_backends!(
    per_user_limit_refuses_at_the_limit,
    a_third_browser_is_refused_even_like_the_first_and_at_once,
    evict_oldest_ends_the_oldest_and_tells_it_live,
    per_ip_and_per_device_limits,
    distinct_addresses_over_the_window,
    a_double_click_does_not_count_twice,
    network_rules_refuse_with_the_reason,
    limits_in_observe_mode_refuse_and_end_nothing,
    network_rules_in_observe_mode_flag_sign_ins_and_moves,
    preview_counts_what_save_then_ends,
    invalid_changes_are_refused_whole,
    a_shorter_lifetime_shortens_live_sessions,
    another_process_saving_settings_applies_here,
    a_new_password_ends_the_other_sessions,
    disabling_or_deleting_a_user_ends_everything,
    history_keeps_who_and_why_until_retention,
);
