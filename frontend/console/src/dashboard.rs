//! `/admin`: usage and cost over 7, 30 or 90 days, as charts with table alternatives.

use jobbot_api_types::AdminStats;
use leptos::prelude::*;

use super::chart::{number, Chart, Series};
use super::i18n::Key;
use super::widgets::{load, ErrorLine};
use super::{api, text, tr};
use jobbot_frontend::api::ApiError;
use jobbot_frontend::state::AppState;

const PERIODS: [i64; 3] = [7, 30, 90];

/// `YYYY-MM-DD`, `days` days ago (the browser's clock, UTC).
fn days_ago(days: i64) -> String {
    let at = js_sys::Date::now() - (days as f64) * 86_400_000.0;
    let iso = String::from(js_sys::Date::new(&at.into()).to_iso_string());
    iso.get(..10).unwrap_or_default().to_owned()
}

fn as_f64(values: &[i64]) -> Vec<f64> {
    values.iter().map(|v| *v as f64).collect()
}

/// Adds `values` into `sum`, bucket by bucket.
fn add_into(sum: &mut Vec<f64>, values: impl Iterator<Item = f64>) {
    for (index, value) in values.enumerate() {
        if sum.len() <= index {
            sum.resize(index + 1, 0.0);
        }
        sum[index] += value;
    }
}

/// A model's name as the charts show it: `provider/model`.
fn model_name(provider: Option<&str>, model: Option<&str>) -> String {
    match (provider, model) {
        (Some(p), Some(m)) => format!("{p}/{m}"),
        (Some(p), None) => p.to_owned(),
        (None, Some(m)) => m.to_owned(),
        (None, None) => "—".into(),
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let state = expect_context::<AppState>();
    let period = RwSignal::new(30_i64);
    let stats = RwSignal::new(None::<AdminStats>);
    let error = RwSignal::new(None::<ApiError>);
    Effect::new(move |_| {
        let days = period.get();
        // "7 days" are today and the six before it.
        let query = api::query(&[("from", days_ago(days - 1)), ("interval", "day".into())]);
        load(stats, error, async move { api::stats(&query).await });
    });
    let choices = PERIODS
        .iter()
        .map(|days| {
            let days = *days;
            view! {
                <button type="button" class="button" class:primary=move || period.get() == days
                    aria-pressed=move || if period.get() == days { "true" } else { "false" }
                    data-testid=format!("period-{days}") on:click=move |_| period.set(days)>
                    {move || format!("{days} {}", tr(Key::Days))}
                </button>
            }
        })
        .collect_view();
    let charts = move || {
        let _ = state.locale.get();
        stats.get().map(|s| view! { <Charts stats=s /> })
    };
    view! {
        <section class="page admin-page">
            <h1>{move || tr(Key::Dashboard)}</h1>
            <div class="period" role="group" aria-label=text(Key::Period)>{choices}</div>
            <ErrorLine error testid="dashboard-error" />
            {charts}
        </section>
    }
}

#[component]
fn Charts(stats: AdminStats) -> impl IntoView {
    let buckets = stats.buckets.clone();
    let totals = &stats.totals;
    let cost = format!("{:.2} €", totals.cost_eur);
    let unpriced = (!totals.unpriced_models.is_empty()).then(|| {
        view! { <p class="muted" data-testid="unpriced">{format!("{} {}", tr(Key::Unpriced), totals.unpriced_models.join(", "))}</p> }
    });
    let figures = [
        (Key::Signups, number(totals.signups as f64), "total-signups"),
        (Key::Replies, number(totals.replies as f64), "total-replies"),
        (
            Key::PromptTokens,
            number(totals.prompt_tokens as f64),
            "total-prompt",
        ),
        (
            Key::CompletionTokens,
            number(totals.completion_tokens as f64),
            "total-completion",
        ),
        (Key::Cost, cost, "total-cost"),
        (
            Key::OpenOffers,
            number(totals.open_offers as f64),
            "total-open-offers",
        ),
        (
            Key::SavedOffers,
            number(totals.saved_offers as f64),
            "total-saved-offers",
        ),
        (
            Key::Applications,
            number(totals.applications as f64),
            "total-applications",
        ),
        (Key::Cvs, number(totals.cvs as f64), "total-cvs"),
        (
            Key::SavedSearches,
            number(totals.saved_searches as f64),
            "total-saved-searches",
        ),
        (
            Key::Ratings,
            format!(
                "{} 👍 / {} 👎",
                number(totals.ratings_up as f64),
                number(totals.ratings_down as f64)
            ),
            "total-ratings",
        ),
    ]
    .into_iter()
    .map(|(key, value, testid)| view! { <div><dt>{tr(key)}</dt><dd data-testid=testid>{value}</dd></div> })
    .collect_view();

    let people = vec![
        Series {
            name: tr(Key::Signups).into(),
            values: as_f64(&stats.signups),
        },
        Series {
            name: tr(Key::ActiveUsers).into(),
            values: as_f64(&stats.active_users),
        },
    ];
    let activity = vec![
        Series {
            name: tr(Key::Conversations).into(),
            values: as_f64(&stats.conversations),
        },
        Series {
            name: tr(Key::ChatMessages).into(),
            values: as_f64(&stats.chat_messages),
        },
        Series {
            name: tr(Key::SharesCreated).into(),
            values: as_f64(&stats.shares_created),
        },
        Series {
            name: tr(Key::ShareViews).into(),
            values: as_f64(&stats.share_views),
        },
    ];
    // Replies by outcome (every model), then by model.
    let mut outcomes: Vec<Series> = Vec::new();
    let mut by_model: Vec<Series> = Vec::new();
    for line in &stats.replies {
        let outcome = match line.outcome.as_str() {
            "done" => tr(Key::OutcomeDone),
            "stopped" => tr(Key::OutcomeStopped),
            "failed" => tr(Key::OutcomeFailed),
            other => other,
        };
        let name = model_name(line.provider.as_deref(), line.model.as_deref());
        for (list, name) in [(&mut outcomes, outcome.to_owned()), (&mut by_model, name)] {
            let at = match list.iter().position(|s| s.name == name) {
                Some(at) => at,
                None => {
                    list.push(Series {
                        name,
                        values: Vec::new(),
                    });
                    list.len() - 1
                }
            };
            add_into(&mut list[at].values, line.counts.iter().map(|c| *c as f64));
        }
    }
    let tokens: Vec<Series> = stats
        .tokens
        .iter()
        .map(|t| Series {
            name: model_name(Some(&t.provider), Some(&t.model)),
            values: t
                .prompt
                .iter()
                .zip(&t.completion)
                .map(|(p, c)| (p + c) as f64)
                .collect(),
        })
        .collect();
    let costs: Vec<Series> = stats
        .tokens
        .iter()
        .filter_map(|t| {
            t.cost_eur.as_ref().map(|cost| Series {
                name: model_name(Some(&t.provider), Some(&t.model)),
                values: cost.clone(),
            })
        })
        .collect();
    let errors: Vec<Series> = stats
        .errors
        .iter()
        .map(|e| Series {
            name: e.code.clone(),
            values: as_f64(&e.counts),
        })
        .collect();
    // Ratings of the replies, per model and thumbs up or down (counts only: admins never see the comments).
    let ratings: Vec<Series> = stats
        .ratings
        .iter()
        .map(|r| Series {
            name: format!(
                "{} — {}",
                model_name(r.provider.as_deref(), r.model.as_deref()),
                if r.rating == "up" {
                    tr(Key::RatedUp)
                } else {
                    tr(Key::RatedDown)
                }
            ),
            values: as_f64(&r.counts),
        })
        .collect();

    let day = text(Key::Day);
    let table = text(Key::TableAlternative);
    let chart = |id: &'static str, title: Key, series: Vec<Series>| {
        view! { <Chart id title=text(title) bucket_label=day table_label=table buckets=buckets.clone() series /> }
    };
    view! {
        <dl class="totals card" data-testid="totals">{figures}</dl>
        {unpriced}
        <div class="charts">
            {chart("chart-people", Key::PeopleChart, people)}
            {chart("chart-activity", Key::ActivityChart, activity)}
            {chart("chart-replies", Key::RepliesChart, outcomes)}
            {chart("chart-replies-models", Key::RepliesModelsChart, by_model)}
            {chart("chart-tokens", Key::TokensChart, tokens)}
            {chart("chart-cost", Key::CostChart, costs)}
            {chart("chart-errors", Key::ErrorsChart, errors)}
            {chart("chart-ratings", Key::RatingsChart, ratings)}
        </div>
    }
}
