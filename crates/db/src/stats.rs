//! The admin statistics: counts per day or week, aggregated by the database (one grouped query per
//! series, each reading its table through its creation-time index). Metadata only.
//!
//! Settled days (UTC days that ended [`SETTLE`] ago) are rolled up the first time a period asks for them:
//! their counts go to `stats_daily`, a few rows a day, and later periods read those instead of every row of
//! the day. The ends of a period that are not whole settled days (today, or a `from` in the middle of a day)
//! are counted live, as are a week's active users (distinct people: days cannot be added up). A rolled-up
//! day keeps its counts: deleting an account later does not rewrite history.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use crate::{Backend, DbConnection};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Day,
    /// Weeks start on Monday.
    Week,
}

/// One series: (bucket, count), the bucket being its first day as `YYYY-MM-DD`; empty buckets are absent.
pub type Series = Vec<(String, i64)>;

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct ReplyCount {
    #[diesel(sql_type = Text)]
    pub bucket: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub provider: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub model: Option<String>,
    /// `complete`, `stopped` or `failed`.
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

/// Ratings of the assistant's replies, by the day they were given (a changed rating counts on the day it changed).
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct RatingCount {
    #[diesel(sql_type = Text)]
    pub bucket: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub provider: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub model: Option<String>,
    /// `up` or `down`.
    #[diesel(sql_type = Text)]
    pub rating: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct TokenCount {
    #[diesel(sql_type = Text)]
    pub bucket: String,
    #[diesel(sql_type = Text)]
    pub provider: String,
    #[diesel(sql_type = Text)]
    pub model: String,
    #[diesel(sql_type = BigInt)]
    pub prompt: i64,
    #[diesel(sql_type = BigInt)]
    pub completion: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct ErrorCount {
    #[diesel(sql_type = Text)]
    pub bucket: String,
    #[diesel(sql_type = Text)]
    pub code: String,
    #[diesel(sql_type = BigInt)]
    pub n: i64,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = Text)]
    bucket: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub signups: Series,
    /// Distinct users who asked the assistant or posted a chat message.
    pub active_users: Series,
    pub conversations: Series,
    pub replies: Vec<ReplyCount>,
    pub tokens: Vec<TokenCount>,
    pub shares_created: Series,
    pub share_views: Series,
    pub chat_messages: Series,
    /// Failed replies by error code.
    pub errors: Vec<ErrorCount>,
    pub ratings: Vec<RatingCount>,
}

/// The SQL of a column's bucket: its day, or the Monday of its week, as `YYYY-MM-DD`.
fn bucket(backend: Backend, interval: Interval, column: &str) -> String {
    match (backend, interval) {
        (Backend::Postgres, Interval::Day) => format!("to_char(date_trunc('day', {column}), 'YYYY-MM-DD')"),
        (Backend::Postgres, Interval::Week) => format!("to_char(date_trunc('week', {column}), 'YYYY-MM-DD')"),
        (Backend::Sqlite, Interval::Day) => format!("strftime('%Y-%m-%d', {column})"),
        (Backend::Sqlite, Interval::Week) => {
            format!("date({column}, '-' || ((CAST(strftime('%w', {column}) AS INTEGER) + 6) % 7) || ' days')")
        }
    }
}

/// A time as an SQL literal both backends compare with their stored timestamps. Only times made here go
/// in (never text from a request). SQLite compares text: the literal is written as diesel writes the
/// stored values (no fraction when it is zero), so a row stored at the very instant `from` is counted.
fn literal(at: NaiveDateTime) -> String {
    format!("'{}'", at.format("%Y-%m-%d %H:%M:%S%.f"))
}

/// Every series between `from` (inclusive) and `to` (exclusive), counted from the tables themselves (no
/// roll-up): what [`stats`] must equal for a period whose days have not changed since they were rolled up.
pub fn live(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
    interval: Interval,
) -> QueryResult<Stats> {
    let backend = conn.backend();
    let b = |column: &str| bucket(backend, interval, column);
    let range = |column: &str| format!("{column} >= {} AND {column} < {}", literal(from), literal(to));
    let mut count = |table: &str, column: &str| -> QueryResult<Series> {
        let sql = format!(
            "SELECT {} AS bucket, COUNT(*) AS n FROM {table} WHERE {} GROUP BY 1 ORDER BY 1",
            b(column),
            range(column)
        );
        Ok(diesel::sql_query(sql)
            .load::<Count>(conn)?
            .into_iter()
            .map(|c| (c.bucket, c.n))
            .collect())
    };
    let signups = count("users", "created_at")?;
    let conversations = count("conversations", "created_at")?;
    let shares_created = count("shares", "created_at")?;
    let share_views = count("share_views", "viewed_at")?;
    let chat_messages = count("chat_messages", "created_at")?;

    let active_users = active_users(conn, from, to, interval)?;

    let replies = diesel::sql_query(format!(
        "SELECT {} AS bucket, provider, model, status, COUNT(*) AS n FROM messages \
         WHERE role = 'assistant' AND status IN ('complete', 'stopped', 'failed') AND {} \
         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        b("created_at"),
        range("created_at")
    ))
    .load::<ReplyCount>(conn)?;

    let tokens = diesel::sql_query(format!(
        "SELECT {} AS bucket, provider, model, CAST(SUM(prompt_tokens) AS BIGINT) AS prompt, \
         CAST(SUM(completion_tokens) AS BIGINT) AS completion FROM llm_usage WHERE {} \
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
        b("created_at"),
        range("created_at")
    ))
    .load::<TokenCount>(conn)?;

    let errors = diesel::sql_query(format!(
        "SELECT {} AS bucket, error_code AS code, COUNT(*) AS n FROM messages \
         WHERE status = 'failed' AND error_code IS NOT NULL AND {} GROUP BY 1, 2 ORDER BY 1, 2",
        b("created_at"),
        range("created_at")
    ))
    .load::<ErrorCount>(conn)?;

    let ratings = diesel::sql_query(format!(
        "SELECT {} AS bucket, m.provider AS provider, m.model AS model, f.rating AS rating, COUNT(*) AS n \
         FROM message_feedback f JOIN messages m ON m.id = f.message_id WHERE {} \
         GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4",
        b("f.updated_at"),
        range("f.updated_at")
    ))
    .load::<RatingCount>(conn)?;

    Ok(Stats {
        signups,
        active_users,
        conversations,
        replies,
        tokens,
        shares_created,
        share_views,
        chat_messages,
        errors,
        ratings,
    })
}

/// Distinct people who asked the assistant or posted a chat message, per bucket.
fn active_users(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
    interval: Interval,
) -> QueryResult<Series> {
    let backend = conn.backend();
    let b = |column: &str| bucket(backend, interval, column);
    let range = |column: &str| format!("{column} >= {} AND {column} < {}", literal(from), literal(to));
    let sql = format!(
        "SELECT bucket, CAST(COUNT(DISTINCT who) AS BIGINT) AS n FROM ( \
           SELECT {} AS bucket, c.user_id AS who FROM messages m JOIN conversations c ON c.id = m.conversation_id \
             WHERE m.role = 'user' AND {} \
           UNION ALL \
           SELECT {} AS bucket, sender_id AS who FROM chat_messages WHERE sender_id IS NOT NULL AND {} \
         ) activity GROUP BY bucket ORDER BY bucket",
        b("m.created_at"),
        range("m.created_at"),
        b("created_at"),
        range("created_at")
    );
    Ok(diesel::sql_query(sql)
        .load::<Count>(conn)?
        .into_iter()
        .map(|c| (c.bucket, c.n))
        .collect())
}

/// How long after its end a day's counts stop moving: a reply begun before midnight has finished, or been
/// ended by its lease, well within this.
pub const SETTLE: chrono::TimeDelta = chrono::TimeDelta::hours(2);

/// Every series between `from` (inclusive) and `to` (exclusive): settled whole days from the roll-up (rolled
/// up first where missing), the rest live.
pub fn stats(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
    interval: Interval,
) -> QueryResult<Stats> {
    stats_at(conn, from, to, interval, crate::now())
}

/// [`stats`] as if the time were `now`.
pub fn stats_at(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    to: NaiveDateTime,
    interval: Interval,
    now: NaiveDateTime,
) -> QueryResult<Stats> {
    let midnight = |at: NaiveDateTime| at.date().and_time(chrono::NaiveTime::MIN);
    let first = if midnight(from) == from {
        from
    } else {
        midnight(from) + chrono::Days::new(1)
    };
    let end = midnight(to).min(midnight(now - SETTLE));
    if first >= end {
        return live(conn, from, to, interval);
    }
    roll_up(conn, first, end)?;
    let mut sum = rolled(conn, first, end, interval)?;
    if from < first {
        sum.add(live(conn, from, first, interval)?);
    }
    if end < to {
        sum.add(live(conn, end, to, interval)?);
    }
    let mut total = sum.into_stats();
    if interval == Interval::Week {
        total.active_users = active_users(conn, from, to, interval)?;
    }
    Ok(total)
}

/// The bucket of a day: itself, or the Monday of its week.
fn day_bucket(day: &str, interval: Interval) -> String {
    use chrono::Datelike;
    match (interval, chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d")) {
        (Interval::Week, Ok(date)) => {
            let monday = date - chrono::Days::new(u64::from(date.weekday().num_days_from_monday()));
            monday.format("%Y-%m-%d").to_string()
        }
        _ => day.to_owned(),
    }
}

/// Counts added up key by key (buckets in order).
#[derive(Default)]
struct Sum {
    /// (series, bucket) → count, for the plain series.
    plain: BTreeMap<(&'static str, String), i64>,
    replies: BTreeMap<(String, Option<String>, Option<String>, String), i64>,
    tokens: BTreeMap<(String, String, String), (i64, i64)>,
    errors: BTreeMap<(String, String), i64>,
    ratings: BTreeMap<(String, Option<String>, Option<String>, String), i64>,
}

const PLAIN: [&str; 6] = [
    "signups",
    "active_users",
    "conversations",
    "shares_created",
    "share_views",
    "chat_messages",
];

impl Sum {
    fn plain(&mut self, series: &'static str, bucket: String, n: i64) {
        *self.plain.entry((series, bucket)).or_default() += n;
    }

    fn add(&mut self, more: Stats) {
        let plain = [
            more.signups,
            more.active_users,
            more.conversations,
            more.shares_created,
            more.share_views,
            more.chat_messages,
        ];
        for (series, values) in PLAIN.into_iter().zip(plain) {
            for (bucket, n) in values {
                self.plain(series, bucket, n);
            }
        }
        for r in more.replies {
            *self
                .replies
                .entry((r.bucket, r.provider, r.model, r.status))
                .or_default() += r.n;
        }
        for t in more.tokens {
            let sum = self.tokens.entry((t.bucket, t.provider, t.model)).or_default();
            sum.0 += t.prompt;
            sum.1 += t.completion;
        }
        for e in more.errors {
            *self.errors.entry((e.bucket, e.code)).or_default() += e.n;
        }
        for r in more.ratings {
            *self
                .ratings
                .entry((r.bucket, r.provider, r.model, r.rating))
                .or_default() += r.n;
        }
    }

    fn into_stats(self) -> Stats {
        let mut stats = Stats::default();
        for ((series, bucket), n) in self.plain {
            let into = match series {
                "signups" => &mut stats.signups,
                "active_users" => &mut stats.active_users,
                "conversations" => &mut stats.conversations,
                "shares_created" => &mut stats.shares_created,
                "share_views" => &mut stats.share_views,
                _ => &mut stats.chat_messages,
            };
            into.push((bucket, n));
        }
        stats.replies = self
            .replies
            .into_iter()
            .map(|((bucket, provider, model, status), n)| ReplyCount {
                bucket,
                provider,
                model,
                status,
                n,
            })
            .collect();
        stats.tokens = self
            .tokens
            .into_iter()
            .map(|((bucket, provider, model), (prompt, completion))| TokenCount {
                bucket,
                provider,
                model,
                prompt,
                completion,
            })
            .collect();
        stats.errors = self
            .errors
            .into_iter()
            .map(|((bucket, code), n)| ErrorCount { bucket, code, n })
            .collect();
        stats.ratings = self
            .ratings
            .into_iter()
            .map(|((bucket, provider, model, rating), n)| RatingCount {
                bucket,
                provider,
                model,
                rating,
                n,
            })
            .collect();
        stats
    }
}

/// One row of `stats_daily`.
type DailyRow = (String, String, String, String, String, i64);

/// The rows of a day range counted live, for `stats_daily`.
fn daily_rows(counted: Stats) -> Vec<DailyRow> {
    let mut rows = Vec::new();
    let mut plain = |series: &str, values: Series| {
        for (day, n) in values {
            rows.push((
                day,
                series.to_owned(),
                String::new(),
                String::new(),
                String::new(),
                n,
            ));
        }
    };
    plain("signups", counted.signups);
    plain("active_users", counted.active_users);
    plain("conversations", counted.conversations);
    plain("shares_created", counted.shares_created);
    plain("share_views", counted.share_views);
    plain("chat_messages", counted.chat_messages);
    for r in counted.replies {
        let (provider, model) = (r.provider.unwrap_or_default(), r.model.unwrap_or_default());
        rows.push((r.bucket, "replies".into(), provider, model, r.status, r.n));
    }
    for t in counted.tokens {
        rows.push((
            t.bucket.clone(),
            "prompt_tokens".into(),
            t.provider.clone(),
            t.model.clone(),
            String::new(),
            t.prompt,
        ));
        rows.push((
            t.bucket,
            "completion_tokens".into(),
            t.provider,
            t.model,
            String::new(),
            t.completion,
        ));
    }
    for e in counted.errors {
        rows.push((
            e.bucket,
            "errors".into(),
            String::new(),
            String::new(),
            e.code,
            e.n,
        ));
    }
    for r in counted.ratings {
        let (provider, model) = (r.provider.unwrap_or_default(), r.model.unwrap_or_default());
        rows.push((r.bucket, "ratings".into(), provider, model, r.rating, r.n));
    }
    rows
}

/// Rolls up the days of `[first, end)` (midnights) that are not yet, one live count per run of missing days.
fn roll_up(conn: &mut DbConnection, first: NaiveDateTime, end: NaiveDateTime) -> QueryResult<()> {
    use crate::schema::{stats_daily, stats_days};
    let day = |at: NaiveDateTime| at.format("%Y-%m-%d").to_string();
    let done: std::collections::HashSet<String> = stats_days::table
        .filter(stats_days::day.ge(day(first)).and(stats_days::day.lt(day(end))))
        .select(stats_days::day)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut runs: Vec<(NaiveDateTime, NaiveDateTime)> = Vec::new();
    let mut at = first;
    while at < end {
        let next = at + chrono::Days::new(1);
        if !done.contains(&day(at)) {
            match runs.last_mut() {
                Some((_, run_end)) if *run_end == at => *run_end = next,
                _ => runs.push((at, next)),
            }
        }
        at = next;
    }
    for (start, stop) in runs {
        let rows = daily_rows(live(conn, start, stop, Interval::Day)?);
        let rolled_at = crate::now();
        // One row per statement (diesel's multi-backend connection has no batch insert), in one transaction.
        let written = crate::transaction(conn, |conn| -> QueryResult<()> {
            for (d, series, provider, model, detail, value) in &rows {
                diesel::insert_into(stats_daily::table)
                    .values((
                        stats_daily::day.eq(d),
                        stats_daily::series.eq(series),
                        stats_daily::provider.eq(provider),
                        stats_daily::model.eq(model),
                        stats_daily::detail.eq(detail),
                        stats_daily::value.eq(value),
                    ))
                    .execute(conn)?;
            }
            let mut at = start;
            while at < stop {
                diesel::insert_into(stats_days::table)
                    .values((stats_days::day.eq(day(at)), stats_days::rolled_at.eq(rolled_at)))
                    .execute(conn)?;
                at = at + chrono::Days::new(1);
            }
            Ok(())
        });
        match written {
            // Another instance rolled the same days up at the same moment: theirs stands.
            Err(error) if crate::is_unique_violation(&error) => {}
            other => other?,
        }
    }
    Ok(())
}

/// The rolled-up counts of `[first, end)` (midnights), in `interval` buckets.
fn rolled(
    conn: &mut DbConnection,
    first: NaiveDateTime,
    end: NaiveDateTime,
    interval: Interval,
) -> QueryResult<Sum> {
    use crate::schema::stats_daily;
    let day = |at: NaiveDateTime| at.format("%Y-%m-%d").to_string();
    let rows: Vec<DailyRow> = stats_daily::table
        .filter(stats_daily::day.ge(day(first)).and(stats_daily::day.lt(day(end))))
        .select((
            stats_daily::day,
            stats_daily::series,
            stats_daily::provider,
            stats_daily::model,
            stats_daily::detail,
            stats_daily::value,
        ))
        .load(conn)?;
    let mut sum = Sum::default();
    let optional = |s: String| (!s.is_empty()).then_some(s);
    for (d, series, provider, model, detail, value) in rows {
        let bucket = day_bucket(&d, interval);
        match series.as_str() {
            "replies" => {
                *sum.replies
                    .entry((bucket, optional(provider), optional(model), detail))
                    .or_default() += value
            }
            "prompt_tokens" => sum.tokens.entry((bucket, provider, model)).or_default().0 += value,
            "completion_tokens" => sum.tokens.entry((bucket, provider, model)).or_default().1 += value,
            "errors" => *sum.errors.entry((bucket, detail)).or_default() += value,
            "ratings" => {
                *sum.ratings
                    .entry((bucket, optional(provider), optional(model), detail))
                    .or_default() += value
            }
            other => {
                if let Some(series) = PLAIN.into_iter().find(|p| *p == other) {
                    sum.plain(series, bucket, value);
                }
            }
        }
    }
    Ok(sum)
}
