//! The session endpoints. Each is scoped to the calling application by its key.

use super::error::{ApiError, ErrorBody};
use super::extract::{ApiJson, ApiPath, ApiQuery, CallingApp};
use super::model::{
    client_info, parse_role, parse_token, ApiSession, CheckSession, CreateGuest, CreateSession,
    CreatedSession, EndedCount, Logout, SessionList,
};
use super::ApiState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use sessions_core::engine::{AppSignIn, SignedIn};
use sessions_core::model::{AppUserId, EndReason, SessionId, DEFAULT_PAGE_SIZE};
use utoipa::IntoParams;

type ApiResult<T> = Result<T, ApiError>;

fn created(signed_in: SignedIn) -> (StatusCode, Json<CreatedSession>) {
    let body = CreatedSession {
        token: signed_in.token.expose().to_owned(),
        session: signed_in.session.into(),
    };
    (StatusCode::CREATED, Json(body))
}

/// Create a session when one of your users signs in.
#[utoipa::path(post, path = "/sessions", tag = "sessions", request_body = CreateSession,
    responses(
        (status = 201, description = "Created; the token is returned only here", body = CreatedSession),
        (status = 400, description = "Not JSON or not the documented object", body = ErrorBody),
        (status = 401, description = "Missing or invalid application key", body = ErrorBody),
        (status = 429, description = "Too many invalid application keys from this address (rate_limited); see Retry-After", body = ErrorBody),
        (status = 503, description = "The store is unavailable (unavailable); see Retry-After", body = ErrorBody),
        (status = 403, description = "Refused by a concurrent limit or a network rule", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "A field is out of range (ip, user_agent, user_id, role)", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<ApiState>,
    CallingApp(app): CallingApp,
    ApiJson(body): ApiJson<CreateSession>,
) -> ApiResult<(StatusCode, Json<CreatedSession>)> {
    let role = parse_role(body.role.as_deref())?;
    let client = client_info(&body.ip, body.user_agent)?;
    let sign_in = AppSignIn {
        user_id: body.user_id,
        display_name: body.display_name,
        role,
        client,
    };
    Ok(created(state.engine.open_app_session(&app, sign_in).await?))
}

/// Create a guest session (a visitor who has not signed in).
#[utoipa::path(post, path = "/guest-sessions", tag = "sessions", request_body = CreateGuest,
    responses(
        (status = 201, description = "Created; the token is returned only here", body = CreatedSession),
        (status = 400, description = "Not JSON or not the documented object", body = ErrorBody),
        (status = 401, description = "Missing or invalid application key", body = ErrorBody),
        (status = 429, description = "Too many invalid application keys from this address (rate_limited); see Retry-After", body = ErrorBody),
        (status = 503, description = "The store is unavailable (unavailable); see Retry-After", body = ErrorBody),
        (status = 403, description = "Refused by a limit or a network rule", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "ip or user_agent out of range", body = ErrorBody),
    ))]
pub async fn create_guest(
    State(state): State<ApiState>,
    CallingApp(app): CallingApp,
    ApiJson(body): ApiJson<CreateGuest>,
) -> ApiResult<(StatusCode, Json<CreatedSession>)> {
    let client = client_info(&body.ip, body.user_agent)?;
    Ok(created(
        state.engine.open_guest_session(&app, &client).await?,
    ))
}

/// Check a session on a request of your application: the hot path. Memory only; no
/// database write per check.
#[utoipa::path(post, path = "/sessions/check", tag = "sessions", request_body = CheckSession,
    responses(
        (status = 200, description = "The session is live", body = ApiSession),
        (status = 400, description = "Malformed token, or not JSON", body = ErrorBody),
        (status = 401, description = "Missing or invalid key, or no live session: code session_unknown, session_ended, session_idle, session_expired, ip_changed or ip_not_allowed", body = ErrorBody),
        (status = 429, description = "Too many invalid application keys from this address (rate_limited); see Retry-After", body = ErrorBody),
        (status = 503, description = "The store is unavailable (unavailable); see Retry-After", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
        (status = 422, description = "ip or user_agent out of range", body = ErrorBody),
    ))]
pub async fn check(
    State(state): State<ApiState>,
    CallingApp(app): CallingApp,
    ApiJson(body): ApiJson<CheckSession>,
) -> ApiResult<Json<ApiSession>> {
    let token = parse_token(&body.token)?;
    let client = client_info(&body.ip, body.user_agent)?;
    let cached = state.engine.check_for(&app, &token, &client).await?;
    let idle = state.engine.policy().for_role(cached.role).idle_timeout_ms;
    Ok(Json(ApiSession::from_cached(&cached, idle)))
}

/// End the session holding this token (your user logged out).
#[utoipa::path(post, path = "/sessions/logout", tag = "sessions", request_body = Logout,
    responses(
        (status = 204, description = "Ended (or had already ended)"),
        (status = 400, description = "Malformed token, or not JSON", body = ErrorBody),
        (status = 401, description = "Missing or invalid key, or session_unknown", body = ErrorBody),
        (status = 429, description = "Too many invalid application keys from this address (rate_limited); see Retry-After", body = ErrorBody),
        (status = 503, description = "The store is unavailable (unavailable); see Retry-After", body = ErrorBody),
        (status = 413, description = "Body over 64 KiB", body = ErrorBody),
        (status = 415, description = "Not application/json", body = ErrorBody),
    ))]
pub async fn logout(
    State(state): State<ApiState>,
    CallingApp(app): CallingApp,
    ApiJson(body): ApiJson<Logout>,
) -> ApiResult<StatusCode> {
    let token = parse_token(&body.token)?;
    state.engine.end_app_session_by_token(&app, &token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// End one of your application's sessions by its public id.
#[utoipa::path(delete, path = "/sessions/{id}", tag = "sessions",
    params(("id" = String, Path, description = "The session's public id (32 lowercase hex)")),
    responses(
        (status = 204, description = "Ended"),
        (status = 400, description = "Malformed session id", body = ErrorBody),
        (status = 401, description = "Missing or invalid application key", body = ErrorBody),
        (status = 429, description = "Too many invalid application keys from this address (rate_limited); see Retry-After", body = ErrorBody),
        (status = 503, description = "The store is unavailable (unavailable); see Retry-After", body = ErrorBody),
        (status = 404, description = "No live session of this application has that id", body = ErrorBody),
    ))]
pub async fn end_by_id(
    State(state): State<ApiState>,
    CallingApp(app): CallingApp,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    let id = SessionId::parse(&id)?;
    state.engine.end_app_session_by_id(&app, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EndUserParams {
    /// A session to keep (e.g. the one that changed the password).
    keep: Option<String>,
    /// Recorded as the end reason: `logout` (default), `password_change`,
    /// `user_disabled` or `killed`.
    reason: Option<String>,
}

/// End every live session of one of your users (e.g. after a password change).
#[utoipa::path(delete, path = "/users/{user_id}/sessions", tag = "users",
    params(("user_id" = String, Path, description = "Your application's id of the user"), EndUserParams),
    responses(
        (status = 200, description = "How many sessions ended", body = EndedCount),
        (status = 400, description = "Malformed session id in keep", body = ErrorBody),
        (status = 401, description = "Missing or invalid application key", body = ErrorBody),
        (status = 429, description = "Too many invalid application keys from this address (rate_limited); see Retry-After", body = ErrorBody),
        (status = 503, description = "The store is unavailable (unavailable); see Retry-After", body = ErrorBody),
        (status = 422, description = "user_id or reason out of range", body = ErrorBody),
    ))]
pub async fn end_user(
    State(state): State<ApiState>,
    CallingApp(app): CallingApp,
    ApiPath(user_id): ApiPath<String>,
    ApiQuery(params): ApiQuery<EndUserParams>,
) -> ApiResult<Json<EndedCount>> {
    let user = AppUserId::parse(&user_id)?;
    let keep = params.keep.as_deref().map(SessionId::parse).transpose()?;
    let reason = match params.reason.as_deref() {
        None | Some("logout") => EndReason::Logout,
        Some("password_change") => EndReason::PasswordChange,
        Some("user_disabled") => EndReason::UserDisabled,
        Some("killed") => EndReason::Killed,
        Some(_) => {
            return Err(ApiError::invalid_field(
                "reason must be logout, password_change, user_disabled or killed.",
            ))
        }
    };
    let ended = state
        .engine
        .end_app_user_sessions(&app, &user, keep, reason)
        .await?;
    Ok(Json(EndedCount { ended }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only this user's sessions (your application's id of the user).
    user_id: Option<String>,
    /// Page size, 1–200 (default 50).
    limit: Option<u32>,
    /// The `next` of the previous page.
    cursor: Option<String>,
}

/// Your application's live sessions, newest first.
#[utoipa::path(get, path = "/sessions", tag = "sessions", params(ListParams),
    responses(
        (status = 200, description = "One page of live sessions", body = SessionList),
        (status = 401, description = "Missing or invalid application key", body = ErrorBody),
        (status = 429, description = "Too many invalid application keys from this address (rate_limited); see Retry-After", body = ErrorBody),
        (status = 503, description = "The store is unavailable (unavailable); see Retry-After", body = ErrorBody),
        (status = 422, description = "limit, cursor or user_id out of range", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<ApiState>,
    CallingApp(app): CallingApp,
    ApiQuery(params): ApiQuery<ListParams>,
) -> ApiResult<Json<SessionList>> {
    let user = params
        .user_id
        .as_deref()
        .map(AppUserId::parse)
        .transpose()?;
    let page = state
        .engine
        .list_app_sessions(
            &app,
            user.as_ref(),
            params.limit.unwrap_or(DEFAULT_PAGE_SIZE),
            params.cursor.as_deref(),
        )
        .await?;
    Ok(Json(SessionList {
        sessions: page.sessions.into_iter().map(ApiSession::from).collect(),
        total: page.total,
        next: page.next,
    }))
}
