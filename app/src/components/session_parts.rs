//! The cells of one console row, built once and laid out by the table or a card (see
//! `session_views`). The moving parts (last seen, address, countdown, "ended") read the
//! row's own signals, so a live event changes one cell, never the order of rows.

use crate::any_view::IntoViewAny;
use crate::components::confirm::skips_confirmation;
use crate::components::country_code::CountryCode;
use crate::components::flag_note::flag_note;
use crate::components::icons::{BrowserIcon, DeviceIcon, OsIcon};
use crate::components::ip_address::IpToggle;
use crate::components::live_list::{Row, Seen};
use crate::components::row_menu::{MenuItem, RowMenu};
use crate::console_api::UserTarget;
use crate::format::{agent_summary, ago, display_user, time_left, utc};
use leptos::prelude::*;
use sessions_core::model::{Session, SessionStatus};
use std::collections::HashSet;
use std::sync::Arc;

/// State shared by every row of the console.
#[derive(Clone, Copy)]
pub struct ViewState {
    pub now: Signal<i64>,
    pub current: Signal<Option<String>>,
    pub selected: RwSignal<HashSet<String>>,
    pub revealed: RwSignal<HashSet<String>>,
    /// (the session, skip the confirmation)
    pub on_kill: Callback<(Arc<Session>, bool)>,
    /// (whose sessions, user name, skip the confirmation)
    pub on_kill_user: Callback<(UserTarget, String, bool)>,
    /// How many row menus are open (the list holds still while any is).
    pub open_menus: RwSignal<u32>,
}

/// "Elsa Lindqvist, helpdesk": whose session a row is, for names of its buttons.
pub fn row_name(session: &Session) -> String {
    format!(
        "{}, {}",
        display_user(session),
        application_label(&session.application)
    )
}

/// The console's own sessions are "console" in the store; people read "Sessions console".
pub fn application_label(application: &str) -> String {
    if application == sessions_core::model::CONSOLE_APP {
        "Sessions console".into()
    } else {
        application.to_owned()
    }
}

pub struct SessionParts {
    pub is_current: Signal<bool>,
    pub is_ended: Signal<bool>,
    pub checkbox: AnyView,
    pub user: AnyView,
    pub status: AnyView,
    pub ip: AnyView,
    pub country: AnyView,
    pub device: AnyView,
    pub activity: AnyView,
    pub kill: AnyView,
    pub menu: AnyView,
}

impl SessionParts {
    pub fn new(row: &Row, state: ViewState) -> SessionParts {
        let session = row.session.clone();
        let id = session.id.clone();
        let is_current = {
            let id = id.clone();
            Signal::derive(move || state.current.get().as_deref() == Some(id.as_str()))
        };
        let ended = row.ended.clone();
        let is_ended = Signal::derive(move || ended.get().is_some());
        let name = row_name(&session);
        SessionParts {
            is_current,
            is_ended,
            checkbox: checkbox(&id, &name, state),
            user: user_cell(&session, is_current, row.seen.clone()),
            status: status_badge(session.status),
            ip: ip_button(row, state),
            country: view! { <CountryCode code=session.country.clone()/> }.into_view_any(),
            device: device_cell(&session),
            activity: activity_cell(row, state),
            kill: kill_button(row, &name, state),
            menu: row_menu(&session, &name, state),
        }
    }
}

fn checkbox(id: &str, name: &str, state: ViewState) -> AnyView {
    let (id_checked, id_toggle) = (id.to_owned(), id.to_owned());
    view! {
        <input
            type="checkbox"
            class="row-check"
            form=KILL_MANY_FORM
            name="id"
            value=id.to_owned()
            aria-label=format!("Select session of {name}")
            prop:checked=move || state.selected.with(|selected| selected.contains(&id_checked))
            on:change=move |_| state.selected.update(|selected| {
                if !selected.remove(&id_toggle) { selected.insert(id_toggle.clone()); }
            })
        />
    }
    .into_view_any()
}

/// The flags come from the moving parts: a live session's move can flag it.
fn user_cell(session: &Session, is_current: Signal<bool>, seen: ArcRwSignal<Seen>) -> AnyView {
    view! {
        <div class="user-cell">
            <span class="user-name">{display_user(session)}</span>
            <Show when=move || is_current.get()>
                <span class="current-mark" title="The session you are using now">"✓ You"</span>
            </Show>
            <span class="user-meta">
                <span class="role">{session.role.as_str()}</span>
                " · "
                <span class="session-id" title=session.id.clone()>{session.short_id().to_owned()}</span>
            </span>
            {move || seen.with(|seen| flag_note(&seen.flags))}
        </div>
    }
    .into_view_any()
}

fn status_badge(status: SessionStatus) -> AnyView {
    view! { <span class=format!("badge status-{}", status.as_str())>{status.label()}</span> }
        .into_view_any()
}

fn ip_button(row: &Row, state: ViewState) -> AnyView {
    let seen = row.seen.clone();
    let (id_shown, id_toggle) = (row.id().to_owned(), row.id().to_owned());
    let shown =
        Signal::derive(move || state.revealed.with(|revealed| revealed.contains(&id_shown)));
    let toggle = Callback::new(move |()| {
        state.revealed.update(|revealed| {
            if !revealed.remove(&id_toggle) {
                revealed.insert(id_toggle.clone());
            }
        })
    });
    let ip = Signal::derive(move || seen.with(|seen| seen.last_ip.clone()));
    view! { <IpToggle ip shown toggle/> }.into_view_any()
}

fn device_cell(session: &Session) -> AnyView {
    let summary = format!(
        "{} · {}",
        agent_summary(session),
        session.agent.device.as_str()
    );
    let title = summary.clone();
    view! {
        <span class="device-cell" title=title>
            <BrowserIcon name=session.agent.browser.clone()/>
            <OsIcon name=session.agent.os.clone()/>
            <DeviceIcon device=session.agent.device/>
            <span class="sr-only">{summary}</span>
        </span>
    }
    .into_view_any()
}

/// Last seen and time left on two short lines; the exact times in the tooltip.
fn activity_cell(row: &Row, state: ViewState) -> AnyView {
    let now = state.now;
    let (created, expires_at) = (row.session.created_at, row.session.expires_at);
    let seen = row.seen.clone();
    let last_seen = {
        let seen = seen.clone();
        move || seen.with(|seen| seen.last_seen_at)
    };
    let deadline = move || seen.with(|seen| seen.idle_deadline.min(expires_at));
    let title = {
        let (last_seen, deadline) = (last_seen.clone(), deadline.clone());
        move || {
            format!(
                "Signed in {}\nLast seen {}\nEnds {}",
                utc(created),
                utc(last_seen()),
                utc(deadline())
            )
        }
    };
    let soon = {
        let deadline = deadline.clone();
        move || deadline() - now.get() < 5 * 60_000
    };
    view! {
        <div class="activity" title=title>
            <span class="last-seen">{move || format!("seen {}", ago(last_seen(), now.get()))}</span>
            <span class="countdown" class:soon=soon>
                {move || format!("ends in {}", time_left(deadline(), now.get()))}
            </span>
        </div>
    }
    .into_view_any()
}

/// The page that asks to confirm a Kill without the WASM (`pages::kill_confirm`).
pub const KILL_PAGE: &str = "/admin/sessions/kill";

/// The console toolbar's form (Kill selected, Kill all) to the confirm page; the rows'
/// checkboxes belong to it, so the selection reaches the page without the WASM.
pub const KILL_MANY_FORM: &str = "kill-many";

/// Kill is a form that opens the confirm page, so it works before the WASM has loaded;
/// with the WASM, the click opens the dialog instead.
fn kill_button(row: &Row, name: &str, state: ViewState) -> AnyView {
    let session = row.session.clone();
    let id = session.id.clone();
    let (ended, ended_label) = (row.ended.clone(), row.ended.clone());
    view! {
        <form class="kill-form" method="get" action=KILL_PAGE>
            <input type="hidden" name="id" value=id/>
            <button
                class="button danger small kill"
                type="submit"
                aria-label=format!("Kill session of {name}")
                disabled=move || ended.get().is_some()
                on:click=move |event| {
                    event.prevent_default();
                    state.on_kill.run((session.clone(), skips_confirmation(&event)))
                }
            >
                {move || if ended_label.get().is_some() { "Ended" } else { "Kill" }}
            </button>
        </form>
    }
    .into_view_any()
}

/// Guests have no user to end everything of: their menu has nothing and is left out,
/// with a spacer so Kill stays aligned.
fn row_menu(session: &Session, name: &str, state: ViewState) -> AnyView {
    let Some((target, user)) = UserTarget::of(session).zip(session.username.clone()) else {
        // The same box as "⋯", unseen, so the spacer can never drift from its width.
        return view! { <span class="button small icon-button menu-spacer" aria-hidden="true">"⋯"</span> }.into_view_any();
    };
    let label = format!("Kill all sessions of {user}");
    let on_choose = Callback::new(move |event: leptos::ev::MouseEvent| {
        state
            .on_kill_user
            .run((target.clone(), user.clone(), skips_confirmation(&event)))
    });
    view! {
        <RowMenu
            label=format!("More actions for the session of {name}")
            items=vec![MenuItem { label, on_choose }]
            open_menus=state.open_menus
        />
    }
    .into_view_any()
}
