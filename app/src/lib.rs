#![recursion_limit = "256"]
//! The Sessions web app: pages, components and server functions, shared by the
//! server (feature `ssr`) and the browser (feature `hydrate`).

pub mod analytics_api;
pub mod any_view;
pub mod apps_api;
pub mod browser;
pub mod components;
pub mod console_api;
#[cfg(feature = "ssr")]
pub mod credentials;
pub mod error;
pub mod format;
pub mod hydration;
pub mod live;
pub mod pages;
pub mod policy_api;
#[cfg(feature = "ssr")]
pub mod server_ctx;
pub mod sessions_api;
pub mod wire;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};
use pages::routes::{
    AdminSessionsRoute, AnalyticsRoute, ApplicationsRoute, HistoryRoute, KillConfirmRoute,
    LoginRoute, MySessionsRoute, SettingsRoute,
};

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
                // Instead of Leptos' <HydrationScripts>: the wasm is fetched after the
                // first paint, not preloaded before it (hydration.rs).
                <hydration::HydrateAfterPaint options/>
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
    // `<body data-hydrated>` is set by each page's lazy route (pages/routes.rs).
    Effect::new(move |_| browser::report_activity_while_open());
    view! {
        <Title text="Sessions"/>
        <Router>
            <Routes fallback=|| view! { <main class="not-found"><h1>"Page not found"</h1><a href="/">"Back to Sessions"</a></main> }>
                <Route path=path!("/login") view=LoginRoute/>
                <Route path=path!("/admin/sessions") view={Lazy::<AdminSessionsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/sessions/kill") view={Lazy::<KillConfirmRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/account/sessions") view={Lazy::<MySessionsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/history") view={Lazy::<HistoryRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/settings") view={Lazy::<SettingsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/applications") view={Lazy::<ApplicationsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/analytics") view={Lazy::<AnalyticsRoute>::new()} ssr=SsrMode::Async/>
            </Routes>
        </Router>
    }
}
