//! One suite every backend must pass, split by ability. Each test takes a fresh, empty
//! store; `backend_suite!` instantiates the whole suite for one backend, and
//! `backends` runs it on SQLite and on PostgreSQL (a throwaway cluster per test binary,
//! see `tests/support/pg_cluster.rs`).

mod accounts;
mod applications;
mod ends;
mod flags;
mod instances;
mod policy;
mod rollups;
mod sessions;

#[path = "../../../tests/support/pg_cluster.rs"]
mod pg_cluster;

use super::*;
use crate::model::{AgentInfo, DeviceClass, EndReason, Millis, Role, SessionStatus};
use crate::token::{new_session_id, Token};

pub fn new_session(user: Option<&User>, ip: &str, app: &str, created_at: Millis) -> NewSession {
    NewSession {
        id: new_session_id(),
        token_hash: Token::generate().hash(),
        application: app.into(),
        user_id: user.map(|u| u.id),
        external_user_id: None,
        username: user.map(|u| u.username.clone()),
        status: if user.is_some() {
            SessionStatus::Authenticated
        } else {
            SessionStatus::Guest
        },
        role: user.map(|u| u.role).unwrap_or(Role::User),
        ip: ip.into(),
        user_agent: "test".into(),
        agent: AgentInfo {
            browser: "Chrome".into(),
            browser_version: "120".into(),
            os: "Linux".into(),
            device: DeviceClass::Desktop,
        },
        country: None,
        created_at,
        expires_at: created_at + 1_000_000,
        flags: Vec::new(),
    }
}

async fn user(store: &SharedStore, name: &str, role: Role) -> User {
    let new = NewUser {
        username: name.into(),
        password_hash: "x".into(),
        role,
    };
    store
        .create_user(new, 0)
        .await
        .expect("create user")
        .expect("a new name")
}

pub(crate) fn killed(at: Millis) -> EndRecord {
    EndRecord {
        reason: EndReason::Killed,
        ended_by: "admin".into(),
        at,
    }
}

/// Instantiates every conformance test for one backend. `$open` is an async
/// expression yielding `(SharedStore, guard)`; the guard keeps the database alive.
macro_rules! backend_suite {
    ($backend:ident, $open:expr) => {
        mod $backend {
            use super::*;
            backend_suite!(@tests $open;
                sessions::sessions_round_trip_by_token_hash,
                sessions::list_filters_sorts_and_pages,
                sessions::a_page_is_the_same_whichever_way_it_is_read,
                sessions::search_through_the_index_finds_what_the_exact_test_finds,
                ends::lists_and_ends_of_an_application_stay_in_it,
                ends::ends_respect_scope_and_are_logged,
                ends::an_end_returns_the_ended_sessions_as_stored,
                ends::expiry_and_idle_selectors_end_what_they_name,
                ends::sweep_selectors_end_at_most_their_limit_per_call,
                ends::touches_move_last_seen_forward_only,
                ends::creations_and_ends_share_the_change_log,
                flags::flags_persist_filter_and_reach_history,
                flags::sign_in_history_sees_the_window_and_earlier_sessions,
                accounts::users_are_unique_case_insensitively,
                accounts::users_are_found_by_name_and_id_and_listed_by_name,
                accounts::accounts_change_and_disappear,
                policy::settings_are_saved_with_a_ledger,
                policy::policy_queries_see_the_right_sessions,
                policy::history_filters_pages_and_purges,
                applications::applications_are_unique_and_found_by_key,
                applications::applications_are_listed_with_live_counts_and_revoked_once,
                rollups::rollups_add_across_writers_and_read_by_period,
                rollups::active_users_count_each_user_once,
                instances::instances_behind_counts_live_instances_below_a_seq,
                instances::a_committed_end_wakes_the_end_feed,
                instances::a_committed_creation_wakes_the_end_feed);
        }
    };
    (@tests $open:expr; $($area:ident :: $test:ident),*) => {
        $(
            #[tokio::test]
            async fn $test() {
                let (store, _guard) = $open.await;
                super::super::$area::$test(store).await;
            }
        )*
    };
}

async fn open_sqlite() -> (SharedStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    (
        open(&url, &StoreOptions::default())
            .await
            .expect("open sqlite"),
        dir,
    )
}

async fn open_postgres() -> (SharedStore, ()) {
    let url = pg_cluster::fresh_database_url().await;
    (
        open(&url, &StoreOptions::default())
            .await
            .expect("open postgres"),
        (),
    )
}

mod backends {
    use super::*;
    backend_suite!(sqlite, open_sqlite());
    backend_suite!(postgres, open_postgres());
}

/// `sslmode=require` in the URL: the connection is encrypted (rustls).
#[tokio::test]
async fn postgres_connections_use_tls_when_the_url_asks() {
    let url = pg_cluster::fresh_database_url().await;
    let options = StoreOptions {
        max_connections: Some(2),
        statement_timeout: Some(std::time::Duration::from_millis(200)),
    };
    let store = PgStore::open(&pg_cluster::over_tls(&url), &options)
        .await
        .expect("open over TLS");
    assert!(
        store.uses_tls().await.expect("ask the server"),
        "the connection is not encrypted"
    );
    assert!(
        matches!(
            store.sleep_for_test(1.0).await,
            Err(CoreError::Unavailable(_))
        ),
        "a statement past the timeout is cancelled"
    );
}

/// An unreachable server is an `Unavailable` error naming the URL without its password.
#[tokio::test]
async fn an_unreachable_postgres_is_a_clear_error() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let url = format!("postgres://app:s3cret@127.0.0.1:{closed}/sessions");
    let Err(CoreError::Unavailable(message)) = open(&url, &StoreOptions::default()).await else {
        panic!("opened a store on a closed port");
    };
    assert!(message.contains("app:****@127.0.0.1"), "{message}");
    assert!(!message.contains("s3cret"), "{message}");
}
