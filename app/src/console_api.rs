//! Server functions behind the console's filter chips and per-user kill, and the
//! password change on My sessions. Like `api`, each one authenticates and authorises
//! on the server and trusts nothing the browser says about whose sessions it may touch.

use crate::error::AppError;
use crate::wire::JsonAnswer;
use leptos::prelude::*;
use sessions_core::model::{Facets, Session};

#[cfg(feature = "ssr")]
use crate::server_ctx::{
    client_info, current_session, engine, redirect_plain_form, require_admin, require_admin_viewing,
};
#[cfg(feature = "ssr")]
use sessions_core::{
    engine::{Actor, KeepSessions},
    model::EndReason,
    store::EndSelector,
};

/// The values of the console's filter chips, each with its count of live sessions
/// (admins only). `""` in `countries` stands for "unknown".
#[server(prefix = "/rpc", endpoint = "session_facets", output = JsonAnswer)]
pub async fn session_facets() -> Result<Facets, AppError> {
    require_admin_viewing().await?;
    Ok(engine()?.facets().await?)
}

/// One live session by its id (admins only): the one a Kill without JavaScript asks
/// to confirm.
#[server(prefix = "/rpc", endpoint = "live_session", output = JsonAnswer)]
pub async fn live_session(id: String) -> Result<Session, AppError> {
    require_admin_viewing().await?;
    let gone = || AppError::sessions_gone(1);
    // A malformed id names no session: the same answer as an ended one.
    let id = sessions_core::model::SessionId::parse(&id).map_err(|_| gone())?;
    engine()?.live_session(&id).await?.ok_or_else(gone)
}

/// Ends every live session of one user (admins only) and returns how many ended. The
/// calling admin's own current session survives unless `include_mine`, as for Kill all.
#[server(prefix = "/rpc", endpoint = "kill_user_sessions", output = JsonAnswer)]
pub async fn kill_user_sessions(user_id: i64, include_mine: bool) -> Result<u32, AppError> {
    let admin = Actor::admin(&*require_admin().await?)?;
    let engine = engine()?;
    // Looked up first so an unknown id is a 404, not a silent "0 ended".
    let user = engine.user_by_id(user_id).await?;
    let ended = engine
        .end_account_sessions(&admin, user.id, !include_mine, EndReason::Killed)
        .await?;
    Ok(ended.len() as u32)
}

/// Whose sessions "Kill all sessions of this user" ends: a console account, or one
/// user of an application that keeps its sessions here through the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UserTarget {
    Account(i64),
    AppUser {
        application: String,
        user_id: String,
    },
}

impl UserTarget {
    /// The target of a session's row; none for a guest.
    pub fn of(session: &sessions_core::model::Session) -> Option<UserTarget> {
        match (&session.user_id, &session.external_user_id) {
            (Some(id), _) => Some(UserTarget::Account(*id)),
            (None, Some(user_id)) => Some(UserTarget::AppUser {
                application: session.application.clone(),
                user_id: user_id.clone(),
            }),
            (None, None) => None,
        }
    }
}

/// Ends every live session of one user of an application (admins only) and returns how
/// many ended. The admin's own console session is never among them.
#[server(prefix = "/rpc", endpoint = "kill_app_user_sessions", output = JsonAnswer)]
pub async fn kill_app_user_sessions(application: String, user_id: String) -> Result<u32, AppError> {
    let admin = require_admin().await?;
    let engine = engine()?;
    let ended = engine
        .end(
            EndSelector::ExternalUser {
                application,
                user: user_id,
                keep: None,
            },
            EndReason::Killed,
            &Actor::name_of(&admin),
        )
        .await?;
    Ok(ended.len() as u32)
}

/// Changes the caller's own password and returns how many of their other sessions
/// ended: all of them with `sign_out_others`, none without. The current session always
/// stays. `repeat` is checked here too, not only in the form, so a script gets the same
/// answer as the page.
#[server(prefix = "/rpc", endpoint = "change_password", output = JsonAnswer)]
pub async fn change_password(
    current: String,
    new: String,
    repeat: String,
    // A plain form leaves an unticked box out.
    #[server(default)] sign_out_others: bool,
) -> Result<u32, AppError> {
    let session = current_session().await?;
    let user_id = session.user_id.ok_or(AppError::Forbidden)?;
    if new != repeat {
        return Err(AppError::BadRequest(PASSWORDS_DIFFER.into()));
    }
    let keep = if sign_out_others {
        KeepSessions::This(session.id.clone())
    } else {
        KeepSessions::All
    };
    let ended = engine()?
        .change_own_password(user_id, current, new, keep, &client_info()?)
        .await?;
    redirect_plain_form(&crate::sessions_api::my_sessions_done(
        crate::sessions_api::PASSWORD_CHANGED,
        ended as u32,
    ));
    Ok(ended as u32)
}

/// Said by the form and by the server when the two new passwords differ.
pub const PASSWORDS_DIFFER: &str = "The new password and its repetition differ.";
