//! KPI arithmetic on known event sequences: each event is stamped by a manual clock
//! and lands in its hour as the tally would put it.

use super::metric::{Metric, Rollup, ALL_APPLICATIONS};
use super::period::{hour_of, Period, DAY_MS};
use super::report::{kpi, report, KpiName, Report, UserCounts};
use crate::clock::{Clock, ManualClock};
use crate::model::{Millis, HOUR_MS};

/// Midnight UTC, so hours and days line up with the test's arithmetic.
const START: Millis = 1_800_000_000_000 - 1_800_000_000_000 % DAY_MS;

fn event(at: Millis, app: &str, metric: Metric, dimension: &str, value: i64) -> Rollup {
    Rollup {
        hour: hour_of(at),
        application: app.into(),
        metric,
        dimension: dimension.into(),
        value,
    }
}

fn value(report: &Report, name: KpiName) -> (Option<f64>, Option<f64>, Option<f64>) {
    let kpi = report
        .kpis
        .iter()
        .find(|kpi| kpi.name == name)
        .expect("every KPI is reported");
    (kpi.current, kpi.previous, kpi.change_percent)
}

const NO_USERS: UserCounts = UserCounts { active: 0, all: 0 };

#[test]
fn change_is_relative_to_the_previous_and_na_without_one() {
    let cases = [
        // (current, previous, change)
        (Some(150.0), Some(100.0), Some(50.0)),
        (Some(50.0), Some(100.0), Some(-50.0)),
        (Some(0.0), Some(4.0), Some(-100.0)),
        (Some(3.0), Some(0.0), None),
        (Some(3.0), None, None),
        (None, Some(3.0), None),
        (Some(1.0), Some(3.0), Some(-66.67)),
    ];
    for (current, previous, change) in cases {
        let got = kpi(KpiName::Turnover, current, previous);
        assert_eq!(got.change_percent, change, "{current:?} vs {previous:?}");
    }
}

#[test]
fn kpis_on_a_known_sequence() {
    let clock = ManualClock::new(START);
    let period = Period::new(START + DAY_MS, START + 2 * DAY_MS).expect("period");
    let mut rows = Vec::new();
    // Previous day: 1 success, 1 failure; 2 accounts created.
    rows.push(event(clock.now(), "console", Metric::SignInSuccess, "", 1));
    rows.push(event(clock.now(), "console", Metric::SignInFailed, "", 1));
    rows.push(event(clock.now(), "console", Metric::AccountCreated, "", 2));
    clock.advance(DAY_MS + 3 * HOUR_MS);
    // This day: 6 successes, 1 failure, 1 throttled, 2 refused by a limit; created 1, deleted 1
    // (turnover counts both, each once); ends by every reason.
    let now = clock.now();
    rows.extend([
        event(now, "console", Metric::SignInSuccess, "", 4),
        event(now, "shop", Metric::SignInSuccess, "", 2),
        event(now, "console", Metric::SignInFailed, "", 1),
        event(now, "console", Metric::SignInBlocked, "throttled", 1),
        event(now, "shop", Metric::SignInBlocked, "limit", 2),
        event(now, "console", Metric::AccountCreated, "", 1),
        event(now, "console", Metric::AccountDeleted, "", 1),
        event(now, "console", Metric::SessionEnded, "idle", 3),
        event(now, "shop", Metric::SessionEnded, "expired", 1),
        event(now, "shop", Metric::SessionEnded, "evicted_by_limit", 1),
        event(now, "console", Metric::SessionEnded, "killed", 5),
        event(now, "console", Metric::SessionEnded, "logout", 7),
        event(now, "console", Metric::SessionEnded, "password_change", 2),
        // The gauge: samples 2 and 4 (average 3, peak 4) for all applications, and a
        // per-application row that the total must not add in.
        event(now, ALL_APPLICATIONS, Metric::ActiveSum, "", 6),
        event(now, ALL_APPLICATIONS, Metric::ActiveSamples, "", 2),
        event(now, ALL_APPLICATIONS, Metric::ActivePeak, "", 4),
        event(now, "shop", Metric::ActivePeak, "", 3),
    ]);
    let users = UserCounts { active: 1, all: 4 };
    let previous_users = UserCounts { active: 2, all: 4 };
    let all = report(period, None, &rows, users, previous_users);
    let expected = [
        (
            KpiName::SignInSuccessRate,
            (Some(60.0), Some(50.0), Some(20.0)),
        ),
        (KpiName::ActiveSessionsAverage, (Some(3.0), None, None)),
        (KpiName::ActiveSessionsPeak, (Some(4.0), None, None)),
        (KpiName::CleanedSessions, (Some(5.0), Some(0.0), None)),
        (KpiName::ActiveUsers, (Some(25.0), Some(50.0), Some(-50.0))),
        (KpiName::Turnover, (Some(2.0), Some(2.0), Some(0.0))),
        (KpiName::BlockedAttempts, (Some(3.0), Some(0.0), None)),
    ];
    for (name, values) in expected {
        assert_eq!(value(&all, name), values, "{name:?}");
    }

    let shop = report(period, Some("shop"), &rows, users, previous_users);
    let expected = [
        (KpiName::SignInSuccessRate, (Some(50.0), None, None)),
        (KpiName::ActiveSessionsPeak, (Some(3.0), None, None)),
        (KpiName::CleanedSessions, (Some(2.0), Some(0.0), None)),
        (KpiName::BlockedAttempts, (Some(2.0), Some(0.0), None)),
    ];
    for (name, values) in expected {
        assert_eq!(value(&shop, name), values, "shop {name:?}");
    }
}

#[test]
fn an_event_at_since_is_in_and_one_at_until_is_out() {
    let period = Period::new(START + HOUR_MS, START + 3 * HOUR_MS).expect("period");
    let cases = [
        // (when, counted in the period, counted in the previous one)
        (period.since, 1.0, 0.0),
        (period.until - 1, 1.0, 0.0),
        (period.until, 0.0, 0.0),
        (period.since - 1, 0.0, 1.0),
        (period.previous().since, 0.0, 1.0),
        (period.previous().since - 1, 0.0, 0.0),
    ];
    for (at, now, before) in cases {
        let rows = [event(at, "console", Metric::SignInBlocked, "throttled", 1)];
        let got = report(period, None, &rows, NO_USERS, NO_USERS);
        let (current, previous, _) = value(&got, KpiName::BlockedAttempts);
        assert_eq!((current, previous), (Some(now), Some(before)), "at {at}");
    }
}

#[test]
fn rates_without_attempts_are_undefined_not_zero() {
    let period = Period::ending_at(START + 5 * HOUR_MS, DAY_MS);
    let got = report(period, None, &[], NO_USERS, NO_USERS);
    assert_eq!(value(&got, KpiName::SignInSuccessRate), (None, None, None));
    assert_eq!(value(&got, KpiName::ActiveUsers), (None, None, None));
    assert_eq!(
        value(&got, KpiName::ActiveSessionsAverage),
        (None, None, None)
    );
    assert_eq!(
        value(&got, KpiName::Turnover),
        (Some(0.0), Some(0.0), None),
        "a count of nothing is 0; its change is n/a"
    );
}

#[test]
fn series_and_distributions_follow_the_period() {
    let clock = ManualClock::new(START + 30 * 60_000);
    let period = Period::ending_at(START + 2 * HOUR_MS, 3 * HOUR_MS);
    let mut rows = vec![
        event(clock.now(), "console", Metric::SignInSuccess, "", 2),
        event(clock.now(), "console", Metric::SessionCreated, "", 2),
        event(clock.now(), "console", Metric::NewByBrowser, "Firefox", 1),
        event(clock.now(), "console", Metric::NewByBrowser, "Chrome", 1),
        event(clock.now(), ALL_APPLICATIONS, Metric::ActiveSum, "", 3),
        event(clock.now(), ALL_APPLICATIONS, Metric::ActiveSamples, "", 2),
    ];
    clock.advance(2 * HOUR_MS);
    rows.extend([
        event(clock.now(), "shop", Metric::SessionCreated, "", 3),
        event(clock.now(), "shop", Metric::NewByBrowser, "Chrome", 3),
        event(clock.now(), "shop", Metric::SessionEnded, "idle", 1),
        event(clock.now(), "shop", Metric::SessionEnded, "logout", 1),
    ]);
    let got = report(period, None, &rows, NO_USERS, NO_USERS);
    assert_eq!(got.bucket_ms, HOUR_MS);
    let starts: Vec<Millis> = got.series.iter().map(|p| p.start).collect();
    assert_eq!(starts, vec![START, START + HOUR_MS, START + 2 * HOUR_MS]);
    assert_eq!(got.series[0].sign_ins_successful, 2);
    assert_eq!(got.series[0].active_average, Some(1.5));
    assert_eq!(got.series[1].active_average, None, "no sample, no average");
    assert_eq!(
        (
            got.series[2].sessions_created,
            got.series[2].ended_idle,
            got.series[2].logouts
        ),
        (3, 1, 1)
    );
    let entries = |name: &str| {
        got.distributions
            .iter()
            .find(|d| d.name == name)
            .map(|d| d.entries.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        entries("browser"),
        vec![("Chrome".into(), 4), ("Firefox".into(), 1)]
    );
    assert_eq!(
        entries("application"),
        vec![("shop".into(), 3), ("console".into(), 2)]
    );
    assert_eq!(entries("cleaned"), vec![("idle".into(), 1)]);
    assert_eq!(entries("sign_ins"), vec![("successful".into(), 2)]);

    let month = Period::new(START, START + 30 * DAY_MS).expect("period");
    let daily = report(month, None, &rows, NO_USERS, NO_USERS);
    assert_eq!((daily.bucket_ms, daily.series.len()), (DAY_MS, 30));
    assert_eq!(
        daily.series[0].sessions_created, 5,
        "one day holds both hours"
    );
}

#[test]
fn figures_read_the_same_on_the_page_and_in_the_cli() {
    let cases = [
        (KpiName::SignInSuccessRate, Some(66.67), "66.7 %"),
        (KpiName::Turnover, Some(4.0), "4"),
        (KpiName::ActiveSessionsAverage, Some(1.5), "1.50"),
        (KpiName::BlockedAttempts, None, "n/a"),
    ];
    for (name, given, shown) in cases {
        assert_eq!(name.format_value(given), shown, "{name:?}");
    }
    assert_eq!(super::format_change(Some(20.0)), "+20.0 %");
    assert_eq!(super::format_change(Some(-50.0)), "-50.0 %");
    assert_eq!(super::format_change(None), "n/a");
}
