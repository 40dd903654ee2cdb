//! The `message_feedback` table: a conversation owner's rating of one of the assistant's replies (thumbs up or
//! down, an optional comment). Callers check the reply is the caller's; admins only ever see counts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::message_feedback;
use crate::DbConnection;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = message_feedback, treat_none_as_null = true)]
pub struct FeedbackRow {
    pub message_id: String,
    /// `up` or `down`.
    pub rating: String,
    pub comment: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Rates a reply, or changes its rating (keeping when it was first rated); returns the stored rating.
pub fn put(
    conn: &mut DbConnection,
    message_id: &str,
    rating: &str,
    comment: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<FeedbackRow> {
    crate::transaction(conn, |conn| {
        let created_at = message_feedback::table
            .find(message_id)
            .select(message_feedback::created_at)
            .first::<NaiveDateTime>(conn)
            .optional()?;
        let row = FeedbackRow {
            message_id: message_id.to_owned(),
            rating: rating.to_owned(),
            comment: comment.map(str::to_owned),
            created_at: created_at.unwrap_or(now),
            updated_at: now,
        };
        if created_at.is_some() {
            diesel::update(message_feedback::table.find(message_id))
                .set(&row)
                .execute(conn)?;
        } else {
            diesel::insert_into(message_feedback::table)
                .values(&row)
                .execute(conn)?;
        }
        Ok(row)
    })
}

/// Whether there was a rating to remove.
pub fn delete(conn: &mut DbConnection, message_id: &str) -> QueryResult<bool> {
    diesel::delete(message_feedback::table.find(message_id))
        .execute(conn)
        .map(|n| n > 0)
}

/// The ratings of those of `message_ids` that have one.
pub fn of(conn: &mut DbConnection, message_ids: &[String]) -> QueryResult<Vec<FeedbackRow>> {
    if message_ids.is_empty() {
        return Ok(Vec::new());
    }
    message_feedback::table
        .filter(message_feedback::message_id.eq_any(message_ids))
        .select(FeedbackRow::as_select())
        .load(conn)
}
