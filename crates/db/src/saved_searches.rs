//! Saved searches (a candidate's search, kept with a name) and the notifications their alerts raise.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{notifications, saved_searches};
use crate::DbConnection;

/// A saved search: the search's parameters as the API's query string has them (lists comma-separated).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = saved_searches, treat_none_as_null = true)]
pub struct SavedSearchRow {
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub query_text: String,
    pub contract: String,
    pub remote: String,
    pub departement: String,
    pub salary_min: Option<i64>,
    pub alerts: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// When its owner last opened its results: the offers added since are "new".
    pub seen_at: NaiveDateTime,
    /// Offers added after this have not been alerted yet.
    pub checked_at: NaiveDateTime,
    /// The last alert (at most one a day).
    pub alerted_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub saved_search_id: Option<String>,
    /// The JSON the API answers, frozen when the notification was raised.
    pub data: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, row: &SavedSearchRow) -> QueryResult<()> {
    diesel::insert_into(saved_searches::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// The user's saved searches, the oldest first.
pub fn list(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<SavedSearchRow>> {
    saved_searches::table
        .filter(saved_searches::user_id.eq(user_id))
        .order((saved_searches::created_at.asc(), saved_searches::id.asc()))
        .select(SavedSearchRow::as_select())
        .load(conn)
}

pub fn count_for(conn: &mut DbConnection, user_id: &str) -> QueryResult<i64> {
    saved_searches::table
        .filter(saved_searches::user_id.eq(user_id))
        .count()
        .get_result(conn)
}

/// The user's saved search `id` (someone else's is none).
pub fn find(conn: &mut DbConnection, user_id: &str, id: &str) -> QueryResult<Option<SavedSearchRow>> {
    saved_searches::table
        .find(id)
        .filter(saved_searches::user_id.eq(user_id))
        .select(SavedSearchRow::as_select())
        .first(conn)
        .optional()
}

pub fn update(conn: &mut DbConnection, row: &SavedSearchRow) -> QueryResult<()> {
    diesel::update(saved_searches::table.find(&row.id))
        .set(row)
        .execute(conn)
        .map(|_| ())
}

/// Deletes the user's saved search `id` (and its notifications); false if there was none.
pub fn delete(conn: &mut DbConnection, user_id: &str, id: &str) -> QueryResult<bool> {
    diesel::delete(
        saved_searches::table
            .find(id)
            .filter(saved_searches::user_id.eq(user_id)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

/// The searches whose alerts are on and whose last alert is older than `before` (or that never alerted).
pub fn due_for_alert(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<Vec<SavedSearchRow>> {
    saved_searches::table
        .filter(saved_searches::alerts.eq(true))
        .filter(
            saved_searches::alerted_at
                .is_null()
                .or(saved_searches::alerted_at.le(before)),
        )
        .order(saved_searches::id.asc())
        .select(SavedSearchRow::as_select())
        .load(conn)
}

/// Records an alert for `search` and its notification, unless another run did it first (its `checked_at`
/// moved): true when this one did. Call in a transaction with the notification's insert.
pub fn record_alert(
    conn: &mut DbConnection,
    search: &SavedSearchRow,
    now: NaiveDateTime,
    notification: &NotificationRow,
) -> QueryResult<bool> {
    let claimed = diesel::update(
        saved_searches::table
            .find(&search.id)
            .filter(saved_searches::checked_at.eq(search.checked_at)),
    )
    .set((
        saved_searches::checked_at.eq(now),
        saved_searches::alerted_at.eq(now),
    ))
    .execute(conn)?;
    if claimed == 0 {
        return Ok(false);
    }
    diesel::insert_into(notifications::table)
        .values(notification)
        .execute(conn)?;
    Ok(true)
}

/// The user's latest notifications, the newest first.
pub fn notifications(
    conn: &mut DbConnection,
    user_id: &str,
    limit: i64,
) -> QueryResult<Vec<NotificationRow>> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(limit)
        .select(NotificationRow::as_select())
        .load(conn)
}

pub fn unread(conn: &mut DbConnection, user_id: &str) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

/// Marks the user's notifications read: those of `ids`, or all of them.
pub fn mark_read(
    conn: &mut DbConnection,
    user_id: &str,
    ids: Option<&[String]>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let mine = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null());
    match ids {
        Some(ids) => diesel::update(mine.filter(notifications::id.eq_any(ids)))
            .set(notifications::read_at.eq(now))
            .execute(conn),
        None => diesel::update(mine)
            .set(notifications::read_at.eq(now))
            .execute(conn),
    }
}

/// Deletes the notifications read before `before` (or counts them, `dry_run`).
pub fn purge_read(conn: &mut DbConnection, before: NaiveDateTime, dry_run: bool) -> QueryResult<i64> {
    let old = notifications::table.filter(notifications::read_at.lt(before));
    if dry_run {
        old.count().get_result(conn)
    } else {
        diesel::delete(old).execute(conn).map(|n| n as i64)
    }
}

/// Every notification of the user, the oldest first (export).
pub fn all_notifications(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<NotificationRow>> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .order((notifications::created_at.asc(), notifications::id.asc()))
        .select(NotificationRow::as_select())
        .load(conn)
}

/// Saved searches and those with alerts on (admin statistics: counts only).
pub fn counts(conn: &mut DbConnection) -> QueryResult<(i64, i64)> {
    let all = saved_searches::table.count().get_result(conn)?;
    let alerting = saved_searches::table
        .filter(saved_searches::alerts.eq(true))
        .count()
        .get_result(conn)?;
    Ok((all, alerting))
}
