//! The KPI cards: value, change against the previous period ("n/a" when the previous
//! is 0 or undefined) and the definition, visible under the figure and as the label's
//! hover text. Numbers are written as `sessions analytics` prints them (`KpiName::format_value`), and carried
//! exactly in `data-*` attributes for tests and scripts.

use crate::any_view::IntoViewAny;
use leptos::prelude::*;
use sessions_core::analytics::{format_change, Kpi};

#[component]
pub fn KpiCards(kpis: Vec<Kpi>) -> impl IntoView {
    let cards = kpis
        .into_iter()
        .map(|kpi| {
            let name = kpi.name;
            let raw = |value: Option<f64>| value.map(|v| v.to_string()).unwrap_or_default();
            let change = format_change(kpi.change_percent);
            let previous = format!("Previous period: {}", name.format_value(kpi.previous));
            let previous_title = previous.clone();
            view! {
                <li class="kpi" data-kpi=name.as_str() data-current=raw(kpi.current)
                    data-previous=raw(kpi.previous) data-change=raw(kpi.change_percent)>
                    <h3 class="kpi-label"><abbr title=name.definition()>{name.label()}</abbr></h3>
                    <p class="kpi-value">{name.format_value(kpi.current)}</p>
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
    view! { <ul class="kpis">{cards}</ul> }.into_view_any()
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
    use super::trend_class;

    #[test]
    fn a_rise_and_a_fall_read_differently_and_no_change_reads_neither() {
        assert_eq!(trend_class(Some(1.0)), "trend up");
        assert_eq!(trend_class(Some(-1.0)), "trend down");
        assert_eq!(trend_class(None), "trend");
    }
}
