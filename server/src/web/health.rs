//! Probes for load balancers and orchestrators: `/healthz` (the process answers) and
//! `/readyz` (it can serve: the database answers and the end log was read within the
//! staleness bound). Outside the page middleware: no session is read or touched,
//! nothing counts as activity, and a probe every second from each balancer costs one
//! indexed read at most.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use sessions_core::Engine;
use std::sync::Arc;
use std::time::Duration;

/// Well under the usual probe timeouts (1-5 s): a database slower than this is taken
/// out of rotation rather than letting every check queue behind it.
const READY_TIMEOUT: Duration = Duration::from_secs(2);

pub fn router(engine: Arc<Engine>) -> Router {
    Router::new()
        .route("/healthz", get(alive))
        .route("/readyz", get(ready))
        .with_state(engine)
}

async fn alive() -> Response {
    probe(StatusCode::OK, json!({ "status": "alive" }))
}

async fn ready(State(engine): State<Arc<Engine>>) -> Response {
    if let Err(err) = engine.ensure_current() {
        tracing::warn!(error = %err, "readiness: failing closed");
        return probe(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({ "status": "unavailable", "reason": "this instance has not read the end log within the staleness bound" }),
        );
    }
    let reason = match tokio::time::timeout(READY_TIMEOUT, engine.ping_database()).await {
        Ok(Ok(())) => return probe(StatusCode::OK, json!({ "status": "ready" })),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness: the database query failed");
            "the database query failed".to_owned()
        }
        Err(_) => {
            tracing::warn!("readiness: the database did not answer in time");
            format!(
                "the database did not answer within {} s",
                READY_TIMEOUT.as_secs()
            )
        }
    };
    // The cause stays in the log: this answer is open to anyone who can reach the port.
    probe(
        StatusCode::SERVICE_UNAVAILABLE,
        json!({ "status": "unavailable", "reason": reason }),
    )
}

/// A probe answer is about this instant only: no cache may keep it.
fn probe(status: StatusCode, body: serde_json::Value) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], Json(body)).into_response()
}
