//! The Sessions web app: pages, components and server functions, shared by the
//! server (feature `ssr`) and the browser (feature `hydrate`).

pub mod api;
pub mod apps_api;
pub mod browser;
pub mod components;
pub mod console_api;
pub mod error;
pub mod format;
pub mod live;
pub mod pages;
pub mod policy_api;
#[cfg(feature = "ssr")]
pub mod server_ctx;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use pages::admin_sessions::AdminSessionsPage;
use pages::applications::ApplicationsPage;
use pages::history::HistoryPage;
use pages::kill_confirm::KillConfirmPage;
use pages::login::LoginPage;
use pages::my_sessions::MySessionsPage;
use pages::settings::SettingsPage;

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light dark"/>
                <link rel="icon" type="image/svg+xml" href="/favicon.svg"/>
                // Built files carry a content hash in their names (cargo-leptos
                // `hash-files`) so they can be cached for good; these two read the names.
                <HashedStylesheet options=options.clone() id="leptos"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    Effect::new(move |_| {
        browser::mark_hydrated();
        browser::report_activity_while_open();
    });
    view! {
        <Title text="Sessions"/>
        <Router>
            <Routes fallback=|| view! { <main class="not-found"><h1>"Page not found"</h1><a href="/">"Back to Sessions"</a></main> }>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/admin/sessions") view=AdminSessionsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/sessions/kill") view=KillConfirmPage ssr=SsrMode::Async/>
                <Route path=path!("/account/sessions") view=MySessionsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/history") view=HistoryPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/settings") view=SettingsPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/applications") view=ApplicationsPage ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
