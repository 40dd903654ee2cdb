//! The `messages` table: what the user asked and what the assistant answered.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::messages;
use crate::DbConnection;

pub use jobbot_domain::{MessageRole, MessageStatus};

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = messages)]
pub struct MessageRow {
    pub id: String,
    pub conversation_id: String,
    pub role: String,
    pub content: String,
    pub status: String,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub prompt_tokens: Option<i64>,
    pub completion_tokens: Option<i64>,
    pub latency_ms: Option<i64>,
    pub error_code: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The model chosen for this reply when it failed (429/5xx after the retries) and `model`, the operator's
    /// fallback, wrote it instead.
    pub fallback_from: Option<String>,
}

impl MessageRow {
    /// `role` as the domain knows it (stored as its text).
    pub fn message_role(&self) -> MessageRole {
        MessageRole::parse(&self.role).unwrap_or(MessageRole::Assistant)
    }

    /// `status` as the domain knows it (stored as its text).
    pub fn message_status(&self) -> MessageStatus {
        MessageStatus::parse(&self.status).unwrap_or(MessageStatus::Failed)
    }
}

/// The end of a reply.
#[derive(Debug, Clone, AsChangeset)]
#[diesel(table_name = messages, treat_none_as_null = true)]
pub struct ReplyOutcome {
    pub content: String,
    pub status: String,
    /// The model that wrote it (the fallback when the chosen one failed).
    pub model: Option<String>,
    pub fallback_from: Option<String>,
    pub prompt_tokens: Option<i64>,
    pub completion_tokens: Option<i64>,
    pub latency_ms: Option<i64>,
    pub error_code: Option<String>,
    pub updated_at: NaiveDateTime,
}

pub fn insert(conn: &mut DbConnection, row: &MessageRow) -> QueryResult<()> {
    diesel::insert_into(messages::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConnection, conversation_id: &str, id: &str) -> QueryResult<Option<MessageRow>> {
    messages::table
        .filter(messages::id.eq(id))
        .filter(messages::conversation_id.eq(conversation_id))
        .select(MessageRow::as_select())
        .first(conn)
        .optional()
}

/// The message `id` if it is in one of `user_id`'s conversations.
pub fn find_for_user(conn: &mut DbConnection, user_id: &str, id: &str) -> QueryResult<Option<MessageRow>> {
    messages::table
        .inner_join(crate::schema::conversations::table)
        .filter(messages::id.eq(id))
        .filter(crate::schema::conversations::user_id.eq(user_id))
        .select(MessageRow::as_select())
        .first(conn)
        .optional()
}

/// A page of messages, oldest first, after `after` (exclusive) when given.
pub fn page(
    conn: &mut DbConnection,
    conversation_id: &str,
    after: Option<&MessageRow>,
    limit: i64,
) -> QueryResult<Vec<MessageRow>> {
    let mut query = messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(
            messages::created_at.gt(after.created_at).or(messages::created_at
                .eq(after.created_at)
                .and(messages::id.gt(after.id.clone()))),
        );
    }
    query
        .order((messages::created_at.asc(), messages::id.asc()))
        .limit(limit)
        .select(MessageRow::as_select())
        .load(conn)
}

/// The first `limit` messages of a conversation, oldest first, if `user_id` owns it: ownership and page in one
/// query. Empty when the conversation is someone else's, unknown, or has no message (the caller tells which).
pub fn first_page_owned(
    conn: &mut DbConnection,
    user_id: &str,
    conversation_id: &str,
    limit: i64,
) -> QueryResult<Vec<MessageRow>> {
    use crate::schema::conversations;
    messages::table
        .inner_join(conversations::table)
        .filter(messages::conversation_id.eq(conversation_id))
        .filter(conversations::user_id.eq(user_id))
        .order((messages::created_at.asc(), messages::id.asc()))
        .limit(limit)
        .select(MessageRow::as_select())
        .load(conn)
}

/// The most recent `limit` messages, newest first (to build the model's context).
pub fn latest(conn: &mut DbConnection, conversation_id: &str, limit: i64) -> QueryResult<Vec<MessageRow>> {
    messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .order((messages::created_at.desc(), messages::id.desc()))
        .limit(limit)
        .select(MessageRow::as_select())
        .load(conn)
}

pub fn count(conn: &mut DbConnection, conversation_id: &str) -> QueryResult<i64> {
    messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .count()
        .get_result(conn)
}

/// A reply still being written in this conversation, if its writer has shown signs of life since `alive_since`.
pub fn streaming(
    conn: &mut DbConnection,
    conversation_id: &str,
    alive_since: NaiveDateTime,
) -> QueryResult<Option<MessageRow>> {
    messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .filter(messages::status.eq(MessageStatus::Streaming.as_str()))
        .filter(messages::updated_at.gt(alive_since))
        .select(MessageRow::as_select())
        .first(conn)
        .optional()
}

/// Saves what a reply has written so far (so a reload mid-reply shows it).
pub fn save_progress(
    conn: &mut DbConnection,
    id: &str,
    content: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        messages::table
            .find(id)
            .filter(messages::status.eq(MessageStatus::Streaming.as_str())),
    )
    .set((messages::content.eq(content), messages::updated_at.eq(now)))
    .execute(conn)
    .map(|_| ())
}

pub fn finish(conn: &mut DbConnection, id: &str, outcome: &ReplyOutcome) -> QueryResult<MessageRow> {
    diesel::update(messages::table.find(id))
        .set(outcome)
        .execute(conn)?;
    messages::table
        .find(id)
        .select(MessageRow::as_select())
        .first(conn)
}

pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::delete(messages::table.find(id)).execute(conn).map(|_| ())
}

/// Renews the lease of replies still being written: `updated_at` is their writer's sign of life.
pub fn renew_leases(conn: &mut DbConnection, ids: &[String], now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        messages::table
            .filter(messages::id.eq_any(ids))
            .filter(messages::status.eq(MessageStatus::Streaming.as_str())),
    )
    .set(messages::updated_at.eq(now))
    .execute(conn)
}

/// Replies left `streaming` by a process that stopped (no sign of life since `alive_since`) become `failed`.
pub fn fail_abandoned(
    conn: &mut DbConnection,
    alive_since: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        messages::table
            .filter(messages::status.eq(MessageStatus::Streaming.as_str()))
            .filter(messages::updated_at.le(alive_since)),
    )
    .set((
        messages::status.eq(MessageStatus::Failed.as_str()),
        messages::error_code.eq("interrupted"),
        messages::updated_at.eq(now),
    ))
    .execute(conn)
}
