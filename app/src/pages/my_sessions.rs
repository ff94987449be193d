//! `/account/sessions`: the signed-in person's own devices, live.

use crate::any_view::IntoViewAny;
use crate::browser::after;
use crate::components::confirm::{skips_confirmation, ActionGuard, ConfirmDialog, Confirmation};
use crate::components::confirm_password_form::ConfirmPasswordForm;
use crate::components::flag_note::new_sign_in_text;
use crate::components::flash::{Flash, FlashMessage};
use crate::components::form_feedback::{form_done, form_error};
use crate::components::icons::{BrowserIcon, DeviceIcon, OsIcon};
use crate::components::password_form::{password_changed, PasswordForm};
use crate::error::AppError;
use crate::format::{agent_summary, ago, sessions_count, time_left, utc};
use crate::live::connect;
use crate::pages::{page_title, ticking_now, PageHeading, TopBar};
use crate::sessions_api::{
    my_sessions, sign_out_others, sign_out_sessions, whoami, ConfirmPassword, SignOutOthers,
    SignOutSessions, PASSWORD_CHANGED, PASSWORD_CONFIRMED, SIGNED_OUT,
};
use leptos::prelude::*;
use leptos_meta::Title;
use server_fn::ServerFn;
use sessions_core::model::{ListQuery, Session, MAX_PAGE_SIZE};

/// An application's name as an end user knows it: the console itself is "Sessions
/// console"; any other application goes by its own name.
pub fn application_label(application: &str) -> String {
    // `sessions_core::engine::CONSOLE_APP`, which is not in the browser's build.
    if application == "console" {
        "Sessions console".to_owned()
    } else {
        application.to_owned()
    }
}

/// The error a plain sign-out post (or a password confirmation) came back with.
fn form_post_error() -> Option<AppError> {
    form_error(SignOutSessions::PATH)
        .or_else(|| form_error(SignOutOthers::PATH))
        .or_else(|| form_error(ConfirmPassword::PATH))
}

/// Whether a plain form post came back asking for the password, or with a wrong one.
fn password_asked_by_form_post() -> bool {
    matches!(form_post_error(), Some(AppError::PasswordRequired(_)))
        || form_error(ConfirmPassword::PATH).is_some()
}

/// What the page says first when a plain form post (no WASM yet) brought it here.
fn flash_from_form_post() -> Option<Flash> {
    if let Some(err) = form_post_error() {
        return Some(Flash::Failure(err.to_string()));
    }
    match form_done()? {
        (what, _) if what == PASSWORD_CONFIRMED => Some(Flash::Success(
            "Password confirmed. Send the sign-out again: for the next 5 minutes it needs no password."
                .into(),
        )),
        (what, count) if what == SIGNED_OUT => Some(Flash::Success(format!(
            "Signed out {}.",
            sessions_count(count)
        ))),
        (what, count) if what == PASSWORD_CHANGED => Some(Flash::Success(password_changed(count))),
        _ => None,
    }
}

#[component]
pub fn MySessionsPage() -> impl IntoView {
    let version = RwSignal::new(0_u32);
    let flash = RwSignal::new(flash_from_form_post());
    let asks_password = password_asked_by_form_post();
    let pending = RwSignal::new(None::<Confirmation>);
    let me = Resource::new(|| (), |_| whoami());
    let sessions = Resource::new(
        move || version.get(),
        |_| {
            my_sessions(ListQuery {
                limit: MAX_PAGE_SIZE,
                ..ListQuery::default()
            })
        },
    );
    let now = ticking_now(Signal::derive(move || {
        sessions
            .get()
            .and_then(|page| page.ok())
            .map(|page| page.now)
            .unwrap_or_default()
    }));
    Effect::new(move |_| {
        let handle = connect(move |_| after(250, move || version.update(|v| *v += 1)));
        on_cleanup(move || handle.stop());
    });

    let guard = ActionGuard {
        pending,
        flash,
        done: Callback::new(move |()| version.update(|v| *v += 1)),
    };
    let detail = || "That device will have to sign in again.".to_owned();
    let signed_out = |count: u32| format!("Signed out {}.", sessions_count(count));
    let on_sign_out = Callback::new(move |(id, skip): (String, bool)| {
        guard.ask_with_password(
            skip,
            "Sign out this session?".into(),
            detail(),
            move |password| {
                let ids = vec![id.clone()];
                async move { sign_out_sessions(ids, password).await.map(signed_out) }
            },
        );
    });
    let sign_out_everywhere = move |event: leptos::ev::MouseEvent| {
        // The form is for pages without their WASM; here the dialog asks first.
        event.prevent_default();
        guard.ask_with_password(
            skips_confirmation(&event),
            "Sign out all other sessions?".into(),
            detail(),
            move |password| async move { sign_out_others(password).await.map(signed_out) },
        );
    };

    let current = Signal::derive(move || me.get().and_then(|me| me.ok()).map(|me| me.session_id));

    view! {
        <Title text=page_title("My sessions")/>
        <TopBar me/>
        <main class="account" id="main" tabindex="-1">
            <FlashMessage flash/>
            {asks_password.then(|| view! { <ConfirmPasswordForm/> })}
            <PageHeading heading="My sessions" subtitle="The devices signed in to your account">
                <form method="post" action=SignOutOthers::PATH>
                    <button class="button danger" type="submit" on:click=sign_out_everywhere>
                        "Sign out all other sessions"
                    </button>
                </form>
            </PageHeading>
            <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    // Awaited here so the first render (server and hydration) knows "you".
                    let me = me.await.ok();
                    match sessions.await {
                        Ok(page) => this_device_first(page.sessions, me.map(|me| me.session_id).as_deref())
                            .into_iter()
                            .map(|session| view! { <DeviceCard session now current on_sign_out/> })
                            .collect_view()
                            .into_view_any(),
                        Err(err) => {
                            let text = err.to_string();
                            let _ = Flash::from_error(&err);
                            view! { <div class="flash failure" role="alert">{text}</div> }.into_view_any()
                        }
                    }
                })}
            </Transition>
            <PasswordForm flash on_changed=Callback::new(move |()| version.update(|v| *v += 1))/>
            <ConfirmDialog pending/>
        </main>
    }
}

/// The current session first, the others in the order the server sent them.
fn this_device_first(mut sessions: Vec<Session>, current: Option<&str>) -> Vec<Session> {
    sessions.sort_by_key(|session| Some(session.id.as_str()) != current);
    sessions
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
    let (created, last_seen, deadline) =
        (session.created_at, session.last_seen_at, session.deadline());
    let flagged = session.is_suspicious();
    let warning = new_sign_in_text(&session);
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
                    " · " {application_label(&session.application)}
                    " · signed in " <span title=utc(created)>{move || ago(created, now.get())}</span>
                    " · last seen " <span>{move || ago(last_seen, now.get())}</span>
                    " · ends in " <span class="countdown">{move || time_left(deadline, now.get())}</span>
                </p>
                // Not on this device: the person is using it, so it is them.
                <Show when=move || flagged && !is_current.get()>
                    <p class="flag-warning">{warning.clone()}" — not you? Sign it out."</p>
                </Show>
            </div>
            <div class="device-action">
                {move || if is_current.get() {
                    view! { <span class="badge this-device">"This device"</span> }.into_view_any()
                } else {
                    let id = id.clone();
                    // A form for pages without their WASM; with it, the dialog asks first.
                    view! {
                        <form method="post" action=SignOutSessions::PATH>
                            <input type="hidden" name="ids[0]" value=id.clone()/>
                            <button class="button small" type="submit" on:click=move |event| {
                                event.prevent_default();
                                on_sign_out.run((id.clone(), skips_confirmation(&event)))
                            }>
                                "Sign out"
                            </button>
                        </form>
                    }.into_view_any()
                }}
            </div>
        </article>
    }
}
