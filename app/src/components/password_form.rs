//! "Change password" on My sessions. A new password signs out the person's other
//! sessions unless they untick the box; the current one stays. The two new fields are
//! compared here before sending, and again by the server.

use crate::components::flash::Flash;
use crate::console_api::{change_password, PASSWORDS_DIFFER};
use leptos::prelude::*;

#[component]
pub fn PasswordForm(flash: RwSignal<Option<Flash>>, on_changed: Callback<()>) -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let sign_out_others = RwSignal::new(true);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if new.get_untracked() != repeat.get_untracked() {
            problem.set(Some(PASSWORDS_DIFFER.into()));
            return;
        }
        problem.set(None);
        busy.set(true);
        let (current_text, new_text, repeat_text) = (current.get_untracked(), new.get_untracked(), repeat.get_untracked());
        leptos::task::spawn_local(async move {
            match change_password(current_text, new_text, repeat_text, sign_out_others.get_untracked()).await {
                Ok(ended) => {
                    let others = match ended {
                        0 => "No other session was signed out.".to_owned(),
                        1 => "1 other session was signed out.".to_owned(),
                        n => format!("{n} other sessions were signed out."),
                    };
                    flash.set(Some(Flash::Success(format!("Password changed. {others}"))));
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
        <details class="password-section">
            <summary>"Change password"</summary>
            <form class="password-form" on:submit=submit>
                {move || problem.get().map(|text| view! { <p class="flash failure" role="alert">{text}</p> })}
                <label for="current-password">"Current password"</label>
                <input id="current-password" type="password" autocomplete="current-password" required=true
                    prop:value=move || current.get() on:input=move |e| current.set(event_target_value(&e))/>
                <label for="new-password">"New password"</label>
                <input id="new-password" type="password" autocomplete="new-password" required=true minlength="8"
                    prop:value=move || new.get() on:input=move |e| new.set(event_target_value(&e))/>
                <label for="repeat-password">"Repeat new password"</label>
                <input id="repeat-password" type="password" autocomplete="new-password" required=true
                    prop:value=move || repeat.get() on:input=move |e| repeat.set(event_target_value(&e))/>
                <label class="checkbox">
                    <input type="checkbox" prop:checked=move || sign_out_others.get()
                        on:change=move |e| sign_out_others.set(event_target_checked(&e))/>
                    "Sign out my other sessions"
                </label>
                <button class="button primary" type="submit" disabled=move || busy.get()>"Change password"</button>
            </form>
        </details>
    }
}
