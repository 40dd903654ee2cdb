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
    /// The message it follows (`None`: the conversation's first question, or one of its edits).
    pub parent_id: Option<String>,
    /// On the branch the conversation shows (its active path).
    pub on_path: bool,
}

impl MessageRow {
    /// A new message with a new id at `at`, on the path shown, following nothing yet (`parent_id`), with no
    /// provider, model, usage or error: the caller sets what it knows.
    pub fn new(
        conversation_id: &str,
        role: MessageRole,
        content: &str,
        status: MessageStatus,
        at: NaiveDateTime,
    ) -> Self {
        Self {
            id: crate::new_id(),
            conversation_id: conversation_id.to_owned(),
            role: role.as_str().to_owned(),
            content: content.to_owned(),
            status: status.as_str().to_owned(),
            provider: None,
            model: None,
            prompt_tokens: None,
            completion_tokens: None,
            latency_ms: None,
            error_code: None,
            created_at: at,
            updated_at: at,
            fallback_from: None,
            parent_id: None,
            on_path: true,
        }
    }

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

/// A page of the messages on the conversation's active path, oldest first, after `after` (exclusive) when given.
pub fn page(
    conn: &mut DbConnection,
    conversation_id: &str,
    after: Option<&MessageRow>,
    limit: i64,
) -> QueryResult<Vec<MessageRow>> {
    let mut query = messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .filter(messages::on_path.eq(true))
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
        .filter(messages::on_path.eq(true))
        .filter(conversations::user_id.eq(user_id))
        .order((messages::created_at.asc(), messages::id.asc()))
        .limit(limit)
        .select(MessageRow::as_select())
        .load(conn)
}

/// The most recent `limit` messages of the active path, newest first (to build the model's context).
pub fn latest(conn: &mut DbConnection, conversation_id: &str, limit: i64) -> QueryResult<Vec<MessageRow>> {
    messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .filter(messages::on_path.eq(true))
        .order((messages::created_at.desc(), messages::id.desc()))
        .limit(limit)
        .select(MessageRow::as_select())
        .load(conn)
}

/// Every message of the conversation, every branch, oldest first (the export).
pub fn all(conn: &mut DbConnection, conversation_id: &str) -> QueryResult<Vec<MessageRow>> {
    messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .order((messages::created_at.asc(), messages::id.asc()))
        .select(MessageRow::as_select())
        .load(conn)
}

/// The ids of the children of each of `parents` (`None`: the conversation's first questions), oldest first:
/// a message's siblings are its parent's children.
pub fn children(
    conn: &mut DbConnection,
    conversation_id: &str,
    parents: &[Option<String>],
) -> QueryResult<Vec<(Option<String>, String)>> {
    let named: Vec<String> = parents.iter().flatten().cloned().collect();
    let roots = parents.iter().any(Option::is_none);
    let mut query = messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .into_boxed();
    query = match (named.is_empty(), roots) {
        (false, true) => query.filter(
            messages::parent_id
                .eq_any(named)
                .or(messages::parent_id.is_null()),
        ),
        (false, false) => query.filter(messages::parent_id.eq_any(named)),
        (true, true) => query.filter(messages::parent_id.is_null()),
        (true, false) => return Ok(Vec::new()),
    };
    query
        .order((messages::created_at.asc(), messages::id.asc()))
        .select((messages::parent_id, messages::id))
        .load(conn)
}

/// Shows the branch through `message_id`: its ancestors, itself, and from it the newest child at each step;
/// every other message of the conversation leaves the active path. `false` if the message is not in it.
pub fn show_branch(conn: &mut DbConnection, conversation_id: &str, message_id: &str) -> QueryResult<bool> {
    let all: Vec<(String, Option<String>)> = messages::table
        .filter(messages::conversation_id.eq(conversation_id))
        .order((messages::created_at.asc(), messages::id.asc()))
        .select((messages::id, messages::parent_id))
        .load(conn)?;
    if !all.iter().any(|(id, _)| id == message_id) {
        return Ok(false);
    }
    let parent_of: std::collections::HashMap<&str, Option<&str>> = all
        .iter()
        .map(|(id, parent)| (id.as_str(), parent.as_deref()))
        .collect();
    let mut path: Vec<String> = Vec::new();
    let mut at = Some(message_id);
    // Up to the first question (bounded, should the data ever hold a cycle).
    while let Some(id) = at.filter(|_| path.len() <= all.len()) {
        path.push(id.to_owned());
        at = parent_of.get(id).copied().flatten();
    }
    // Down: the newest child each time (the rows are oldest first).
    let mut tip = message_id.to_owned();
    while let Some((child, _)) = all
        .iter()
        .rev()
        .find(|(_, parent)| parent.as_deref() == Some(tip.as_str()))
    {
        if path.len() > all.len() {
            break;
        }
        path.push(child.clone());
        tip = child.clone();
    }
    diesel::update(
        messages::table
            .filter(messages::conversation_id.eq(conversation_id))
            .filter(messages::on_path.eq(true))
            .filter(messages::id.ne_all(&path)),
    )
    .set(messages::on_path.eq(false))
    .execute(conn)?;
    diesel::update(
        messages::table
            .filter(messages::conversation_id.eq(conversation_id))
            .filter(messages::on_path.eq(false))
            .filter(messages::id.eq_any(&path)),
    )
    .set(messages::on_path.eq(true))
    .execute(conn)?;
    Ok(true)
}

/// Takes one message off the active path (a reply being regenerated: the new one takes its place).
pub fn leave_path(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    diesel::update(messages::table.find(id))
        .set(messages::on_path.eq(false))
        .execute(conn)
        .map(|_| ())
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
