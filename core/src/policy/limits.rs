//! Concurrent session limits as pure functions: what a new sign-in does at a limit
//! (`decide`) and which live sessions exceed a (possibly just lowered) limit
//! (`excess`). Both group sessions the same way, in the same order of limits, and
//! always end the oldest sessions of a group first.

use super::mode::{Decision, Mode};
use super::{LimitAction, Limits, Policy};
use crate::model::{DeviceClass, Millis, Role};
use std::collections::{HashMap, HashSet};

/// What the limits need to know of a live session.
#[derive(Clone, Debug, PartialEq)]
pub struct LiveSummary {
    pub id: String,
    pub user_id: Option<i64>,
    /// For API sessions: the application and its own id of the user, as one key.
    pub external_user: Option<String>,
    pub username: Option<String>,
    pub role: Role,
    pub ip: String,
    pub country: Option<String>,
    pub device: DeviceClass,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    pub expires_at: Millis,
}

impl LiveSummary {
    /// The key of an API session's user: the application's own ids are only unique
    /// within that application.
    pub fn external_user_key(application: &str, id: &str) -> String {
        format!("{application}\u{1f}{id}")
    }

    /// Who the per-user limits count this session for; nobody for a guest.
    fn user_key(&self) -> Option<String> {
        match (self.user_id, &self.external_user) {
            (Some(id), _) => Some(id.to_string()),
            (None, Some(external)) => Some(format!("app {external}")),
            (None, None) => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitKind {
    PerUser,
    PerUserIp,
    PerUserCountry,
    PerUserDevice,
    PerIp,
}

impl LimitKind {
    /// The order limits are applied in, the broadest per-user one first.
    pub const ALL: [LimitKind; 5] = [
        LimitKind::PerUser,
        LimitKind::PerUserIp,
        LimitKind::PerUserCountry,
        LimitKind::PerUserDevice,
        LimitKind::PerIp,
    ];

    fn max(self, limits: &Limits) -> i64 {
        match self {
            LimitKind::PerUser => limits.per_user,
            LimitKind::PerUserIp => limits.per_user_ip,
            LimitKind::PerUserCountry => limits.per_user_country,
            LimitKind::PerUserDevice => limits.per_user_device,
            LimitKind::PerIp => limits.per_ip,
        }
    }

    /// The group a session falls in for this limit; `None` when the limit does not
    /// apply to it (guests have no user; an unknown country is no country).
    fn group(self, session: &LiveSummary) -> Option<String> {
        let user = session.user_key();
        match self {
            LimitKind::PerUser => user.map(|user| user.to_string()),
            LimitKind::PerUserIp => user.map(|user| format!("{user} {}", session.ip)),
            LimitKind::PerUserCountry => user
                .zip(session.country.as_deref())
                .map(|(user, country)| format!("{user} {country}")),
            LimitKind::PerUserDevice => {
                user.map(|user| format!("{user} {}", session.device.as_str()))
            }
            // Per address, counted among sessions of the same role.
            LimitKind::PerIp => Some(format!("{} {}", session.role, session.ip)),
        }
    }

    fn refusal(self, max: i64, candidate: &LiveSummary) -> String {
        let (sessions, are) = if max == 1 {
            ("1 session".to_owned(), "is")
        } else {
            (format!("{max} sessions"), "are")
        };
        let scope = match self {
            LimitKind::PerUser => "per user".to_owned(),
            LimitKind::PerUserIp => format!("per user from one IP address ({})", candidate.ip),
            LimitKind::PerUserCountry => {
                format!(
                    "per user from one country ({})",
                    candidate.country.as_deref().unwrap_or("?")
                )
            }
            LimitKind::PerUserDevice => format!(
                "per user on one kind of device ({})",
                candidate.device.as_str()
            ),
            LimitKind::PerIp => format!("from one IP address ({})", candidate.ip),
        };
        format!("Sign-in refused: at most {sessions} {scope} {are} allowed. Sign out of another session first.")
    }
}

/// Decides a new sign-in `candidate` (its `id` is ignored) against the sessions that
/// share a limit with it (`live`: the user's live sessions and those from its IP) and
/// the distinct addresses the user used within the window (`recent_ips`).
pub fn decide(
    limits: &Limits,
    candidate: &LiveSummary,
    live: &[LiveSummary],
    recent_ips: &HashSet<String>,
) -> Decision {
    if limits.distinct_ips > 0
        && !recent_ips.contains(&candidate.ip)
        && recent_ips.len() as i64 >= limits.distinct_ips
    {
        let addresses = if limits.distinct_ips == 1 {
            "1 IP address".to_owned()
        } else {
            format!("{} IP addresses", limits.distinct_ips)
        };
        return Decision::Refuse(format!(
            "Sign-in refused: this account was used from {addresses} recently, the most allowed. Try again from an address used before, or later."
        ));
    }
    let mut evict: Vec<String> = Vec::new();
    for kind in LimitKind::ALL {
        let max = kind.max(limits);
        let Some(group) = kind.group(candidate).filter(|_| max > 0) else {
            continue;
        };
        let mut members: Vec<&LiveSummary> = live
            .iter()
            .filter(|session| {
                kind.group(session).as_ref() == Some(&group) && !evict.contains(&session.id)
            })
            .collect();
        // The new session makes it members + 1.
        let over = members.len() as i64 + 1 - max;
        if over <= 0 {
            continue;
        }
        if limits.action == LimitAction::Refuse {
            return Decision::Refuse(kind.refusal(max, candidate));
        }
        members.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        evict.extend(
            members
                .iter()
                .take(over as usize)
                .map(|session| session.id.clone()),
        );
    }
    Decision::Allow { evict }
}

/// The live sessions that exceed their role's limits under `policy`, oldest of each
/// group first, as indexes into `sessions`. Sessions in `skip` (already ending for
/// another reason) are not counted, nor are those of a role whose limits only observe.
pub fn excess(policy: &Policy, sessions: &[LiveSummary], skip: &HashSet<usize>) -> Vec<usize> {
    let mut ended: HashSet<usize> = skip.clone();
    let mut evicted = Vec::new();
    for kind in LimitKind::ALL {
        let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, session) in sessions.iter().enumerate() {
            let rules = policy.for_role(session.role);
            if ended.contains(&index)
                || rules.limits_mode == Mode::Observe
                || kind.max(&rules.limits) == 0
            {
                continue;
            }
            if let Some(group) = kind.group(session) {
                groups.entry(group).or_default().push(index);
            }
        }
        for members in groups.values_mut() {
            let max = kind.max(&policy.for_role(sessions[members[0]].role).limits);
            let over = members.len() as i64 - max;
            if over <= 0 {
                continue;
            }
            members.sort_by(|&a, &b| {
                (sessions[a].created_at, &sessions[a].id)
                    .cmp(&(sessions[b].created_at, &sessions[b].id))
            });
            for &index in members.iter().take(over as usize) {
                ended.insert(index);
                evicted.push(index);
            }
        }
    }
    evicted.sort_unstable();
    evicted
}

#[cfg(test)]
mod tests {
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
        assert_eq!(excess(&policy, &sessions, &HashSet::new()), vec![0, 1]);
        // Sessions already ending for another reason do not count.
        assert_eq!(excess(&policy, &sessions, &[0].into()), vec![1]);
        // Limits that only observe end nothing.
        let (observing, _) = policy
            .with_changes(&[SettingChange {
                scope: SettingScope::Role(Role::User),
                key: "limits_mode".into(),
                value: Some("observe".into()),
            }])
            .expect("valid");
        assert!(excess(&observing, &sessions, &HashSet::new()).is_empty());
    }
}
