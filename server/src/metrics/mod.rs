//! `/metrics` for Prometheus, on a listener of its own given by `--metrics-addr`: the
//! main listener never serves it, so an instance is not scraped (or its figures read)
//! by the public by accident. Off unless asked.

mod exposition;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use exposition::Scrape;
use sessions_core::Engine;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// Serves `/metrics` on `listener` until the task is aborted; prints where.
pub fn spawn(engine: Arc<Engine>, listener: TcpListener) -> JoinHandle<()> {
    if let Ok(addr) = listener.local_addr() {
        println!("Metrics for Prometheus on http://{addr}/metrics");
    }
    let router = Router::new()
        .route("/metrics", get(scrape))
        .with_state(engine);
    tokio::spawn(async move {
        if let Err(err) = axum::serve(listener, router).await {
            tracing::error!(error = %err, "the metrics listener stopped");
        }
    })
}

async fn scrape(State(engine): State<Arc<Engine>>) -> Response {
    let text = match Scrape::take(&engine).await {
        Ok(scrape) => scrape.encode(),
        Err(err) => {
            tracing::error!(error = %err, "could not read the figures for /metrics");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    match text {
        Ok(text) => ([(header::CONTENT_TYPE, exposition::CONTENT_TYPE)], text).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "could not write /metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
