//! `sessions list` and `sessions kill`: live sessions read and ended from the command
//! line. A kill is recorded in the end log, which a running server applies within its
//! poll interval.

use super::output::print_sessions;
use super::{KillArgs, ListArgs};
use crate::failure::Failure;
use sessions_core::engine::Actor;
use sessions_core::model::{EndReason, ListQuery, PageAt, SessionId, MAX_PAGE_SIZE};
use sessions_core::{CoreError, Engine};
use std::sync::Arc;

pub(super) async fn list(engine: &Arc<Engine>, args: ListArgs) -> Result<(), Failure> {
    let mut sessions = Vec::new();
    let mut query = ListQuery {
        search: args.search,
        limit: MAX_PAGE_SIZE,
        ..ListQuery::default()
    };
    loop {
        let page = engine.list(&Actor::Operator, &query).await?;
        sessions.extend(page.sessions);
        match page.next {
            Some(next) => query.page = PageAt::After(next),
            None => break,
        }
    }
    print_sessions(&sessions, args.format).map_err(Failure::io)
}

pub(super) async fn kill(engine: &Arc<Engine>, args: KillArgs) -> Result<(), Failure> {
    let reason = EndReason::Killed;
    let ended = if let Some(name) = &args.user {
        let user = engine.user_by_name(name).await?;
        engine
            .end_account_sessions(&Actor::Operator, user.id, false, reason)
            .await?
    } else if args.all {
        if !args.yes {
            return Err(Failure::usage(
                "Refusing to end every session without --yes.",
            ));
        }
        engine.end_all(&Actor::Operator, false, reason).await?
    } else if !args.ids.is_empty() {
        let ids = args
            .ids
            .iter()
            .map(|id| SessionId::parse(id))
            .collect::<Result<Vec<_>, _>>()
            .map_err(CoreError::from)?;
        engine.end_sessions(&Actor::Operator, ids, reason).await?
    } else {
        return Err(Failure::usage(
            "name sessions to end: `kill ID…`, `kill --user NAME` or `kill --all --yes`",
        ));
    };
    let missing: Vec<&String> = args
        .ids
        .iter()
        .filter(|id| !ended.iter().any(|s| &s.id == *id))
        .collect();
    if !missing.is_empty() {
        eprintln!(
            "not live (unknown or already ended): {}",
            missing
                .iter()
                .map(|id| id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!(
        "Ended {} session{}.",
        ended.len(),
        if ended.len() == 1 { "" } else { "s" }
    );
    if ended.is_empty() && !args.ids.is_empty() {
        return Err(Failure {
            message: "none of the given sessions was live".into(),
            code: 3,
        });
    }
    Ok(())
}
