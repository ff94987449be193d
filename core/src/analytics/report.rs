//! From hourly figures to what the analytics page and `sessions analytics` show: the
//! KPIs with their change against the previous period, series for the charts, and the
//! distributions. Pure: the figures and the user counts come in, nothing is read.
//!
//! Definitions (the README repeats them):
//! - sign-in success rate = 100 × successful / (successful + failed + blocked);
//! - active sessions: average and peak of the live count sampled through the period;
//! - cleaned sessions = sessions ended by idle timeout, lifetime (expired) or a
//!   concurrent limit: not by the person, an admin or an account change;
//! - active users = 100 × users with a session live during the period / all users;
//! - turnover = accounts created + accounts deleted (each counted once);
//! - blocked attempts = sign-ins throttled or refused by a limit or a network rule;
//! - would have been blocked = sign-ins let through by a limit or network rule in
//!   observe mode that enforcing it would have refused, or that would have ended
//!   another session (they count as successful too: they were), and address moves
//!   of live sessions that enforcing the network rules would have ended;
//! - change = 100 × (current − previous) / previous; `None` ("n/a") when the
//!   previous is 0 or either value is undefined.

use super::metric::{Metric, Rollup, ALL_APPLICATIONS, CLEANED};
use super::period::Period;
use super::series::{average, distributions, round2, series};
pub use super::series::{Distribution, SeriesPoint};
use crate::model::{EndReason, Millis};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KpiName {
    SignInSuccessRate,
    ActiveSessionsAverage,
    ActiveSessionsPeak,
    CleanedSessions,
    ActiveUsers,
    Turnover,
    BlockedAttempts,
    WouldHaveBeenBlocked,
}

impl KpiName {
    pub fn as_str(self) -> &'static str {
        match self {
            KpiName::SignInSuccessRate => "sign_in_success_rate",
            KpiName::ActiveSessionsAverage => "active_sessions_average",
            KpiName::ActiveSessionsPeak => "active_sessions_peak",
            KpiName::CleanedSessions => "cleaned_sessions",
            KpiName::ActiveUsers => "active_users",
            KpiName::Turnover => "turnover",
            KpiName::BlockedAttempts => "blocked_attempts",
            KpiName::WouldHaveBeenBlocked => "would_have_been_blocked",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            KpiName::SignInSuccessRate => "Sign-in success rate",
            KpiName::ActiveSessionsAverage => "Active sessions (average)",
            KpiName::ActiveSessionsPeak => "Active sessions (peak)",
            KpiName::CleanedSessions => "Cleaned sessions",
            KpiName::ActiveUsers => "Active users",
            KpiName::Turnover => "Turnover",
            KpiName::BlockedAttempts => "Blocked attempts",
            KpiName::WouldHaveBeenBlocked => "Would have been blocked",
        }
    }

    /// The definition shown next to the figure (page info text, README).
    pub fn definition(self) -> &'static str {
        match self {
            KpiName::SignInSuccessRate => "Successful sign-ins / (successful + failed + blocked), in %.",
            KpiName::ActiveSessionsAverage => "Average of the live session count, sampled through the period.",
            KpiName::ActiveSessionsPeak => "Largest live session count sampled in the period.",
            KpiName::CleanedSessions => "Sessions ended by idle timeout, lifetime or a concurrent limit (not by the person or an admin).",
            KpiName::ActiveUsers => "Users with at least one session live during the period / all users, in %.",
            KpiName::Turnover => "Accounts created + accounts deleted.",
            KpiName::BlockedAttempts => "Sign-ins throttled or refused by a limit or a network rule.",
            KpiName::WouldHaveBeenBlocked => "Sign-ins let through because a limit or network rule only observes, that enforcing it would have refused or that would have ended another session; and sessions that moved to an address the network rules would have ended them for.",
        }
    }

    /// `true` when the value is a percentage.
    pub fn is_percent(self) -> bool {
        matches!(self, KpiName::SignInSuccessRate | KpiName::ActiveUsers)
    }

    /// `value` as a person reads it, the same on the page and in the CLI's table:
    /// percentages with one decimal, whole counts without, the rest with two; "n/a"
    /// when undefined.
    pub fn format_value(self, value: Option<f64>) -> String {
        match value {
            None => "n/a".into(),
            Some(value) if self.is_percent() => format!("{value:.1} %"),
            Some(value) if value.fract() == 0.0 => format!("{value:.0}"),
            Some(value) => format!("{value:.2}"),
        }
    }
}

/// A KPI's change against the previous period as a person reads it ("+20.0 %"), "n/a"
/// when the previous value was 0 or undefined.
pub fn format_change(change_percent: Option<f64>) -> String {
    change_percent.map_or_else(|| "n/a".into(), |change| format!("{change:+.1} %"))
}

/// One KPI: its value in the period, in the previous one, and the change in %.
/// A value is `None` when it is undefined (a rate without any attempt).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Kpi {
    pub name: KpiName,
    pub current: Option<f64>,
    pub previous: Option<f64>,
    pub change_percent: Option<f64>,
}

/// Users with a session live during a period, and every user.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCounts {
    pub active: i64,
    pub all: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub period: Period,
    pub previous: Period,
    /// `None`: every application.
    pub application: Option<String>,
    pub kpis: Vec<Kpi>,
    pub bucket_ms: Millis,
    pub series: Vec<SeriesPoint>,
    pub distributions: Vec<Distribution>,
}

/// The report of `period` for `application` (`None`: all) from `rows` covering the
/// period and the previous one (rows outside both are ignored), and the user counts
/// of each.
pub fn report(
    period: Period,
    application: Option<&str>,
    rows: &[Rollup],
    users: UserCounts,
    previous_users: UserCounts,
) -> Report {
    let previous = period.previous();
    let relevant: Vec<&Rollup> = rows
        .iter()
        .filter(|row| counts_for(row, application))
        .collect();
    let in_period = |p: Period| -> Vec<&Rollup> {
        relevant
            .iter()
            .copied()
            .filter(|row| p.contains(row.hour))
            .collect()
    };
    let now_rows = in_period(period);
    let before_rows = in_period(previous);
    let now = Totals::of(&now_rows, users);
    let before = Totals::of(&before_rows, previous_users);
    let kpis = KPI_ORDER
        .into_iter()
        .map(|name| kpi(name, now.value(name), before.value(name)))
        .collect();
    Report {
        period,
        previous,
        application: application.map(str::to_owned),
        kpis,
        bucket_ms: period.bucket_ms(),
        series: series(period, &now_rows),
        distributions: distributions(&now_rows),
    }
}

const KPI_ORDER: [KpiName; 8] = [
    KpiName::SignInSuccessRate,
    KpiName::ActiveSessionsAverage,
    KpiName::ActiveSessionsPeak,
    KpiName::CleanedSessions,
    KpiName::ActiveUsers,
    KpiName::Turnover,
    KpiName::BlockedAttempts,
    KpiName::WouldHaveBeenBlocked,
];

/// Counts of one application, or of all (then the gauge's total rows, not the sum of
/// the applications' peaks).
fn counts_for(row: &Rollup, application: Option<&str>) -> bool {
    match application {
        Some(name) => row.application == name,
        None if row.metric.is_gauge() => row.application == ALL_APPLICATIONS,
        None => true,
    }
}

pub fn kpi(name: KpiName, current: Option<f64>, previous: Option<f64>) -> Kpi {
    let change_percent = match (current, previous) {
        (Some(current), Some(previous)) if previous != 0.0 => {
            Some(round2(100.0 * (current - previous) / previous))
        }
        _ => None,
    };
    Kpi {
        name,
        current: current.map(round2),
        previous: previous.map(round2),
        change_percent,
    }
}

/// Two decimals: what the page and the CLI both show, so they agree to the digit.
/// Sums of one period's rows.
#[derive(Default)]
struct Totals {
    by_metric: BTreeMap<(Metric, String), i64>,
    peak: Option<i64>,
    users: UserCounts,
}

impl Totals {
    fn of(rows: &[&Rollup], users: UserCounts) -> Totals {
        let mut totals = Totals {
            users,
            ..Totals::default()
        };
        for row in rows {
            if row.metric == Metric::ActivePeak {
                totals.peak = Some(totals.peak.unwrap_or(0).max(row.value));
            } else {
                *totals
                    .by_metric
                    .entry((row.metric, row.dimension.clone()))
                    .or_default() += row.value;
            }
        }
        totals
    }

    fn sum(&self, metric: Metric) -> i64 {
        self.by_metric
            .iter()
            .filter(|((m, _), _)| *m == metric)
            .map(|(_, n)| n)
            .sum()
    }

    fn ended(&self, reason: EndReason) -> i64 {
        self.by_metric
            .get(&(Metric::SessionEnded, reason.as_str().to_owned()))
            .copied()
            .unwrap_or(0)
    }

    fn value(&self, name: KpiName) -> Option<f64> {
        let success = self.sum(Metric::SignInSuccess);
        let blocked = self.sum(Metric::SignInBlocked);
        match name {
            KpiName::SignInSuccessRate => {
                let attempts = success + self.sum(Metric::SignInFailed) + blocked;
                ratio(success, attempts)
            }
            KpiName::ActiveSessionsAverage => {
                average(self.sum(Metric::ActiveSum), self.sum(Metric::ActiveSamples))
            }
            KpiName::ActiveSessionsPeak => self.peak.map(|peak| peak as f64),
            KpiName::CleanedSessions => Some(
                CLEANED
                    .iter()
                    .map(|&reason| self.ended(reason))
                    .sum::<i64>() as f64,
            ),
            KpiName::ActiveUsers => ratio(self.users.active, self.users.all),
            KpiName::Turnover => {
                Some((self.sum(Metric::AccountCreated) + self.sum(Metric::AccountDeleted)) as f64)
            }
            KpiName::BlockedAttempts => Some(blocked as f64),
            KpiName::WouldHaveBeenBlocked => {
                Some((self.sum(Metric::SignInObserved) + self.sum(Metric::MoveObserved)) as f64)
            }
        }
    }
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| 100.0 * part as f64 / whole as f64)
}
