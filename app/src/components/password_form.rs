//! "Change password" on My sessions. A new password signs out the person's other
//! sessions unless they untick the box; the current one stays. The two new fields are
//! compared here before sending, and again by the server.
//!
//! Before the WASM has loaded the form posts to the server function itself; an error
//! comes back in the URL and shows in the form, which is then open.

use crate::components::flash::Flash;
use crate::components::form_feedback::form_error;
use crate::console_api::{change_password, ChangePassword, PASSWORDS_DIFFER};
use leptos::prelude::*;
use server_fn::ServerFn;

/// The success message, the same with and without the WASM.
pub fn password_changed(ended: u32) -> String {
    let others = match ended {
        0 => "No other session was signed out.".to_owned(),
        1 => "1 other session was signed out.".to_owned(),
        n => format!("{n} other sessions were signed out."),
    };
    format!("Password changed. {others}")
}

#[component]
pub fn PasswordForm(flash: RwSignal<Option<Flash>>, on_changed: Callback<()>) -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let sign_out_others = RwSignal::new(true);
    let problem = RwSignal::new(form_error(ChangePassword::PATH).map(|err| err.to_string()));
    let open = problem.get_untracked().is_some();
    let busy = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if new.get_untracked() != repeat.get_untracked() {
            problem.set(Some(PASSWORDS_DIFFER.into()));
            return;
        }
        problem.set(None);
        busy.set(true);
        let (current_text, new_text, repeat_text) = (
            current.get_untracked(),
            new.get_untracked(),
            repeat.get_untracked(),
        );
        leptos::task::spawn_local(async move {
            match change_password(
                current_text,
                new_text,
                repeat_text,
                sign_out_others.get_untracked(),
            )
            .await
            {
                Ok(ended) => {
                    flash.set(Some(Flash::Success(password_changed(ended))));
                    for field in [current, new, repeat] {
                        field.set(String::new());
                    }
                    on_changed.run(());
                }
                Err(err) => problem.set(Some(Flash::from_error(&err).text())),
            }
            busy.set(false);
        });
    };
    view! {
        <details class="password-section" open=open>
            <summary>"Change password"</summary>
            <form class="password-form" method="post" action=ChangePassword::PATH on:submit=submit>
                {move || problem.get().map(|text| view! { <p class="flash failure" role="alert">{text}</p> })}
                <label for="current-password">"Current password"</label>
                <input id="current-password" name="current" type="password" autocomplete="current-password" required=true
                    prop:value=move || current.get() on:input=move |e| current.set(event_target_value(&e))/>
                <label for="new-password">"New password"</label>
                <input id="new-password" name="new" type="password" autocomplete="new-password" required=true minlength="8"
                    prop:value=move || new.get() on:input=move |e| new.set(event_target_value(&e))/>
                <label for="repeat-password">"Repeat new password"</label>
                <input id="repeat-password" name="repeat" type="password" autocomplete="new-password" required=true
                    prop:value=move || repeat.get() on:input=move |e| repeat.set(event_target_value(&e))/>
                <label class="checkbox">
                    <input type="checkbox" name="sign_out_others" value="true" checked=true
                        prop:checked=move || sign_out_others.get()
                        on:change=move |e| sign_out_others.set(event_target_checked(&e))/>
                    "Sign out my other sessions"
                </label>
                <button class="button primary" type="submit" disabled=move || busy.get()>"Change password"</button>
            </form>
        </details>
    }
}
