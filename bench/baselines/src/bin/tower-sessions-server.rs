//! The usual way: tower-sessions with its SQLite store. `POST /login` creates a session
//! holding {user_id, role} and sets its cookie; `POST /check` loads it from SQLite by the
//! cookie and answers the user as JSON, or 401 when there is none.
use axum::{http::StatusCode, response::IntoResponse, routing::post, Json, Router};
use serde::{Deserialize, Serialize};
use tower_sessions::{cookie::time::Duration, Expiry, Session, SessionManagerLayer};
use tower_sessions_sqlx_store::{sqlx::SqlitePool, SqliteStore};

#[derive(Clone, Serialize, Deserialize)]
struct User {
    user_id: String,
    role: String,
}

const KEY: &str = "user";

async fn login(session: Session) -> impl IntoResponse {
    let user = User { user_id: "u-42".into(), role: "user".into() };
    match session.insert(KEY, user.clone()).await {
        Ok(()) => (StatusCode::OK, Json(user)).into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

async fn check(session: Session) -> impl IntoResponse {
    match session.get::<User>(KEY).await {
        Ok(Some(user)) => (StatusCode::OK, Json(user)).into_response(),
        Ok(None) => StatusCode::UNAUTHORIZED.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let (addr, db) = match (args.next(), args.next()) {
        (Some(a), Some(d)) => (a, d),
        _ => panic!("usage: tower-sessions-server ADDR DB_PATH"),
    };
    let pool = SqlitePool::connect(&format!("sqlite://{db}?mode=rwc")).await.expect("open db");
    let store = SqliteStore::new(pool);
    store.migrate().await.expect("migrate");
    let layer = SessionManagerLayer::new(store)
        .with_secure(false)
        .with_expiry(Expiry::OnInactivity(Duration::minutes(30)));
    let app = Router::new()
        .route("/login", post(login))
        .route("/check", post(check))
        .layer(layer);
    let listener = tokio::net::TcpListener::bind(&addr).await.expect("bind");
    axum::serve(listener, app).await.expect("serve");
}
