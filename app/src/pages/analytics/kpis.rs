//! The KPI cards: value, change against the previous period ("n/a" when the previous
//! is 0 or undefined) and the definition, visible under the figure and as the label's
//! hover text. Numbers are written as `sessions analytics` prints them, and carried
//! exactly in `data-*` attributes for tests and scripts.

use leptos::prelude::*;
use sessions_core::analytics::{Kpi, KpiName};

#[component]
pub fn KpiCards(kpis: Vec<Kpi>) -> impl IntoView {
    let cards = kpis
        .into_iter()
        .map(|kpi| {
            let name = kpi.name;
            let raw = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
            let change = change_text(kpi.change_percent);
            let previous = format!("Previous period: {}", value_text(name, kpi.previous));
            let previous_title = previous.clone();
            view! {
                <li class="kpi" data-kpi=name.as_str() data-current=raw(kpi.current)
                    data-previous=raw(kpi.previous) data-change=raw(kpi.change_percent)>
                    <h3 class="kpi-label"><abbr title=name.definition()>{name.label()}</abbr></h3>
                    <p class="kpi-value">{value_text(name, kpi.current)}</p>
                    <p class="kpi-change" title=previous_title>
                        <span class=trend_class(kpi.change_percent) aria-hidden="true"></span>
                        {change}" vs previous period"
                        <span class="sr-only">" ("{previous}")"</span>
                    </p>
                    <p class="kpi-definition">{name.definition()}</p>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="kpis">{cards}</ul> }.into_any()
}

/// Whole counts without decimals, percentages with one, the rest with two: as the
/// CLI's table prints them.
pub fn value_text(name: KpiName, value: Option<f64>) -> String {
    match value {
        None => "n/a".into(),
        Some(value) if name.is_percent() => format!("{value:.1} %"),
        Some(value) if value.fract() == 0.0 => format!("{value:.0}"),
        Some(value) => format!("{value:.2}"),
    }
}

pub fn change_text(change: Option<f64>) -> String {
    change.map_or_else(|| "n/a".into(), |change| format!("{change:+.1} %"))
}

fn trend_class(change: Option<f64>) -> &'static str {
    match change {
        Some(change) if change > 0.0 => "trend up",
        Some(change) if change < 0.0 => "trend down",
        _ => "trend",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_the_cli_prints_them() {
        let cases = [
            (KpiName::SignInSuccessRate, Some(66.67), "66.7 %"),
            (KpiName::Turnover, Some(4.0), "4"),
            (KpiName::ActiveSessionsAverage, Some(1.5), "1.50"),
            (KpiName::BlockedAttempts, None, "n/a"),
        ];
        for (name, given, shown) in cases {
            assert_eq!(value_text(name, given), shown, "{name:?}");
        }
        assert_eq!(change_text(Some(20.0)), "+20.0 %");
        assert_eq!(change_text(Some(-50.0)), "-50.0 %");
        assert_eq!(change_text(None), "n/a");
        assert_eq!(trend_class(Some(-1.0)), "trend down");
    }
}
