//! Login sessions and their rotating refresh tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{refresh_tokens, sessions, users};
use crate::users::UserRow;
use crate::DbConnection;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: String,
    pub user_id: String,
    pub user_agent: Option<String>,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
}

impl SessionRow {
    pub fn is_active(&self, now: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    pub token_hash: String,
    pub session_id: String,
    pub created_at: NaiveDateTime,
    pub replaced_at: Option<NaiveDateTime>,
}

/// Creates a session with its first refresh token, atomically.
pub fn create(conn: &mut DbConnection, session: &SessionRow, refresh_hash: &str) -> QueryResult<()> {
    crate::transaction(conn, |conn| {
        diesel::insert_into(sessions::table)
            .values(session)
            .execute(conn)?;
        diesel::insert_into(refresh_tokens::table)
            .values(&RefreshTokenRow {
                token_hash: refresh_hash.to_owned(),
                session_id: session.id.clone(),
                created_at: session.created_at,
                replaced_at: None,
            })
            .execute(conn)?;
        Ok(())
    })
}

/// The session with its user, for checking an access token. Revoked or expired sessions are returned
/// too: the caller decides, so the reason can be reported.
pub fn find_with_user(conn: &mut DbConnection, id: &str) -> QueryResult<Option<(SessionRow, UserRow)>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::id.eq(id))
        .select((SessionRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()
}

/// What presenting a refresh token led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// The token was current: it is now replaced by the new one.
    Rotated { session: SessionRow },
    /// The token had already been replaced: someone replayed it, so the whole session was revoked.
    Reused,
    /// Unknown token, or its session is revoked or expired.
    Invalid,
}

/// Exchanges a current refresh token for `new_hash`; a replayed one revokes its session.
pub fn rotate_refresh(
    conn: &mut DbConnection,
    presented_hash: &str,
    new_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<Rotation> {
    crate::transaction(conn, |conn| {
        let Some(token) = refresh_tokens::table
            .find(presented_hash)
            .select(RefreshTokenRow::as_select())
            .first(conn)
            .optional()?
        else {
            return Ok(Rotation::Invalid);
        };
        let session: SessionRow = sessions::table
            .find(&token.session_id)
            .select(SessionRow::as_select())
            .first(conn)?;
        if token.replaced_at.is_some() {
            revoke(conn, &session.id, now)?;
            return Ok(Rotation::Reused);
        }
        if !session.is_active(now) {
            return Ok(Rotation::Invalid);
        }
        // Guarded on `replaced_at IS NULL` so two concurrent refreshes cannot both win.
        let claimed = diesel::update(
            refresh_tokens::table
                .filter(refresh_tokens::token_hash.eq(presented_hash))
                .filter(refresh_tokens::replaced_at.is_null()),
        )
        .set(refresh_tokens::replaced_at.eq(now))
        .execute(conn)?;
        if claimed == 0 {
            revoke(conn, &session.id, now)?;
            return Ok(Rotation::Reused);
        }
        diesel::insert_into(refresh_tokens::table)
            .values(&RefreshTokenRow {
                token_hash: new_hash.to_owned(),
                session_id: session.id.clone(),
                created_at: now,
                replaced_at: None,
            })
            .execute(conn)?;
        diesel::update(sessions::table.find(&session.id))
            .set(sessions::last_seen_at.eq(now))
            .execute(conn)?;
        Ok(Rotation::Rotated { session })
    })
}

/// The session a refresh token belongs to, if the token is known.
pub fn find_by_refresh(conn: &mut DbConnection, refresh_hash: &str) -> QueryResult<Option<SessionRow>> {
    refresh_tokens::table
        .inner_join(sessions::table)
        .filter(refresh_tokens::token_hash.eq(refresh_hash))
        .select(SessionRow::as_select())
        .first(conn)
        .optional()
}

/// Revokes one session; returns whether it was active.
pub fn revoke(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> QueryResult<bool> {
    let n = diesel::update(sessions::table.find(id).filter(sessions::revoked_at.is_null()))
        .set(sessions::revoked_at.eq(now))
        .execute(conn)?;
    crate::auth_changed(conn);
    Ok(n > 0)
}

/// Revokes every session of a user except `keep` (the caller's own), e.g. after a password change.
pub fn revoke_all_for_user_except(
    conn: &mut DbConnection,
    user_id: &str,
    keep: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let query = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .into_boxed();
    let query = match keep {
        Some(keep) => query.filter(sessions::id.ne(keep.to_owned())),
        None => query,
    };
    let ids: Vec<String> = query.select(sessions::id).load(conn)?;
    let n = diesel::update(sessions::table.filter(sessions::id.eq_any(&ids)))
        .set(sessions::revoked_at.eq(now))
        .execute(conn)?;
    crate::auth_changed(conn);
    Ok(n)
}
