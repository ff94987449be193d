//! The limits' own tests: each limit at its boundary, the order limits are checked
//! in, eviction of the oldest, and what a lowered limit ends.

use super::*;
use crate::catalogue::{SettingChange, SettingScope};

fn session(id: &str, user: i64, ip: &str, created_at: Millis) -> LiveSummary {
    LiveSummary {
        id: id.into(),
        user_id: Some(user),
        external_user: None,
        username: Some(format!("user{user}")),
        role: Role::User,
        ip: ip.into(),
        country: Some("NL".into()),
        device: DeviceClass::Desktop,
        created_at,
        last_seen_at: created_at,
        expires_at: created_at + 1_000_000,
    }
}

fn candidate() -> LiveSummary {
    session("", 1, "203.0.113.1", 1_000)
}

/// `count` sessions of user 1 from the candidate's IP, created at 1..=count.
fn existing(count: usize) -> Vec<LiveSummary> {
    (1..=count)
        .map(|n| session(&format!("s{n}"), 1, "203.0.113.1", n as Millis))
        .collect()
}

fn limits(kind: LimitKind, max: i64, action: LimitAction) -> Limits {
    let mut limits = Limits {
        action,
        ..Limits::default()
    };
    match kind {
        LimitKind::PerUser => limits.per_user = max,
        LimitKind::PerUserIp => limits.per_user_ip = max,
        LimitKind::PerUserCountry => limits.per_user_country = max,
        LimitKind::PerUserDevice => limits.per_user_device = max,
        LimitKind::PerIp => limits.per_ip = max,
    }
    limits
}

#[test]
fn every_limit_at_its_boundaries_with_both_actions() {
    for kind in LimitKind::ALL {
        for max in [1_i64, 3] {
            // limit - 1 existing sessions: the new one makes `max`, allowed.
            for (existing_count, over) in [(max - 1, 0), (max, 1), (max + 1, 2)] {
                let live = existing(existing_count as usize);
                let refuse = decide(
                    &limits(kind, max, LimitAction::Refuse),
                    &candidate(),
                    &live,
                    &HashSet::new(),
                );
                let evict = decide(
                    &limits(kind, max, LimitAction::EvictOldest),
                    &candidate(),
                    &live,
                    &HashSet::new(),
                );
                if over == 0 {
                    assert_eq!(
                        refuse,
                        Decision::Allow { evict: vec![] },
                        "{kind:?} max {max} existing {existing_count}"
                    );
                    assert_eq!(
                        evict,
                        Decision::Allow { evict: vec![] },
                        "{kind:?} max {max} existing {existing_count}"
                    );
                } else {
                    assert!(
                        matches!(refuse, Decision::Refuse(_)),
                        "{kind:?} max {max} existing {existing_count}"
                    );
                    let oldest: Vec<String> = (1..=over).map(|n| format!("s{n}")).collect();
                    assert_eq!(
                        evict,
                        Decision::Allow { evict: oldest },
                        "{kind:?} max {max} existing {existing_count}"
                    );
                }
            }
        }
    }
}

#[test]
fn zero_means_no_limit() {
    let live = existing(50);
    assert_eq!(
        decide(&Limits::default(), &candidate(), &live, &HashSet::new()),
        Decision::Allow { evict: vec![] }
    );
}

#[test]
fn groups_only_count_what_they_share_with_the_candidate() {
    let mut live = existing(2);
    live[0].ip = "198.51.100.7".into();
    live[0].country = Some("DE".into());
    live[0].device = DeviceClass::Phone;
    live.push(session("other-user", 2, "203.0.113.1", 5));
    // Two sessions of user 1 besides the new one; one shares the IP, country and device.
    for (kind, expected_refused) in [
        (LimitKind::PerUser, true),
        (LimitKind::PerUserIp, false),
        (LimitKind::PerUserCountry, false),
        (LimitKind::PerUserDevice, false),
        (LimitKind::PerIp, true),
    ] {
        let decision = decide(
            &limits(kind, 2, LimitAction::Refuse),
            &candidate(),
            &live,
            &HashSet::new(),
        );
        assert_eq!(
            matches!(decision, Decision::Refuse(_)),
            expected_refused,
            "{kind:?}: {decision:?}"
        );
    }
}

#[test]
fn unknown_country_and_guests_are_outside_per_user_limits() {
    let mut no_country = candidate();
    no_country.country = None;
    let live = existing(3);
    let per_country = limits(LimitKind::PerUserCountry, 1, LimitAction::Refuse);
    assert_eq!(
        decide(&per_country, &no_country, &live, &HashSet::new()),
        Decision::Allow { evict: vec![] }
    );

    let mut guest = candidate();
    guest.user_id = None;
    let per_user = limits(LimitKind::PerUser, 1, LimitAction::Refuse);
    assert_eq!(
        decide(&per_user, &guest, &live, &HashSet::new()),
        Decision::Allow { evict: vec![] }
    );
}

#[test]
fn distinct_addresses_over_the_window_always_refuse() {
    let mut window = Limits {
        distinct_ips: 2,
        action: LimitAction::EvictOldest,
        ..Limits::default()
    };
    let used: HashSet<String> = ["198.51.100.1".to_owned(), "198.51.100.2".to_owned()].into();
    let one_used: HashSet<String> = ["198.51.100.1".to_owned()].into();
    assert_eq!(
        decide(&window, &candidate(), &[], &one_used),
        Decision::Allow { evict: vec![] }
    );
    assert!(matches!(
        decide(&window, &candidate(), &[], &used),
        Decision::Refuse(_)
    ));
    // An address already used does not count again.
    let mut again = candidate();
    again.ip = "198.51.100.2".into();
    assert_eq!(
        decide(&window, &again, &[], &used),
        Decision::Allow { evict: vec![] }
    );
    window.distinct_ips = 3;
    assert_eq!(
        decide(&window, &candidate(), &[], &used),
        Decision::Allow { evict: vec![] }
    );
}

#[test]
fn evictions_across_limits_are_not_counted_twice() {
    // Per user 2 and per user+IP 1: the first evicts s1 and s2 (3 existing + new = 4 > 2),
    // the second then sees only s3 from the same IP and evicts it.
    let live = existing(3);
    let both = Limits {
        per_user: 2,
        per_user_ip: 1,
        action: LimitAction::EvictOldest,
        ..Limits::default()
    };
    assert_eq!(
        decide(&both, &candidate(), &live, &HashSet::new()),
        Decision::Allow {
            evict: vec!["s1".into(), "s2".into(), "s3".into()]
        }
    );
}

#[test]
fn refusal_says_which_limit() {
    let Decision::Refuse(message) = decide(
        &limits(LimitKind::PerUserIp, 2, LimitAction::Refuse),
        &candidate(),
        &existing(2),
        &HashSet::new(),
    ) else {
        panic!("expected a refusal")
    };
    assert_eq!(
        message,
        "Sign-in refused: at most 2 sessions per user from one IP address (203.0.113.1) are allowed. Sign out of another session first."
    );
}

#[test]
fn excess_keeps_the_newest_of_each_group() {
    let (policy, _) = Policy::default()
        .with_changes(&[SettingChange {
            scope: SettingScope::Role(Role::User),
            key: "max_sessions_per_user".into(),
            value: Some("2".into()),
        }])
        .expect("valid");
    let mut sessions = existing(4);
    sessions.push(session("u2", 2, "198.51.100.9", 1));
    let mut admin = session("admin", 3, "198.51.100.9", 1);
    admin.role = Role::Admin;
    sessions.extend([
        admin.clone(),
        LiveSummary {
            id: "admin2".into(),
            ..admin
        },
    ]);
    // User 1 has s1..s4: s1 and s2 go. User 2 has one. Admins have no limit.
    assert_eq!(excess(&policy, &sessions, &[]), vec![0, 1]);
    // Sessions already ending for another reason do not count.
    assert_eq!(excess(&policy, &sessions, &[true]), vec![1]);
    // Limits that only observe end nothing.
    let (observing, _) = policy
        .with_changes(&[SettingChange {
            scope: SettingScope::Role(Role::User),
            key: "limits_mode".into(),
            value: Some("observe".into()),
        }])
        .expect("valid");
    assert!(excess(&observing, &sessions, &[]).is_empty());
}
