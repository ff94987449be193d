//! Analytics rollups: the statements a backend supplies and the one implementation of
//! `RollupStore` over them.

use crate::analytics::{Metric, Rollup};
use crate::model::Millis;

pub trait RollupSql {
    /// (hour, application, metric, dimension, value): inserts, or adds to the row.
    const ADD: &'static str;
    /// Same, keeping the larger value (the peak).
    const MAX: &'static str;
    /// `RollupRow`s with (since) <= hour < (until).
    const IN_RANGE: &'static str;
    /// Same, of one application: (since, until, application).
    const IN_RANGE_OF_APP: &'static str;
    /// Deletes rows of hours before (before).
    const PURGE: &'static str;
    /// Distinct users (accounts, or an application's own user ids) with a session
    /// live at some time in [since, until) (a session is live from its creation until,
    /// not including, its end): (until, since, since).
    const ACTIVE_USERS: &'static str;
    /// Same, of one application: (until, since, since, application).
    const ACTIVE_USERS_OF_APP: &'static str;
    /// Distinct application users (the applications' own ids) with a session kept in
    /// history, created before (until).
    const APP_USERS: &'static str;
    /// Same, of one application: (until, application).
    const APP_USERS_OF_APP: &'static str;
}

#[derive(sqlx::FromRow)]
pub struct RollupRow {
    pub hour: Millis,
    pub application: String,
    pub metric: String,
    pub dimension: String,
    pub value: i64,
}

impl RollupRow {
    /// A row of a metric this version does not know (written by a newer one) is skipped.
    pub fn into_rollup(self) -> Option<Rollup> {
        Some(Rollup {
            hour: self.hour,
            application: self.application,
            metric: Metric::parse(&self.metric)?,
            dimension: self.dimension,
            value: self.value,
        })
    }
}

/// Implements `RollupStore` for `$store` (with a `pool` of `$db`) from `$db`'s `RollupSql`.
macro_rules! impl_rollup_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::analytics::metric::Combine;
            use $crate::analytics::Rollup;
            use $crate::error::CoreResult;
            use $crate::model::Millis;
            use $crate::store::backend::rollups::{RollupRow, RollupSql};

            #[async_trait::async_trait]
            impl $crate::store::RollupStore for $store {
                async fn add_rollups(&self, rows: &[Rollup]) -> CoreResult<()> {
                    let mut tx = self
                        .pool
                        .begin_with(<$db as $crate::store::backend::WriteTx>::BEGIN_WRITE)
                        .await?;
                    for row in rows {
                        let sql = match row.metric.combine() {
                            Combine::Add => <$db as RollupSql>::ADD,
                            Combine::Max => <$db as RollupSql>::MAX,
                        };
                        sqlx::query(sql)
                            .bind(row.hour)
                            .bind(&row.application)
                            .bind(row.metric.as_str())
                            .bind(&row.dimension)
                            .bind(row.value)
                            .execute(&mut *tx)
                            .await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn rollups(
                    &self,
                    application: Option<&str>,
                    since: Millis,
                    until: Millis,
                ) -> CoreResult<Vec<Rollup>> {
                    let rows: Vec<RollupRow> = match application {
                        None => {
                            sqlx::query_as(<$db as RollupSql>::IN_RANGE)
                                .bind(since)
                                .bind(until)
                                .fetch_all(&self.pool)
                                .await?
                        }
                        Some(app) => {
                            sqlx::query_as(<$db as RollupSql>::IN_RANGE_OF_APP)
                                .bind(since)
                                .bind(until)
                                .bind(app)
                                .fetch_all(&self.pool)
                                .await?
                        }
                    };
                    Ok(rows
                        .into_iter()
                        .filter_map(RollupRow::into_rollup)
                        .collect())
                }

                async fn purge_rollups(&self, before: Millis) -> CoreResult<u64> {
                    Ok(sqlx::query(<$db as RollupSql>::PURGE)
                        .bind(before)
                        .execute(&self.pool)
                        .await?
                        .rows_affected())
                }

                async fn active_users(
                    &self,
                    application: Option<&str>,
                    since: Millis,
                    until: Millis,
                ) -> CoreResult<i64> {
                    let sql = match application {
                        None => <$db as RollupSql>::ACTIVE_USERS,
                        Some(_) => <$db as RollupSql>::ACTIVE_USERS_OF_APP,
                    };
                    let mut query = sqlx::query_scalar(sql).bind(until).bind(since).bind(since);
                    if let Some(app) = application {
                        query = query.bind(app);
                    }
                    Ok(query.fetch_one(&self.pool).await?)
                }

                async fn app_users(
                    &self,
                    application: Option<&str>,
                    until: Millis,
                ) -> CoreResult<i64> {
                    let sql = match application {
                        None => <$db as RollupSql>::APP_USERS,
                        Some(_) => <$db as RollupSql>::APP_USERS_OF_APP,
                    };
                    let mut query = sqlx::query_scalar(sql).bind(until);
                    if let Some(app) = application {
                        query = query.bind(app);
                    }
                    Ok(query.fetch_one(&self.pool).await?)
                }
            }
        };
    };
}
pub(crate) use impl_rollup_store;
