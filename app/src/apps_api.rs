//! Server functions of the Applications page: the web applications that keep their
//! sessions here through the API, and their keys (admins only). JSON in, like
//! `policy_api`. A new key leaves the server once, in the answer to `add_application`.

use crate::error::AppError;
use crate::wire::JsonAnswer;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;
use sessions_core::model::Application;

#[cfg(feature = "ssr")]
use crate::server_ctx::{engine, require_admin, require_admin_viewing};
#[cfg(feature = "ssr")]
use sessions_core::engine::Actor;

/// A new application and its API key, which is never shown again.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AddedApplication {
    pub name: String,
    pub key: String,
}

/// Every application, revoked ones included, with its live sessions.
#[server(prefix = "/rpc", endpoint = "list_applications", output = JsonAnswer, input = Json)]
pub async fn list_applications() -> Result<Vec<Application>, AppError> {
    require_admin_viewing().await?;
    Ok(engine()?.list_applications().await?)
}

/// Adds an application; a bad or taken name is refused with the engine's message.
#[server(prefix = "/rpc", endpoint = "add_application", output = JsonAnswer, input = Json)]
pub async fn add_application(name: String) -> Result<AddedApplication, AppError> {
    let admin = require_admin().await?;
    let created = engine()?
        .create_application(&name, &Actor::name_of(&admin))
        .await?;
    Ok(AddedApplication {
        name: created.application.name,
        key: created.key.expose().to_owned(),
    })
}

/// Revokes an application's key and ends its live sessions; returns how many ended.
#[server(prefix = "/rpc", endpoint = "revoke_application", output = JsonAnswer, input = Json)]
pub async fn revoke_application(name: String) -> Result<u32, AppError> {
    let admin = require_admin().await?;
    let (_, ended) = engine()?
        .revoke_application(&name, &Actor::name_of(&admin))
        .await?;
    Ok(ended as u32)
}
