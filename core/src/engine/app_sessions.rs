//! Sessions that applications keep here through the HTTP API. Every call is scoped to
//! the calling application: another application's sessions are unknown to it, never
//! ended, touched or listed. The session policy applies as for console sign-ins.

use super::actor::application_scope;
use super::sign_in::Subject;
use super::{Actor, ClientInfo, Engine, SignedIn};
use crate::error::{CoreError, CoreResult, Entity};
use crate::model::{
    AppUserId, EndReason, ListQuery, PageAt, Role, SessionId, SessionPage, SessionStatus, SortDir,
    SortKey, MAX_APP_USER_LEN, MAX_PAGE_SIZE,
};
use crate::store::EndSelector;
use crate::token::Token;

/// A sign-in an application reports: its own id of the user, and how to show them.
pub struct AppSignIn {
    pub user_id: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub client: ClientInfo,
}

impl Engine {
    /// Opens an authenticated session for one of `application`'s users.
    pub async fn open_app_session(
        &self,
        application: &str,
        sign_in: AppSignIn,
    ) -> CoreResult<SignedIn> {
        let result = match app_subject(application, &sign_in) {
            Ok(subject) => self.open_session(subject, &sign_in.client).await,
            Err(err) => Err(err),
        };
        self.count_sign_in(application, result)
    }

    /// Opens a guest session (no user) for `application`.
    pub async fn open_guest_session(
        &self,
        application: &str,
        client: &ClientInfo,
    ) -> CoreResult<SignedIn> {
        let subject = Subject {
            application: application.to_owned(),
            account: None,
            external_user_id: None,
            name: None,
            role: Role::User,
            status: SessionStatus::Guest,
        };
        let result = self.open_session(subject, client).await;
        self.count_sign_in(application, result)
    }

    /// Ends the session holding `token` (logout). `Ok` also when it had already ended;
    /// `Unauthenticated(None)` when `application` has no session with that token.
    pub async fn end_app_session_by_token(
        &self,
        application: &str,
        token: &Token,
    ) -> CoreResult<()> {
        let session = self
            .store
            .session_by_token(&token.hash())
            .await?
            .filter(|session| session.application == application)
            .ok_or(CoreError::Unauthenticated(None))?;
        if session.ended_at.is_none() {
            let ids = vec![SessionId::issued(session.id)];
            self.end_sessions(&app_actor(application), ids, EndReason::Logout)
                .await?;
        }
        Ok(())
    }

    /// Ends one live session of `application` by its public id.
    pub async fn end_app_session_by_id(&self, application: &str, id: &SessionId) -> CoreResult<()> {
        let ended = self
            .end_sessions(&app_actor(application), vec![id.clone()], EndReason::Logout)
            .await?;
        if ended.is_empty() {
            return Err(CoreError::NotFound(Entity::Session));
        }
        Ok(())
    }

    /// Ends every live session of one of `application`'s users, but `keep`.
    pub async fn end_app_user_sessions(
        &self,
        application: &str,
        user: &AppUserId,
        keep: Option<SessionId>,
        reason: EndReason,
    ) -> CoreResult<usize> {
        let actor = app_actor(application);
        let selector = EndSelector::ExternalUser {
            application: application.to_owned(),
            user: user.to_string(),
            keep: keep.map(SessionId::into_string),
        };
        Ok(self.end(selector, reason, actor.name()).await?.len())
    }

    /// `application`'s live sessions, newest first; with `user`, only that user's.
    pub async fn list_app_sessions(
        &self,
        application: &str,
        user: Option<&AppUserId>,
        limit: u32,
        cursor: Option<&str>,
    ) -> CoreResult<SessionPage> {
        if limit == 0 || limit > MAX_PAGE_SIZE {
            return Err(CoreError::invalid(format!(
                "limit must be from 1 to {MAX_PAGE_SIZE}."
            )));
        }
        let page = cursor.map_or(PageAt::First, |text| PageAt::After(text.to_owned()));
        let query = ListQuery {
            sort: SortKey::Created,
            dir: SortDir::Desc,
            page,
            limit,
            ..ListQuery::default()
        };
        self.list_in(&query, application_scope(application, user))
            .await
    }
}

/// The application's own ends are recorded as ended by the application.
fn app_actor(application: &str) -> Actor {
    Actor::Application(application.to_owned())
}

/// The subject of an application's sign-in, once its user id and name are acceptable.
fn app_subject(application: &str, sign_in: &AppSignIn) -> CoreResult<Subject> {
    // Spaces around the id are the client's slip, not part of the id.
    let user_id = AppUserId::parse(sign_in.user_id.trim())?;
    let display_name = sign_in
        .display_name
        .as_deref()
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .unwrap_or(user_id.as_str());
    if display_name.chars().count() > MAX_APP_USER_LEN {
        return Err(CoreError::invalid(format!(
            "display_name must be at most {MAX_APP_USER_LEN} characters."
        )));
    }
    Ok(Subject {
        application: application.to_owned(),
        account: None,
        external_user_id: Some(user_id.to_string()),
        name: Some(display_name.to_owned()),
        role: sign_in.role,
        status: SessionStatus::Authenticated,
    })
}
