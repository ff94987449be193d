//! `/login`: username and password. Works without JavaScript (plain form post).

use crate::sessions_api::SignIn;
use leptos::html;
use leptos::prelude::*;
use leptos::server::SharedValue;
use leptos::server_fn::ServerFn;
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
    // What `<ActionForm>` does, read from the three fields directly: ActionForm decodes
    // the whole form with serde_qs, which alone was ~40 KB of this page's wasm (twiggy,
    // `FromFormData::from_event`). Without the WASM the form posts as before.
    let (nonce_input, username_input, password_input) = (
        NodeRef::<html::Input>::new(),
        NodeRef::<html::Input>::new(),
        NodeRef::<html::Input>::new(),
    );
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        if event.default_prevented() {
            return;
        }
        event.prevent_default();
        let value = |input: NodeRef<html::Input>| {
            input
                .get_untracked()
                .map(|input| input.value())
                .unwrap_or_default()
        };
        sign_in.dispatch(SignIn {
            username: value(username_input),
            password: value(password_input),
            nonce: value(nonce_input),
        });
    };
    view! {
        <Title text=crate::pages::page_title("Sign in")/>
        <main class="login-page" id="main">
            <div class="login-card">
                <h1>"Sessions"</h1>
                <p class="subtitle">"Sign in to manage active sessions"</p>
                {move || ended().map(|text| view! { <div class="flash info" role="status">{text}</div> })}
                {move || error().map(|text| view! { <div class="flash failure" role="alert">{text}</div> })}
                <form method="post" action=SignIn::url() on:submit=on_submit>
                    <input type="hidden" name="nonce" value=nonce node_ref=nonce_input/>
                    <label for="username">"Username"</label>
                    <input id="username" name="username" type="text" autocomplete="username" required=true autofocus=true node_ref=username_input/>
                    <label for="password">"Password"</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required=true node_ref=password_input/>
                    <button class="button primary" type="submit" disabled=move || sign_in.pending().get()>
                        {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </form>
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
