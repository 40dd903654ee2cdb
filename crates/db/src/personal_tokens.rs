//! Personal access tokens for third-party clients; only a hash of the secret is stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{personal_tokens, users};
use crate::users::UserRow;
use crate::DbConnection;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = personal_tokens)]
pub struct PersonalTokenRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub scope: String,
    pub token_hash: String,
    pub prefix: String,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

impl PersonalTokenRow {
    pub fn is_active(&self, now: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|expiry| expiry > now)
    }
}

pub fn insert(conn: &mut DbConnection, row: &PersonalTokenRow) -> QueryResult<()> {
    diesel::insert_into(personal_tokens::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The caller's tokens that are not revoked, newest first.
pub fn list_for_user(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<PersonalTokenRow>> {
    personal_tokens::table
        .filter(personal_tokens::user_id.eq(user_id))
        .filter(personal_tokens::revoked_at.is_null())
        .order(personal_tokens::created_at.desc())
        .select(PersonalTokenRow::as_select())
        .load(conn)
}

/// Revokes the caller's token; `false` when no such live token belongs to that user.
pub fn revoke(conn: &mut DbConnection, user_id: &str, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(
        personal_tokens::table
            .filter(personal_tokens::id.eq(id))
            .filter(personal_tokens::user_id.eq(user_id))
            .filter(personal_tokens::revoked_at.is_null()),
    )
    .set(personal_tokens::revoked_at.eq(now))
    .execute(conn)?;
    Ok(n > 0)
}

/// Revokes every live token of a user (an admin's logout or disable); returns how many.
pub fn revoke_all_for_user(conn: &mut DbConnection, user_id: &str, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        personal_tokens::table
            .filter(personal_tokens::user_id.eq(user_id))
            .filter(personal_tokens::revoked_at.is_null()),
    )
    .set(personal_tokens::revoked_at.eq(now))
    .execute(conn)
}

/// The token with its owner, by the secret's hash; records the use.
pub fn authenticate(
    conn: &mut DbConnection,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(PersonalTokenRow, UserRow)>> {
    let found = personal_tokens::table
        .inner_join(users::table)
        .filter(personal_tokens::token_hash.eq(token_hash))
        .select((PersonalTokenRow::as_select(), UserRow::as_select()))
        .first::<(PersonalTokenRow, UserRow)>(conn)
        .optional()?;
    if let Some((token, _)) = &found {
        // At most one write a minute per token, not one per request.
        let stale = token
            .last_used_at
            .is_none_or(|last| now - last > chrono::TimeDelta::seconds(60));
        if token.is_active(now) && stale {
            diesel::update(personal_tokens::table.find(&token.id))
                .set(personal_tokens::last_used_at.eq(now))
                .execute(conn)?;
        }
    }
    Ok(found)
}
