//! The admin's usage series (users, conversations, replies, tokens and their cost, errors, ratings) over a
//! period, bucketed by day or week: `jobbot_db::stats` counts per bucket, this aligns them on the period's
//! buckets, prices the tokens and sums the totals.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDateTime};
use jobbot_api_types::{AdminStats, StatsErrors, StatsRatings, StatsReplies, StatsTokens, StatsTotals};
use jobbot_db::stats::Interval;
use jobbot_db::DbConnection;

use crate::error::ServiceError;

/// What to count: `[from, to)` in buckets of `interval` (`name` is its word in the answer).
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub from: NaiveDateTime,
    pub to: NaiveDateTime,
    pub interval: Interval,
    pub name: &'static str,
}

/// The first day of each bucket from `from` until `to`.
pub fn buckets(from: NaiveDateTime, to: NaiveDateTime, interval: Interval) -> Vec<String> {
    let mut day = from.date();
    let step = match interval {
        Interval::Day => chrono::Days::new(1),
        Interval::Week => {
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

/// The series `same` picks out of `all`, made by `new` the first time.
fn series<S>(all: &mut Vec<S>, same: impl Fn(&S) -> bool, new: impl FnOnce() -> S) -> &mut S {
    match all.iter().position(same) {
        Some(i) => &mut all[i],
        None => {
            all.push(new());
            let last = all.len() - 1;
            &mut all[last]
        }
    }
}

/// The whole answer of `GET /api/v1/admin/stats` for `period`, tokens priced with `prices` (EUR per million
/// prompt and completion tokens, by model; the offline coach costs nothing).
pub fn usage(
    conn: &mut DbConnection,
    period: Period,
    prices: &HashMap<String, (f64, f64)>,
) -> Result<AdminStats, ServiceError> {
    let Period {
        from,
        to,
        interval,
        name,
    } = period;
    let data = jobbot_db::stats::stats(conn, from, to, interval)?;
    let offers = jobbot_db::offers::counts(conn)?;
    let applications = jobbot_db::applications::count(conn)?;
    let profiles = jobbot_db::profiles::count(conn)?;
    let cvs = jobbot_db::cvs::count(conn)?;
    let (saved_searches, alerting_searches) = jobbot_db::saved_searches::counts(conn)?;

    let keys = buckets(from, to, interval);
    let index: HashMap<&str, usize> = keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let slot = |bucket: &str| index.get(bucket).copied();
    let aligned = |rows: &[(String, i64)]| {
        let mut values = vec![0; keys.len()];
        for (bucket, n) in rows {
            if let Some(i) = slot(bucket) {
                values[i] += n;
            }
        }
        values
    };
    let zeros = || vec![0; keys.len()];

    let mut replies: Vec<StatsReplies> = Vec::new();
    for row in &data.replies {
        let outcome = if row.status == "complete" {
            "done"
        } else {
            row.status.as_str()
        };
        let line = series(
            &mut replies,
            |r| r.provider == row.provider && r.model == row.model && r.outcome == outcome,
            || StatsReplies {
                provider: row.provider.clone(),
                model: row.model.clone(),
                outcome: outcome.to_owned(),
                counts: zeros(),
            },
        );
        if let Some(i) = slot(&row.bucket) {
            line.counts[i] += row.n;
        }
    }
    let mut tokens: Vec<StatsTokens> = Vec::new();
    for row in &data.tokens {
        let line = series(
            &mut tokens,
            |t| t.provider == row.provider && t.model == row.model,
            || StatsTokens {
                provider: row.provider.clone(),
                model: row.model.clone(),
                prompt: zeros(),
                completion: zeros(),
                cost_eur: (row.provider == "offline" || prices.contains_key(&row.model))
                    .then(|| vec![0.0; keys.len()]),
            },
        );
        if let Some(i) = slot(&row.bucket) {
            line.prompt[i] += row.prompt;
            line.completion[i] += row.completion;
            if let Some(cost) = line.cost_eur.as_mut() {
                let (p, c) = prices.get(&row.model).copied().unwrap_or((0.0, 0.0));
                cost[i] += (row.prompt as f64 * p + row.completion as f64 * c) / 1_000_000.0;
            }
        }
    }
    let mut errors: Vec<StatsErrors> = Vec::new();
    for row in &data.errors {
        let line = series(
            &mut errors,
            |e| e.code == row.code,
            || StatsErrors {
                code: row.code.clone(),
                counts: zeros(),
            },
        );
        if let Some(i) = slot(&row.bucket) {
            line.counts[i] += row.n;
        }
    }
    let mut ratings: Vec<StatsRatings> = Vec::new();
    for row in &data.ratings {
        let line = series(
            &mut ratings,
            |r| r.provider == row.provider && r.model == row.model && r.rating == row.rating,
            || StatsRatings {
                provider: row.provider.clone(),
                model: row.model.clone(),
                rating: row.rating.clone(),
                counts: zeros(),
            },
        );
        if let Some(i) = slot(&row.bucket) {
            line.counts[i] += row.n;
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
    Ok(AdminStats {
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
    })
}
