//! The live sessions counted in memory by every combination of the filter-chip
//! dimensions (application, role, status, country): read from one store scan at
//! start, then moved by every session created or ended, by this process or (read from
//! the change log, `publish::apply_logged_changes`) by another. The badge, the chips
//! and the total of a page filtered by chips are sums over these few groups, so none
//! of them scans the table.
//!
//! They count sessions not yet ended: one that passed its expiry stays counted until
//! the sweep (every few seconds) ends it, and then leaves through `remove` like any end.

use crate::model::{Facets, ListFilter, Role, Session, SessionStatus};
use crate::store::LiveGroup;
use parking_lot::Mutex;
use std::collections::HashMap;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct GroupKey {
    application: String,
    role: Role,
    status: SessionStatus,
    /// `""` when unknown, as the country filter says it.
    country: String,
}

impl GroupKey {
    fn of(session: &Session) -> GroupKey {
        GroupKey {
            application: session.application.clone(),
            role: session.role,
            status: session.status,
            country: session.country.clone().unwrap_or_default(),
        }
    }

    fn matches(&self, filter: &ListFilter) -> bool {
        let country = Some(self.country.as_str()).filter(|code| !code.is_empty());
        filter.picks(&self.application, self.role, self.status, country)
    }
}

pub(super) struct LiveCounts(Mutex<HashMap<GroupKey, i64>>);

impl LiveCounts {
    pub fn new(groups: Vec<LiveGroup>) -> LiveCounts {
        let groups = groups
            .into_iter()
            .map(|group| {
                let key = GroupKey {
                    application: group.application,
                    role: group.role,
                    status: group.status,
                    country: group.country,
                };
                (key, group.sessions)
            })
            .collect();
        LiveCounts(Mutex::new(groups))
    }

    pub fn add(&self, session: &Session) {
        *self.0.lock().entry(GroupKey::of(session)).or_default() += 1;
    }

    pub fn remove(&self, ended: &[Session]) {
        let mut groups = self.0.lock();
        for session in ended {
            let key = GroupKey::of(session);
            if let Some(n) = groups.get_mut(&key) {
                *n -= 1;
                if *n <= 0 {
                    groups.remove(&key);
                }
            }
        }
    }

    /// The chip counts, in the order the chips show them.
    pub fn snapshot(&self) -> Facets {
        let mut facets = Facets::default();
        for (key, n) in self.0.lock().iter() {
            facets.add(&key.application, key.role, key.status, &key.country, *n);
        }
        facets.sort();
        facets
    }

    pub fn total(&self) -> i64 {
        self.0.lock().values().sum()
    }

    /// How many sessions pass `filter`'s chips; `None` when the filter asks for what
    /// is not counted here (flags, which move without a logged change).
    pub fn matching(&self, filter: &ListFilter) -> Option<i64> {
        if filter.flagged {
            return None;
        }
        let groups = self.0.lock();
        Some(
            groups
                .iter()
                .filter(|(key, _)| key.matches(filter))
                .map(|(_, n)| n)
                .sum(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(application: &str, role: Role, country: &str, sessions: i64) -> LiveGroup {
        LiveGroup {
            application: application.into(),
            role,
            status: SessionStatus::Authenticated,
            country: country.into(),
            sessions,
        }
    }

    #[test]
    fn a_chip_filter_sums_the_groups_it_picks() {
        let counts = LiveCounts::new(vec![
            group("shop", Role::User, "SE", 5),
            group("shop", Role::Admin, "", 2),
            group("blog", Role::User, "SE", 7),
        ]);
        let filter = |application: Option<&str>, role, country: Option<&str>| ListFilter {
            application: application.map(Into::into),
            role,
            country: country.map(Into::into),
            ..ListFilter::default()
        };
        assert_eq!(counts.total(), 14);
        assert_eq!(counts.matching(&ListFilter::default()), Some(14));
        assert_eq!(counts.matching(&filter(Some("shop"), None, None)), Some(7));
        assert_eq!(
            counts.matching(&filter(None, Some(Role::User), Some("SE"))),
            Some(12)
        );
        assert_eq!(counts.matching(&filter(None, None, Some(""))), Some(2));
        assert_eq!(counts.matching(&filter(Some("none"), None, None)), Some(0));
        let flagged = ListFilter {
            flagged: true,
            ..ListFilter::default()
        };
        assert_eq!(counts.matching(&flagged), None);

        let facets = counts.snapshot();
        assert_eq!(
            facets.applications,
            vec![("blog".to_owned(), 7), ("shop".to_owned(), 7)]
        );
        assert_eq!(facets.roles, vec![(Role::User, 12), (Role::Admin, 2)]);
        assert_eq!(
            facets.countries,
            vec![("SE".to_owned(), 12), (String::new(), 2)]
        );
    }
}
