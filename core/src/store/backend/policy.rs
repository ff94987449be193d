//! The session policy, what it judges, the history and the filter chips: the
//! statements a backend supplies and the one implementation of `PolicyStore` over them.

pub trait PolicySql {
    /// Every `SettingRow`.
    const LOAD_SETTINGS: &'static str;
    /// One stored value: (scope, key).
    const SETTING_VALUE: &'static str;
    /// Inserts or replaces a value: (scope, key, value, updated_at, updated_by).
    const UPSERT_SETTING: &'static str;
    /// (scope, key).
    const DELETE_SETTING: &'static str;
    /// A ledger entry (at, actor, scope, key, old_value, new_value), returning its `ChangeRow`.
    const INSERT_CHANGE: &'static str;
    const BUMP_SETTINGS_VERSION: &'static str;
    const SETTINGS_VERSION: &'static str;
    /// `ChangeRow`s newest first: (before or NULL, limit).
    const CHANGES: &'static str;
    /// Every live `SummaryRow` at (now), and how they are read.
    const LIVE_SUMMARIES: SummaryRead;
    /// Shortens live sessions of a role to `created_at + lifetime`: (lifetime, role).
    const CAP_EXPIRY: &'static str;
    /// Deletes ended sessions of a role that ended before a cutoff: (cutoff, role).
    const PURGE: &'static str;
    /// `LiveGroupRow`s of the live sessions at (now).
    const LIVE_GROUPS: &'static str;
    /// Statements run in one write transaction before each purge, where ends leave
    /// some index work for later (SQLite's search index); empty where they do not.
    const TIDY: &'static [&'static str];
}

/// How a backend's live summaries are read.
pub enum SummaryRead {
    /// `SummaryRow`s in `MayEnd`, streamed: (now, then each `RoleCut`'s `created_by`
    /// and `seen_by`, admin then user). PostgreSQL builds rows on its own server
    /// process while this one decodes them; split into parts by a hash of the id,
    /// each part's scan read every row, and a preview of every session got slower.
    Streamed(&'static str),
    /// Where a row at a time is slow to read (sqlx's SQLite worker hands each row
    /// across threads) and one connection builds rows on one core: `SUMMARY_PARTS`
    /// even ranges of a key no update moves (the rowid) read at once, each on its own
    /// connection and in chunks. The parts' read transactions begin a moment apart, so
    /// a session that starts or ends in between is judged as of either moment, as a
    /// preview a moment later would judge it.
    JsonChunks {
        /// The lowest and highest key of the table.
        bounds: &'static str,
        /// One JSON array of rows in `MayEnd`, in `summary_columns!` order, and the
        /// last row's key, for (now, after that key, up to this key, at most this
        /// many, then each `RoleCut`'s `created_by` and `seen_by`, admin then user).
        chunk: &'static str,
    },
}

/// Parts of `SummaryRead::JsonChunks` read at once.
pub const SUMMARY_PARTS: i64 = 2;

/// Rows per chunk of `SummaryRead::JsonChunks`: about 4 MB of JSON. The conformance
/// suite's few sessions span several chunks.
#[cfg(not(test))]
pub const SUMMARY_CHUNK: i64 = 25_000;
#[cfg(test)]
pub const SUMMARY_CHUNK: i64 = 2;

/// The most recent sessions the flags look at. A month of a busy account fits; an
/// account with more (a shared or scripted one) is judged on its newest sessions.
pub const MAX_SIGN_IN_FACTS: i64 = 2_000;

/// Implements `PolicyStore` for `$store` (with a `pool` of `$db`) from `$db`'s `PolicySql`.
macro_rules! impl_policy_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use futures_util::TryStreamExt;
            use sqlx::QueryBuilder;
            use $crate::catalogue::{SettingScope, SettingsChangeRecord};
            use $crate::error::CoreResult;
            use $crate::model::{HistoryPage, HistoryQuery, Millis, Role};
            use $crate::policy::flags::SignInHistory;
            use $crate::policy::impact::MayEnd;
            use $crate::policy::limits::LiveSummary;
            use $crate::store::backend::policy::{
                PolicySql, SummaryRead, MAX_SIGN_IN_FACTS, SUMMARY_CHUNK, SUMMARY_PARTS,
            };
            use $crate::store::paging::HistoryPlan;
            use $crate::store::query::{push_history_filter, push_history_page, push_user};
            use $crate::store::rows::{
                self, ChangeRow, FactRow, LiveGroupRow, SessionRow, SettingRow, SummaryRow,
                SESSION_COLUMNS, SUMMARY_COLUMNS,
            };
            use $crate::store::{LiveGroup, SettingWrite, UserRef};

            #[async_trait::async_trait]
            impl $crate::store::PolicyStore for $store {
                async fn load_settings(&self) -> CoreResult<Vec<(SettingScope, String, String)>> {
                    let rows: Vec<SettingRow> = sqlx::query_as(<$db as PolicySql>::LOAD_SETTINGS)
                        .fetch_all(&self.pool)
                        .await?;
                    Ok(rows::settings(rows))
                }

                async fn save_settings(
                    &self,
                    writes: &[SettingWrite],
                    actor: &str,
                    at: Millis,
                ) -> CoreResult<Vec<SettingsChangeRecord>> {
                    let mut tx = self
                        .pool
                        .begin_with(<$db as $crate::store::backend::WriteTx>::BEGIN_WRITE)
                        .await?;
                    let mut records = Vec::with_capacity(writes.len());
                    for SettingWrite {
                        change,
                        old_if_unset,
                    } in writes
                    {
                        let scope = change.scope.as_str();
                        let old_value: Option<String> =
                            sqlx::query_scalar(<$db as PolicySql>::SETTING_VALUE)
                                .bind(scope)
                                .bind(&change.key)
                                .fetch_optional(&mut *tx)
                                .await?;
                        let old_value = old_value.or_else(|| old_if_unset.clone());
                        match &change.value {
                            Some(value) => {
                                sqlx::query(<$db as PolicySql>::UPSERT_SETTING)
                                    .bind(scope)
                                    .bind(&change.key)
                                    .bind(value)
                                    .bind(at)
                                    .bind(actor)
                                    .execute(&mut *tx)
                                    .await?;
                            }
                            None => {
                                sqlx::query(<$db as PolicySql>::DELETE_SETTING)
                                    .bind(scope)
                                    .bind(&change.key)
                                    .execute(&mut *tx)
                                    .await?;
                            }
                        }
                        let row: ChangeRow = sqlx::query_as(<$db as PolicySql>::INSERT_CHANGE)
                            .bind(at)
                            .bind(actor)
                            .bind(scope)
                            .bind(&change.key)
                            .bind(&old_value)
                            .bind(&change.value)
                            .fetch_one(&mut *tx)
                            .await?;
                        records.push(row.try_into()?);
                    }
                    sqlx::query(<$db as PolicySql>::BUMP_SETTINGS_VERSION)
                        .execute(&mut *tx)
                        .await?;
                    // Other instances follow the new version when they read past it.
                    $crate::store::backend::take_change_seq!($db, tx);
                    tx.commit().await?;
                    Ok(records)
                }

                async fn settings_version(&self) -> CoreResult<i64> {
                    Ok(sqlx::query_scalar(<$db as PolicySql>::SETTINGS_VERSION)
                        .fetch_one(&self.pool)
                        .await?)
                }

                async fn settings_changes(
                    &self,
                    limit: i64,
                    before: Option<i64>,
                ) -> CoreResult<Vec<SettingsChangeRecord>> {
                    let rows: Vec<ChangeRow> = sqlx::query_as(<$db as PolicySql>::CHANGES)
                        .bind(before)
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await?;
                    rows.into_iter()
                        .map(SettingsChangeRecord::try_from)
                        .collect()
                }

                async fn live_summaries(
                    &self,
                    now: Millis,
                    expected: usize,
                    may_end: MayEnd,
                ) -> CoreResult<Vec<LiveSummary>> {
                    // Each part into a vector sized for it; the first part's is sized
                    // for all and takes the others in.
                    let sized = |part: i64| {
                        Vec::with_capacity(if part == 0 {
                            expected
                        } else {
                            expected / SUMMARY_PARTS as usize
                        })
                    };
                    let parts: Vec<_> = match <$db as PolicySql>::LIVE_SUMMARIES {
                        SummaryRead::Streamed(select) => {
                            return stream_summaries(&self.pool, select, now, may_end, sized(0))
                                .await;
                        }
                        SummaryRead::JsonChunks { bounds, chunk } => {
                            let (first, last): (Option<i64>, Option<i64>) =
                                sqlx::query_as(bounds).fetch_one(&self.pool).await?;
                            let (Some(first), Some(last)) = (first, last) else {
                                return Ok(Vec::new());
                            };
                            let span = (last - first) / SUMMARY_PARTS + 1;
                            (0..SUMMARY_PARTS)
                                .map(|part| {
                                    let after = first - 1 + part * span;
                                    let upto = if part + 1 == SUMMARY_PARTS {
                                        last
                                    } else {
                                        after + span
                                    };
                                    tokio::spawn(read_summary_range(
                                        self.pool.clone(),
                                        chunk,
                                        (now, after, upto),
                                        may_end,
                                        sized(part),
                                    ))
                                })
                                .collect()
                        }
                    };
                    let mut summaries = Vec::new();
                    for (index, part) in parts.into_iter().enumerate() {
                        let part = rows::joined(part).await?;
                        if index == 0 {
                            summaries = part;
                        } else {
                            summaries.extend(part);
                        }
                    }
                    Ok(summaries)
                }

                async fn limit_neighbours(
                    &self,
                    user: Option<UserRef<'_>>,
                    ip: &str,
                    role: Role,
                    now: Millis,
                ) -> CoreResult<Vec<LiveSummary>> {
                    let live = " FROM sessions WHERE ended_at IS NULL AND expires_at > ";
                    let mut query =
                        QueryBuilder::<$db>::new(format!("SELECT {SUMMARY_COLUMNS}{live}"));
                    query.push_bind(now);
                    query.push(" AND last_ip = ").push_bind(ip.to_owned());
                    query.push(" AND role = ").push_bind(role.as_str());
                    if let Some(user) = user {
                        query.push(format_args!(" UNION SELECT {SUMMARY_COLUMNS}{live}"));
                        query.push_bind(now).push(" AND ");
                        push_user(&mut query, user);
                    }
                    let rows: Vec<SummaryRow> =
                        query.build_query_as().fetch_all(&self.pool).await?;
                    rows.into_iter().map(LiveSummary::try_from).collect()
                }

                async fn recent_ips(
                    &self,
                    user: UserRef<'_>,
                    since: Millis,
                ) -> CoreResult<Vec<String>> {
                    let mut query = QueryBuilder::<$db>::new("");
                    for (index, column) in ["first_ip", "last_ip"].into_iter().enumerate() {
                        if index > 0 {
                            query.push(" UNION ");
                        }
                        query.push(format_args!("SELECT {column} AS ip FROM sessions WHERE "));
                        push_user(&mut query, user);
                        query
                            .push(" AND (ended_at IS NULL OR ended_at >= ")
                            .push_bind(since)
                            .push(")");
                    }
                    Ok(query.build_query_scalar().fetch_all(&self.pool).await?)
                }

                async fn sign_in_history(
                    &self,
                    user: UserRef<'_>,
                    since: Millis,
                ) -> CoreResult<SignInHistory> {
                    let mut recent = QueryBuilder::<$db>::new(
                        "SELECT created_at, last_seen_at, first_ip, last_ip, country \
                         FROM sessions WHERE ",
                    );
                    push_user(&mut recent, user);
                    recent
                        .push(" AND (ended_at IS NULL OR ended_at >= ")
                        .push_bind(since)
                        .push(") ORDER BY created_at DESC LIMIT ")
                        .push_bind(MAX_SIGN_IN_FACTS);
                    let rows: Vec<FactRow> = recent.build_query_as().fetch_all(&self.pool).await?;
                    let mut older = QueryBuilder::<$db>::new("SELECT id FROM sessions WHERE ");
                    push_user(&mut older, user);
                    older
                        .push(" AND ended_at < ")
                        .push_bind(since)
                        .push(" LIMIT 1");
                    let earlier: Option<String> = older
                        .build_query_scalar()
                        .fetch_optional(&self.pool)
                        .await?;
                    Ok(SignInHistory {
                        facts: rows.into_iter().map(Into::into).collect(),
                        earlier: earlier.is_some(),
                    })
                }

                async fn cap_expiry(&self, role: Role, lifetime: Millis) -> CoreResult<u64> {
                    let done = sqlx::query(<$db as PolicySql>::CAP_EXPIRY)
                        .bind(lifetime)
                        .bind(role.as_str())
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected())
                }

                async fn purge_history(&self, cutoffs: &[(Role, Millis)]) -> CoreResult<u64> {
                    if !<$db as PolicySql>::TIDY.is_empty() {
                        let mut tx = self
                            .pool
                            .begin_with(<$db as $crate::store::backend::WriteTx>::BEGIN_WRITE)
                            .await?;
                        for statement in <$db as PolicySql>::TIDY {
                            sqlx::query(*statement).execute(&mut *tx).await?;
                        }
                        tx.commit().await?;
                    }
                    let mut purged = 0;
                    for (role, cutoff) in cutoffs {
                        let done = sqlx::query(<$db as PolicySql>::PURGE)
                            .bind(cutoff)
                            .bind(role.as_str())
                            .execute(&self.pool)
                            .await?;
                        purged += done.rows_affected();
                    }
                    Ok(purged)
                }

                async fn history(&self, query: &HistoryQuery) -> CoreResult<HistoryPage> {
                    let plan = HistoryPlan::new(query)?;
                    let mut select =
                        QueryBuilder::<$db>::new(format!("SELECT {SESSION_COLUMNS} FROM sessions"));
                    push_history_filter(&mut select, query);
                    push_history_page(&mut select, &plan);
                    let rows: Vec<SessionRow> =
                        select.build_query_as().fetch_all(&self.pool).await?;

                    let mut count = QueryBuilder::<$db>::new("SELECT COUNT(*) FROM sessions");
                    push_history_filter(&mut count, query);
                    let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
                    Ok(plan.finish(rows::sessions(rows)?, total))
                }

                async fn live_groups(&self, now: Millis) -> CoreResult<Vec<LiveGroup>> {
                    let rows: Vec<LiveGroupRow> = sqlx::query_as(<$db as PolicySql>::LIVE_GROUPS)
                        .bind(now)
                        .fetch_all(&self.pool)
                        .await?;
                    rows.into_iter().map(LiveGroup::try_from).collect()
                }
            }

            /// The live summaries in `may_end` (`SummaryRead::Streamed`), appended to
            /// `into`.
            async fn stream_summaries(
                pool: &sqlx::Pool<$db>,
                select: &'static str,
                now: Millis,
                may_end: MayEnd,
                mut into: Vec<LiveSummary>,
            ) -> CoreResult<Vec<LiveSummary>> {
                let mut rows = sqlx::query_as::<_, SummaryRow>(select)
                    .bind(now)
                    .bind(may_end.admin.created_by)
                    .bind(may_end.admin.seen_by)
                    .bind(may_end.user.created_by)
                    .bind(may_end.user.seen_by)
                    .fetch(pool);
                while let Some(row) = rows.try_next().await? {
                    into.push(row.try_into()?);
                }
                Ok(into)
            }

            /// The live summaries in `may_end` with keys in (after, upto], in chunks of
            /// one read transaction, appended to `into`. Each chunk is parsed on another
            /// thread while the database writes the next one.
            async fn read_summary_range(
                pool: sqlx::Pool<$db>,
                chunk: &'static str,
                (now, mut after, upto): (Millis, i64, i64),
                may_end: MayEnd,
                mut into: Vec<LiveSummary>,
            ) -> CoreResult<Vec<LiveSummary>> {
                let mut tx = pool.begin().await?;
                let mut parsing = None;
                loop {
                    let (json, last): (String, Option<i64>) = sqlx::query_as(chunk)
                        .bind(now)
                        .bind(after)
                        .bind(upto)
                        .bind(SUMMARY_CHUNK)
                        .bind(may_end.admin.created_by)
                        .bind(may_end.admin.seen_by)
                        .bind(may_end.user.created_by)
                        .bind(may_end.user.seen_by)
                        .fetch_one(&mut *tx)
                        .await?;
                    if let Some(parsed) = parsing.take() {
                        into.extend(rows::joined(parsed).await?);
                    }
                    let Some(last) = last else {
                        break;
                    };
                    parsing = Some(tokio::task::spawn_blocking(move || {
                        rows::summaries_from_json(&json)
                    }));
                    after = last;
                }
                tx.rollback().await?;
                Ok(into)
            }
        };
    };
}
pub(crate) use impl_policy_store;
