//! The report's series (one point per hour or day, for the charts) and distributions
//! (counts by value), from the rollup rows of the period. Pure, like the report.

use super::metric::{Metric, Rollup, CLEANED};
use super::period::Period;
use crate::model::{EndReason, Millis};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One point of the charts: the plugin's "variations" per hour (or day).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    pub start: Millis,
    pub sign_ins_successful: i64,
    pub sign_ins_failed: i64,
    pub sign_ins_blocked: i64,
    pub logouts: i64,
    pub sessions_created: i64,
    pub ended_idle: i64,
    pub ended_expired: i64,
    pub ended_evicted: i64,
    pub ended_killed: i64,
    pub accounts_created: i64,
    pub accounts_deleted: i64,
    pub password_changes: i64,
    pub active_average: Option<f64>,
    pub active_peak: Option<i64>,
    /// Users with a session live in the point's busiest hour (distinct users of a
    /// whole day are not the sum of its hours), and all users, the most counted at the
    /// end of any of its hours; `None` where no instance counted them (nothing was
    /// running then).
    pub users_active: Option<i64>,
    pub users_all: Option<i64>,
}

/// Counts by value, largest first (then by value, so the order is stable).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distribution {
    /// `browser`, `os`, `device`, `country`, `application`, `sign_ins` (by outcome)
    /// or `cleaned` (by end reason).
    pub name: String,
    pub entries: Vec<(String, i64)>,
}

pub(super) fn series(period: Period, rows: &[&Rollup]) -> Vec<SeriesPoint> {
    let mut points: BTreeMap<Millis, (SeriesPoint, i64, i64)> = period
        .bucket_starts()
        .into_iter()
        .map(|start| {
            let point = SeriesPoint {
                start,
                ..SeriesPoint::default()
            };
            (start, (point, 0, 0))
        })
        .collect();
    for row in rows {
        let Some((point, sum, samples)) = points.get_mut(&period.bucket_of(row.hour)) else {
            continue;
        };
        let reason = EndReason::parse(&row.dimension);
        let slot = match (row.metric, reason) {
            (Metric::SignInSuccess, _) => &mut point.sign_ins_successful,
            (Metric::SignInFailed, _) => &mut point.sign_ins_failed,
            (Metric::SignInBlocked, _) => &mut point.sign_ins_blocked,
            (Metric::SessionCreated, _) => &mut point.sessions_created,
            (Metric::SessionEnded, Some(EndReason::Logout)) => &mut point.logouts,
            (Metric::SessionEnded, Some(EndReason::Idle)) => &mut point.ended_idle,
            (Metric::SessionEnded, Some(EndReason::Expired)) => &mut point.ended_expired,
            (Metric::SessionEnded, Some(EndReason::EvictedByLimit)) => &mut point.ended_evicted,
            (Metric::SessionEnded, Some(EndReason::Killed)) => &mut point.ended_killed,
            (Metric::AccountCreated, _) => &mut point.accounts_created,
            (Metric::AccountDeleted, _) => &mut point.accounts_deleted,
            (Metric::PasswordChanged, _) => &mut point.password_changes,
            (Metric::ActiveSum, _) => sum,
            (Metric::ActiveSamples, _) => samples,
            (Metric::ActivePeak, _) => {
                point.active_peak = keep_larger(point.active_peak, row.value);
                continue;
            }
            (Metric::UsersActive, _) => {
                point.users_active = keep_larger(point.users_active, row.value);
                continue;
            }
            (Metric::UsersAll, _) => {
                point.users_all = keep_larger(point.users_all, row.value);
                continue;
            }
            _ => continue,
        };
        *slot += row.value;
    }
    points
        .into_values()
        .map(|(mut point, sum, samples)| {
            point.active_average = average(sum, samples).map(round2);
            point
        })
        .collect()
}

fn keep_larger(kept: Option<i64>, value: i64) -> Option<i64> {
    Some(kept.map_or(value, |kept| kept.max(value)))
}

pub(super) fn distributions(rows: &[&Rollup]) -> Vec<Distribution> {
    let by = |name: &str, pick: &dyn Fn(&Rollup) -> Option<String>| {
        let mut counts: BTreeMap<String, i64> = BTreeMap::new();
        for row in rows {
            if let Some(key) = pick(row) {
                *counts.entry(key).or_default() += row.value;
            }
        }
        let mut entries: Vec<(String, i64)> = counts.into_iter().filter(|(_, n)| *n > 0).collect();
        entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Distribution {
            name: name.into(),
            entries,
        }
    };
    let dimension_of =
        |metric: Metric| move |row: &Rollup| (row.metric == metric).then(|| row.dimension.clone());
    vec![
        by("browser", &dimension_of(Metric::NewByBrowser)),
        by("os", &dimension_of(Metric::NewByOs)),
        by("device", &dimension_of(Metric::NewByDevice)),
        by("country", &dimension_of(Metric::NewByCountry)),
        by("application", &|row: &Rollup| {
            (row.metric == Metric::SessionCreated).then(|| row.application.clone())
        }),
        by("sign_ins", &|row: &Rollup| match row.metric {
            Metric::SignInSuccess => Some("successful".into()),
            Metric::SignInFailed => Some("failed".into()),
            Metric::SignInBlocked => Some("blocked".into()),
            _ => None,
        }),
        by("cleaned", &|row: &Rollup| {
            let reason = EndReason::parse(&row.dimension)?;
            (row.metric == Metric::SessionEnded && CLEANED.contains(&reason))
                .then(|| reason.as_str().to_owned())
        }),
    ]
}

pub(super) fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

pub(super) fn average(sum: i64, samples: i64) -> Option<f64> {
    (samples > 0).then(|| sum as f64 / samples as f64)
}
