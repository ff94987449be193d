//! Applications and their keys: the statements a backend supplies and the one
//! implementation of `ApplicationStore` over them.

pub trait ApplicationSql {
    /// (name, key_hash, key_prefix, created_at, created_by), returning an
    /// `ApplicationRow`; fails on a unique key if the name is taken ignoring case.
    const INSERT: &'static str;
    /// An `ApplicationRow` by key hash, revoked or not.
    const BY_KEY: &'static str;
    /// Every `ApplicationRow`, oldest first, counting live sessions at (now).
    const LIST: &'static str;
    /// Revokes a live application by name ignoring case: (at, actor, name), returning
    /// its `ApplicationRow`.
    const REVOKE: &'static str;
    const BUMP_VERSION: &'static str;
    const VERSION: &'static str;
}

/// Implements `ApplicationStore` for `$store` (with a `pool` of `$db`) from `$db`'s
/// `ApplicationSql`.
macro_rules! impl_application_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::error::CoreResult;
            use $crate::model::{Application, Millis};
            use $crate::store::backend::applications::ApplicationSql;
            use $crate::store::query::is_unique_violation;
            use $crate::store::rows::ApplicationRow;
            use $crate::store::NewApplication;
            use $crate::token::TokenHash;

            #[async_trait::async_trait]
            impl $crate::store::ApplicationStore for $store {
                async fn create_application(
                    &self,
                    app: NewApplication,
                ) -> CoreResult<Option<Application>> {
                    let mut tx = self
                        .pool
                        .begin_with(<$db as $crate::store::backend::WriteTx>::BEGIN_WRITE)
                        .await?;
                    let inserted: Result<ApplicationRow, _> =
                        sqlx::query_as(<$db as ApplicationSql>::INSERT)
                            .bind(&app.name)
                            .bind(app.key_hash.as_bytes())
                            .bind(&app.key_prefix)
                            .bind(app.created_at)
                            .bind(&app.created_by)
                            .fetch_one(&mut *tx)
                            .await;
                    let row = match inserted {
                        Ok(row) => row,
                        Err(err) if is_unique_violation(&err) => return Ok(None),
                        Err(err) => return Err(err.into()),
                    };
                    sqlx::query(<$db as ApplicationSql>::BUMP_VERSION)
                        .execute(&mut *tx)
                        .await?;
                    // Other instances follow the new version when they read past it.
                    $crate::store::backend::take_change_seq!($db, tx);
                    tx.commit().await?;
                    Ok(Some(row.into()))
                }

                async fn application_by_key(
                    &self,
                    hash: &TokenHash,
                ) -> CoreResult<Option<Application>> {
                    let row: Option<ApplicationRow> =
                        sqlx::query_as(<$db as ApplicationSql>::BY_KEY)
                            .bind(hash.as_bytes())
                            .fetch_optional(&self.pool)
                            .await?;
                    Ok(row.map(Application::from))
                }

                async fn list_applications(&self, now: Millis) -> CoreResult<Vec<Application>> {
                    let rows: Vec<ApplicationRow> = sqlx::query_as(<$db as ApplicationSql>::LIST)
                        .bind(now)
                        .fetch_all(&self.pool)
                        .await?;
                    Ok(rows.into_iter().map(Application::from).collect())
                }

                async fn revoke_application(
                    &self,
                    name: &str,
                    actor: &str,
                    at: Millis,
                ) -> CoreResult<Option<Application>> {
                    let mut tx = self
                        .pool
                        .begin_with(<$db as $crate::store::backend::WriteTx>::BEGIN_WRITE)
                        .await?;
                    let row: Option<ApplicationRow> =
                        sqlx::query_as(<$db as ApplicationSql>::REVOKE)
                            .bind(at)
                            .bind(actor)
                            .bind(name)
                            .fetch_optional(&mut *tx)
                            .await?;
                    let Some(row) = row else {
                        tx.rollback().await?;
                        return Ok(None);
                    };
                    sqlx::query(<$db as ApplicationSql>::BUMP_VERSION)
                        .execute(&mut *tx)
                        .await?;
                    // Other instances follow the new version when they read past it.
                    $crate::store::backend::take_change_seq!($db, tx);
                    tx.commit().await?;
                    Ok(Some(row.into()))
                }

                async fn applications_version(&self) -> CoreResult<i64> {
                    Ok(sqlx::query_scalar(<$db as ApplicationSql>::VERSION)
                        .fetch_one(&self.pool)
                        .await?)
                }
            }
        };
    };
}
pub(crate) use impl_application_store;
