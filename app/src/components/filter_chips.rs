//! The console's filter chips: one row per dimension (application, role, status,
//! country), each value with its count of live sessions. One value per dimension;
//! clicking a pressed chip clears it.

use crate::format::country;
use leptos::prelude::*;
use sessions_core::model::{Facets, ListFilter, Role, SessionStatus};

#[component]
pub fn FilterChips(facets: Facets, filter: RwSignal<ListFilter>) -> impl IntoView {
    let Facets { applications, roles, statuses, countries } = facets;
    let applications: Vec<(String, String, i64)> =
        applications.into_iter().map(|(app, n)| (app.clone(), app, n)).collect();
    let roles: Vec<(String, String, i64)> =
        roles.into_iter().map(|(role, n)| (role.as_str().to_owned(), role.as_str().to_owned(), n)).collect();
    let statuses: Vec<(String, String, i64)> =
        statuses.into_iter().map(|(status, n)| (status.as_str().to_owned(), status.label().to_owned(), n)).collect();
    let countries: Vec<(String, String, i64)> =
        countries.into_iter().map(|(code, n)| (code.clone(), country_label(&code), n)).collect();
    // A chosen value whose last session just ended keeps its chip (at 0), so it can
    // still be seen and cleared where it was picked.
    let chosen = filter.get_untracked();
    let applications = keep_chosen(applications, get_application(&chosen), |app| app.to_owned());
    let roles = keep_chosen(roles, get_role(&chosen), |role| role.to_owned());
    let statuses = keep_chosen(statuses, get_status(&chosen), |status| {
        SessionStatus::parse(status).map(|status| status.label().to_owned()).unwrap_or_else(|| status.to_owned())
    });
    let countries = keep_chosen(countries, get_country(&chosen), country_label);
    let any = move || !filter.with(ListFilter::is_empty);
    view! {
        <div class="filter-chips" role="group" aria-label="Filters">
            <ChipRow title="Application" values=applications filter get=get_application set=set_application/>
            <ChipRow title="Role" values=roles filter get=get_role set=set_role/>
            <ChipRow title="Status" values=statuses filter get=get_status set=set_status/>
            <ChipRow title="Country" values=countries filter get=get_country set=set_country/>
            <Show when=any>
                <button class="button small clear-filters" on:click=move |_| filter.set(ListFilter::default())>"Clear filters"</button>
            </Show>
        </div>
    }
}

/// "🇳🇱 NL", or "Unknown" for the empty code.
fn country_label(code: &str) -> String {
    if code.is_empty() {
        "Unknown".to_owned()
    } else {
        country(Some(code))
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

/// One dimension: (stored value, label, count) chips.
#[component]
fn ChipRow(
    title: &'static str,
    values: Vec<(String, String, i64)>,
    filter: RwSignal<ListFilter>,
    get: fn(&ListFilter) -> Option<String>,
    set: fn(&mut ListFilter, Option<String>),
) -> impl IntoView {
    if values.is_empty() {
        return ().into_any();
    }
    view! {
        <div class="chip-row" role="group" aria-label=title>
            <span class="chip-title">{title}</span>
            {values.into_iter().map(|(value, label, count)| {
                let pressed = {
                    let value = value.clone();
                    move || filter.with(|f| get(f).as_deref() == Some(value.as_str()))
                };
                let toggle = {
                    let value = value.clone();
                    move |_| filter.update(|f| {
                        let next = if get(f).as_deref() == Some(value.as_str()) { None } else { Some(value.clone()) };
                        set(f, next);
                    })
                };
                view! {
                    <button class="chip" aria-pressed=move || pressed().to_string() on:click=toggle>
                        {label}" "<span class="count">{count}</span>
                    </button>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}
