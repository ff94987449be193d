//! The HTTP surface: pages (Leptos SSR), server functions under `/rpc`, the live
//! channel at `/live`, static files, the middleware every page request passes, the
//! application API under `/api/v1`, and the `/healthz` and `/readyz` probes. Page
//! answers are compressed and carry a caching policy; the API's and probes' are not.

mod caching;
pub(crate) mod client_addr;
mod compression;
mod guard;
mod health;
mod live;
mod middleware;
mod security_headers;
mod transport;

use app::{shell, App};
use axum::body::Body;
use axum::extract::{FromRef, State};
use axum::http::Request;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, handle_server_fns_with_context, LeptosRoutes};
use sessions_core::Engine;
use std::sync::Arc;
use tower_http::limit::RequestBodyLimitLayer;

// Pages and server functions take no larger bodies than the API: one limit, refused
// with 413 before anything reads the body.
use crate::api::MAX_BODY_BYTES;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub engine: Arc<Engine>,
    pub leptos_options: LeptosOptions,
}

pub use client_addr::TrustedProxies;
pub use transport::Scheme;

pub fn router(
    engine: Arc<Engine>,
    leptos_options: LeptosOptions,
    proxies: TrustedProxies,
    native_tls: bool,
) -> Router {
    let proxies = Arc::new(proxies);
    let state = AppState {
        engine: engine.clone(),
        leptos_options,
    };
    let routes = generate_route_list(App);
    let context = {
        let engine = engine.clone();
        move || provide_context(engine.clone())
    };
    Router::new()
        .route("/", get(guard::home))
        .route("/live", get(live::upgrade))
        .route("/rpc/{*name}", get(server_fn).post(server_fn))
        .leptos_routes_with_context(&state, routes, context, {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::pages,
        ))
        .layer(axum::middleware::from_fn(middleware::server_fn_status))
        .layer(axum::middleware::from_fn(middleware::csrf))
        .layer(axum::middleware::from_fn(middleware::client_info))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.leptos_options.clone(),
            caching::cache_control,
        ))
        .layer(axum::middleware::from_fn(
            security_headers::security_headers,
        ))
        // Outermost, so the middleware above reads and writes uncompressed bodies.
        .layer(compression::layer())
        .with_state(state)
        // Nested after the page layers: the API has its own body limit and errors, no
        // cookies or CSRF tokens, and no compression (small answers on the hot path).
        .nest("/api/v1", crate::api::router(engine.clone()))
        // Probes, also outside the page layers: no session, no activity, no redirect.
        .merge(health::router(engine))
        // Outside everything, pages and API alike: one client address and one scheme
        // for all, and HSTS on every answer sent over native TLS.
        .layer(axum::middleware::from_fn_with_state(
            proxies.clone(),
            client_addr::resolve,
        ))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(transport::Transport {
                native_tls,
                proxies,
            }),
            transport::resolve,
        ))
}

async fn server_fn(State(state): State<AppState>, request: Request<Body>) -> impl IntoResponse {
    let engine = state.engine.clone();
    handle_server_fns_with_context(move || provide_context(engine.clone()), request).await
}
