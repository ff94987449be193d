//! SQLite queries for applications and their keys. The `Store` impl in `sqlite.rs`
//! delegates here.

use super::sqlite::{is_unique_violation, SqliteStore};
use super::NewApplication;
use crate::error::{CoreError, CoreResult};
use crate::model::{Application, Millis};
use crate::token::TokenHash;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, Row};

const APP_COLUMNS: &str = "name, key_prefix, created_at, created_by, revoked_at, revoked_by";

impl SqliteStore {
    pub(super) async fn create_application_impl(
        &self,
        app: NewApplication,
    ) -> CoreResult<Application> {
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO applications (name, key_hash, key_prefix, created_at, created_by) \
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&app.name)
        .bind(app.key_hash.as_bytes())
        .bind(&app.key_prefix)
        .bind(app.created_at)
        .bind(&app.created_by)
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            Err(err) if is_unique_violation(&err) => {
                return Err(CoreError::invalid(format!(
                    "An application named {:?} exists or existed; pick another name.",
                    app.name
                )));
            }
            Err(err) => return Err(err.into()),
        }
        bump_version(&mut tx).await?;
        tx.commit().await?;
        Ok(Application {
            name: app.name,
            key_prefix: app.key_prefix,
            created_at: app.created_at,
            created_by: app.created_by,
            revoked_at: None,
            revoked_by: None,
            live_sessions: 0,
        })
    }

    pub(super) async fn application_by_key_impl(
        &self,
        hash: &TokenHash,
    ) -> CoreResult<Option<Application>> {
        let sql = format!("SELECT {APP_COLUMNS}, 0 AS live FROM applications WHERE key_hash = ?");
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(hash.as_bytes())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(application_from_row).transpose()
    }

    pub(super) async fn list_applications_impl(&self, now: Millis) -> CoreResult<Vec<Application>> {
        let sql = format!(
            "SELECT {APP_COLUMNS}, \
             (SELECT COUNT(*) FROM sessions s WHERE s.application = a.name \
              AND s.ended_at IS NULL AND s.expires_at > ?) AS live \
             FROM applications a ORDER BY created_at, id"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(now)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(application_from_row).collect()
    }

    pub(super) async fn revoke_application_impl(
        &self,
        name: &str,
        actor: &str,
        at: Millis,
    ) -> CoreResult<Option<Application>> {
        let mut tx = self.pool.begin().await?;
        let sql = format!(
            "UPDATE applications SET revoked_at = ?, revoked_by = ? \
             WHERE name = ? AND revoked_at IS NULL RETURNING {APP_COLUMNS}, 0 AS live"
        );
        let row = sqlx::query(AssertSqlSafe(sql))
            .bind(at)
            .bind(actor)
            .bind(name)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            tx.rollback().await?;
            return Ok(None);
        };
        bump_version(&mut tx).await?;
        tx.commit().await?;
        application_from_row(&row).map(Some)
    }

    pub(super) async fn applications_version_impl(&self) -> CoreResult<i64> {
        Ok(
            sqlx::query_scalar("SELECT value FROM counters WHERE name = 'applications_version'")
                .fetch_one(&self.pool)
                .await?,
        )
    }
}

async fn bump_version(tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>) -> CoreResult<()> {
    sqlx::query("UPDATE counters SET value = value + 1 WHERE name = 'applications_version'")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

fn application_from_row(row: &SqliteRow) -> CoreResult<Application> {
    Ok(Application {
        name: row.try_get("name")?,
        key_prefix: row.try_get("key_prefix")?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
        revoked_at: row.try_get("revoked_at")?,
        revoked_by: row.try_get("revoked_by")?,
        live_sessions: row.try_get("live")?,
    })
}
