pub mod admin_sessions;
pub mod analytics;
pub mod applications;
pub mod history;
pub mod kill_confirm;
pub mod login;
pub mod my_sessions;
pub mod routes;
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

/// A page's `<title>`: "History · Sessions". Every page uses it (with leptos_meta's
/// `<Title text=page_title("…")/>`), so tabs and history entries read the same way.
pub fn page_title(page: &str) -> String {
    format!("{page} · Sessions")
}

/// A page's heading and the line under it, with room beside them for what acts on the
/// whole page (the console's live count, "Sign out all other sessions").
#[component]
pub fn PageHeading(
    heading: &'static str,
    subtitle: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="page-head">
            <div>
                <h1>{heading}</h1>
                <p class="subtitle">{subtitle}</p>
            </div>
            {children.map(|children| children())}
        </div>
    }
}

/// The navigation of signed-in pages: (path, label, admins only).
const NAV: [(&str, &str, bool); 6] = [
    ("/admin/sessions", "All sessions", true),
    ("/admin/history", "History", true),
    ("/admin/analytics", "Analytics", true),
    ("/admin/settings", "Settings", true),
    ("/admin/applications", "Applications", true),
    ("/account/sessions", "My sessions", false),
];

/// "Sign out" as a plain form post, with or without the WASM: the server ends the
/// session and answers with a redirect to /login, one navigation that also drops
/// everything the page held in memory.
#[component]
fn SignOutForm() -> impl IntoView {
    use leptos::server_fn::ServerFn;
    view! {
        <form method="post" action=crate::sessions_api::SignOut::url()>
            <button class="button small" type="submit">"Sign out"</button>
        </form>
    }
}

/// The router handles in-page links itself and would only scroll: move focus to the
/// content as the browser does for a plain `#main` link, so the next Tab starts there.
fn skip_to_content(event: leptos::ev::MouseEvent) {
    if let Some(main) = document().get_element_by_id("main") {
        use leptos::wasm_bindgen::JsCast;
        if let Ok(main) = main.dyn_into::<leptos::web_sys::HtmlElement>() {
            event.prevent_default();
            let _ = main.focus();
        }
    }
}

/// The bar on top of signed-in pages. It starts with a "Skip to content" link to the
/// page's `<main id="main" tabindex="-1">` (every page using the bar must have one).
/// On phones (<= 640 px) the links and "Sign out" move into a "Menu" disclosure: a
/// `<details>`, so it opens without the WASM too; Escape closes it.
#[component]
pub fn TopBar(
    me: Resource<Result<crate::sessions_api::Me, crate::error::AppError>>,
) -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let pathname = location.pathname;
    let links = move |admin: bool| {
        NAV.into_iter()
            .filter(move |(_, _, admins_only)| admin || !admins_only)
            .map(move |(href, label, _)| {
                let current = move || (pathname.get() == href).then_some("page");
                view! { <a href=href aria-current=current>{label}</a> }
            })
            .collect_view()
    };
    let menu = NodeRef::<leptos::html::Details>::new();
    let menu_button = NodeRef::<leptos::html::Summary>::new();
    let close_on_escape = move |event: leptos::ev::KeyboardEvent| {
        if event.key() != "Escape" {
            return;
        }
        if let Some(details) = menu.get_untracked().filter(|details| details.open()) {
            details.set_open(false);
            if let Some(summary) = menu_button.get_untracked() {
                let _ = summary.focus();
            }
        }
    };
    view! {
        <header class="topbar">
            <a class="skip-link" href="#main" on:click=skip_to_content>"Skip to content"</a>
            <a class="brand" href="/">"Sessions"</a>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let me = me.await.ok();
                    let admin = me.as_ref().is_some_and(|me| me.role == sessions_core::model::Role::Admin);
                    let username = me.map(|me| me.username).unwrap_or_default();
                    view! {
                        <nav class="topnav" aria-label="Main">{links(admin)}</nav>
                        <div class="whoami">
                            <span class="username" title="Signed in as">{username}</span>
                            <SignOutForm/>
                        </div>
                        <details class="menu" node_ref=menu on:keydown=close_on_escape>
                            <summary class="button small" node_ref=menu_button>"Menu"</summary>
                            <div class="menu-panel">
                                <nav aria-label="Main">{links(admin)}</nav>
                                <SignOutForm/>
                            </div>
                        </details>
                    }
                })}
            </Suspense>
        </header>
    }
}
