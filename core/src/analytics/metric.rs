//! What the rollups count. Each metric has a stable snake_case name (the `metric`
//! column, the JSON) and a rule for combining two figures of the same hour: counts add
//! (several instances each add their own), the peak keeps the larger.

use crate::model::{EndReason, Millis};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    SignInSuccess,
    /// Wrong user name or password, or a disabled account.
    SignInFailed,
    /// Dimension `throttled` (too many failed attempts), `limit` (a concurrent-session
    /// limit) or `network_rule` (the role's address rules).
    SignInBlocked,
    /// Sign-ins let through because a rule only observes, though enforcing it would
    /// have refused them or ended another session. Dimension `limit` or `network_rule`
    /// (the first that would have acted); counted among the successful ones as well.
    SignInObserved,
    /// Address moves of live sessions let through because the network rules only
    /// observe, though enforcing them would have ended the session (dimension
    /// `network_rule`).
    MoveObserved,
    /// New sessions; the application is the distribution by application.
    SessionCreated,
    /// Dimension: the end reason (`logout`, `killed`, `idle`, `expired`, ...).
    SessionEnded,
    AccountCreated,
    AccountDeleted,
    PasswordChanged,
    /// New sessions by browser, OS, device class and country (dimension: the value;
    /// `""` is an unknown country).
    NewByBrowser,
    NewByOs,
    NewByDevice,
    NewByCountry,
    /// The live session count sampled through the hour: the sum of the samples and how
    /// many there were (average = sum / samples), and the largest sample.
    ActiveSum,
    ActiveSamples,
    ActivePeak,
    /// Distinct users with a session live at some time in the hour, written once when
    /// the hour is over (the current hour is counted when a report asks for it).
    UsersActive,
    /// All users at the end of the hour: console accounts and the applications' users
    /// known from history.
    UsersAll,
}

/// How two figures of the same key become one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Combine {
    Add,
    Max,
}

impl Metric {
    pub const ALL: [Metric; 19] = [
        Metric::SignInSuccess,
        Metric::SignInFailed,
        Metric::SignInBlocked,
        Metric::SignInObserved,
        Metric::MoveObserved,
        Metric::SessionCreated,
        Metric::SessionEnded,
        Metric::AccountCreated,
        Metric::AccountDeleted,
        Metric::PasswordChanged,
        Metric::NewByBrowser,
        Metric::NewByOs,
        Metric::NewByDevice,
        Metric::NewByCountry,
        Metric::ActiveSum,
        Metric::ActiveSamples,
        Metric::ActivePeak,
        Metric::UsersActive,
        Metric::UsersAll,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::SignInSuccess => "sign_in_success",
            Metric::SignInFailed => "sign_in_failed",
            Metric::SignInBlocked => "sign_in_blocked",
            Metric::SignInObserved => "sign_in_observed",
            Metric::MoveObserved => "move_observed",
            Metric::SessionCreated => "session_created",
            Metric::SessionEnded => "session_ended",
            Metric::AccountCreated => "account_created",
            Metric::AccountDeleted => "account_deleted",
            Metric::PasswordChanged => "password_changed",
            Metric::NewByBrowser => "new_by_browser",
            Metric::NewByOs => "new_by_os",
            Metric::NewByDevice => "new_by_device",
            Metric::NewByCountry => "new_by_country",
            Metric::ActiveSum => "active_sum",
            Metric::ActiveSamples => "active_samples",
            Metric::ActivePeak => "active_peak",
            Metric::UsersActive => "users_active",
            Metric::UsersAll => "users_all",
        }
    }

    pub fn parse(text: &str) -> Option<Metric> {
        Metric::ALL
            .into_iter()
            .find(|metric| metric.as_str() == text)
    }

    pub fn combine(self) -> Combine {
        match self {
            // Written whole by one instance; writing the same hour again (a new leader,
            // a restart) must not add it twice.
            Metric::ActivePeak | Metric::UsersActive | Metric::UsersAll => Combine::Max,
            _ => Combine::Add,
        }
    }

    /// The active-session and user gauges are taken by one instance (the leader) for
    /// the whole cluster, per application and under `ALL_APPLICATIONS` for the total (a
    /// peak of the total is not the sum of the applications' peaks, and a user of two
    /// applications is one user).
    pub fn is_gauge(self) -> bool {
        matches!(
            self,
            Metric::ActiveSum
                | Metric::ActiveSamples
                | Metric::ActivePeak
                | Metric::UsersActive
                | Metric::UsersAll
        )
    }
}

/// The application of the gauge's rows for every application together. No
/// application has an empty name, and counts are never stored under it.
pub const ALL_APPLICATIONS: &str = "";

/// One figure of one hour: a stored rollup row, or the same shape from memory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rollup {
    /// Start of the UTC hour, in milliseconds.
    pub hour: Millis,
    pub application: String,
    pub metric: Metric,
    /// `""` when the metric has no dimension.
    pub dimension: String,
    pub value: i64,
}

impl Rollup {
    /// Folds `other` (same key) into this figure by the metric's rule.
    pub fn absorb(&mut self, other: i64) {
        self.value = match self.metric.combine() {
            Combine::Add => self.value + other,
            Combine::Max => self.value.max(other),
        };
    }
}

/// End reasons that count as cleaned: the system ended the session by its rules.
pub const CLEANED: [EndReason; 3] = [
    EndReason::Idle,
    EndReason::Expired,
    EndReason::EvictedByLimit,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_distinct() {
        for metric in Metric::ALL {
            assert_eq!(Metric::parse(metric.as_str()), Some(metric));
        }
        let mut names: Vec<&str> = Metric::ALL.iter().map(|m| m.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Metric::ALL.len());
        assert_eq!(Metric::parse("nope"), None);
    }

    #[test]
    fn counts_add_and_the_peak_keeps_the_larger() {
        let row = |metric| Rollup {
            hour: 0,
            application: "shop".into(),
            metric,
            dimension: String::new(),
            value: 5,
        };
        let mut count = row(Metric::SignInFailed);
        count.absorb(3);
        assert_eq!(count.value, 8);
        let mut peak = row(Metric::ActivePeak);
        peak.absorb(3);
        assert_eq!(peak.value, 5);
        peak.absorb(9);
        assert_eq!(peak.value, 9);
    }
}
