//! Server functions of signing in and out and of sessions (the console's list and kills,
//! My sessions). Each authenticates and authorises on the server; what the browser
//! sends is never trusted to say whose sessions it may touch.

use crate::error::AppError;
use crate::wire::JsonAnswer;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use sessions_core::model::{ListQuery, Role, SessionPage};

#[cfg(feature = "ssr")]
use crate::server_ctx::{
    client_info, cookie_token, current_session, engine, redirect_plain_form, require_admin,
    require_admin_viewing, set_cookie, viewing_session,
};
#[cfg(feature = "ssr")]
use sessions_core::{
    engine::{Actor, SignInForm},
    model::{EndReason, SessionId},
    CoreError,
};

/// Who is signed in, as the pages need it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub session_id: String,
    pub username: String,
    pub role: Role,
}

/// The page a role lands on after signing in.
pub fn landing_path(role: Role) -> &'static str {
    match role {
        Role::Admin => "/admin/sessions",
        Role::User => "/account/sessions",
    }
}

/// Signs in; a session the browser still holds ends, and a form sent again with its
/// used `nonce` opens nothing (see `Engine::sign_in_form`). Without a nonce (a
/// script), every call is a new sign-in.
#[server(prefix = "/rpc", endpoint = "sign_in", output = JsonAnswer)]
pub async fn sign_in(
    username: String,
    password: String,
    #[server(default)] nonce: String,
) -> Result<String, AppError> {
    let engine = engine()?;
    let form = SignInForm {
        previous: cookie_token()?,
        nonce: Some(nonce),
    };
    let signed_in = engine
        .sign_in_form(&username, password, &client_info()?, form)
        .await?;
    let lifetime = signed_in.session.expires_at - signed_in.session.created_at;
    set_cookie(&engine.cookies().issue(&signed_in.token, lifetime));
    let target = landing_path(signed_in.session.role);
    leptos_axum::redirect(target);
    Ok(target.to_owned())
}

#[server(prefix = "/rpc", endpoint = "sign_out", output = JsonAnswer)]
pub async fn sign_out() -> Result<(), AppError> {
    let engine = engine()?;
    set_cookie(&engine.cookies().clear());
    if let Ok(session) = current_session().await {
        // Every console session has an account; its own session is within its reach.
        let actor = Actor::account(&session)?;
        let own = vec![SessionId::issued(session.id.clone())];
        engine.end_sessions(&actor, own, EndReason::Logout).await?;
    }
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "whoami", output = JsonAnswer)]
pub async fn whoami() -> Result<Me, AppError> {
    let session = viewing_session().await?;
    Ok(Me {
        session_id: session.id.clone(),
        username: Actor::name_of(&session),
        role: session.role,
    })
}

/// One page of every live session (admins only).
#[server(prefix = "/rpc", endpoint = "list_sessions", output = JsonAnswer)]
pub async fn list_sessions(query: ListQuery) -> Result<SessionPage, AppError> {
    let admin = Actor::admin(&*require_admin_viewing().await?)?;
    Ok(engine()?.list(&admin, &query).await?)
}

/// Ends the given sessions (admins only). Returns how many were live and ended.
#[server(prefix = "/rpc", endpoint = "kill_sessions", output = JsonAnswer)]
pub async fn kill_sessions(ids: Vec<String>) -> Result<u32, AppError> {
    let admin = Actor::admin(&*require_admin().await?)?;
    if ids.is_empty() {
        return Err(AppError::BadRequest("No session was selected.".into()));
    }
    let ids = parse_ids(&ids)?;
    let asked = ids.len();
    let count = engine()?
        .end_sessions(&admin, ids, EndReason::Killed)
        .await?
        .len() as u32;
    if count == 0 {
        // None was live: unknown ids, or sessions that ended meanwhile. A clear 404, as
        // the application API answers, rather than "0 ended" as if something was done.
        return Err(AppError::sessions_gone(asked));
    }
    redirect_plain_form(&console_done(KILLED, count));
    Ok(count)
}

/// Ends every live session; the caller's own survives unless `include_mine`.
#[server(prefix = "/rpc", endpoint = "kill_all", output = JsonAnswer)]
pub async fn kill_all(include_mine: bool) -> Result<u32, AppError> {
    let admin = Actor::admin(&*require_admin().await?)?;
    let count = engine()?
        .end_all(&admin, !include_mine, EndReason::Killed)
        .await?
        .len() as u32;
    redirect_plain_form(&console_done(KILLED, count));
    Ok(count)
}

/// The caller's own live sessions.
#[server(prefix = "/rpc", endpoint = "my_sessions", output = JsonAnswer)]
pub async fn my_sessions(query: ListQuery) -> Result<SessionPage, AppError> {
    let me = Actor::account(&*viewing_session().await?)?;
    Ok(engine()?.list(&me, &query).await?)
}

/// Signs out some of the caller's own sessions. Ids of anyone else's sessions are
/// outside the caller's reach, so they are neither ended nor revealed. Needs the
/// password entered recently (`password` when it was not).
#[server(prefix = "/rpc", endpoint = "sign_out_sessions", output = JsonAnswer)]
pub async fn sign_out_sessions(
    ids: Vec<String>,
    #[server(default)] password: String,
) -> Result<u32, AppError> {
    let session = current_session().await?;
    let me = Actor::account(&session)?;
    if ids.is_empty() {
        return Err(AppError::BadRequest("No session was selected.".into()));
    }
    engine()?
        .require_recent_auth(&session, Some(password), &client_info()?)
        .await?;
    let ids = parse_ids(&ids)?;
    let ended = engine()?.end_sessions(&me, ids, EndReason::Logout).await?;
    if ended.is_empty() {
        return Err(AppError::NotFound(
            "No such session of yours is live.".into(),
        ));
    }
    let count = ended.len() as u32;
    redirect_plain_form(&my_sessions_done(SIGNED_OUT, count));
    Ok(count)
}

/// Signs out every session of the caller's except the current one. Needs the password
/// entered recently (`password` when it was not).
#[server(prefix = "/rpc", endpoint = "sign_out_others", output = JsonAnswer)]
pub async fn sign_out_others(#[server(default)] password: String) -> Result<u32, AppError> {
    let session = current_session().await?;
    let me = Actor::account(&session)?;
    engine()?
        .require_recent_auth(&session, Some(password), &client_info()?)
        .await?;
    let count = engine()?.end_all(&me, true, EndReason::Logout).await?.len() as u32;
    redirect_plain_form(&my_sessions_done(SIGNED_OUT, count));
    Ok(count)
}

/// Confirms the caller's password, whether or not it was entered recently: the way a
/// page without its WASM answers "enter your password" before sending a sign-out
/// again (with the WASM, the dialog sends the password along with the action).
#[server(prefix = "/rpc", endpoint = "confirm_password", output = JsonAnswer)]
pub async fn confirm_password(password: String) -> Result<(), AppError> {
    let session = current_session().await?;
    engine()?
        .confirm_password(&session, password, &client_info()?)
        .await?;
    redirect_plain_form(&my_sessions_done(PASSWORD_CONFIRMED, 0));
    Ok(())
}

/// Session ids from the browser, each parsed here or the call refused with what is
/// wrong.
#[cfg(feature = "ssr")]
fn parse_ids(ids: &[String]) -> Result<Vec<SessionId>, AppError> {
    let parsed: Result<Vec<SessionId>, _> = ids.iter().map(|id| SessionId::parse(id)).collect();
    Ok(parsed.map_err(CoreError::from)?)
}

/// `?done=` of My sessions after sessions were signed out by a plain form post.
pub const SIGNED_OUT: &str = "signed-out";
/// `?done=` of My sessions after the password was confirmed by a plain form post.
pub const PASSWORD_CONFIRMED: &str = "confirmed";
/// `?done=` of My sessions after a password change by a plain form post.
pub const PASSWORD_CHANGED: &str = "password";

/// `?done=` of the console after a Kill by a plain form post.
pub const KILLED: &str = "killed";

/// The console, saying what a plain form post did.
pub fn console_done(what: &str, count: u32) -> String {
    format!(
        "/admin/sessions?{}",
        crate::components::form_feedback::done_query(what, count)
    )
}

/// My sessions, saying what a plain form post did.
pub fn my_sessions_done(what: &str, count: u32) -> String {
    format!(
        "/account/sessions?{}",
        crate::components::form_feedback::done_query(what, count)
    )
}

/// Something the person did on a page that asks the server nothing (a click, a key):
/// counts as their activity, so reading and working on an open page keeps the
/// session alive while an untouched tab still goes idle. Pages send it at most once a
/// minute.
#[server(prefix = "/rpc", endpoint = "still_here", output = JsonAnswer)]
pub async fn still_here() -> Result<(), AppError> {
    current_session().await?;
    Ok(())
}
