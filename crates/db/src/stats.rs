//! The admin statistics: counts per day or week, aggregated by the database (one grouped query per
//! series, each reading its table through its creation-time index). Metadata only.

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

/// Every series between `from` (inclusive) and `to` (exclusive).
pub fn stats(
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

    let active_sql = format!(
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
    let active_users = diesel::sql_query(active_sql)
        .load::<Count>(conn)?
        .into_iter()
        .map(|c| (c.bucket, c.n))
        .collect();

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
    })
}
