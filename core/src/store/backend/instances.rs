//! Instances and how far each has applied the end log: the statements a backend
//! supplies and the one implementation of `InstanceStore` over them. Times are the
//! database's clock, so instances on hosts with skewed clocks agree on who is alive.

pub trait InstanceSql {
    /// Upserts (id, applied_end_seq) with the heartbeat at the database's now; the
    /// applied sequence never moves back (two reports of one process may cross).
    const REPORT: &'static str;
    /// How many instances heard from within (ms) are behind (seq): (seq, ms).
    const BEHIND: &'static str;
    /// (id).
    const LEAVE: &'static str;
    /// Deletes instances not heard from within (ms).
    const FORGET_SILENT: &'static str;
}

/// Implements `InstanceStore` for `$store` (with a `pool` of `$db`) from `$db`'s `InstanceSql`.
macro_rules! impl_instance_store {
    ($store:ty, $db:ty) => {
        const _: () = {
            use $crate::error::CoreResult;
            use $crate::model::Millis;
            use $crate::store::backend::instances::InstanceSql;

            #[async_trait::async_trait]
            impl $crate::store::InstanceStore for $store {
                async fn report_applied(
                    &self,
                    instance: &str,
                    applied_end_seq: i64,
                ) -> CoreResult<()> {
                    sqlx::query(<$db as InstanceSql>::REPORT)
                        .bind(instance)
                        .bind(applied_end_seq)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }

                async fn instances_behind(
                    &self,
                    seq: i64,
                    heard_within: Millis,
                ) -> CoreResult<i64> {
                    Ok(sqlx::query_scalar(<$db as InstanceSql>::BEHIND)
                        .bind(seq)
                        .bind(heard_within)
                        .fetch_one(&self.pool)
                        .await?)
                }

                async fn forget_silent(&self, silent_for: Millis) -> CoreResult<u64> {
                    Ok(sqlx::query(<$db as InstanceSql>::FORGET_SILENT)
                        .bind(silent_for)
                        .execute(&self.pool)
                        .await?
                        .rows_affected())
                }

                async fn leave(&self, instance: &str) -> CoreResult<()> {
                    sqlx::query(<$db as InstanceSql>::LEAVE)
                        .bind(instance)
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }
            }
        };
    };
}
pub(crate) use impl_instance_store;
