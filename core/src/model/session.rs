//! A session and the enums it is made of (role, status, why it ended, device class),
//! with their stored names.

use super::{Millis, SessionFlag};
use serde::{Deserialize, Serialize};
use strum::{EnumString, IntoStaticStr, VariantArray};

// The string forms of these enums (stored, sent, typed on the command line) are their
// snake_case names: serde's `rename_all` and strum's `serialize_all` must agree, which
// `names_are_serde_names` (in `model`'s tests) holds. `as_str`, `parse` and `ALL` are
// the short spellings callers use for strum's `IntoStaticStr`, `EnumString` and
// `VariantArray`.

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumString,
    VariantArray,
    strum::Display,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Role {
    Admin,
    User,
}

impl Role {
    pub const ALL: &'static [Role] = Role::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(text: &str) -> Option<Role> {
        text.parse().ok()
    }
}

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumString,
    VariantArray,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum SessionStatus {
    Authenticated,
    Guest,
}

impl SessionStatus {
    pub const ALL: &'static [SessionStatus] = SessionStatus::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn label(self) -> &'static str {
        match self {
            SessionStatus::Authenticated => "Authenticated",
            SessionStatus::Guest => "Guest",
        }
    }

    pub fn parse(text: &str) -> Option<SessionStatus> {
        text.parse().ok()
    }
}

/// Why a session ended. Stored as its snake_case name.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumString,
    VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum EndReason {
    Logout,
    Killed,
    Idle,
    Expired,
    EvictedByLimit,
    IpChange,
    PasswordChange,
    UserDisabled,
    /// The address is no longer allowed by the network rules.
    IpRule,
}

impl EndReason {
    /// In declaration order (the metrics' counters are indexed by it).
    pub const ALL: &'static [EndReason] = EndReason::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(text: &str) -> Option<EndReason> {
        text.parse().ok()
    }

    /// The sentence shown on the sign-in page to the person whose session ended.
    pub fn explanation(self) -> &'static str {
        match self {
            EndReason::Logout => "You signed out.",
            EndReason::Killed => "Your session was ended by an administrator.",
            EndReason::Idle => "Your session ended after a period of inactivity.",
            EndReason::Expired => "Your session reached its maximum lifetime.",
            EndReason::EvictedByLimit => "Your session was ended by a concurrent session limit.",
            EndReason::IpChange => "Your session was ended because your IP address changed.",
            EndReason::PasswordChange => "Your session was ended because the password changed.",
            EndReason::UserDisabled => "Your session was ended because the account was disabled.",
            EndReason::IpRule => {
                "Your session was ended because your network address is no longer allowed."
            }
        }
    }

    /// A short label for tables and filters.
    pub fn label(self) -> &'static str {
        match self {
            EndReason::Logout => "Logout",
            EndReason::Killed => "Killed",
            EndReason::Idle => "Idle",
            EndReason::Expired => "Expired",
            EndReason::EvictedByLimit => "Evicted by limit",
            EndReason::IpChange => "IP change",
            EndReason::PasswordChange => "Password change",
            EndReason::UserDisabled => "User disabled",
            EndReason::IpRule => "Network rule",
        }
    }
}

/// A session as everyone but the store sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Public, random, safe to show; never the token.
    pub id: String,
    pub application: String,
    /// The console account, for console sessions.
    pub user_id: Option<i64>,
    /// The application's own id of the user, for sessions created through the API.
    #[serde(default)]
    pub external_user_id: Option<String>,
    /// The account name or the display name the application gave; none for guests.
    pub username: Option<String>,
    pub status: SessionStatus,
    pub role: Role,
    pub first_ip: String,
    pub last_ip: String,
    pub user_agent: String,
    pub agent: AgentInfo,
    pub country: Option<String>,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    /// When the session ends if it stays idle: `last_seen_at` + the idle timeout in force.
    pub idle_deadline: Millis,
    pub expires_at: Millis,
    pub ended_at: Option<Millis>,
    pub end_reason: Option<EndReason>,
    pub ended_by: Option<String>,
    /// Why the session looks suspicious; empty for most (see `policy::flags`).
    #[serde(default)]
    pub flags: Vec<SessionFlag>,
}

impl Session {
    /// The moment the session stops being valid if nothing else happens.
    pub fn deadline(&self) -> Millis {
        self.idle_deadline.min(self.expires_at)
    }

    pub fn short_id(&self) -> &str {
        self.id.get(..8).unwrap_or(&self.id)
    }

    pub fn is_flagged(&self) -> bool {
        !self.flags.is_empty()
    }

    /// Flagged for a reason its owner should hear of (see `FlagKind::is_suspicious`).
    pub fn is_suspicious(&self) -> bool {
        self.flags.iter().any(|flag| flag.kind.is_suspicious())
    }
}

/// The parts of a user agent that the console shows.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AgentInfo {
    pub browser: String,
    pub browser_version: String,
    pub os: String,
    pub device: DeviceClass,
}

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    IntoStaticStr,
    EnumString,
    VariantArray,
)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DeviceClass {
    Desktop,
    Phone,
    Tablet,
    Bot,
    #[default]
    Unknown,
}

impl DeviceClass {
    pub const ALL: &'static [DeviceClass] = DeviceClass::VARIANTS;

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Any name it does not know is `Unknown`.
    pub fn parse(text: &str) -> DeviceClass {
        text.parse().unwrap_or_default()
    }
}
