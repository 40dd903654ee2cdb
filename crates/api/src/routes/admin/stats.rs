//! `/api/v1/admin/stats`: the usage series (users, conversations, replies, tokens and their cost, errors,
//! ratings) over a period, bucketed by day, week or month.

use actix_web::web;
use chrono::{Datelike, NaiveDateTime};
use jobbot_api_types::{
    AdminStats, Problem, StatsErrors, StatsRatings, StatsReplies, StatsTokens, StatsTotals,
};
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

/// The first day of each bucket from `from` until `to`.
pub(super) fn buckets(
    from: NaiveDateTime,
    to: NaiveDateTime,
    interval: jobbot_db::stats::Interval,
) -> Vec<String> {
    let mut day = from.date();
    let step = match interval {
        jobbot_db::stats::Interval::Day => chrono::Days::new(1),
        jobbot_db::stats::Interval::Week => {
            day = day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()));
            chrono::Days::new(7)
        }
    };
    let mut out = Vec::new();
    while day.and_hms_opt(0, 0, 0).is_some_and(|start| start < to) {
        out.push(day.format("%Y-%m-%d").to_string());
        match day.checked_add_days(step) {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

/// Usage and cost over time: sign-ups, active users, conversations, replies by provider, model and outcome,
/// tokens and their estimated cost, shares, chat messages and failed replies by code (admins only).
#[utoipa::path(get, path = "/api/v1/admin/stats", tag = "admin", params(StatsQuery),
    security(("bearer" = []), ("cookie" = [])),
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
    let (data, offers, applications, workspace) = state
        .db(move |conn| {
            Ok((
                jobbot_db::stats::stats(conn, from, to, interval)?,
                jobbot_db::offers::counts(conn)?,
                jobbot_db::applications::count(conn)?,
                (
                    jobbot_db::profiles::count(conn)?,
                    jobbot_db::cvs::count(conn)?,
                    jobbot_db::saved_searches::counts(conn)?,
                ),
            ))
        })
        .await?;
    let (profiles, cvs, (saved_searches, alerting_searches)) = workspace;
    let keys = buckets(from, to, interval);
    let index: std::collections::HashMap<&str, usize> =
        keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let aligned = |series: &[(String, i64)]| {
        let mut values = vec![0; keys.len()];
        for (bucket, n) in series {
            if let Some(&i) = index.get(bucket.as_str()) {
                values[i] += n;
            }
        }
        values
    };
    let mut replies: Vec<StatsReplies> = Vec::new();
    for row in &data.replies {
        let outcome = if row.status == "complete" {
            "done"
        } else {
            row.status.as_str()
        };
        let series = match replies
            .iter_mut()
            .find(|r| r.provider == row.provider && r.model == row.model && r.outcome == outcome)
        {
            Some(series) => series,
            None => {
                replies.push(StatsReplies {
                    provider: row.provider.clone(),
                    model: row.model.clone(),
                    outcome: outcome.to_owned(),
                    counts: vec![0; keys.len()],
                });
                replies.last_mut().expect("just pushed")
            }
        };
        if let Some(&i) = index.get(row.bucket.as_str()) {
            series.counts[i] += row.n;
        }
    }
    let prices = &state.config.llm_prices;
    let mut tokens: Vec<StatsTokens> = Vec::new();
    for row in &data.tokens {
        let series = match tokens
            .iter_mut()
            .find(|t| t.provider == row.provider && t.model == row.model)
        {
            Some(series) => series,
            None => {
                let priced = row.provider == "offline" || prices.contains_key(&row.model);
                tokens.push(StatsTokens {
                    provider: row.provider.clone(),
                    model: row.model.clone(),
                    prompt: vec![0; keys.len()],
                    completion: vec![0; keys.len()],
                    cost_eur: priced.then(|| vec![0.0; keys.len()]),
                });
                tokens.last_mut().expect("just pushed")
            }
        };
        if let Some(&i) = index.get(row.bucket.as_str()) {
            series.prompt[i] += row.prompt;
            series.completion[i] += row.completion;
            if let Some(cost) = series.cost_eur.as_mut() {
                let (p, c) = prices.get(&row.model).copied().unwrap_or((0.0, 0.0));
                cost[i] += (row.prompt as f64 * p + row.completion as f64 * c) / 1_000_000.0;
            }
        }
    }
    let mut errors: Vec<StatsErrors> = Vec::new();
    for row in &data.errors {
        let series = match errors.iter_mut().find(|e| e.code == row.code) {
            Some(series) => series,
            None => {
                errors.push(StatsErrors {
                    code: row.code.clone(),
                    counts: vec![0; keys.len()],
                });
                errors.last_mut().expect("just pushed")
            }
        };
        if let Some(&i) = index.get(row.bucket.as_str()) {
            series.counts[i] += row.n;
        }
    }
    let mut ratings: Vec<StatsRatings> = Vec::new();
    for row in &data.ratings {
        let series = match ratings
            .iter_mut()
            .find(|r| r.provider == row.provider && r.model == row.model && r.rating == row.rating)
        {
            Some(series) => series,
            None => {
                ratings.push(StatsRatings {
                    provider: row.provider.clone(),
                    model: row.model.clone(),
                    rating: row.rating.clone(),
                    counts: vec![0; keys.len()],
                });
                ratings.last_mut().expect("just pushed")
            }
        };
        if let Some(&i) = index.get(row.bucket.as_str()) {
            series.counts[i] += row.n;
        }
    }
    let rated = |rating: &str| -> i64 {
        ratings
            .iter()
            .filter(|r| r.rating == rating)
            .flat_map(|r| r.counts.iter())
            .sum()
    };
    let signups = aligned(&data.signups);
    let totals = StatsTotals {
        ratings_up: rated("up"),
        ratings_down: rated("down"),
        signups: signups.iter().sum(),
        replies: replies.iter().flat_map(|r| r.counts.iter()).sum(),
        prompt_tokens: tokens.iter().flat_map(|t| t.prompt.iter()).sum(),
        completion_tokens: tokens.iter().flat_map(|t| t.completion.iter()).sum(),
        // The sum of nothing is -0.0 for floats: + 0.0 makes it a plain 0 in the JSON.
        cost_eur: tokens
            .iter()
            .filter_map(|t| t.cost_eur.as_ref())
            .flat_map(|c| c.iter())
            .sum::<f64>()
            + 0.0,
        unpriced_models: tokens
            .iter()
            .filter(|t| t.cost_eur.is_none())
            .map(|t| t.model.clone())
            .collect(),
        open_offers: offers.open,
        closed_offers: offers.closed,
        saved_offers: offers.saved,
        applications,
        profiles,
        cvs,
        saved_searches,
        alerting_searches,
    };
    Ok(web::Json(AdminStats {
        from: from.and_utc(),
        to: to.and_utc(),
        interval: name.to_owned(),
        active_users: aligned(&data.active_users),
        conversations: aligned(&data.conversations),
        shares_created: aligned(&data.shares_created),
        share_views: aligned(&data.share_views),
        chat_messages: aligned(&data.chat_messages),
        signups,
        replies,
        tokens,
        errors,
        ratings,
        totals,
        buckets: keys,
    }))
}
