//! The console's filter chips: one row per dimension (application, role, status,
//! country), each value with its count of live sessions, and the "Flagged" chip for
//! suspicious sessions. One value per dimension; clicking a pressed chip clears it.

use leptos::prelude::*;
use sessions_core::model::{Facets, ListFilter, Role, SessionStatus};

#[component]
pub fn FilterChips(
    /// Counts of every live session, kept current by live events.
    facets: Signal<Facets>,
    filter: Signal<ListFilter>,
    set_filter: Callback<ListFilter>,
) -> impl IntoView {
    let applications = move || {
        let values = facets.with(|f| {
            f.applications
                .iter()
                .map(|(app, n)| (app.clone(), app.clone(), *n))
                .collect()
        });
        keep_chosen(values, filter.with(get_application), |app| app.to_owned())
    };
    let roles = move || {
        let values = facets.with(|f| {
            f.roles
                .iter()
                .map(|(role, n)| (role.as_str().to_owned(), role.as_str().to_owned(), *n))
                .collect()
        });
        keep_chosen(values, filter.with(get_role), |role| role.to_owned())
    };
    let statuses = move || {
        let values = facets.with(|f| {
            f.statuses
                .iter()
                .map(|(status, n)| (status.as_str().to_owned(), status.label().to_owned(), *n))
                .collect()
        });
        keep_chosen(values, filter.with(get_status), |status| {
            SessionStatus::parse(status)
                .map(|status| status.label().to_owned())
                .unwrap_or_else(|| status.to_owned())
        })
    };
    let countries = move || {
        let values = facets.with(|f| {
            f.countries
                .iter()
                .map(|(code, n)| (code.clone(), country_label(code), *n))
                .collect()
        });
        keep_chosen(values, filter.with(get_country), country_label)
    };
    let any = move || !filter.with(ListFilter::is_empty);
    view! {
        <div class="filter-chips" role="group" aria-label="Filters">
            <ChipRow title="Application" values=Signal::derive(applications) filter set_filter get=get_application set=set_application/>
            <ChipRow title="Role" values=Signal::derive(roles) filter set_filter get=get_role set=set_role/>
            <ChipRow title="Status" values=Signal::derive(statuses) filter set_filter get=get_status set=set_status/>
            <ChipRow title="Country" values=Signal::derive(countries) filter set_filter get=get_country set=set_country/>
            <FlaggedChip filter set_filter/>
            <Show when=any>
                <button class="button small clear-filters" on:click=move |_| set_filter.run(ListFilter::default())>"Clear filters"</button>
            </Show>
        </div>
    }
}

/// Suspicious sessions only. No count: a flag raised on a live session (its address
/// moved) reaches the store, not the in-memory chip counts.
#[component]
fn FlaggedChip(filter: Signal<ListFilter>, set_filter: Callback<ListFilter>) -> impl IntoView {
    let pressed = move || filter.with(|f| f.flagged);
    let toggle = move |_| {
        let mut next = filter.get_untracked();
        next.flagged = !next.flagged;
        set_filter.run(next);
    };
    view! {
        <div class="chip-row" role="group" aria-label="Suspicious">
            <span class="chip-title">"Suspicious"</span>
            <button class="chip" aria-pressed=move || pressed().to_string() on:click=toggle>"Flagged"</button>
        </div>
    }
}

/// The code ("SE"), or "Unknown" for the empty code.
fn country_label(code: &str) -> String {
    if code.is_empty() {
        "Unknown".to_owned()
    } else {
        code.to_ascii_uppercase()
    }
}

fn keep_chosen(
    mut values: Vec<(String, String, i64)>,
    chosen: Option<String>,
    label: impl Fn(&str) -> String,
) -> Vec<(String, String, i64)> {
    if let Some(chosen) = chosen {
        if !values.iter().any(|(value, _, _)| *value == chosen) {
            values.push((chosen.clone(), label(&chosen), 0));
        }
    }
    values
}

fn get_application(filter: &ListFilter) -> Option<String> {
    filter.application.clone()
}
fn set_application(filter: &mut ListFilter, value: Option<String>) {
    filter.application = value;
}
fn get_role(filter: &ListFilter) -> Option<String> {
    filter.role.map(|role| role.as_str().to_owned())
}
fn set_role(filter: &mut ListFilter, value: Option<String>) {
    filter.role = value.as_deref().and_then(Role::parse);
}
fn get_status(filter: &ListFilter) -> Option<String> {
    filter.status.map(|status| status.as_str().to_owned())
}
fn set_status(filter: &mut ListFilter, value: Option<String>) {
    filter.status = value.as_deref().and_then(SessionStatus::parse);
}
fn get_country(filter: &ListFilter) -> Option<String> {
    filter.country.clone()
}
fn set_country(filter: &mut ListFilter, value: Option<String>) {
    filter.country = value;
}

/// One dimension: (stored value, label, count) chips. A chosen value whose last
/// session just ended keeps its chip (at 0), so it can still be seen and cleared.
#[component]
fn ChipRow(
    title: &'static str,
    values: Signal<Vec<(String, String, i64)>>,
    filter: Signal<ListFilter>,
    set_filter: Callback<ListFilter>,
    get: fn(&ListFilter) -> Option<String>,
    set: fn(&mut ListFilter, Option<String>),
) -> impl IntoView {
    let chip = move |(value, label, count): (String, String, i64)| {
        let pressed = {
            let value = value.clone();
            move || filter.with(|f| get(f).as_deref() == Some(value.as_str()))
        };
        let toggle = move |_| {
            let mut next = filter.get_untracked();
            let chosen = if get(&next).as_deref() == Some(value.as_str()) {
                None
            } else {
                Some(value.clone())
            };
            set(&mut next, chosen);
            set_filter.run(next);
        };
        view! {
            <button class="chip" aria-pressed=move || pressed().to_string() on:click=toggle>
                {label}" "<span class="count">{count}</span>
            </button>
        }
    };
    view! {
        <Show when=move || values.with(|values| !values.is_empty())>
            <div class="chip-row" role="group" aria-label=title>
                <span class="chip-title">{title}</span>
                {move || values.get().into_iter().map(chip).collect_view()}
            </div>
        </Show>
    }
}
