//! The admin console's two views of the same sessions: a table on wide screens and
//! cards at 640 px and below (CSS picks one; both carry the same data and actions).

use crate::components::session_parts::SessionParts;
use crate::console_api::UserTarget;
use crate::format::{country, country_title, utc};
use leptos::prelude::*;
use sessions_core::model::{Session, SortDir, SortKey};
use std::collections::HashSet;

/// State shared by both views.
#[derive(Clone, Copy)]
pub struct ViewState {
    pub now: Signal<i64>,
    pub current: Signal<Option<String>>,
    pub selected: RwSignal<HashSet<String>>,
    pub revealed: RwSignal<HashSet<String>>,
    /// (session id, skip the confirmation)
    pub on_kill: Callback<(String, bool)>,
    /// (whose sessions, user name, skip the confirmation)
    pub on_kill_user: Callback<(UserTarget, String, bool)>,
}

#[component]
pub fn SessionTable(
    sessions: Vec<Session>,
    state: ViewState,
    sort: RwSignal<SortKey>,
    dir: RwSignal<SortDir>,
) -> impl IntoView {
    let ids: Vec<String> = sessions.iter().map(|s| s.id.clone()).collect();
    let all_selected = {
        let ids = ids.clone();
        Signal::derive(move || !ids.is_empty() && state.selected.with(|selected| ids.iter().all(|id| selected.contains(id))))
    };
    let toggle_all = move |_| {
        let select = !all_selected.get_untracked();
        state.selected.update(|selected| {
            for id in &ids {
                if select { selected.insert(id.clone()); } else { selected.remove(id); }
            }
        });
    };
    let rows = sessions.into_iter().map(|session| view! { <SessionRow session state/> }).collect_view();
    view! {
        <div class="table-wrap">
            <table class="sessions-table">
                <thead>
                    <tr>
                        <th class="select">
                            <input type="checkbox" aria-label="Select all" prop:checked=all_selected on:change=toggle_all/>
                        </th>
                        <SortHeader label="User" key=SortKey::User sort dir/>
                        <SortHeader label="Application" key=SortKey::Application sort dir/>
                        <th>"Status"</th>
                        <th>"Role"</th>
                        <SortHeader label="IP" key=SortKey::Ip sort dir/>
                        <th>"Country"</th>
                        <th>"Device"</th>
                        <SortHeader label="Signed in" key=SortKey::Created sort dir/>
                        <SortHeader label="Last seen" key=SortKey::LastSeen sort dir/>
                        <SortHeader label="Expires" key=SortKey::Expires sort dir/>
                        <th class="actions"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn SortHeader(label: &'static str, key: SortKey, sort: RwSignal<SortKey>, dir: RwSignal<SortDir>) -> impl IntoView {
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
    let on_click = move |_| {
        if sort.get_untracked() == key {
            dir.update(|dir| *dir = if *dir == SortDir::Asc { SortDir::Desc } else { SortDir::Asc });
        } else {
            sort.set(key);
            dir.set(if matches!(key, SortKey::User | SortKey::Application | SortKey::Ip) { SortDir::Asc } else { SortDir::Desc });
        }
    };
    view! {
        <th aria-sort=aria_sort>
            <button class="sort" on:click=on_click>{label}{arrow}</button>
        </th>
    }
}

#[component]
fn SessionRow(session: Session, state: ViewState) -> impl IntoView {
    let SessionParts { is_current, checkbox, user, status, ip, device, signed_in, last_seen, expires, kill, kill_user } =
        SessionParts::new(&session, state);
    let role = session.role.as_str();
    let (country_text, country_tip) =
        (country(session.country.as_deref()), country_title(session.country.as_deref()));
    let (created_title, seen_title, deadline_title) =
        (utc(session.created_at), utc(session.last_seen_at), utc(session.deadline()));
    let (id, application) = (session.id, session.application);
    view! {
        <tr class:current=is_current data-session-id=id>
            <td class="select">{checkbox}</td>
            <td>{user}</td>
            <td>{application}</td>
            <td>{status}</td>
            <td class="role">{role}</td>
            <td>{ip}</td>
            <td class="country" title=country_tip>{country_text}</td>
            <td>{device}</td>
            <td title=created_title>{signed_in}</td>
            <td title=seen_title>{last_seen}</td>
            <td title=deadline_title>{expires}</td>
            <td class="actions">{kill}{kill_user}</td>
        </tr>
    }
}

#[component]
pub fn SessionCards(sessions: Vec<Session>, state: ViewState) -> impl IntoView {
    let cards = sessions
        .into_iter()
        .map(|session| {
            let parts = SessionParts::new(&session, state);
            view! {
                <li class="session-card" class:current=parts.is_current data-session-id=session.id.clone()>
                    <div class="card-head">
                        {parts.checkbox}
                        <div class="card-user">{parts.user}<span class="card-app">{session.application.clone()}</span></div>
                        {parts.status}
                    </div>
                    <dl class="card-facts">
                        <dt>"Role"</dt><dd class="role">{session.role.as_str()}</dd>
                        <dt>"IP"</dt><dd>{parts.ip}</dd>
                        <dt>"Country"</dt>
                        <dd class="country" title=country_title(session.country.as_deref())>{country(session.country.as_deref())}</dd>
                        <dt>"Device"</dt><dd>{parts.device}</dd>
                        <dt>"Last seen"</dt><dd>{parts.last_seen}</dd>
                        <dt>"Expires"</dt><dd>{parts.expires}</dd>
                    </dl>
                    <div class="card-actions">{parts.kill_user}{parts.kill}</div>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="session-cards">{cards}</ul> }
}
