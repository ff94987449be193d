//! The session engine: everything about sessions that is not HTTP or HTML.
//!
//! `model` is plain serde data shared with the browser. Everything else sits behind the
//! `engine` feature: `Engine` is the one entry point used by the web server, the server
//! functions and the CLI. It owns the store (behind the `Store` trait so a second
//! backend can be added without touching callers), the in-memory check cache, the live
//! event hub and the sign-in throttle.

pub mod analytics;
pub mod catalogue;
pub mod flag;
pub mod model;

#[cfg(feature = "engine")]
pub mod agent;
#[cfg(feature = "engine")]
pub mod background;
#[cfg(feature = "engine")]
pub mod cache;
#[cfg(feature = "engine")]
pub mod clock;
#[cfg(feature = "engine")]
pub mod cookie;
#[cfg(feature = "engine")]
pub mod counters;
#[cfg(feature = "engine")]
pub mod engine;
#[cfg(feature = "engine")]
pub mod error;
#[cfg(feature = "engine")]
pub mod geo;
#[cfg(feature = "engine")]
pub mod hub;
#[cfg(feature = "engine")]
pub mod password;
#[cfg(feature = "engine")]
pub mod policy;
#[cfg(feature = "engine")]
pub mod store;
#[cfg(feature = "engine")]
pub mod throttle;
#[cfg(feature = "engine")]
pub mod token;

#[cfg(feature = "engine")]
pub use engine::{Engine, EngineConfig, DEFAULT_STALENESS_BOUND};
#[cfg(feature = "engine")]
pub use error::{CoreError, CoreResult, Entity};
