//! `/api/v1/admin/stats`: the usage series over a period, bucketed by day or week: the period read from the
//! query, the series from `jobbot_services::stats`.

use actix_web::web;
use chrono::NaiveDateTime;
use jobbot_api_types::{AdminStats, Problem};
use jobbot_services::stats;
use serde::Deserialize;

use super::{parse_time, require_admin};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// Start (RFC 3339 or `YYYY-MM-DD`, inclusive); default 30 days before `to`.
    pub from: Option<String>,
    /// End (RFC 3339 or `YYYY-MM-DD`, exclusive); default now.
    pub to: Option<String>,
    /// `day` (default; at most 400 days) or `week` (at most 160 weeks).
    pub interval: Option<String>,
}

pub(super) fn parse_day_or_time(field: &str, raw: Option<&str>) -> Result<Option<NaiveDateTime>, ApiError> {
    match raw.filter(|r| !r.is_empty()) {
        Some(raw) if raw.len() == 10 => chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(Some)
            .ok_or_else(|| {
                ApiError::field(field, "invalid_time", "A date (2026-11-26) or an RFC 3339 time.")
            }),
        other => parse_time(field, other),
    }
}

/// Usage and cost over time: sign-ups, active users, conversations, replies by provider, model and outcome,
/// tokens and their estimated cost, shares, chat messages and failed replies by code (admins only).
#[utoipa::path(get, path = "/api/v1/admin/stats", tag = "admin", params(StatsQuery),
    responses(
        (status = 200, description = "The series", body = AdminStats),
        (status = 403, description = "`forbidden`: not an admin; `admin_2fa_required`: an admin without two-factor sign-in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a bad time, `from` not before `to`, too many buckets, an unknown interval", body = Problem, content_type = "application/problem+json"),
    ))]

pub async fn stats(
    state: web::Data<AppState>,
    auth: AuthUser,
    query: web::Query<StatsQuery>,
) -> Result<web::Json<AdminStats>, ApiError> {
    use jobbot_db::stats::Interval;
    require_admin(&state, &auth).await?;
    let query = query.into_inner();
    let (interval, name, max_days) = match query.interval.as_deref() {
        None | Some("") | Some("day") => (Interval::Day, "day", 400),
        Some("week") => (Interval::Week, "week", 160 * 7),
        Some(_) => return Err(ApiError::field("interval", "invalid_choice", "day or week.")),
    };
    let to = parse_day_or_time("to", query.to.as_deref())?.unwrap_or_else(jobbot_db::now);
    let from = parse_day_or_time("from", query.from.as_deref())?.unwrap_or(to - chrono::TimeDelta::days(30));
    if from >= to {
        return Err(ApiError::field(
            "from",
            "out_of_range",
            "`from` must come before `to`.",
        ));
    }
    if to - from > chrono::TimeDelta::days(max_days) {
        return Err(ApiError::field(
            "from",
            "out_of_range",
            "Too long a period for this interval: 400 days by day, 160 weeks by week.",
        ));
    }
    let period = stats::Period {
        from,
        to,
        interval,
        name,
    };
    let config = state.config.clone();
    let usage = state
        .db(move |conn| Ok(stats::usage(conn, period, &config.llm_prices)?))
        .await?;
    Ok(web::Json(usage))
}
