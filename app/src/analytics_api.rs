//! The server function of the Analytics page (admins only): the report of the period
//! and application the page's URL asks for, the same `Engine::analytics` the CLI
//! prints, so the page and `sessions analytics` show the same numbers.

use crate::error::AppError;
use crate::pages::analytics::query::AnalyticsQuery;
use crate::wire::JsonAnswer;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;
use sessions_core::analytics::Report;
use sessions_core::model::Millis;

#[cfg(feature = "ssr")]
use crate::server_ctx::{engine, require_admin_viewing};

/// The report, and the server's clock when it answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AnalyticsView {
    pub report: Report,
    pub now: Millis,
}

/// The report asked for. A read the page makes by itself (on load, on a live
/// change): it never counts as the admin's activity.
#[server(prefix = "/rpc", endpoint = "analytics_report", output = JsonAnswer, input = Json)]
pub async fn analytics_report(query: AnalyticsQuery) -> Result<AnalyticsView, AppError> {
    require_admin_viewing().await?;
    let engine = engine()?;
    let now = engine.now();
    let period = query.period(now).map_err(AppError::BadRequest)?;
    let wanted = Some(query.app.as_str()).filter(|name| !name.is_empty());
    let application = engine.analytics_application(wanted).await?;
    let report = engine.analytics(period, application.as_deref()).await?;
    Ok(AnalyticsView { report, now })
}
