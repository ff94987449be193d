//! "Enter your password" for a page without its WASM. Shown when a plain form post came
//! back because its action needs the password entered recently (or the password given
//! here was wrong). It confirms the password; the person then sends the action again,
//! which needs no password for the next few minutes. With the WASM, the confirm dialog
//! asks instead and sends the password along with the action.

use crate::sessions_api::ConfirmPassword;
use leptos::prelude::*;
use server_fn::ServerFn;

#[component]
pub fn ConfirmPasswordForm() -> impl IntoView {
    view! {
        <section class="password-section confirm-password" aria-labelledby="confirm-password-title">
            <h2 id="confirm-password-title">"Confirm it is you"</h2>
            <form class="password-form" method="post" action=ConfirmPassword::PATH>
                <label for="confirm-password">"Your password"</label>
                <input id="confirm-password" type="password" name="password"
                    autocomplete="current-password" required/>
                <button class="button primary" type="submit">"Confirm password"</button>
            </form>
        </section>
    }
}
