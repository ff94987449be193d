//! `/account/sessions`: the signed-in person's own devices, live.

use crate::api::{my_sessions, sign_out_others, sign_out_sessions, whoami};
use crate::browser::after;
use crate::components::confirm::{skips_confirmation, ActionGuard, ConfirmDialog, Confirmation};
use crate::components::flash::{Flash, FlashMessage};
use crate::components::icons::{BrowserIcon, DeviceIcon, OsIcon};
use crate::components::password_form::PasswordForm;
use crate::format::{agent_summary, ago, sessions_count, time_left, utc};
use crate::live::connect;
use crate::pages::{ticking_now, TopBar};
use leptos::prelude::*;
use sessions_core::model::{ListQuery, Session, MAX_PAGE_SIZE};

#[component]
pub fn MySessionsPage() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let flash = RwSignal::new(None::<Flash>);
    let pending = RwSignal::new(None::<Confirmation>);
    let me = Resource::new(|| (), |_| whoami());
    let sessions = Resource::new(
        move || version.get(),
        |_| my_sessions(ListQuery { limit: MAX_PAGE_SIZE, ..ListQuery::default() }),
    );
    let now = ticking_now(Signal::derive(move || {
        sessions.get().and_then(|page| page.ok()).map(|page| page.now).unwrap_or_default()
    }));
    Effect::new(move |_| {
        let handle = connect(move |_| after(250, move || version.update(|v| *v += 1)));
        on_cleanup(move || handle.stop());
    });

    let guard = ActionGuard { pending, flash, done: Callback::new(move |()| version.update(|v| *v += 1)) };
    let detail = || "That device will have to sign in again.".to_owned();
    let signed_out = |count: u32| format!("Signed out {}.", sessions_count(count));
    let on_sign_out = Callback::new(move |(id, skip): (String, bool)| {
        guard.ask(skip, "Sign out this session?".into(), detail(), move || {
            let ids = vec![id.clone()];
            async move { sign_out_sessions(ids).await.map(signed_out) }
        });
    });
    let sign_out_everywhere = move |event: leptos::ev::MouseEvent| {
        guard.ask(skips_confirmation(&event), "Sign out all other sessions?".into(), detail(), move || async move {
            sign_out_others().await.map(signed_out)
        });
    };

    let current = Signal::derive(move || me.get().and_then(|me| me.ok()).map(|me| me.session_id));

    view! {
        <TopBar me/>
        <main class="account">
            <FlashMessage flash/>
            <div class="page-head">
                <div>
                    <h1>"My sessions"</h1>
                    <p class="subtitle">"The devices signed in to your account"</p>
                </div>
                <button class="button danger" on:click=sign_out_everywhere>
                    "Sign out all other sessions"
                </button>
            </div>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    // Awaited here so the first render (server and hydration) knows "you".
                    let _ = me.await;
                    match sessions.await {
                        Ok(page) => page
                            .sessions
                            .into_iter()
                            .map(|session| view! { <DeviceCard session now current on_sign_out/> })
                            .collect_view()
                            .into_any(),
                        Err(err) => {
                            let text = err.to_string();
                            let _ = Flash::from_error(&err);
                            view! { <div class="flash failure" role="alert">{text}</div> }.into_any()
                        }
                    }
                })}
            </Transition>
            <PasswordForm flash on_changed=Callback::new(move |()| version.update(|v| *v += 1))/>
            <ConfirmDialog pending/>
        </main>
    }
}

#[component]
fn DeviceCard(
    session: Session,
    now: Signal<i64>,
    current: Signal<Option<String>>,
    on_sign_out: Callback<(String, bool)>,
) -> impl IntoView {
    let id = session.id.clone();
    let is_current = {
        let id = id.clone();
        Signal::derive(move || current.get().as_deref() == Some(id.as_str()))
    };
    let row_id = id.clone();
    let (created, last_seen, deadline) = (session.created_at, session.last_seen_at, session.deadline());
    view! {
        <article class="device-card" class:current=is_current data-session-id=row_id>
            <div class="device-icons">
                <DeviceIcon device=session.agent.device/>
                <BrowserIcon name=session.agent.browser.clone()/>
                <OsIcon name=session.agent.os.clone()/>
            </div>
            <div class="device-main">
                <h2>{agent_summary(&session)}</h2>
                <p>
                    <span class="ip">{session.last_ip.clone()}</span>
                    " · " {session.application.clone()}
                    " · signed in " <span title=utc(created)>{move || ago(created, now.get())}</span>
                    " · last seen " <span>{move || ago(last_seen, now.get())}</span>
                    " · ends in " <span class="countdown">{move || time_left(deadline, now.get())}</span>
                </p>
            </div>
            <div class="device-action">
                {move || if is_current.get() {
                    view! { <span class="badge this-device">"This device"</span> }.into_any()
                } else {
                    let id = id.clone();
                    view! {
                        <button class="button small" on:click=move |event| on_sign_out.run((id.clone(), skips_confirmation(&event)))>
                            "Sign out"
                        </button>
                    }.into_any()
                }}
            </div>
        </article>
    }
}
