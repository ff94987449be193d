pub mod admin_sessions;
pub mod applications;
pub mod history;
pub mod login;
pub mod my_sessions;
pub mod settings;

use leptos::prelude::*;

/// The clock the pages render relative times with: the server's time of the data
/// until the browser's own ticking clock takes over after hydration, so both sides
/// render the same first frame.
pub fn ticking_now(server_now: Signal<i64>) -> Signal<i64> {
    let browser_now = RwSignal::new(0_i64);
    Effect::new(move |_| {
        browser_now.set(crate::browser::now_ms());
        crate::browser::every(1_000, move || browser_now.set(crate::browser::now_ms()));
    });
    Signal::derive(move || match browser_now.get() {
        0 => server_now.get(),
        now => now,
    })
}

/// The bar on top of signed-in pages.
#[component]
pub fn TopBar(me: Resource<Result<crate::api::Me, crate::error::AppError>>) -> impl IntoView {
    let sign_out = ServerAction::<crate::api::SignOut>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = sign_out.value().get() {
            crate::browser::go_to("/login");
        }
    });
    view! {
        <header class="topbar">
            <a class="brand" href="/">"Sessions"</a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let me = me.await.ok();
                    let admin = me.as_ref().is_some_and(|me| me.role == sessions_core::model::Role::Admin);
                    let username = me.map(|me| me.username).unwrap_or_default();
                    view! {
                        <nav>
                            {admin.then(|| view! {
                                <a href="/admin/sessions">"All sessions"</a>
                                <a href="/admin/history">"History"</a>
                                <a href="/admin/settings">"Settings"</a>
                                <a href="/admin/applications">"Applications"</a>
                            })}
                            <a href="/account/sessions">"My sessions"</a>
                        </nav>
                        <div class="whoami">
                            <span class="username">{username}</span>
                            <ActionForm action=sign_out>
                                <button class="button small" type="submit">"Sign out"</button>
                            </ActionForm>
                        </div>
                    }
                })}
            </Suspense>
        </header>
    }
}
