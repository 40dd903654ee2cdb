//! `llm_usage`: tokens spent per reply, for the daily quota.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::llm_usage;
use crate::DbConnection;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = llm_usage)]
pub struct UsageRow {
    pub id: String,
    pub user_id: String,
    pub provider: String,
    pub model: String,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    pub latency_ms: i64,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &UsageRow) -> QueryResult<()> {
    diesel::insert_into(llm_usage::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Prompt plus completion tokens the user spent since `since`.
pub fn tokens_since(conn: &mut DbConnection, user_id: &str, since: NaiveDateTime) -> QueryResult<i64> {
    // Summed here: SUM(BIGINT) is NUMERIC on PostgreSQL and a day's rows per user are few.
    let rows: Vec<(i64, i64)> = llm_usage::table
        .filter(llm_usage::user_id.eq(user_id))
        .filter(llm_usage::created_at.ge(since))
        .select((llm_usage::prompt_tokens, llm_usage::completion_tokens))
        .load(conn)?;
    Ok(rows.iter().map(|(p, c)| p + c).sum())
}
