//! `sessions analytics`: the KPIs of a period with the previous period's values and
//! the change, the same figures the analytics page shows (both call
//! `Engine::analytics`). Reads the written rollups: a running server's current hour
//! reaches them when the hour ends or the server stops.
//!
//! JSON (stable): `{"application": null | NAME, "period": {"since", "until"},
//! "previous": {"since", "until"}, "kpis": [{"name", "label", "unit", "current",
//! "previous", "change_percent"}]}`; times are RFC 3339 UTC, the period is `[since,
//! until)` in whole hours, `unit` is `percent`, `sessions` or `count`, and a value or
//! change that is not defined (no attempts; a previous value of 0) is `null`.

use super::history::parse_time;
use super::output::print_records;
use super::AnalyticsArgs;
use crate::failure::Failure;
use serde::Serialize;
use sessions_core::analytics::{format_change, Kpi, KpiName, Period};
use sessions_core::model::Millis;
use sessions_core::Engine;
use std::sync::Arc;

pub async fn run(engine: &Arc<Engine>, args: AnalyticsArgs) -> Result<(), Failure> {
    let now = engine.now();
    let since = args
        .since
        .as_deref()
        .map(|t| parse_time(t, now))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|t| parse_time(t, now))
        .transpose()?;
    let period = engine.analytics_period(since, until)?;
    // An unknown application is "not found" (exit 3), as everywhere in the CLI.
    let application = engine.analytics_application(args.app.as_deref()).await?;
    let report = engine.analytics(period, application.as_deref()).await?;
    let printed = Printed {
        application: report.application.clone(),
        period: Span::of(report.period),
        previous: Span::of(report.previous),
        kpis: report.kpis.iter().map(PrintedKpi::of).collect(),
    };
    let rows = printed
        .kpis
        .iter()
        .zip(&report.kpis)
        .map(|(shown, kpi)| {
            vec![
                shown.label.to_owned(),
                kpi.name.format_value(kpi.current),
                kpi.name.format_value(kpi.previous),
                format_change(kpi.change_percent),
            ]
        })
        .collect();
    let columns = ["KPI", "Current", "Previous", "Change"];
    print_records(&columns, rows, &printed, args.format, "No KPIs.").map_err(Failure::io)?;
    if matches!(args.format, super::Format::Table) {
        println!(
            "Period {} to {} (previous {} to {}), {}.",
            printed.period.since,
            printed.period.until,
            printed.previous.since,
            printed.previous.until,
            printed.application.as_deref().unwrap_or("all applications")
        );
    }
    Ok(())
}

#[derive(Serialize)]
struct Printed {
    application: Option<String>,
    period: Span,
    previous: Span,
    kpis: Vec<PrintedKpi>,
}

#[derive(Serialize)]
struct Span {
    since: String,
    until: String,
}

impl Span {
    fn of(period: Period) -> Span {
        Span {
            since: rfc3339(period.since),
            until: rfc3339(period.until),
        }
    }
}

#[derive(Serialize)]
struct PrintedKpi {
    name: &'static str,
    label: &'static str,
    unit: &'static str,
    current: Option<f64>,
    previous: Option<f64>,
    change_percent: Option<f64>,
}

impl PrintedKpi {
    fn of(kpi: &Kpi) -> PrintedKpi {
        PrintedKpi {
            name: kpi.name.as_str(),
            label: kpi.name.label(),
            unit: unit(kpi.name),
            current: kpi.current,
            previous: kpi.previous,
            change_percent: kpi.change_percent,
        }
    }
}

fn unit(name: KpiName) -> &'static str {
    match name {
        _ if name.is_percent() => "percent",
        KpiName::ActiveSessionsAverage | KpiName::ActiveSessionsPeak => "sessions",
        _ => "count",
    }
}

fn rfc3339(at: Millis) -> String {
    jiff::Timestamp::from_millisecond(at)
        .map(|at| at.to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_rfc3339_in_utc() {
        assert_eq!(rfc3339(1_800_000_000_000), "2027-01-15T08:00:00Z");
    }
}
