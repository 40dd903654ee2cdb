//! The `users` table.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::users;
use crate::DbConnection;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub display_name: String,
    pub role: String,
    pub locale: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub terms_version: Option<String>,
    pub terms_accepted_at: Option<NaiveDateTime>,
    /// Set by an admin: the account cannot log in and its sessions, tokens and shares are dead.
    pub disabled_at: Option<NaiveDateTime>,
    pub disabled_reason: Option<String>,
    /// Two-factor sign-in: the confirmed base32 secret (set while enabled), the one being set up, when it
    /// was enabled, and the last time step a code was accepted for.
    pub totp_secret: Option<String>,
    pub totp_pending: Option<String>,
    pub totp_enabled_at: Option<NaiveDateTime>,
    pub totp_last_step: Option<i64>,
}

impl UserRow {
    /// A new account, created now: enabled, without two-factor sign-in, terms not yet accepted.
    pub fn new(email: &str, password_hash: String, display_name: String, role: &str, locale: &str) -> Self {
        let now = crate::now();
        Self {
            id: crate::new_id(),
            email: email.to_owned(),
            password_hash,
            display_name,
            role: role.to_owned(),
            locale: locale.to_owned(),
            created_at: now,
            updated_at: now,
            terms_version: None,
            terms_accepted_at: None,
            disabled_at: None,
            disabled_reason: None,
            totp_secret: None,
            totp_pending: None,
            totp_enabled_at: None,
            totp_last_step: None,
        }
    }

    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }
}

/// Profile fields a user may change; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges<'a> {
    pub display_name: Option<&'a str>,
    pub email: Option<&'a str>,
    pub locale: Option<&'a str>,
    pub password_hash: Option<&'a str>,
    pub role: Option<&'a str>,
    pub updated_at: Option<NaiveDateTime>,
}

/// Inserts a user; a taken email is a unique violation (see [`crate::is_unique_violation`]).
pub fn insert(conn: &mut DbConnection, row: &UserRow) -> QueryResult<()> {
    diesel::insert_into(users::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Applies the changes and returns the updated row (`NotFound` if the user is gone).
pub fn update(conn: &mut DbConnection, id: &str, changes: &UserChanges<'_>) -> QueryResult<UserRow> {
    let updated = diesel::update(users::table.find(id)).set(changes).execute(conn)?;
    crate::auth_changed(conn);
    if updated == 0 {
        return Err(diesel::result::Error::NotFound);
    }
    users::table.find(id).select(UserRow::as_select()).first(conn)
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    users::table.count().get_result(conn)
}

/// A page of users, oldest first.
pub fn list(conn: &mut DbConnection, limit: i64, offset: i64) -> QueryResult<Vec<UserRow>> {
    users::table
        .order((users::created_at.asc(), users::id.asc()))
        .limit(limit)
        .offset(offset)
        .select(UserRow::as_select())
        .load(conn)
}
