//! `/login`: username and password. Works without JavaScript (plain form post).

use crate::api::SignIn;
use leptos::prelude::*;
use leptos::server::SharedValue;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use sessions_core::model::EndReason;

#[component]
pub fn LoginPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let ended = move || {
        query.with(|query| {
            query
                .get("ended")
                .and_then(|reason| EndReason::parse(&reason))
                .map(EndReason::explanation)
        })
    };
    let error = move || {
        sign_in
            .value()
            .get()
            .and_then(|result| result.err())
            .map(|err| err.to_string())
    };
    Effect::new(move |_| {
        if let Some(Ok(target)) = sign_in.value().get() {
            crate::browser::go_to(&target);
        }
    });
    // One nonce per rendered form, made on the server and carried to the browser with the
    // page, so the form posted twice (double click, resent page) opens one session. A
    // page rendered in the browser alone sends none: its button is disabled while a
    // sign-in is pending.
    let nonce = SharedValue::new(form_nonce).into_inner();
    view! {
        <Title text=crate::pages::page_title("Sign in")/>
        <main class="login-page" id="main">
            <div class="login-card">
                <h1>"Sessions"</h1>
                <p class="subtitle">"Sign in to manage active sessions"</p>
                {move || ended().map(|text| view! { <div class="flash info" role="status">{text}</div> })}
                {move || error().map(|text| view! { <div class="flash failure" role="alert">{text}</div> })}
                <ActionForm action=sign_in>
                    <input type="hidden" name="nonce" value=nonce/>
                    <label for="username">"Username"</label>
                    <input id="username" name="username" type="text" autocomplete="username" required=true autofocus=true/>
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required=true/>
                    <button class="button primary" type="submit" disabled=move || sign_in.pending().get()>
                        {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
            </div>
        </main>
    }
}

#[cfg(feature = "ssr")]
fn form_nonce() -> String {
    sessions_core::engine::new_form_nonce()
}

#[cfg(not(feature = "ssr"))]
fn form_nonce() -> String {
    String::new()
}
