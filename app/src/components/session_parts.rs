//! The cells of one session in the admin console, built once and laid out by the table
//! or a card (see `session_views`).

use crate::components::confirm::skips_confirmation;
use crate::components::icons::{BrowserIcon, DeviceIcon, OsIcon};
use crate::components::session_views::ViewState;
use crate::console_api::UserTarget;
use crate::format::{agent_summary, ago, display_user, mask_ip, time_left};
use leptos::prelude::*;
use sessions_core::model::Session;

/// The cells of one session, built once and laid out by the table or a card.
pub struct SessionParts {
    pub is_current: Signal<bool>,
    pub checkbox: AnyView,
    pub user: AnyView,
    pub status: AnyView,
    pub ip: AnyView,
    pub device: AnyView,
    pub signed_in: AnyView,
    pub last_seen: AnyView,
    pub expires: AnyView,
    pub kill: AnyView,
    pub kill_user: Option<AnyView>,
}

impl SessionParts {
    pub fn new(session: &Session, state: ViewState) -> SessionParts {
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
        // Only sessions of a user have "all of this user"; guests have no one to end.
        let kill_user = UserTarget::of(session).zip(session.username.clone()).map(|(target, name)| {
            view! {
                <button
                    class="button small kill-user"
                    title=format!("Kill all sessions of {name}")
                    on:click=move |event| state.on_kill_user.run((target.clone(), name.clone(), skips_confirmation(&event)))
                >
                    <KillUserIcon/>
                    // Hidden in the table (the icon and title stand for it), shown on cards.
                    <span class="kill-user-label">"Kill all sessions of this user"</span>
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

/// A person with a cross: "end everything of this user".
#[component]
fn KillUserIcon() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 20 20" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round">
            <circle cx="8" cy="6.5" r="3.2"/>
            <path d="M2 17.5c.6-3.3 3-5.2 6-5.2 1.3 0 2.5.3 3.4 1"/>
            <path d="M13.5 12.5l4.5 4.5M18 12.5l-4.5 4.5"/>
        </svg>
    }
}
