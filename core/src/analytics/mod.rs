//! Analytics: hourly figures of how sessions behave, and the KPIs read off them.
//!
//! `metric` names what is counted, `period` the hours a question covers, `report` the
//! pure arithmetic from figures to KPIs (with `series`: the charts' points and the
//! distributions), shared with the browser, so the page draws exactly what the CLI
//! prints. `tally` keeps the current
//! figures in memory until the background task writes them as rollups, once per hour.

pub mod metric;
pub mod period;
pub mod report;
#[cfg(all(test, feature = "engine"))]
mod report_tests;
mod series;
#[cfg(feature = "engine")]
pub mod tally;

pub use metric::{Metric, Rollup};
pub use period::{Period, DAY_MS};
pub use report::{format_change, Distribution, Kpi, KpiName, Report, SeriesPoint, UserCounts};
