//! JobBot conversations shared into chat sessions, and who viewed them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{share_views, shares, users};
use crate::DbConnection;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = shares, treat_none_as_null = true)]
pub struct ShareRow {
    pub id: String,
    pub chat_id: String,
    pub owner_id: String,
    pub conversation_id: Option<String>,
    pub mode: String,
    pub title: String,
    pub up_to_message_id: Option<String>,
    /// JSON: the frozen, redacted transcript.
    pub snapshot: String,
    /// JSON: the redactions chosen by the owner.
    pub redactions: String,
    pub message_count: i64,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Set when an admin removed the share (it is revoked too).
    pub removed_reason: Option<String>,
}

impl ShareRow {
    /// `mode` as the domain knows it (stored as its text).
    pub fn share_mode(&self) -> jobbot_domain::ShareMode {
        jobbot_domain::ShareMode::parse(&self.mode).unwrap_or_default()
    }

    /// Revoked or expired: the recipient gets 410, the owner still sees it.
    pub fn is_gone(&self, now: NaiveDateTime) -> bool {
        self.revoked_at.is_some() || self.expires_at.is_some_and(|at| at <= now)
    }
}

pub fn insert(conn: &mut DbConnection, row: &ShareRow) -> QueryResult<()> {
    diesel::insert_into(shares::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<ShareRow>> {
    shares::table
        .find(id)
        .select(ShareRow::as_select())
        .first(conn)
        .optional()
}

pub fn update(conn: &mut DbConnection, row: &ShareRow) -> QueryResult<()> {
    diesel::update(shares::table.find(&row.id))
        .set(row)
        .execute(conn)
        .map(|_| ())
}

pub fn revoke(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(shares::table.find(id).filter(shares::revoked_at.is_null()))
        .set((shares::revoked_at.eq(now), shares::updated_at.eq(now)))
        .execute(conn)
        .map(|_| ())
}

/// An admin removes a share: revoked (if it was not already) with the reason its owner will see.
pub fn remove(conn: &mut DbConnection, id: &str, reason: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let Some(share) = find(conn, id)? else {
        return Ok(false);
    };
    if share.removed_reason.is_some() {
        return Ok(false);
    }
    diesel::update(shares::table.find(id))
        .set((
            shares::revoked_at.eq(share.revoked_at.unwrap_or(now)),
            shares::removed_reason.eq(reason),
            shares::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(true)
}

/// Revokes every live share of a conversation (it is being deleted); returns their ids.
pub fn revoke_for_conversation(
    conn: &mut DbConnection,
    conversation_id: &str,
    now: NaiveDateTime,
) -> QueryResult<Vec<String>> {
    let ids: Vec<String> = shares::table
        .filter(shares::conversation_id.eq(conversation_id))
        .filter(shares::revoked_at.is_null())
        .select(shares::id)
        .load(conn)?;
    diesel::update(shares::table.filter(shares::id.eq_any(&ids)))
        .set((shares::revoked_at.eq(now), shares::updated_at.eq(now)))
        .execute(conn)?;
    Ok(ids)
}

/// Everything a user has shared, newest first.
pub fn list_for_owner(conn: &mut DbConnection, owner_id: &str) -> QueryResult<Vec<ShareRow>> {
    shares::table
        .filter(shares::owner_id.eq(owner_id))
        .order((shares::created_at.desc(), shares::id.desc()))
        .select(ShareRow::as_select())
        .load(conn)
}

pub fn record_view(
    conn: &mut DbConnection,
    share_id: &str,
    viewer_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(share_views::table)
        .values((
            share_views::id.eq(crate::new_id()),
            share_views::share_id.eq(share_id),
            share_views::viewer_id.eq(viewer_id),
            share_views::viewed_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Who viewed the share and when (name, time), oldest first.
pub fn views(conn: &mut DbConnection, share_id: &str) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    share_views::table
        .inner_join(users::table.on(users::id.eq(share_views::viewer_id)))
        .filter(share_views::share_id.eq(share_id))
        .order(share_views::viewed_at.asc())
        .select((users::display_name, share_views::viewed_at))
        .load(conn)
}
