//! Concurrent session limits as pure functions: what a new sign-in does at a limit
//! (`decide`) and which live sessions exceed a (possibly just lowered) limit
//! (`excess`). Both group sessions the same way, in the same order of limits, and
//! always end the oldest sessions of a group first.

use super::mode::{Decision, Mode};
use super::{LimitAction, Limits, Policy, RolePolicy};
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
    fn user(&self) -> Option<Who<'_>> {
        match (self.user_id, &self.external_user) {
            (Some(id), _) => Some(Who::Account(id)),
            (None, Some(external)) => Some(Who::External(external)),
            (None, None) => None,
        }
    }
}

impl<'a> Group<'a> {
    /// The session's user's group (within a part); none for a guest.
    fn of_user(session: &'a LiveSummary, within: Option<&'a str>) -> Option<Group<'a>> {
        session.user().map(|who| Group {
            who: Some(who),
            role: None,
            within,
        })
    }
}

/// A user as the per-user limits tell them apart, borrowed from a session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Who<'a> {
    Account(i64),
    /// An application's user: `LiveSummary::external_user_key`.
    External(&'a str),
}

/// The group a session falls in for one limit, borrowed from the session: a preview
/// groups every live session (a million) once per limit, so a key costs no allocation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Group<'a> {
    who: Option<Who<'a>>,
    role: Option<Role>,
    /// The address, country or device class the limit counts within.
    within: Option<&'a str>,
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

    /// Whether this limit ends live sessions under `rules`: set, and enforced.
    fn ends_under(self, rules: &RolePolicy) -> bool {
        rules.limits_mode != Mode::Observe && self.max(&rules.limits) > 0
    }

    /// The group a session falls in for this limit; `None` when the limit does not
    /// apply to it (guests have no user; an unknown country is no country).
    fn group(self, session: &LiveSummary) -> Option<Group<'_>> {
        let ip = Some(session.ip.as_str());
        match self {
            LimitKind::PerUser => Group::of_user(session, None),
            LimitKind::PerUserIp => Group::of_user(session, ip),
            LimitKind::PerUserCountry => session
                .country
                .as_deref()
                .and_then(|country| Group::of_user(session, Some(country))),
            LimitKind::PerUserDevice => Group::of_user(session, Some(session.device.as_str())),
            // Per address, counted among sessions of the same role.
            LimitKind::PerIp => Some(Group {
                who: None,
                role: Some(session.role),
                within: ip,
            }),
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

/// Whether any limit of a role with `rules` ends live sessions.
pub fn limits_can_end(rules: &RolePolicy) -> bool {
    LimitKind::ALL.iter().any(|kind| kind.ends_under(rules))
}

/// The live sessions that exceed their role's limits under `policy`, oldest of each
/// group first, as indexes into `sessions`. Sessions marked in `ending` (already ending
/// for another reason; indexed like `sessions`) are not counted, nor are those of a
/// role whose limits only observe.
pub fn excess(policy: &Policy, sessions: &[LiveSummary], ending: &[bool]) -> Vec<usize> {
    // Indexed, not hashed: asked once per session and limit.
    let mut ended = ending.to_vec();
    ended.resize(sessions.len(), false);
    let mut evicted = Vec::new();
    for kind in LimitKind::ALL {
        // Most policies set few limits: a preview need not walk a million sessions for
        // each limit no role has.
        if !Role::ALL
            .iter()
            .any(|role| kind.ends_under(policy.for_role(*role)))
        {
            continue;
        }
        let mut groups: HashMap<Group<'_>, Vec<usize>> = HashMap::new();
        for (index, session) in sessions.iter().enumerate() {
            if ended[index] || !kind.ends_under(policy.for_role(session.role)) {
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
                ended[index] = true;
                evicted.push(index);
            }
        }
    }
    evicted.sort_unstable();
    evicted
}

#[cfg(test)]
mod tests;
