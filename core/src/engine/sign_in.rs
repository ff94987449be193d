//! Sign-in: the password, then the session policy (network rules, concurrent limits,
//! each enforced or only observed: see `policy::mode`), then a fresh session. Limits
//! are decided and the session inserted under one lock, so two sign-ins racing each
//! other cannot both slip under a limit. Every sign-in gets a token of its own; a form
//! sent twice is caught by its nonce (`form_nonce`).

use super::analytics::Blocked;
use super::form_nonce::FormNonces;
use super::{ClientInfo, Engine, SignedIn, CONSOLE_APP, SYSTEM_ACTOR};
use crate::agent::{clamp_user_agent, parse_user_agent};
use crate::error::{CoreError, CoreResult};
use crate::model::{EndReason, Role, SessionStatus};
use crate::policy::limits::{decide, LiveSummary};
use crate::policy::mode::{Rule, Verdict};
use crate::store::{EndSelector, NewSession, Scope, User, UserRef};
use crate::throttle::AttemptKeys;
use crate::token::{new_session_id, Token};
use std::collections::HashSet;

const MAX_USERNAME_LEN: usize = 64;

/// Serialises the limit check and the insert; holds the sign-in forms in use.
#[derive(Default)]
pub(super) struct SignInGate {
    limits: tokio::sync::Mutex<()>,
    nonces: FormNonces,
}

/// What a browser's sign-in brings besides the credentials.
#[derive(Default)]
pub struct SignInForm {
    /// The session cookie the browser still holds, if any.
    pub previous: Option<Token>,
    /// The one-time nonce of the form, if the page sent one.
    pub nonce: Option<String>,
}

impl Engine {
    /// Checks the password and opens a new console session with a fresh token.
    pub async fn sign_in(
        &self,
        username: &str,
        password: String,
        client: &ClientInfo,
    ) -> CoreResult<SignedIn> {
        self.sign_in_form(username, password, client, SignInForm::default())
            .await
    }

    /// `sign_in` from the sign-in form of a browser. A live session the browser still
    /// holds is ended once the password is right (ASVS 7.2.4): one browser, one
    /// session, and no token issued before an authentication outlives it. It ends as a
    /// logout, which it is: the person left it by signing in again. A form sent again
    /// with a nonce already used is refused before anything is checked.
    pub async fn sign_in_form(
        &self,
        username: &str,
        password: String,
        client: &ClientInfo,
        form: SignInForm,
    ) -> CoreResult<SignedIn> {
        let result = self.sign_in_once(username, password, client, form).await;
        self.count_sign_in(CONSOLE_APP, result)
    }

    async fn sign_in_once(
        &self,
        username: &str,
        password: String,
        client: &ClientInfo,
        form: SignInForm,
    ) -> CoreResult<SignedIn> {
        let username = username.trim();
        if username.is_empty() || password.is_empty() {
            return Err(CoreError::invalid("Enter your username and password."));
        }
        let keys = AttemptKeys {
            user: username.to_owned(),
            ip: client.ip.clone(),
        };
        let form_use = self
            .sign_ins
            .nonces
            .claim(form.nonce.as_deref(), self.now())?;
        let attempt = self
            .throttle
            .reserve(keys)
            .map_err(|retry_after_secs| CoreError::Throttled { retry_after_secs })?;
        let credentials = if username.len() <= MAX_USERNAME_LEN {
            self.store.user_credentials(username).await?
        } else {
            None
        };
        let verified = self
            .hashing
            .verify(
                password,
                credentials.as_ref().map(|c| c.password_hash.clone()),
            )
            .await?;
        let user = match credentials {
            Some(credentials) if verified && !credentials.user.disabled => credentials.user,
            _ => return Err(CoreError::BadCredentials),
        };
        attempt.succeeded();
        if let Some(previous) = &form.previous {
            self.end_previous(previous, client, &user.username).await?;
        }
        let signed_in = self.open_session(Subject::console(&user), client).await?;
        form_use.used(self.now());
        Ok(signed_in)
    }

    /// Ends the console session `previous` belongs to, if it is live.
    async fn end_previous(
        &self,
        previous: &Token,
        client: &ClientInfo,
        actor: &str,
    ) -> CoreResult<()> {
        match self.peek(previous, client).await {
            Ok(session) => {
                let selector = EndSelector::Ids {
                    ids: vec![session.id.clone()],
                    scope: Scope::Everyone,
                };
                self.end(selector, EndReason::Logout, actor).await?;
                Ok(())
            }
            Err(CoreError::Unauthenticated(_)) => Ok(()),
            Err(err) => Err(err),
        }
    }

    /// Opens a session for `subject` if the policy of its role allows it, ending the
    /// sessions a limit with "end the oldest" evicts.
    pub(super) async fn open_session(
        &self,
        subject: Subject,
        client: &ClientInfo,
    ) -> CoreResult<SignedIn> {
        // A sign-in may end older sessions (limits) and needs the policy in force.
        self.ensure_current()?;
        let policy = self.policy();
        let rules = policy.for_role(subject.role);
        // What rules in observe mode would have done: flags on the new session.
        let mut observed = Vec::new();
        match rules.judge_address(&client.ip) {
            Verdict::Refuse(message) => {
                return Err(self.refuse(&subject.application, Blocked::NetworkRule, message))
            }
            Verdict::Observed(flag) => observed.push((Rule::Network, flag)),
            Verdict::Allow { .. } => {}
        }

        let country = self.geo.country(&client.ip);
        // Before the limits' lock, which serialises every sign-in: flags only inform,
        // and two sign-ins racing each other at most blur a count by one.
        let mut flags = self
            .sign_in_flags(
                subject.user_ref(),
                &client.ip,
                country.as_deref(),
                self.now(),
            )
            .await?;

        let _limits = self.sign_ins.limits.lock().await;
        let now = self.now();

        let user_agent = clamp_user_agent(&client.user_agent);
        let agent = parse_user_agent(&user_agent);
        let candidate = LiveSummary {
            id: String::new(),
            user_id: subject.account,
            external_user: subject
                .external_user_id
                .as_deref()
                .map(|id| LiveSummary::external_user_key(&subject.application, id)),
            username: subject.name.clone(),
            role: subject.role,
            ip: client.ip.clone(),
            country: country.clone(),
            device: agent.device,
            created_at: now,
            last_seen_at: now,
            expires_at: now + rules.lifetime_ms,
        };
        let limits = &rules.limits;
        let user = subject.user_ref();
        let neighbours = if limits.is_unlimited() {
            Vec::new()
        } else {
            self.store
                .limit_neighbours(user, &client.ip, subject.role, now)
                .await?
        };
        let recent_ips: HashSet<String> = match user {
            Some(user) if limits.distinct_ips > 0 => self
                .store
                .recent_ips(user, now - limits.ip_window_ms)
                .await?
                .into_iter()
                .collect(),
            _ => HashSet::new(),
        };
        match rules.judge(
            Rule::Limits,
            decide(limits, &candidate, &neighbours, &recent_ips),
        ) {
            Verdict::Refuse(message) => {
                return Err(self.refuse(&subject.application, Blocked::Limit, message))
            }
            Verdict::Allow { evict } if !evict.is_empty() => {
                let selector = EndSelector::Ids {
                    ids: evict,
                    scope: Scope::Everyone,
                };
                self.end(selector, EndReason::EvictedByLimit, SYSTEM_ACTOR)
                    .await?;
            }
            Verdict::Allow { .. } => {}
            Verdict::Observed(flag) => observed.push((Rule::Limits, flag)),
        }
        // Counted once per sign-in, by the first rule that would have acted.
        let observed_rule = observed.first().map(|(rule, _)| *rule);
        flags.extend(observed.into_iter().map(|(_, flag)| flag));

        let token = Token::generate();
        let new = NewSession {
            id: new_session_id(),
            token_hash: token.hash(),
            application: subject.application,
            user_id: subject.account,
            external_user_id: subject.external_user_id,
            username: subject.name,
            status: subject.status,
            role: subject.role,
            ip: client.ip.clone(),
            agent,
            user_agent,
            country,
            created_at: now,
            expires_at: candidate.expires_at,
            flags,
        };
        let id = new.id.clone();
        self.own_changes.record_created(&id);
        let mut session = match self.store.insert_session(new).await {
            Ok(session) => session,
            Err(err) => {
                self.own_changes.forget_created(&id);
                return Err(err);
            }
        };
        if let Some(rule) = observed_rule {
            self.tally_observed(&session.application, rule);
        }
        self.fill_idle_deadline(&mut session);
        self.cache.insert(token.hash(), &session);
        self.publish_created(&session);
        Ok(SignedIn { session, token })
    }
}

/// Who a new session is for.
pub(super) struct Subject {
    pub application: String,
    /// The console account (console sign-ins).
    pub account: Option<i64>,
    /// The application's own id of the user (API sessions).
    pub external_user_id: Option<String>,
    pub name: Option<String>,
    pub role: Role,
    pub status: SessionStatus,
}

impl Subject {
    pub fn console(user: &User) -> Subject {
        Subject {
            application: CONSOLE_APP.into(),
            account: Some(user.id),
            external_user_id: None,
            name: Some(user.username.clone()),
            role: user.role,
            status: SessionStatus::Authenticated,
        }
    }

    fn user_ref(&self) -> Option<UserRef<'_>> {
        match (self.account, &self.external_user_id) {
            (Some(id), _) => Some(UserRef::Account(id)),
            (None, Some(id)) => Some(UserRef::External {
                application: &self.application,
                id,
            }),
            (None, None) => None,
        }
    }
}
