//! The analytics charts as inline SVG: lines over time and horizontal bars. Each is a
//! `<figure>` whose SVG is one image for assistive technology (`role="img"` and a
//! summary in its `aria-label`), followed by the same numbers as a plain table under
//! "Show as table". Colours come from the stylesheet (`--series-*`), so the dark theme
//! has its own; lines also differ by dash, for eyes that do not tell the colours apart.

use super::svg::{line_path, lone_points, nice_max, tick_label, ticks, Scale};
use crate::any_view::IntoViewAny;
use leptos::prelude::*;
use sessions_core::model::Millis;

/// One line of a time chart: its label and a value per point (`None`: not sampled).
/// A gauge (a level such as the live count) is summed up by its highest point, a
/// count by its total.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub label: &'static str,
    pub values: Vec<Option<f64>>,
    pub gauge: bool,
}

const LINE_W: f64 = 480.0;
const LINE_H: f64 = 220.0;
const PAD_LEFT: f64 = 44.0;
const PAD_RIGHT: f64 = 14.0;
const PAD_TOP: f64 = 12.0;
const PAD_BOTTOM: f64 = 30.0;

/// Lines over the period; `starts` are the points' times, `label_of` their text.
#[component]
pub fn LineChart(
    id: &'static str,
    title: &'static str,
    starts: Vec<Millis>,
    label_of: fn(Millis) -> String,
    lines: Vec<Line>,
) -> impl IntoView {
    let n = starts.len();
    let max = lines
        .iter()
        .flat_map(|line| line.values.iter().flatten())
        .fold(0.0_f64, |max, value| max.max(*value));
    let top = nice_max(max);
    let x = Scale::new(
        (0.0, n.saturating_sub(1) as f64),
        (PAD_LEFT, LINE_W - PAD_RIGHT),
    );
    let y = Scale::new((0.0, top), (LINE_H - PAD_BOTTOM, PAD_TOP));
    let grid = ticks(max)
        .into_iter()
        .map(|tick| {
            let at = y.at(tick);
            view! {
                <line class="chart-grid" x1=PAD_LEFT x2={LINE_W - PAD_RIGHT} y1=at y2=at/>
                <text class="chart-tick" x={PAD_LEFT - 6.0} y={at + 4.0} text-anchor="end">{tick_label(tick)}</text>
            }
        })
        .collect_view();
    let x_labels = x_label_points(n)
        .into_iter()
        .map(|(i, anchor)| {
            view! {
                <text class="chart-tick" x={x.at(i as f64)} y={LINE_H - 8.0} text-anchor=anchor>{label_of(starts[i])}</text>
            }
        })
        .collect_view();
    let paths = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let points: Vec<(f64, Option<f64>)> = line
                .values
                .iter()
                .enumerate()
                .map(|(j, value)| (x.at(j as f64), value.map(|v| y.at(v))))
                .collect();
            let dots = lone_points(&points)
                .into_iter()
                .map(|(cx, cy)| view! { <circle class={format!("chart-dot series-{i}")} cx=cx cy=cy r="3.5"/> })
                .collect_view();
            view! { <path class={format!("chart-line series-{i}")} d={line_path(&points)}/>{dots} }
        })
        .collect_view();
    let summary = line_summary(title, &starts, label_of, &lines);
    let legend = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            view! { <li><span class={format!("swatch series-{i}")} aria-hidden="true"></span>{line.label}</li> }
        })
        .collect_view();
    let head = lines
        .iter()
        .map(|line| view! { <th scope="col">{line.label}</th> })
        .collect_view();
    let rows = starts
        .iter()
        .enumerate()
        .map(|(j, start)| {
            let cells = lines
                .iter()
                .map(|line| view! { <td>{value_text(line.values[j])}</td> })
                .collect_view();
            view! { <tr><th scope="row">{label_of(*start)}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <figure class="chart" id=id data-chart=id>
            <figcaption><h3>{title}</h3></figcaption>
            <svg class="chart-svg" viewBox={format!("0 0 {LINE_W} {LINE_H}")} role="img" aria-label=summary preserveAspectRatio="xMidYMid meet">
                {grid}
                <line class="chart-axis" x1=PAD_LEFT x2={LINE_W - PAD_RIGHT} y1={LINE_H - PAD_BOTTOM} y2={LINE_H - PAD_BOTTOM}/>
                {x_labels}
                {paths}
            </svg>
            <ul class="chart-legend">{legend}</ul>
            <details class="chart-table">
                <summary>"Show as table"</summary>
                <div class="table-wrap" tabindex="0" role="region" aria-label=table_label(title)>
                    <table>
                        <caption class="sr-only">{title}" (UTC)"</caption>
                        <thead><tr><th scope="col">"Time (UTC)"</th>{head}</tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
    // Erased: the typed view of a chart is deep enough to overflow the compiler's
    // query depth once several are nested in the page.
    .into_view_any()
}

/// The name of a chart's table box: it scrolls, so it takes keyboard focus (arrow
/// keys scroll it) and needs a name to be announced by.
fn table_label(title: &str) -> String {
    format!("{title}, as a table")
}

/// Which points get a time under the axis: the first, the middle and the last.
fn x_label_points(n: usize) -> Vec<(usize, &'static str)> {
    match n {
        0 => vec![],
        1 => vec![(0, "middle")],
        2 => vec![(0, "start"), (1, "end")],
        _ => vec![(0, "start"), (n / 2, "middle"), (n - 1, "end")],
    }
}

fn value_text(value: Option<f64>) -> String {
    match value {
        None => "–".into(),
        Some(value) if value.fract() == 0.0 => format!("{value:.0}"),
        Some(value) => format!("{value:.2}"),
    }
}

/// The SVG's accessible name: what it shows and each line's total (or its highest
/// value, for a gauge).
fn line_summary(
    title: &str,
    starts: &[Millis],
    label_of: fn(Millis) -> String,
    lines: &[Line],
) -> String {
    let (Some(first), Some(last)) = (starts.first(), starts.last()) else {
        return format!("{title}: no data.");
    };
    let parts: Vec<String> = lines
        .iter()
        .map(|line| {
            let values = line.values.iter().flatten();
            if line.gauge {
                let high = values.fold(None, |m: Option<f64>, v| Some(m.map_or(*v, |m| m.max(*v))));
                format!("{} highest {}", line.label, value_text(high))
            } else {
                format!("{} total {}", line.label, value_text(Some(values.sum())))
            }
        })
        .collect();
    format!(
        "{title}, {} to {} UTC: {}.",
        label_of(*first),
        label_of(*last),
        parts.join(", ")
    )
}

const BAR_W: f64 = 400.0;
const ROW_H: f64 = 42.0;
/// At most this many bars; the rest add up to "Other" (the table lists them all).
const MAX_BARS: usize = 8;

/// Counts by category as horizontal bars, largest first.
#[component]
pub fn BarChart(
    id: &'static str,
    title: &'static str,
    entries: Vec<(String, i64)>,
    /// The column heading of the categories in the table.
    category: &'static str,
) -> impl IntoView {
    let total: i64 = entries.iter().map(|(_, n)| n).sum();
    if entries.is_empty() {
        return view! {
            <figure class="chart" id=id data-chart=id>
                <figcaption><h3>{title}</h3></figcaption>
                <p class="empty">"Nothing in this period."</p>
            </figure>
        }
        .into_view_any();
    }
    let shown = top_bars(&entries);
    let max = shown.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1) as f64;
    let x = Scale::new((0.0, max), (0.0, BAR_W));
    let height = shown.len() as f64 * ROW_H;
    let bars = shown
        .iter()
        .enumerate()
        .map(|(i, (label, n))| {
            let top = i as f64 * ROW_H;
            let width = x.at(*n as f64).max(2.0);
            view! {
                <text class="chart-label" x="0" y={top + 15.0}>{label.clone()}</text>
                <text class="chart-label" x=BAR_W y={top + 15.0} text-anchor="end">{n.to_string()}</text>
                <rect class="chart-bar" x="0" y={top + 22.0} width=width height="12" rx="3"/>
            }
        })
        .collect_view();
    let summary = format!(
        "{title}: {}.",
        shown
            .iter()
            .map(|(label, n)| format!("{label} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let rows = entries
        .iter()
        .map(|(label, n)| {
            view! { <tr data-key=label.clone()><th scope="row">{label.clone()}</th><td data-value=n.to_string()>{n.to_string()}</td><td>{percent(*n, total)}</td></tr> }
        })
        .collect_view();
    view! {
        <figure class="chart" id=id data-chart=id>
            <figcaption><h3>{title}</h3></figcaption>
            <svg class="chart-svg" viewBox={format!("0 0 {BAR_W} {height}")} role="img" aria-label=summary>
                {bars}
            </svg>
            <details class="chart-table">
                <summary>"Show as table"</summary>
                <div class="table-wrap" tabindex="0" role="region" aria-label=table_label(title)>
                    <table>
                        <caption class="sr-only">{title}</caption>
                        <thead><tr><th scope="col">{category}</th><th scope="col">"Count"</th><th scope="col">"Share"</th></tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            </details>
        </figure>
    }
    .into_view_any()
}

/// The largest `MAX_BARS - 1` and the rest as "Other" when there are too many.
fn top_bars(entries: &[(String, i64)]) -> Vec<(String, i64)> {
    if entries.len() <= MAX_BARS {
        return entries.to_vec();
    }
    let mut shown = entries[..MAX_BARS - 1].to_vec();
    let rest = entries[MAX_BARS - 1..].iter().map(|(_, n)| n).sum();
    shown.push(("Other".into(), rest));
    shown
}

fn percent(n: i64, total: i64) -> String {
    if total == 0 {
        return "–".into();
    }
    format!("{:.1} %", 100.0 * n as f64 / total as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_categories_end_in_other() {
        let entries: Vec<(String, i64)> = (0..10).map(|i| (format!("c{i}"), 10 - i)).collect();
        let shown = top_bars(&entries);
        assert_eq!(shown.len(), MAX_BARS);
        assert_eq!(shown[MAX_BARS - 1], ("Other".into(), 3 + 2 + 1));
        assert_eq!(top_bars(&entries[..3]), entries[..3].to_vec());
    }

    #[test]
    fn summaries_name_totals_and_peaks() {
        let lines = vec![
            Line {
                label: "Active (average)",
                values: vec![Some(1.5), None, Some(2.0)],
                gauge: true,
            },
            Line {
                label: "Killed",
                values: vec![Some(1.0), Some(0.0), Some(2.0)],
                gauge: false,
            },
        ];
        let text = line_summary("Sessions", &[0, 1, 2], |at| at.to_string(), &lines);
        assert_eq!(
            text,
            "Sessions, 0 to 2 UTC: Active (average) highest 2, Killed total 3."
        );
        assert_eq!(
            line_summary("Sessions", &[], |at| at.to_string(), &[]),
            "Sessions: no data."
        );
        assert_eq!(
            x_label_points(5),
            vec![(0, "start"), (2, "middle"), (4, "end")]
        );
        assert_eq!(percent(1, 3), "33.3 %");
    }
}
