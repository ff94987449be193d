//! What a policy ends now: every live session judged against a policy, as a pure
//! function. The settings page previews a change with it, and saving applies exactly
//! what it returns.

use super::limits::{excess, limits_can_end, LiveSummary};
use super::mode::{Mode, Rule};
use super::{Policy, RolePolicy};
use crate::model::{EndReason, Impact, Millis, Role};
use std::collections::{BTreeMap, HashMap};

/// The sessions `policy` ends at `now`, each with its reason, in input order.
pub fn sessions_to_end(
    policy: &Policy,
    sessions: &[LiveSummary],
    now: Millis,
) -> Vec<(usize, EndReason)> {
    let mut ends: Vec<(usize, EndReason)> = Vec::new();
    for (index, session) in sessions.iter().enumerate() {
        if let Some(reason) = ends_alone(policy.for_role(session.role), session, now) {
            ends.push((index, reason));
        }
    }
    let mut ending = vec![false; sessions.len()];
    for &(index, _) in &ends {
        ending[index] = true;
    }
    ends.extend(
        excess(policy, sessions, &ending)
            .into_iter()
            .map(|index| (index, EndReason::EvictedByLimit)),
    );
    ends.sort_unstable_by_key(|(index, _)| *index);
    ends
}

/// Why `rules` end `session` at `now` on its own merits (its times and address), if
/// they do; limits weigh it against other sessions (`excess`).
fn ends_alone(rules: &RolePolicy, session: &LiveSummary, now: Millis) -> Option<EndReason> {
    if session.created_at + rules.lifetime_ms <= now || session.expires_at <= now {
        Some(EndReason::Expired)
    } else if session.last_seen_at + rules.idle_timeout_ms <= now {
        Some(EndReason::Idle)
    } else if rules.network_refuses(&session.ip) {
        Some(EndReason::IpRule)
    } else {
        None
    }
}

/// The live sessions a policy may end at a moment, per role (`MayEnd::under`).
/// Each backend's `LIVE_SUMMARIES` statement names the roles too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MayEnd {
    pub admin: RoleCut,
    pub user: RoleCut,
}

/// A role's sessions created at or before `created_by` or last seen at or before
/// `seen_by` (both `Millis::MAX`: every one of them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoleCut {
    pub created_by: Millis,
    pub seen_by: Millis,
}

// A new role needs its cut here and its clause in both backends' `LIVE_SUMMARIES`
// (store/sqlite/policy.rs, store/postgres/policy.rs): without one, a preview or a save
// would not read that role's sessions at all.
const _: () = assert!(
    Role::ALL.len() == 2,
    "add the new role to MayEnd and to both backends' LIVE_SUMMARIES"
);

impl MayEnd {
    /// The live sessions `policy` may end at `now`, judged on the store's copy: every
    /// session `sessions_to_end` can end once this process's newer "last seen" and
    /// address are laid over it (a later "last seen" ends nothing more), and every
    /// session of a role with network rules (its address may have moved) or limits
    /// (other sessions decide). The store reads only these for a preview or a save:
    /// reading a million live sessions was most of a preview.
    pub fn under(policy: &Policy, now: Millis) -> MayEnd {
        MayEnd {
            admin: RoleCut::under(policy.for_role(Role::Admin), now),
            user: RoleCut::under(policy.for_role(Role::User), now),
        }
    }

    pub fn for_role(&self, role: Role) -> RoleCut {
        match role {
            Role::Admin => self.admin,
            Role::User => self.user,
        }
    }

    /// Whether a live `session` is among them: what the store asks in SQL.
    pub fn includes(&self, session: &LiveSummary) -> bool {
        let cut = self.for_role(session.role);
        session.created_at <= cut.created_by || session.last_seen_at <= cut.seen_by
    }
}

impl RoleCut {
    fn under(rules: &RolePolicy, now: Millis) -> RoleCut {
        if !rules.ip_rules.is_unrestricted() || limits_can_end(rules) {
            return RoleCut {
                created_by: Millis::MAX,
                seen_by: Millis::MAX,
            };
        }
        RoleCut {
            created_by: now - rules.lifetime_ms,
            seen_by: now - rules.idle_timeout_ms,
        }
    }
}

/// What the rules in observe mode under `policy` leave undone, one sentence per role
/// and rule: shown with every preview and save, since they end nothing themselves.
pub fn observing(policy: &Policy) -> Vec<String> {
    let mut sentences = Vec::new();
    for &role in Role::ALL {
        for rule in [Rule::Limits, Rule::Network] {
            if policy.for_role(role).mode(rule) != Mode::Observe {
                continue;
            }
            sentences.push(match rule {
                Rule::Limits => format!(
                    "Limits of role {role} only observe: they refuse and end nothing. Sign-ins they \
                     would have refused, or that would have ended another session, are flagged and counted."
                ),
                Rule::Network => format!(
                    "Network rules of role {role} only observe: they refuse and end nothing. Sign-ins and \
                     address moves they would have refused are flagged and counted."
                ),
            });
        }
    }
    sentences
}

/// Sums up `ends` for a person: how many, whose, why, and whether `own_id` is among them.
pub fn summarize(
    ends: &[(usize, EndReason)],
    sessions: &[LiveSummary],
    own_id: Option<&str>,
) -> Impact {
    // Borrowed names: a preview can end half a million sessions of a few thousand users.
    let mut users: HashMap<&str, i64> = HashMap::new();
    let mut reasons: BTreeMap<&'static str, (EndReason, i64)> = BTreeMap::new();
    let mut includes_own = false;
    for &(index, reason) in ends {
        let session = &sessions[index];
        *users
            .entry(session.username.as_deref().unwrap_or("guest"))
            .or_default() += 1;
        reasons.entry(reason.as_str()).or_insert((reason, 0)).1 += 1;
        includes_own |= own_id == Some(session.id.as_str());
    }
    let mut users: Vec<(String, i64)> = users
        .into_iter()
        .map(|(name, count)| (name.to_owned(), count))
        .collect();
    users.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut reasons: Vec<(EndReason, i64)> = reasons.into_values().collect();
    reasons.sort_by_key(|reason| std::cmp::Reverse(reason.1));
    Impact {
        sessions: ends.len() as i64,
        users,
        reasons,
        includes_own,
        observing: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{SettingChange, SettingScope};
    use crate::model::{DeviceClass, Role, MINUTE_MS};

    const NOW: Millis = 1_000 * MINUTE_MS;

    fn session(
        id: &str,
        user: &str,
        role: Role,
        ip: &str,
        idle_minutes: i64,
        age_minutes: i64,
    ) -> LiveSummary {
        LiveSummary {
            id: id.into(),
            user_id: Some(user.bytes().map(i64::from).sum()),
            external_user: None,
            username: Some(user.into()),
            role,
            ip: ip.into(),
            country: None,
            device: DeviceClass::Desktop,
            created_at: NOW - age_minutes * MINUTE_MS,
            last_seen_at: NOW - idle_minutes * MINUTE_MS,
            expires_at: NOW - age_minutes * MINUTE_MS + 720 * MINUTE_MS,
        }
    }

    fn with(changes: &[(SettingScope, &str, &str)]) -> Policy {
        let changes: Vec<SettingChange> = changes
            .iter()
            .map(|(scope, key, value)| SettingChange {
                scope: *scope,
                key: (*key).into(),
                value: Some((*value).into()),
            })
            .collect();
        Policy::default().with_changes(&changes).expect("valid").0
    }

    fn sample() -> Vec<LiveSummary> {
        vec![
            session("a1", "ann", Role::Admin, "10.0.0.5", 1, 10),
            session("b1", "bob", Role::User, "203.0.113.4", 12, 60),
            session("b2", "bob", Role::User, "203.0.113.4", 3, 600),
            session("c1", "cy", Role::User, "198.51.100.2", 25, 30),
        ]
    }

    #[test]
    fn the_current_policy_ends_nothing_that_is_live() {
        assert!(sessions_to_end(&Policy::default(), &sample(), NOW).is_empty());
    }

    #[test]
    fn a_shorter_idle_timeout_ends_the_idle_ones() {
        let policy = with(&[(SettingScope::Default, "idle_timeout_minutes", "10")]);
        assert_eq!(
            sessions_to_end(&policy, &sample(), NOW),
            vec![(1, EndReason::Idle), (3, EndReason::Idle)]
        );
        // At exactly the deadline the session is over; a minute before it is not.
        let policy = with(&[(SettingScope::Default, "idle_timeout_minutes", "12")]);
        assert_eq!(
            sessions_to_end(&policy, &sample(), NOW),
            vec![(1, EndReason::Idle), (3, EndReason::Idle)]
        );
        let policy = with(&[(SettingScope::Default, "idle_timeout_minutes", "13")]);
        assert_eq!(
            sessions_to_end(&policy, &sample(), NOW),
            vec![(3, EndReason::Idle)]
        );
    }

    #[test]
    fn a_role_override_only_touches_that_role() {
        let policy = with(&[(SettingScope::Role(Role::Admin), "lifetime_minutes", "5")]);
        assert_eq!(
            sessions_to_end(&policy, &sample(), NOW),
            vec![(0, EndReason::Expired)]
        );
    }

    #[test]
    fn a_deny_range_and_a_lower_limit_together() {
        let policy = with(&[
            (SettingScope::Default, "ip_deny", "198.51.100.0/24"),
            (SettingScope::Default, "max_sessions_per_user", "1"),
        ]);
        let ends = sessions_to_end(&policy, &sample(), NOW);
        // bob keeps his newest session (b1, 60 min old); b2 (600 min old) goes.
        assert_eq!(
            ends,
            vec![(2, EndReason::EvictedByLimit), (3, EndReason::IpRule)]
        );

        let impact = summarize(&ends, &sample(), Some("a1"));
        assert_eq!(impact.sessions, 2);
        assert_eq!(impact.users, vec![("bob".into(), 1), ("cy".into(), 1)]);
        assert!(!impact.includes_own);
        assert_eq!(impact.reasons.len(), 2);

        let policy = with(&[(SettingScope::Default, "ip_ranges", "public_only")]);
        let ends = sessions_to_end(&policy, &sample(), NOW);
        assert_eq!(ends, vec![(0, EndReason::IpRule)]);
        assert!(summarize(&ends, &sample(), Some("a1")).includes_own);
    }

    #[test]
    fn rules_that_observe_end_nothing_and_say_so() {
        let enforced = [
            (SettingScope::Default, "ip_deny", "198.51.100.0/24"),
            (SettingScope::Default, "max_sessions_per_user", "1"),
        ];
        // (modes set, what saving ends, how many observing sentences)
        type Case<'a> = (
            &'a [(SettingScope, &'a str, &'a str)],
            Vec<(usize, EndReason)>,
            usize,
        );
        let table: &[Case] = &[
            (
                &[],
                vec![(2, EndReason::EvictedByLimit), (3, EndReason::IpRule)],
                0,
            ),
            (
                &[(SettingScope::Default, "limits_mode", "observe")],
                vec![(3, EndReason::IpRule)],
                2,
            ),
            (
                &[(SettingScope::Default, "network_mode", "observe")],
                vec![(2, EndReason::EvictedByLimit)],
                2,
            ),
            (
                &[
                    (SettingScope::Role(Role::User), "limits_mode", "observe"),
                    (SettingScope::Role(Role::User), "network_mode", "observe"),
                ],
                vec![],
                2,
            ),
        ];
        for (modes, expected, sentences) in table {
            let mut changes = enforced.to_vec();
            changes.extend_from_slice(modes);
            let policy = with(&changes);
            assert_eq!(
                &sessions_to_end(&policy, &sample(), NOW),
                expected,
                "{modes:?}"
            );
            assert_eq!(observing(&policy).len(), *sentences, "{modes:?}");
        }
        let policy = with(&[(SettingScope::Role(Role::User), "network_mode", "observe")]);
        assert_eq!(
            observing(&policy),
            vec!["Network rules of role user only observe: they refuse and end nothing. Sign-ins and \
                  address moves they would have refused are flagged and counted."
                .to_owned()]
        );
    }

    /// The ids `policy` ends among `sessions`.
    fn ended_ids(policy: &Policy, sessions: &[LiveSummary]) -> Vec<(String, EndReason)> {
        sessions_to_end(policy, sessions, NOW)
            .into_iter()
            .map(|(index, reason)| (sessions[index].id.clone(), reason))
            .collect()
    }

    #[test]
    fn judging_only_the_sessions_that_may_end_ends_the_same() {
        let policies = [
            Policy::default(),
            with(&[(SettingScope::Default, "idle_timeout_minutes", "10")]),
            with(&[(SettingScope::Role(Role::Admin), "lifetime_minutes", "5")]),
            with(&[(SettingScope::Default, "ip_deny", "198.51.100.0/24")]),
            with(&[(SettingScope::Default, "max_sessions_per_user", "1")]),
            with(&[
                (SettingScope::Role(Role::User), "max_sessions_per_ip", "1"),
                (SettingScope::Default, "idle_timeout_minutes", "20"),
            ]),
        ];
        for policy in &policies {
            let all = sample();
            let kept: Vec<LiveSummary> = sample()
                .into_iter()
                .filter(|session| MayEnd::under(policy, NOW).includes(session))
                .collect();
            assert_eq!(ended_ids(policy, &kept), ended_ids(policy, &all));
        }
        // Only what a change can end is kept where no rule weighs sessions together.
        let idle = &policies[1];
        let kept: Vec<String> = sample()
            .into_iter()
            .filter(|session| MayEnd::under(idle, NOW).includes(session))
            .map(|session| session.id)
            .collect();
        assert_eq!(kept, vec!["b1", "c1"]);
        // A limit keeps every session of its role: the others decide which ends.
        let limit = &policies[4];
        assert_eq!(
            sample()
                .iter()
                .filter(|session| MayEnd::under(limit, NOW).includes(session))
                .count(),
            4
        );
    }
}
