//! The admin console's two views of the same sessions: a table on wide screens and
//! cards at 640 px and below (CSS picks one; both carry the same data and actions).

use crate::components::confirm::skips_confirmation;
use crate::components::icons::{BrowserIcon, DeviceIcon, OsIcon};
use crate::format::{agent_summary, ago, country, display_user, mask_ip, time_left, utc};
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
    /// (user id, user name, skip the confirmation)
    pub on_kill_user: Callback<(i64, String, bool)>,
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
    let (role, country_text) = (session.role.as_str(), country(session.country.as_deref()));
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
            <td class="country">{country_text}</td>
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
                        <dt>"Country"</dt><dd class="country">{country(session.country.as_deref())}</dd>
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

/// The cells of one session, built once and laid out by the table or a card.
struct SessionParts {
    is_current: Signal<bool>,
    checkbox: AnyView,
    user: AnyView,
    status: AnyView,
    ip: AnyView,
    device: AnyView,
    signed_in: AnyView,
    last_seen: AnyView,
    expires: AnyView,
    kill: AnyView,
    kill_user: Option<AnyView>,
}

impl SessionParts {
    fn new(session: &Session, state: ViewState) -> SessionParts {
        let id = session.id.clone();
        let is_current = {
            let id = id.clone();
            Signal::derive(move || state.current.get().as_deref() == Some(id.as_str()))
        };
        let user_name = display_user(session);
        let checkbox = {
            let (id_checked, id_toggle) = (id.clone(), id.clone());
            view! {
                <input
                    type="checkbox"
                    aria-label=format!("Select session {}", session.short_id())
                    prop:checked=move || state.selected.with(|selected| selected.contains(&id_checked))
                    on:change=move |_| state.selected.update(|selected| {
                        if !selected.remove(&id_toggle) { selected.insert(id_toggle.clone()); }
                    })
                />
            }
            .into_any()
        };
        let user = view! {
            <div class="user-cell">
                <span class="user-name">{user_name}</span>
                <span class="session-id" title=id.clone()>{session.short_id().to_owned()}</span>
                <Show when=move || is_current.get()>
                    <span class="current-mark" title="The session you are using now">"✓ You"</span>
                </Show>
            </div>
        }
        .into_any();
        let status = view! {
            <span class=format!("badge status-{}", session.status.as_str())>{session.status.label()}</span>
        }
        .into_any();
        let ip = {
            let (full, masked) = (session.last_ip.clone(), mask_ip(&session.last_ip));
            let (id_shown, id_toggle) = (id.clone(), id.clone());
            let shown = Signal::derive(move || state.revealed.with(|revealed| revealed.contains(&id_shown)));
            view! {
                <button
                    class="ip-badge"
                    class:revealed=shown
                    title="Click to show or hide the address"
                    on:click=move |_| state.revealed.update(|revealed| {
                        if !revealed.remove(&id_toggle) { revealed.insert(id_toggle.clone()); }
                    })
                >
                    {move || if shown.get() { full.clone() } else { masked.clone() }}
                </button>
            }
            .into_any()
        };
        let device = view! {
            <span class="device-cell" title=session.user_agent.clone()>
                <BrowserIcon name=session.agent.browser.clone()/>
                <OsIcon name=session.agent.os.clone()/>
                <DeviceIcon device=session.agent.device/>
                <span class="agent-text">{agent_summary(session)}</span>
            </span>
        }
        .into_any();
        let now = state.now;
        let (created, last_seen, deadline) = (session.created_at, session.last_seen_at, session.deadline());
        let signed_in = view! { <span>{move || ago(created, now.get())}</span> }.into_any();
        let last_seen = view! { <span class="last-seen">{move || ago(last_seen, now.get())}</span> }.into_any();
        let expires = view! {
            <span class="countdown" class:soon=move || deadline - now.get() < 5 * 60_000>
                {move || time_left(deadline, now.get())}
            </span>
        }
        .into_any();
        let kill_user = session.user_id.zip(session.username.clone()).map(|(user_id, name)| {
            view! {
                <button
                    class="button small kill-user"
                    aria-label="Kill all sessions of this user"
                    title=format!("Kill all sessions of {name}")
                    on:click=move |event| state.on_kill_user.run((user_id, name.clone(), skips_confirmation(&event)))
                >
                    "All of user"
                </button>
            }
            .into_any()
        });
        let kill = view! {
            <button
                class="button danger small"
                on:click=move |event| state.on_kill.run((id.clone(), skips_confirmation(&event)))
            >
                "Kill"
            </button>
        }
        .into_any();
        SessionParts { is_current, checkbox, user, status, ip, device, signed_in, last_seen, expires, kill, kill_user }
    }
}
