//! The `conversations` table: a user's conversations with the assistant.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{conversations, messages};
use crate::DbConnection;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = conversations)]
pub struct ConversationRow {
    pub id: String,
    pub user_id: String,
    pub title: String,
    pub title_is_auto: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The offer it is about, while that exists.
    pub offer_id: Option<String>,
    /// The application it is about, while that exists.
    pub application_id: Option<String>,
    /// The parts of the workspace left out of the model's context, comma-separated (`offer,application`).
    pub context_excluded: String,
    /// The model the user picked (`None`: the operator's default).
    pub model: Option<String>,
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

pub fn insert(conn: &mut DbConnection, row: &ConversationRow) -> QueryResult<()> {
    diesel::insert_into(conversations::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The conversation if it belongs to `user_id`: another user's id is simply not found.
pub fn find_for_user(
    conn: &mut DbConnection,
    user_id: &str,
    id: &str,
) -> QueryResult<Option<ConversationRow>> {
    conversations::table
        .filter(conversations::id.eq(id))
        .filter(conversations::user_id.eq(user_id))
        .select(ConversationRow::as_select())
        .first(conn)
        .optional()
}

/// Escapes LIKE's wildcards so a search for "100%" means the text "100%".
fn like_pattern(query: &str) -> String {
    let escaped = query
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The user's conversations, newest activity first; `search` matches titles and message text.
pub fn list_for_user(
    conn: &mut DbConnection,
    user_id: &str,
    search: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<Vec<ConversationRow>> {
    let mut query = conversations::table
        .filter(conversations::user_id.eq(user_id))
        .into_boxed();
    if let Some(search) = search.map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = like_pattern(search);
        let in_messages = messages::table
            .filter(messages::conversation_id.eq(conversations::id))
            .filter(lower(messages::content).like(pattern.clone()).escape('\\'));
        query = query.filter(
            lower(conversations::title)
                .like(pattern)
                .escape('\\')
                .or(diesel::dsl::exists(in_messages)),
        );
    }
    query
        .order((conversations::updated_at.desc(), conversations::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(ConversationRow::as_select())
        .load(conn)
}

/// Renames; the title stops following the first question.
pub fn rename(conn: &mut DbConnection, id: &str, title: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(conversations::table.find(id))
        .set((
            conversations::title.eq(title),
            conversations::title_is_auto.eq(false),
            conversations::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Sets the automatic title, unless the user has named the conversation.
pub fn set_auto_title(conn: &mut DbConnection, id: &str, title: &str) -> QueryResult<()> {
    diesel::update(
        conversations::table
            .find(id)
            .filter(conversations::title_is_auto.eq(true)),
    )
    .set(conversations::title.eq(title))
    .execute(conn)
    .map(|_| ())
}

pub fn touch(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(conversations::table.find(id))
        .set(conversations::updated_at.eq(now))
        .execute(conn)
        .map(|_| ())
}

/// Deletes the conversation and, by cascade, its messages; revokes its shares and returns their ids.
pub fn delete(conn: &mut DbConnection, id: &str) -> QueryResult<Vec<String>> {
    crate::transaction(conn, |conn| {
        // Explicit as well as by cascade: SQLite connections opened without foreign keys would leave orphans.
        diesel::delete(messages::table.filter(messages::conversation_id.eq(id))).execute(conn)?; // Its shares die with it: recipients get 410 from now on.
        let revoked = crate::shares::revoke_for_conversation(conn, id, crate::now())?;
        diesel::delete(conversations::table.find(id)).execute(conn)?;
        Ok(revoked)
    })
}

/// Sets the model that answers the next questions.
pub fn set_model(conn: &mut DbConnection, id: &str, model: &str) -> QueryResult<()> {
    diesel::update(conversations::table.find(id))
        .set(conversations::model.eq(model))
        .execute(conn)
        .map(|_| ())
}

/// Sets which parts of the workspace are left out of the model's context.
pub fn set_context_excluded(conn: &mut DbConnection, id: &str, excluded: &str) -> QueryResult<()> {
    diesel::update(conversations::table.find(id))
        .set(conversations::context_excluded.eq(excluded))
        .execute(conn)
        .map(|_| ())
}

/// The user's conversations about an application, newest activity first.
pub fn for_application(
    conn: &mut DbConnection,
    user_id: &str,
    application_id: &str,
) -> QueryResult<Vec<ConversationRow>> {
    conversations::table
        .filter(conversations::user_id.eq(user_id))
        .filter(conversations::application_id.eq(application_id))
        .order((conversations::updated_at.desc(), conversations::id.desc()))
        .select(ConversationRow::as_select())
        .load(conn)
}
