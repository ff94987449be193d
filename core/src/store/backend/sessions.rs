//! Sessions and their ends: the statements a backend supplies and the one
//! implementation of `SessionStore` over them.

/// The fixed statements of `SessionStore`; lists and ends are built by `store::query`.
pub trait SessionSql {
    /// Inserts a session from its 20 values (`bind_new_session` order) and its
    /// creation's sequence number, returning its row.
    const INSERT: &'static str;
    /// A session row by token hash.
    const BY_TOKEN: &'static str;
    /// A session row by id.
    const BY_ID: &'static str;
    /// Bumps the change log's sequence number (ends and creations share it) and
    /// returns it.
    const NEXT_END_SEQ: &'static str;
    /// Moves "last seen" forward only, and sets the last address: (at, ip, id).
    const TOUCH: &'static str;
    /// `LoggedEndRow`s after a sequence number, oldest first: (seq, limit).
    const ENDS_SINCE: &'static str;
    /// `LoggedChangeRow`s (creations and ends) after a sequence number, in sequence
    /// order, but the ends of the numbers in a JSON array: (seq, limit, skipped ends).
    const CHANGES_SINCE: &'static str;
    /// Every `LoggedChangeRow` of one sequence number (one bulk end): (seq).
    const CHANGES_AT: &'static str;
    const LATEST_END_SEQ: &'static str;
    /// The sessions an end numbered (seq) has just ended, as one JSON array of
    /// `SessionRow`s in `session_columns!` order; `None` to take them from the end's
    /// `RETURNING`. sqlx's SQLite worker hands every row of an answer across threads
    /// on its own: for "kill all" of 100,000 sessions that cost more than the update.
    const ENDED_AS_JSON: Option<&'static str>;
    /// Run in the transaction of an end or a creation with (seq): tells listening
    /// instances at the commit (see `EndFeedStore`). `None` where the backend has no
    /// notifications.
    const ANNOUNCE_END: Option<&'static str>;
}

/// The counters of `LogHeads`, in one statement (the same on every backend).
pub const LOG_HEADS: &str = "SELECT name, value FROM counters \
     WHERE name IN ('end_seq', 'settings_version', 'applications_version')";

/// Implements `SessionStore` for `$store` (with a `pool` of `$db`) from `$db`'s `SessionSql`.
macro_rules! impl_session_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use sqlx::QueryBuilder;
            use $crate::error::{CoreError, CoreResult};
            use $crate::model::{ListQuery, Millis, Session, SessionFlag};
            use $crate::store::backend::sessions::{SessionSql, LOG_HEADS};
            use $crate::store::backend::take_change_seq;
            use $crate::store::paging::LivePlan;
            use $crate::store::query::{push_end_condition, push_live_filter, push_live_page};
            use $crate::store::rows::{
                self, LoggedChangeRow, LoggedEndRow, SessionRow, SESSION_COLUMNS,
            };
            use $crate::store::{
                EndRecord, EndSelector, Ended, LiveAccess, LogHeads, LoggedChange, LoggedEnd,
                NewSession, Scope, StoredPage, Touch,
            };
            use $crate::token::TokenHash;

            #[async_trait::async_trait]
            impl $crate::store::SessionStore for $store {
                async fn insert_session(&self, new: NewSession) -> CoreResult<Session> {
                    // A creation is logged like an end, under the same counter, for the
                    // other instances' consoles and counts.
                    let mut tx = self
                        .pool
                        .begin_with(<$db as $crate::store::backend::WriteTx>::BEGIN_WRITE)
                        .await?;
                    let seq = take_change_seq!($db, tx);
                    let row: SessionRow = sqlx::query_as(<$db as SessionSql>::INSERT)
                        .bind(&new.id)
                        .bind(new.token_hash.as_bytes())
                        .bind(&new.application)
                        .bind(new.user_id)
                        .bind(&new.external_user_id)
                        .bind(new.username.as_deref().unwrap_or(""))
                        .bind(new.status.as_str())
                        .bind(new.role.as_str())
                        .bind(&new.ip)
                        .bind(&new.ip)
                        .bind(&new.user_agent)
                        .bind(&new.agent.browser)
                        .bind(&new.agent.browser_version)
                        .bind(&new.agent.os)
                        .bind(new.agent.device.as_str())
                        .bind(&new.country)
                        .bind(new.created_at)
                        .bind(new.created_at)
                        .bind(new.expires_at)
                        .bind(rows::flags_json(&new.flags))
                        .bind(seq)
                        .fetch_one(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    row.try_into()
                }

                async fn session_by_token(&self, hash: &TokenHash) -> CoreResult<Option<Session>> {
                    let row: Option<SessionRow> = sqlx::query_as(<$db as SessionSql>::BY_TOKEN)
                        .bind(hash.as_bytes())
                        .fetch_optional(&self.pool)
                        .await?;
                    row.map(Session::try_from).transpose()
                }

                async fn session_by_id(&self, id: &str) -> CoreResult<Option<Session>> {
                    let row: Option<SessionRow> = sqlx::query_as(<$db as SessionSql>::BY_ID)
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                    row.map(Session::try_from).transpose()
                }

                async fn list_live(
                    &self,
                    query: &ListQuery,
                    scope: &Scope,
                    now: Millis,
                    access: LiveAccess,
                ) -> CoreResult<StoredPage> {
                    let plan = LivePlan::new(query)?;
                    let mut select =
                        QueryBuilder::<$db>::new(format!("SELECT {SESSION_COLUMNS} FROM sessions"));
                    push_live_filter(&mut select, query, scope, now, access);
                    push_live_page(&mut select, &plan);
                    let rows: Vec<SessionRow> =
                        select.build_query_as().fetch_all(&self.pool).await?;
                    Ok(plan.finish(rows::sessions(rows)?))
                }

                async fn count_live(
                    &self,
                    query: &ListQuery,
                    scope: &Scope,
                    now: Millis,
                ) -> CoreResult<i64> {
                    let mut count = QueryBuilder::<$db>::new("SELECT COUNT(*) FROM sessions");
                    push_live_filter(&mut count, query, scope, now, LiveAccess::ByFilter);
                    Ok(count.build_query_scalar().fetch_one(&self.pool).await?)
                }

                async fn end_sessions(
                    &self,
                    selector: &EndSelector,
                    record: &EndRecord,
                ) -> CoreResult<Ended> {
                    let mut tx = self
                        .pool
                        .begin_with(<$db as $crate::store::backend::WriteTx>::BEGIN_WRITE)
                        .await?;
                    let seq = take_change_seq!($db, tx);
                    let mut query = QueryBuilder::<$db>::new("UPDATE sessions SET ended_at = ");
                    query
                        .push_bind(record.at)
                        .push(", end_reason = ")
                        .push_bind(record.reason.as_str())
                        .push(", ended_by = ")
                        .push_bind(record.ended_by.as_str())
                        .push(", end_seq = ")
                        .push_bind(seq)
                        .push(" WHERE ended_at IS NULL AND ");
                    push_end_condition(&mut query, selector);
                    let rows: Vec<SessionRow> = match <$db as SessionSql>::ENDED_AS_JSON {
                        None => {
                            query.push(" RETURNING ").push(SESSION_COLUMNS);
                            query.build_query_as().fetch_all(&mut *tx).await?
                        }
                        Some(ended) => {
                            let done = query.build().execute(&mut *tx).await?;
                            if done.rows_affected() == 0 {
                                Vec::new()
                            } else {
                                let json: String = sqlx::query_scalar(ended)
                                    .bind(seq)
                                    .fetch_one(&mut *tx)
                                    .await?;
                                rows::from_json(&json)?
                            }
                        }
                    };
                    if rows.is_empty() {
                        // Nothing ended: the sequence number is not spent.
                        tx.rollback().await?;
                        return Ok(Ended::default());
                    }
                    tx.commit().await?;
                    Ok(Ended {
                        seq: Some(seq),
                        sessions: rows::sessions(rows)?,
                    })
                }

                async fn touch(&self, touches: &[Touch]) -> CoreResult<()> {
                    if touches.is_empty() {
                        return Ok(());
                    }
                    let mut tx = self
                        .pool
                        .begin_with(<$db as $crate::store::backend::WriteTx>::BEGIN_WRITE)
                        .await?;
                    for touch in touches {
                        sqlx::query(<$db as SessionSql>::TOUCH)
                            .bind(touch.last_seen_at)
                            .bind(&touch.last_ip)
                            .bind(&touch.id)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn set_flags(&self, id: &str, flags: &[SessionFlag]) -> CoreResult<bool> {
                    let mut query = QueryBuilder::<$db>::new("UPDATE sessions SET flags = ");
                    query
                        .push_bind(rows::flags_json(flags))
                        .push(" WHERE ended_at IS NULL AND id = ")
                        .push_bind(id.to_owned());
                    let done = query.build().execute(&self.pool).await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn ends_since(&self, seq: i64, limit: i64) -> CoreResult<Vec<LoggedEnd>> {
                    let rows: Vec<LoggedEndRow> = sqlx::query_as(<$db as SessionSql>::ENDS_SINCE)
                        .bind(seq)
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await?;
                    rows.into_iter().map(LoggedEnd::try_from).collect()
                }

                async fn changes_since(
                    &self,
                    seq: i64,
                    limit: i64,
                    skip_ends: &[i64],
                ) -> CoreResult<Vec<LoggedChange>> {
                    // A JSON array: one parameter however many, on every backend.
                    let skip = serde_json::to_string(skip_ends)
                        .map_err(|err| CoreError::internal(err.to_string()))?;
                    let rows: Vec<LoggedChangeRow> =
                        sqlx::query_as(<$db as SessionSql>::CHANGES_SINCE)
                            .bind(seq)
                            .bind(limit)
                            .bind(skip)
                            .fetch_all(&self.pool)
                            .await?;
                    rows.into_iter().map(LoggedChange::try_from).collect()
                }

                async fn changes_at(&self, seq: i64) -> CoreResult<Vec<LoggedChange>> {
                    let rows: Vec<LoggedChangeRow> =
                        sqlx::query_as(<$db as SessionSql>::CHANGES_AT)
                            .bind(seq)
                            .fetch_all(&self.pool)
                            .await?;
                    rows.into_iter().map(LoggedChange::try_from).collect()
                }

                async fn latest_end_seq(&self) -> CoreResult<i64> {
                    Ok(sqlx::query_scalar(<$db as SessionSql>::LATEST_END_SEQ)
                        .fetch_one(&self.pool)
                        .await?)
                }

                async fn log_heads(&self) -> CoreResult<LogHeads> {
                    let counters: Vec<(String, i64)> =
                        sqlx::query_as(LOG_HEADS).fetch_all(&self.pool).await?;
                    let mut heads = LogHeads::default();
                    for (name, value) in counters {
                        match name.as_str() {
                            "end_seq" => heads.seq = value,
                            "settings_version" => heads.settings_version = value,
                            "applications_version" => heads.applications_version = value,
                            _ => {}
                        }
                    }
                    Ok(heads)
                }
            }
        };
    };
}
pub(crate) use impl_session_store;
