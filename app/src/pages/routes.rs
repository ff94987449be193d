//! Every page but /login is a lazy route: with `cargo leptos --split` its code is a wasm
//! chunk of its own, fetched when the page is first shown, so the first download is the shell,
//! the router and the page at hand rather than the whole console (issue 9: initial
//! wasm). Without `--split` (debug builds) the chunks are simply part of the one file.
//!
//! A route's `data()` runs before its chunk arrives; our pages start their own
//! resources, whose data the server already sent with the page, so it has nothing to do.

use crate::any_view::IntoViewAny;
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use super::admin_sessions::AdminSessionsPage;
use super::analytics::AnalyticsPage;
use super::applications::ApplicationsPage;
use super::history::HistoryPage;
use super::kill_confirm::KillConfirmPage;
use super::login::LoginPage;
use super::my_sessions::MySessionsPage;
use super::settings::SettingsPage;

/// `lazy_page!(Route, Page)`: the lazy route that shows `Page`.
macro_rules! lazy_page {
    ($route:ident, $page:ident) => {
        #[doc = concat!("The lazily loaded route of [`", stringify!($page), "`].")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                // The page is ready once its own chunk has run and hydrated: the App's
                // effects run before that, while the chunk is still on its way.
                Effect::new(|_| crate::browser::mark_hydrated());
                view! { <$page/> }.into_view_any()
            }
        }
    };
}

/// `/login` is the one page not loaded lazily. As a lazy route it fetched thirty small
/// chunks on top of the main module (309.8 KB gzip in all), mostly form, server-call and
/// view code the other pages use as well; in the main module it is 224.5 KB, and the
/// main module every other page fetches grew by 33 KB (bench/results-wasm.md).
#[component]
pub fn LoginRoute() -> impl IntoView {
    Effect::new(|_| crate::browser::mark_hydrated());
    view! { <LoginPage/> }
}
lazy_page!(AdminSessionsRoute, AdminSessionsPage);
lazy_page!(KillConfirmRoute, KillConfirmPage);
lazy_page!(MySessionsRoute, MySessionsPage);
lazy_page!(HistoryRoute, HistoryPage);
lazy_page!(SettingsRoute, SettingsPage);
lazy_page!(ApplicationsRoute, ApplicationsPage);
lazy_page!(AnalyticsRoute, AnalyticsPage);
