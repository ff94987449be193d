//! The figures of hours not yet written, in memory. Sign-ins, ends, new sessions and
//! account changes add here (a short lock on a small map: none of them is the check's
//! hot path, and an end a check causes is a write to the store anyway); the background
//! task samples the live count into it and takes out each hour once it is over, to
//! write it as rollups. Reading a period merges these figures with the stored ones, so
//! the current hour shows at once.

use super::metric::{Metric, Rollup, ALL_APPLICATIONS};
use super::period::hour_of;
use crate::model::{Millis, Session};
use parking_lot::{Mutex, MutexGuard};
use std::collections::BTreeMap;

/// (hour, application, metric, dimension)
type Key = (Millis, String, Metric, String);

#[derive(Default)]
pub struct Tally {
    figures: Mutex<BTreeMap<Key, i64>>,
    /// The last hour whose user counts this process took (they are taken once, when
    /// the hour is over).
    users_counted: Mutex<Option<Millis>>,
}

impl Tally {
    pub fn add(&self, at: Millis, application: &str, metric: Metric, dimension: &str, n: i64) {
        let key = (
            hour_of(at),
            application.to_owned(),
            metric,
            dimension.to_owned(),
        );
        let mut figures = self.lock();
        let slot = figures.entry(key).or_insert(0);
        *slot = combine(metric, *slot, n);
    }

    /// A new session: its application, browser, OS, device class and country.
    pub fn session_created(&self, session: &Session) {
        let (at, app) = (session.created_at, session.application.as_str());
        self.add(at, app, Metric::SessionCreated, "", 1);
        self.add(at, app, Metric::NewByBrowser, &session.agent.browser, 1);
        self.add(at, app, Metric::NewByOs, &session.agent.os, 1);
        self.add(
            at,
            app,
            Metric::NewByDevice,
            session.agent.device.as_str(),
            1,
        );
        let country = session.country.as_deref().unwrap_or_default();
        self.add(at, app, Metric::NewByCountry, country, 1);
    }

    /// One sample of the live count: `by_application` and their total.
    pub fn sample_active(&self, at: Millis, by_application: &[(String, i64)]) {
        let total: i64 = by_application.iter().map(|(_, n)| n).sum();
        let all = std::iter::once((ALL_APPLICATIONS, total));
        for (app, live) in all.chain(by_application.iter().map(|(a, n)| (a.as_str(), *n))) {
            self.add(at, app, Metric::ActiveSum, "", live);
            self.add(at, app, Metric::ActiveSamples, "", 1);
            self.add(at, app, Metric::ActivePeak, "", live);
        }
    }

    /// Takes out every figure of hours that start before `before` (all with `None`).
    pub fn take(&self, before: Option<Millis>) -> Vec<Rollup> {
        let mut figures = self.lock();
        let kept = match before {
            Some(before) => {
                figures.split_off(&(before, String::new(), Metric::ALL[0], String::new()))
            }
            None => BTreeMap::new(),
        };
        let taken = std::mem::replace(&mut *figures, kept);
        taken.into_iter().map(rollup).collect()
    }

    /// Puts back figures a failed write took out, so the next write carries them.
    pub fn restore(&self, rows: Vec<Rollup>) {
        for row in rows {
            self.add(
                row.hour,
                &row.application,
                row.metric,
                &row.dimension,
                row.value,
            );
        }
    }

    /// A copy of the figures of hours in `[since, until)`.
    pub fn snapshot(&self, since: Millis, until: Millis) -> Vec<Rollup> {
        let from = (since, String::new(), Metric::ALL[0], String::new());
        let to = (until, String::new(), Metric::ALL[0], String::new());
        self.lock()
            .range(from..to)
            .map(|(key, value)| rollup((key.clone(), *value)))
            .collect()
    }

    /// Whether the user counts of `hour` are still to be taken by this process.
    pub fn users_due(&self, hour: Millis) -> bool {
        self.users_counted
            .lock()
            .is_none_or(|counted| counted < hour)
    }

    /// The user counts of `hour` are in: `users_due` says no until a later hour.
    pub fn users_taken(&self, hour: Millis) {
        let mut counted = self.users_counted.lock();
        *counted = Some(counted.map_or(hour, |counted| counted.max(hour)));
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<Key, i64>> {
        self.figures.lock()
    }
}

fn combine(metric: Metric, old: i64, new: i64) -> i64 {
    let mut row = Rollup {
        hour: 0,
        application: String::new(),
        metric,
        dimension: String::new(),
        value: old,
    };
    row.absorb(new);
    row.value
}

fn rollup(((hour, application, metric, dimension), value): (Key, i64)) -> Rollup {
    Rollup {
        hour,
        application,
        metric,
        dimension,
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HOUR_MS;

    const H: Millis = 1_800_000_000_000 - 1_800_000_000_000 % HOUR_MS;

    #[test]
    fn figures_land_in_their_hour_and_leave_once() {
        let tally = Tally::default();
        tally.add(H, "console", Metric::SignInFailed, "", 1);
        tally.add(H + HOUR_MS - 1, "console", Metric::SignInFailed, "", 1);
        tally.add(H + HOUR_MS, "console", Metric::SignInFailed, "", 1);
        tally.sample_active(H, &[("console".into(), 2), ("shop".into(), 3)]);
        tally.sample_active(H + 1, &[("console".into(), 1)]);

        let over = tally.take(Some(H + HOUR_MS));
        let value = |app: &str, metric| {
            over.iter()
                .find(|r| r.application == app && r.metric == metric)
                .map(|r| r.value)
        };
        assert_eq!(value("console", Metric::SignInFailed), Some(2));
        assert_eq!(value(ALL_APPLICATIONS, Metric::ActiveSum), Some(6));
        assert_eq!(value(ALL_APPLICATIONS, Metric::ActiveSamples), Some(2));
        assert_eq!(value(ALL_APPLICATIONS, Metric::ActivePeak), Some(5));
        assert_eq!(value("shop", Metric::ActivePeak), Some(3));
        assert!(tally.take(Some(H + HOUR_MS)).is_empty(), "taken once");

        let current = tally.snapshot(H, H + 2 * HOUR_MS);
        assert_eq!(current.len(), 1, "the current hour stays until it is over");
        tally.restore(over);
        assert_eq!(tally.take(None).len(), 1 + 3 * 3 + 1);
    }

    #[test]
    fn the_user_counts_of_an_hour_are_due_once() {
        let tally = Tally::default();
        assert!(tally.users_due(H));
        tally.users_taken(H);
        assert!(!tally.users_due(H));
        assert!(
            !tally.users_due(H - HOUR_MS),
            "an earlier hour is not taken again"
        );
        assert!(tally.users_due(H + HOUR_MS));
        tally.users_taken(H + HOUR_MS);
        tally.users_taken(H);
        assert!(!tally.users_due(H + HOUR_MS), "never goes back");
    }
}
