//! The session policy end to end on a real SQLite file with a manual clock: limits at
//! sign-in, network rules (each enforced or only observed), previews and saves that end
//! sessions, account changes, the ledger and retention.

use sessions_core::analytics::KpiName;
use sessions_core::catalogue::{SettingChange, SettingScope};
use sessions_core::engine::{Actor, ClientInfo, KeepSessions, SignInForm, SignedIn};
use sessions_core::model::{
    EndReason, FlagKind, HistoryQuery, Impact, ListQuery, LiveEvent, Role, SessionFlag, SessionId,
    MINUTE_MS,
};
use sessions_core::{CoreError, Engine};

const CHROME: &str =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0.0.0 Safari/537.36";
const IPHONE: &str =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1";

#[path = "../support/mod.rs"]
mod support;

use support::{config, Backend, Fixture};

mod accounts;
mod enforced;
mod history;
mod observe;
mod settings;

async fn fixture(backend: Backend) -> Fixture {
    support::fixture(
        backend,
        &[
            ("alice", Role::User),
            ("bob", Role::User),
            ("root", Role::Admin),
        ],
    )
    .await
}

fn client(ip: &str, user_agent: &str) -> ClientInfo {
    ClientInfo {
        ip: ip.into(),
        user_agent: user_agent.into(),
    }
}

/// Sign-ins and settings as the tests use them.
trait PolicyFixture {
    async fn sign_in(&self, user: &str, ip: &str) -> Result<SignedIn, CoreError>;
    async fn sign_in_with(&self, user: &str, ip: &str, agent: &str) -> Result<SignedIn, CoreError>;
    async fn set(&self, scope: SettingScope, key: &str, value: &str);
    /// What saving one value would do, without saving it.
    async fn preview(&self, scope: SettingScope, key: &str, value: &str) -> Impact;
    async fn live_ids(&self, user: &str) -> Vec<String>;
}

impl PolicyFixture for Fixture {
    /// Signs in, then moves the clock past the double-click window.
    async fn sign_in(&self, user: &str, ip: &str) -> Result<SignedIn, CoreError> {
        self.sign_in_with(user, ip, CHROME).await
    }

    async fn sign_in_with(&self, user: &str, ip: &str, agent: &str) -> Result<SignedIn, CoreError> {
        let result = self
            .engine
            .sign_in(user, format!("{user}-password"), &client(ip, agent))
            .await;
        self.clock.advance(10_000);
        result
    }

    async fn set(&self, scope: SettingScope, key: &str, value: &str) {
        self.engine
            .save_settings(&[change(scope, key, value)], "root", None)
            .await
            .expect("save");
    }

    async fn preview(&self, scope: SettingScope, key: &str, value: &str) -> Impact {
        self.engine
            .preview_settings(&[change(scope, key, value)], None)
            .await
            .expect("preview")
    }

    async fn live_ids(&self, user: &str) -> Vec<String> {
        let query = ListQuery {
            search: user.into(),
            ..ListQuery::default()
        };
        let page = self
            .engine
            .list(&Actor::Operator, &query)
            .await
            .expect("list");
        page.sessions.into_iter().map(|s| s.id).collect()
    }
}

fn change(scope: SettingScope, key: &str, value: &str) -> SettingChange {
    SettingChange {
        scope,
        key: key.into(),
        value: Some(value.into()),
    }
}

fn refused(result: Result<SignedIn, CoreError>) -> String {
    match result {
        Err(CoreError::Refused(message)) => message,
        Err(other) => panic!("expected a policy refusal, got {other:?}"),
        Ok(_) => panic!("expected a policy refusal, the sign-in passed"),
    }
}
