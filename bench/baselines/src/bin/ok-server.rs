//! The ceiling: axum on a multi-thread tokio runtime, `POST /check` answers "ok".
use axum::{routing::post, Router};

#[tokio::main]
async fn main() {
    let addr = std::env::args().nth(1).expect("usage: ok-server ADDR");
    let app = Router::new().route("/check", post(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    axum::serve(listener, app).await.expect("serve");
}
