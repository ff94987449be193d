//! The API's request and response bodies, with their OpenAPI schemas, and the checks
//! that turn request fields into engine input.

use super::error::ApiError;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use sessions_core::cache::CachedSession;
use sessions_core::engine::ClientInfo;
use sessions_core::flag::FlagKind;
use sessions_core::model::{DeviceClass, Millis, Role, Session, SessionFlag, SessionStatus};
use sessions_core::token::Token;
use std::net::IpAddr;
use utoipa::ToSchema;

/// Longest accepted user agent, in characters.
pub const MAX_USER_AGENT_CHARS: usize = 1024;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSession {
    /// The application's own id of the user (1–128 characters).
    #[schema(min_length = 1, max_length = 128, example = "u-42")]
    pub user_id: String,
    /// How the console shows the user; defaults to `user_id`.
    #[schema(max_length = 128, example = "Ada Lovelace")]
    pub display_name: Option<String>,
    /// Which role's policy applies: `user` (default) or `admin`. Read as text so a wrong
    /// value gets the API's own `invalid_field` answer, not the JSON decoder's.
    #[schema(value_type = Option<Role>, example = "user")]
    pub role: Option<String>,
    /// The client's IP address (IPv4 or IPv6).
    #[schema(example = "203.0.113.7")]
    pub ip: String,
    /// The client's User-Agent header (at most 1,024 characters).
    #[serde(default)]
    #[schema(max_length = 1024)]
    pub user_agent: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGuest {
    #[schema(example = "203.0.113.7")]
    pub ip: String,
    #[serde(default)]
    #[schema(max_length = 1024)]
    pub user_agent: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckSession {
    /// The session token returned at creation.
    #[schema(min_length = 43, max_length = 43, pattern = "^[A-Za-z0-9_-]{43}$")]
    pub token: String,
    /// The IP address of the request being checked.
    pub ip: String,
    #[serde(default)]
    #[schema(max_length = 1024)]
    pub user_agent: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Logout {
    #[schema(min_length = 43, max_length = 43, pattern = "^[A-Za-z0-9_-]{43}$")]
    pub token: String,
}

/// A session as an application sees it. Times are milliseconds since the Unix epoch.
#[derive(Serialize, ToSchema)]
pub struct ApiSession {
    /// Public id: 32 lowercase hex characters, safe to show and log.
    pub id: String,
    /// The application's own id of the user; null for guests.
    pub user_id: Option<String>,
    pub display_name: Option<String>,
    pub status: SessionStatus,
    pub role: Role,
    pub first_ip: String,
    pub last_ip: String,
    pub user_agent: String,
    pub browser: String,
    pub browser_version: String,
    pub os: String,
    pub device: DeviceClass,
    /// ISO 3166 code from the offline IP database; null when unknown.
    pub country: Option<String>,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    /// When the session ends if it stays idle.
    pub idle_deadline: Millis,
    /// When the session ends whatever happens (its lifetime).
    pub expires_at: Millis,
    /// Why the session looks suspicious; empty for most. Raised at creation and when
    /// its address moves; information only, nothing is refused for a flag.
    pub flags: Vec<ApiFlag>,
}

/// One reason a session looks suspicious, or what a rule in observe mode would have done.
#[derive(Serialize, ToSchema)]
pub struct ApiFlag {
    #[schema(example = "new_country")]
    pub kind: FlagKind,
    /// The reason in words, for people.
    #[schema(example = "First sign-in from SE in 30 days")]
    pub reason: String,
}

impl ApiFlag {
    fn list(flags: Vec<SessionFlag>) -> Vec<ApiFlag> {
        flags
            .into_iter()
            .map(|flag| ApiFlag {
                kind: flag.kind,
                reason: flag.reason,
            })
            .collect()
    }
}

impl From<Session> for ApiSession {
    fn from(session: Session) -> ApiSession {
        ApiSession {
            id: session.id,
            user_id: session.external_user_id,
            display_name: session.username,
            status: session.status,
            role: session.role,
            first_ip: session.first_ip,
            last_ip: session.last_ip,
            user_agent: session.user_agent,
            browser: session.agent.browser,
            browser_version: session.agent.browser_version,
            os: session.agent.os,
            device: session.agent.device,
            country: session.country,
            created_at: session.created_at,
            last_seen_at: session.last_seen_at,
            idle_deadline: session.idle_deadline,
            expires_at: session.expires_at,
            flags: ApiFlag::list(session.flags),
        }
    }
}

impl ApiSession {
    /// From the check cache; `idle_timeout` is the role's, in force now.
    pub fn from_cached(cached: &CachedSession, idle_timeout: Millis) -> ApiSession {
        let last_seen_at = cached.last_seen();
        ApiSession {
            id: cached.id.clone(),
            user_id: cached.external_user_id.clone(),
            display_name: cached.username.clone(),
            status: cached.status,
            role: cached.role,
            first_ip: cached.first_ip.clone(),
            last_ip: cached.last_ip(),
            user_agent: cached.user_agent.to_string(),
            browser: cached.agent.browser.clone(),
            browser_version: cached.agent.browser_version.clone(),
            os: cached.agent.os.clone(),
            device: cached.agent.device,
            country: cached.country.as_deref().map(str::to_owned),
            created_at: cached.created_at,
            last_seen_at,
            idle_deadline: last_seen_at + idle_timeout,
            expires_at: cached.expires_at,
            flags: ApiFlag::list(cached.flags()),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CreatedSession {
    /// The session token: 43 base64url characters. Returned only here; keep it secret.
    pub token: String,
    pub session: ApiSession,
}

#[derive(Serialize, ToSchema)]
pub struct SessionList {
    pub sessions: Vec<ApiSession>,
    /// Live sessions matching, across all pages.
    pub total: i64,
    /// Pass as `cursor` for the next page; null on the last page.
    pub next: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct EndedCount {
    pub ended: usize,
}

/// Checks the client fields every endpoint shares and normalises the address.
pub fn client_info(ip: &str, user_agent: String) -> Result<ClientInfo, ApiError> {
    let ip: IpAddr = ip.trim().parse().map_err(|_| {
        let shown: String = ip.chars().take(60).collect();
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_ip",
            format!("ip must be an IPv4 or IPv6 address; got {shown:?}."),
        )
    })?;
    if user_agent.chars().count() > MAX_USER_AGENT_CHARS {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_user_agent",
            format!("user_agent must be at most {MAX_USER_AGENT_CHARS} characters."),
        ));
    }
    Ok(ClientInfo {
        ip: ip.to_canonical().to_string(),
        user_agent,
    })
}

pub fn parse_role(role: Option<&str>) -> Result<Role, ApiError> {
    match role {
        None => Ok(Role::User),
        Some(text) => Role::parse(text)
            .ok_or_else(|| ApiError::invalid_field("role must be \"user\" or \"admin\".")),
    }
}

pub fn parse_token(text: &str) -> Result<Token, ApiError> {
    Token::parse(text).ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_token",
            "A session token is 43 characters of A-Z, a-z, 0-9, '-' and '_'.",
        )
    })
}
