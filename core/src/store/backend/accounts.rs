//! Accounts: the statements a backend supplies and the one implementation of
//! `AccountStore` over them. Names are unique and looked up ignoring ASCII case; how,
//! is the backend's SQL.

pub trait AccountSql {
    /// (username, password_hash, role, created_at), returning a `UserRow`.
    const INSERT: &'static str;
    /// A `CredentialsRow` by name.
    const CREDENTIALS_BY_NAME: &'static str;
    /// A `UserRow` by name.
    const BY_NAME: &'static str;
    /// A `UserRow` by id.
    const BY_ID: &'static str;
    const COUNT: &'static str;
    /// Every `UserRow`, by name ignoring case.
    const LIST: &'static str;
    /// (password_hash, id).
    const SET_PASSWORD: &'static str;
    /// (disabled, id).
    const SET_DISABLED: &'static str;
    /// (id).
    const DELETE: &'static str;
}

/// Implements `AccountStore` for `$store` (with a `pool` of `$db`) from `$db`'s `AccountSql`.
macro_rules! impl_account_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::error::CoreResult;
            use $crate::model::Millis;
            use $crate::store::backend::accounts::AccountSql;
            use $crate::store::query::is_unique_violation;
            use $crate::store::rows::{CredentialsRow, UserRow};
            use $crate::store::{NewUser, User, UserCredentials};

            #[async_trait::async_trait]
            impl $crate::store::AccountStore for $store {
                async fn create_user(
                    &self,
                    user: NewUser,
                    now: Millis,
                ) -> CoreResult<Option<User>> {
                    let inserted: Result<UserRow, _> = sqlx::query_as(<$db as AccountSql>::INSERT)
                        .bind(&user.username)
                        .bind(&user.password_hash)
                        .bind(user.role.as_str())
                        .bind(now)
                        .fetch_one(&self.pool)
                        .await;
                    match inserted {
                        Ok(row) => Ok(Some(row.try_into()?)),
                        Err(err) if is_unique_violation(&err) => Ok(None),
                        Err(err) => Err(err.into()),
                    }
                }

                async fn user_credentials(
                    &self,
                    username: &str,
                ) -> CoreResult<Option<UserCredentials>> {
                    let row: Option<CredentialsRow> =
                        sqlx::query_as(<$db as AccountSql>::CREDENTIALS_BY_NAME)
                            .bind(username)
                            .fetch_optional(&self.pool)
                            .await?;
                    row.map(UserCredentials::try_from).transpose()
                }

                async fn user_by_name(&self, username: &str) -> CoreResult<Option<User>> {
                    let row: Option<UserRow> = sqlx::query_as(<$db as AccountSql>::BY_NAME)
                        .bind(username)
                        .fetch_optional(&self.pool)
                        .await?;
                    row.map(User::try_from).transpose()
                }

                async fn user_by_id(&self, id: i64) -> CoreResult<Option<User>> {
                    let row: Option<UserRow> = sqlx::query_as(<$db as AccountSql>::BY_ID)
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                    row.map(User::try_from).transpose()
                }

                async fn count_users(&self) -> CoreResult<i64> {
                    Ok(sqlx::query_scalar(<$db as AccountSql>::COUNT)
                        .fetch_one(&self.pool)
                        .await?)
                }

                async fn list_users(&self) -> CoreResult<Vec<User>> {
                    let rows: Vec<UserRow> = sqlx::query_as(<$db as AccountSql>::LIST)
                        .fetch_all(&self.pool)
                        .await?;
                    rows.into_iter().map(User::try_from).collect()
                }

                async fn set_password(
                    &self,
                    user_id: i64,
                    password_hash: &str,
                ) -> CoreResult<bool> {
                    let done = sqlx::query(<$db as AccountSql>::SET_PASSWORD)
                        .bind(password_hash)
                        .bind(user_id)
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn set_disabled(&self, user_id: i64, disabled: bool) -> CoreResult<bool> {
                    let done = sqlx::query(<$db as AccountSql>::SET_DISABLED)
                        .bind(disabled)
                        .bind(user_id)
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected() > 0)
                }

                async fn delete_user(&self, user_id: i64) -> CoreResult<bool> {
                    let done = sqlx::query(<$db as AccountSql>::DELETE)
                        .bind(user_id)
                        .execute(&self.pool)
                        .await?;
                    Ok(done.rows_affected() > 0)
                }
            }
        };
    };
}
pub(crate) use impl_account_store;
