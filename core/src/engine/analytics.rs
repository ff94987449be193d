//! The engine's side of the analytics: counting what happens into the tally, writing
//! finished hours as rollups from the background task, and answering a period with
//! the stored rollups plus what is still in memory.
//!
//! Every instance writes its own counts, adding to the stored rows, so the sum over
//! instances counts each event once. The active-session gauge is the exception: only
//! the instance that leads the background work samples it (one sampler for the
//! cluster, so averages are not summed twice); when the lead moves, the next leader
//! goes on sampling into the same hour.

use super::{Engine, CONSOLE_APP};
use crate::analytics::metric::ALL_APPLICATIONS;
use crate::analytics::period::hour_of;
use crate::analytics::report::{report, Report, UserCounts};
use crate::analytics::{Metric, Period, Rollup, DAY_MS};
use crate::counters::SignInOutcome;
use crate::error::{CoreError, CoreResult, Entity};
use crate::model::{EndReason, Millis, Role, Session, HOUR_MS};
use crate::policy::mode::Rule;

/// The period when none is asked for: the last 24 hours, the current one included.
pub const DEFAULT_PERIOD_MS: Millis = DAY_MS;

/// Why a sign-in was blocked: the dimension of `Metric::SignInBlocked`.
#[derive(Clone, Copy, Debug)]
pub(super) enum Blocked {
    /// Too many failed attempts for the user or the address.
    Throttled,
    /// A concurrent-session limit of the role.
    Limit,
    /// The role's network rules (address ranges, allow and deny lists).
    NetworkRule,
}

impl Blocked {
    fn as_str(self) -> &'static str {
        match self {
            Blocked::Throttled => "throttled",
            Blocked::Limit => "limit",
            Blocked::NetworkRule => "network_rule",
        }
    }
}

impl Engine {
    /// Counts a finished sign-in of `application` by outcome (successful, failed,
    /// blocked); other outcomes (malformed input, overload, errors) are no attempt.
    pub(super) fn tally_sign_in(&self, application: &str, outcome: SignInOutcome) {
        let (metric, dimension) = match outcome {
            SignInOutcome::Success => (Metric::SignInSuccess, ""),
            SignInOutcome::Failed => (Metric::SignInFailed, ""),
            SignInOutcome::Throttled => (Metric::SignInBlocked, Blocked::Throttled.as_str()),
            // Counted by `refuse`, where it is known which rule refused.
            SignInOutcome::Refused => return,
            SignInOutcome::Busy | SignInOutcome::Invalid | SignInOutcome::Error => return,
        };
        self.tally
            .add(self.now(), application, metric, dimension, 1);
    }

    /// The policy refusing a sign-in of `application`: counted as blocked by `rule`,
    /// and the error to answer with.
    pub(super) fn refuse(&self, application: &str, rule: Blocked, message: String) -> CoreError {
        self.tally.add(
            self.now(),
            application,
            Metric::SignInBlocked,
            rule.as_str(),
            1,
        );
        CoreError::Refused(message)
    }

    /// A sign-in of `application` let through because `rule` only observes, though
    /// enforcing it would have refused the sign-in or ended another session.
    pub(super) fn tally_observed(&self, application: &str, rule: Rule) {
        self.tally.add(
            self.now(),
            application,
            Metric::SignInObserved,
            rule.as_str(),
            1,
        );
    }

    /// A live session of `application` moved to an address that enforcing the network
    /// rules would have ended it for; they only observe, so it goes on.
    pub(super) fn tally_observed_move(&self, application: &str) {
        self.tally.add(
            self.now(),
            application,
            Metric::MoveObserved,
            Rule::Network.as_str(),
            1,
        );
    }

    pub(super) fn tally_created(&self, session: &Session) {
        self.tally.session_created(session);
    }

    /// Ends made by this process, each in the hour it ended.
    pub(super) fn tally_ends(&self, ended: &[Session]) {
        for session in ended {
            let reason = session.end_reason.unwrap_or(EndReason::Killed);
            let at = session.ended_at.unwrap_or_else(|| self.now());
            self.tally.add(
                at,
                &session.application,
                Metric::SessionEnded,
                reason.as_str(),
                1,
            );
        }
    }

    /// Account changes belong to the console, where accounts live.
    pub(super) fn tally_account(&self, metric: Metric) {
        self.tally.add(self.now(), CONSOLE_APP, metric, "", 1);
    }

    /// One background tick: the leader samples the live count (from memory, no
    /// query) and, once an hour is over, counts its users; then every hour that is
    /// over is written, once.
    pub async fn rollup_tick(&self) -> CoreResult<usize> {
        let now = self.now();
        if self.leads_background_work() {
            self.tally
                .sample_active(now, &self.counts.snapshot().applications);
            self.count_users_of_last_hour(now).await?;
        }
        self.write_rollups(Some(hour_of(now))).await
    }

    /// The user gauges of the hour just over: active and all users of every
    /// application and of all together. Two store counts per application, once an
    /// hour whatever the traffic; a new leader counts the hour again, which the
    /// gauges' "keep the larger" makes harmless.
    async fn count_users_of_last_hour(&self, now: Millis) -> CoreResult<()> {
        let hour = hour_of(now) - HOUR_MS;
        if !self.tally.users_due(hour) {
            return Ok(());
        }
        let period = Period {
            since: hour,
            until: hour + HOUR_MS,
        };
        let mut applications: Vec<String> = self
            .store
            .list_applications(now)
            .await?
            .into_iter()
            .map(|app| app.name)
            .collect();
        applications.push(CONSOLE_APP.to_owned());
        let mut gauges = vec![(
            ALL_APPLICATIONS.to_owned(),
            self.user_counts(None, period).await?,
        )];
        for app in applications {
            let counts = self.user_counts(Some(&app), period).await?;
            gauges.push((app, counts));
        }
        for (app, counts) in gauges {
            self.tally
                .add(hour, &app, Metric::UsersActive, "", counts.active);
            self.tally.add(hour, &app, Metric::UsersAll, "", counts.all);
        }
        self.tally.users_taken(hour);
        Ok(())
    }

    /// Writes every figure in memory, the current hour's too: before the process
    /// exits (the server's shutdown, the end of a CLI command), so nothing counted is
    /// lost. Adding keeps a later write of the same hour correct.
    pub async fn flush_rollups(&self) -> CoreResult<usize> {
        self.write_rollups(None).await
    }

    async fn write_rollups(&self, before: Option<Millis>) -> CoreResult<usize> {
        let rows = self.tally.take(before);
        if rows.is_empty() {
            return Ok(0);
        }
        match self.store.add_rollups(&rows).await {
            Ok(()) => Ok(rows.len()),
            Err(err) => {
                self.tally.restore(rows);
                Err(err)
            }
        }
    }

    /// Deletes rollups older than the longest history retention of any role.
    pub(super) async fn purge_rollups(&self, now: Millis) -> CoreResult<u64> {
        let policy = self.policy();
        let keep = Role::ALL
            .iter()
            .map(|&role| policy.for_role(role).history_retention_ms)
            .max()
            .unwrap_or(0);
        self.store.purge_rollups(hour_of(now - keep)).await
    }

    /// The period `[since, until)` in whole hours; missing bounds default to the last
    /// 24 hours up to now (the current hour included).
    pub fn analytics_period(
        &self,
        since: Option<Millis>,
        until: Option<Millis>,
    ) -> CoreResult<Period> {
        let now = self.now();
        let until = until.unwrap_or(hour_of(now) + HOUR_MS);
        let since = since.unwrap_or(until - DEFAULT_PERIOD_MS);
        Period::new(since, until).map_err(CoreError::invalid)
    }

    /// The application's name as stored (`None`: all), or `NotFound`. Revoked
    /// applications keep their history and are found.
    pub async fn analytics_application(&self, name: Option<&str>) -> CoreResult<Option<String>> {
        let Some(name) = name else {
            return Ok(None);
        };
        if name.eq_ignore_ascii_case(CONSOLE_APP) {
            return Ok(Some(CONSOLE_APP.to_owned()));
        }
        self.store
            .list_applications(self.now())
            .await?
            .into_iter()
            .find(|app| app.name.eq_ignore_ascii_case(name))
            .map(|app| Some(app.name))
            .ok_or_else(|| {
                let shown: String = name.chars().take(40).collect();
                CoreError::NotFound(Entity::Application(shown))
            })
    }

    /// KPIs, series and distributions of `period` for `application` (`None`: all;
    /// the name as `analytics_application` returns it): the stored rollups plus what
    /// this process still holds in memory, so the current hour is there at once.
    pub async fn analytics(&self, period: Period, application: Option<&str>) -> CoreResult<Report> {
        let previous = period.previous();
        let mut rows = self
            .store
            .rollups(application, previous.since, period.until)
            .await?;
        rows.extend(
            self.tally
                .snapshot(previous.since, period.until)
                .into_iter()
                .filter(|row| application.is_none_or(|app| row.application == app)),
        );
        let users = self.user_counts(application, period).await?;
        let previous_users = self.user_counts(application, previous).await?;
        rows.extend(
            self.users_of_current_hour(period, application, users)
                .await?,
        );
        Ok(report(period, application, &rows, users, previous_users))
    }

    /// The user gauges of the hour under way, which the leader writes only once it is
    /// over: counted now when the period reaches it. All users are the period's own
    /// count (both end with this hour), so only the active users are read.
    async fn users_of_current_hour(
        &self,
        period: Period,
        application: Option<&str>,
        users: UserCounts,
    ) -> CoreResult<Vec<Rollup>> {
        let hour = hour_of(self.now());
        if !period.contains(hour) || period.until != hour + HOUR_MS {
            return Ok(Vec::new());
        }
        let active = self
            .store
            .active_users(application, hour, period.until)
            .await?;
        let gauge = |metric, value| Rollup {
            hour,
            application: application.unwrap_or(ALL_APPLICATIONS).to_owned(),
            metric,
            dimension: String::new(),
            value,
        };
        Ok(vec![
            gauge(Metric::UsersActive, active),
            gauge(Metric::UsersAll, users.all),
        ])
    }

    /// Active users of `period`, and all users: console accounts (as they are now;
    /// past counts are not kept) and the applications' users known from history.
    async fn user_counts(
        &self,
        application: Option<&str>,
        period: Period,
    ) -> CoreResult<UserCounts> {
        let active = self
            .store
            .active_users(application, period.since, period.until)
            .await?;
        let accounts = match application {
            None | Some(CONSOLE_APP) => self.store.count_users().await?,
            Some(_) => 0,
        };
        let app_users = match application {
            Some(CONSOLE_APP) => 0,
            other => self.store.app_users(other, period.until).await?,
        };
        Ok(UserCounts {
            active,
            all: accounts + app_users,
        })
    }
}
