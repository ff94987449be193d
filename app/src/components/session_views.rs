//! The admin console's two layouts of the same rows: a table on wide screens, compact
//! cards at 640 px and below. Only one is rendered. Rows are keyed by session id, so a
//! live event adds, changes or removes one row and never re-renders the others.

use crate::components::live_list::Row;
use crate::components::session_parts::{application_label, SessionParts, ViewState};
use leptos::prelude::*;
use sessions_core::model::{SortDir, SortKey};

#[component]
pub fn SessionTable(
    rows: RwSignal<Vec<Row>>,
    state: ViewState,
    sort: Signal<SortKey>,
    dir: Signal<SortDir>,
    on_sort: Callback<SortKey>,
) -> impl IntoView {
    let all_selected = Signal::derive(move || {
        rows.with(|rows| {
            !rows.is_empty()
                && state
                    .selected
                    .with(|selected| rows.iter().all(|row| selected.contains(row.id())))
        })
    });
    let toggle_all = move |_| {
        let select = !all_selected.get_untracked();
        let ids: Vec<String> =
            rows.with_untracked(|rows| rows.iter().map(|row| row.id().to_owned()).collect());
        state.selected.update(|selected| {
            for id in ids {
                if select {
                    selected.insert(id);
                } else {
                    selected.remove(&id);
                }
            }
        });
    };
    view! {
        <div class="table-wrap">
            <table class="sessions-table">
                <thead>
                    <tr>
                        <th class="select">
                            <input type="checkbox" class="row-check" aria-label="Select all on this page" prop:checked=all_selected on:change=toggle_all/>
                        </th>
                        <SortHeader label="User" key=SortKey::User sort dir on_sort/>
                        <SortHeader label="Application" key=SortKey::Application sort dir on_sort/>
                        <th>"Status"</th>
                        <SortHeader label="IP" key=SortKey::Ip sort dir on_sort/>
                        <th><abbr title="Country">"Ctry"</abbr></th>
                        <th>"Device"</th>
                        <SortHeader label="Activity" key=SortKey::LastSeen sort dir on_sort/>
                        <th class="actions"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || rows.get() key=|row| row.id().to_owned() let:row>
                        <TableRow row state/>
                    </For>
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn SortHeader(
    label: &'static str,
    key: SortKey,
    sort: Signal<SortKey>,
    dir: Signal<SortDir>,
    on_sort: Callback<SortKey>,
) -> impl IntoView {
    let arrow = move || match (sort.get() == key, dir.get()) {
        (false, _) => "",
        (true, SortDir::Asc) => " ▲",
        (true, SortDir::Desc) => " ▼",
    };
    let aria_sort = move || match (sort.get() == key, dir.get()) {
        (false, _) => "none",
        (true, SortDir::Asc) => "ascending",
        (true, SortDir::Desc) => "descending",
    };
    view! {
        <th aria-sort=aria_sort>
            <button class="sort" on:click=move |_| on_sort.run(key)>{label}{arrow}</button>
        </th>
    }
}

#[component]
fn TableRow(row: Row, state: ViewState) -> impl IntoView {
    let parts = SessionParts::new(&row, state);
    let application = application_label(&row.session.application);
    view! {
        <tr class:current=parts.is_current class:ended=parts.is_ended data-session-id=row.id().to_owned()>
            <td class="select">{parts.checkbox}</td>
            <td class="user">{parts.user}</td>
            <td class="application">{application}</td>
            <td>{parts.status}</td>
            <td>{parts.ip}</td>
            <td>{parts.country}</td>
            <td>{parts.device}</td>
            <td>{parts.activity}</td>
            <td class="actions"><div class="row-actions">{parts.kill}{parts.menu}</div></td>
        </tr>
    }
}

#[component]
pub fn SessionCards(rows: RwSignal<Vec<Row>>, state: ViewState) -> impl IntoView {
    view! {
        <ul class="session-cards">
            <For each=move || rows.get() key=|row| row.id().to_owned() let:row>
                <SessionCard row state/>
            </For>
        </ul>
    }
}

/// Three short lines: who and the actions; where from; when.
#[component]
fn SessionCard(row: Row, state: ViewState) -> impl IntoView {
    let parts = SessionParts::new(&row, state);
    let application = application_label(&row.session.application);
    view! {
        <li class="session-card" class:current=parts.is_current class:ended=parts.is_ended data-session-id=row.id().to_owned()>
            <div class="card-line card-head">
                {parts.checkbox}
                <div class="card-user">{parts.user}</div>
                <div class="row-actions">{parts.kill}{parts.menu}</div>
            </div>
            <div class="card-line card-where">
                <span class="card-app">{application}</span>
                {parts.status}
                {parts.device}
                {parts.country}
                {parts.ip}
            </div>
            <div class="card-line card-when">{parts.activity}</div>
        </li>
    }
}
