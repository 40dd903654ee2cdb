//! A candidate's applications, the history of their status and their documents. Every query is scoped to the
//! owner: another user's application is "not found".

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{application_documents, application_events, applications};
use crate::DbConnection;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = applications, treat_none_as_null = true)]
pub struct ApplicationRow {
    pub id: String,
    pub user_id: String,
    pub offer_id: Option<String>,
    pub title: String,
    pub company: Option<String>,
    pub status: String,
    pub contact: Option<String>,
    pub notes: Option<String>,
    pub next_action: Option<String>,
    pub next_action_due: Option<NaiveDateTime>,
    pub status_changed_at: NaiveDateTime,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = application_events)]
pub struct EventRow {
    pub id: String,
    pub application_id: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub at: NaiveDateTime,
}

fn event(row: &ApplicationRow, from: Option<&str>) -> EventRow {
    EventRow {
        id: crate::new_id(),
        application_id: row.id.clone(),
        from_status: from.map(str::to_owned),
        to_status: row.status.clone(),
        at: row.status_changed_at,
    }
}

/// Inserts a new application and its first status, in one transaction.
pub fn insert(conn: &mut DbConnection, row: &ApplicationRow) -> QueryResult<()> {
    crate::transaction(conn, |conn| {
        diesel::insert_into(applications::table)
            .values(row)
            .execute(conn)?;
        diesel::insert_into(application_events::table)
            .values(event(row, None))
            .execute(conn)?;
        Ok(())
    })
}

/// The user's application `id`.
pub fn find(conn: &mut DbConnection, user_id: &str, id: &str) -> QueryResult<Option<ApplicationRow>> {
    applications::table
        .filter(applications::id.eq(id))
        .filter(applications::user_id.eq(user_id))
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()
}

/// The user's application for an offer, if there is one.
pub fn for_offer(
    conn: &mut DbConnection,
    user_id: &str,
    offer_id: &str,
) -> QueryResult<Option<ApplicationRow>> {
    applications::table
        .filter(applications::offer_id.eq(offer_id))
        .filter(applications::user_id.eq(user_id))
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()
}

/// Saves `row` (the owner's, checked by the caller); a new status is added to the history.
pub fn update(conn: &mut DbConnection, row: &ApplicationRow, previous_status: &str) -> QueryResult<()> {
    crate::transaction(conn, |conn| {
        diesel::update(
            applications::table
                .filter(applications::id.eq(&row.id))
                .filter(applications::user_id.eq(&row.user_id)),
        )
        .set(row)
        .execute(conn)?;
        if row.status != previous_status {
            diesel::insert_into(application_events::table)
                .values(event(row, Some(previous_status)))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Whether there was one to delete (its history goes with it).
pub fn delete(conn: &mut DbConnection, user_id: &str, id: &str) -> QueryResult<bool> {
    diesel::delete(
        applications::table
            .filter(applications::id.eq(id))
            .filter(applications::user_id.eq(user_id)),
    )
    .execute(conn)
    .map(|n| n > 0)
}

/// The user's applications, the latest changed first.
pub fn list(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<ApplicationRow>> {
    applications::table
        .filter(applications::user_id.eq(user_id))
        .order((applications::updated_at.desc(), applications::id.desc()))
        .select(ApplicationRow::as_select())
        .load(conn)
}

/// An application's status history, oldest first.
pub fn history(conn: &mut DbConnection, application_id: &str) -> QueryResult<Vec<EventRow>> {
    application_events::table
        .filter(application_events::application_id.eq(application_id))
        .order((application_events::at.asc(), application_events::id.asc()))
        .select(EventRow::as_select())
        .load(conn)
}

/// Every history event of the user's applications (for the export), oldest first.
pub fn all_history(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<EventRow>> {
    application_events::table
        .inner_join(applications::table)
        .filter(applications::user_id.eq(user_id))
        .order((application_events::at.asc(), application_events::id.asc()))
        .select(EventRow::as_select())
        .load(conn)
}

/// How many applications there are, in all (admin statistics: counts only).
pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    applications::table.count().get_result(conn)
}

/// A document kept with an application (a cover letter, a follow-up email…).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = application_documents, treat_none_as_null = true)]
pub struct DocumentRow {
    pub id: String,
    pub application_id: String,
    pub kind: String,
    pub title: String,
    pub content: String,
    pub message_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// An application's documents, oldest first (the owner checked by the caller).
pub fn documents(conn: &mut DbConnection, application_id: &str) -> QueryResult<Vec<DocumentRow>> {
    application_documents::table
        .filter(application_documents::application_id.eq(application_id))
        .order((
            application_documents::created_at.asc(),
            application_documents::id.asc(),
        ))
        .select(DocumentRow::as_select())
        .load(conn)
}

/// Every document of the user's applications (for the export).
pub fn all_documents(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<DocumentRow>> {
    application_documents::table
        .inner_join(applications::table)
        .filter(applications::user_id.eq(user_id))
        .order((
            application_documents::created_at.asc(),
            application_documents::id.asc(),
        ))
        .select(DocumentRow::as_select())
        .load(conn)
}

/// The user's document `id` of application `application_id`.
pub fn document(
    conn: &mut DbConnection,
    user_id: &str,
    application_id: &str,
    id: &str,
) -> QueryResult<Option<DocumentRow>> {
    application_documents::table
        .inner_join(applications::table)
        .filter(application_documents::id.eq(id))
        .filter(application_documents::application_id.eq(application_id))
        .filter(applications::user_id.eq(user_id))
        .select(DocumentRow::as_select())
        .first(conn)
        .optional()
}

pub fn insert_document(conn: &mut DbConnection, row: &DocumentRow) -> QueryResult<()> {
    diesel::insert_into(application_documents::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Saves `row` (its owner checked by the caller).
pub fn update_document(conn: &mut DbConnection, row: &DocumentRow) -> QueryResult<()> {
    diesel::update(application_documents::table.find(&row.id))
        .set(row)
        .execute(conn)
        .map(|_| ())
}

pub fn delete_document(conn: &mut DbConnection, id: &str) -> QueryResult<bool> {
    diesel::delete(application_documents::table.find(id))
        .execute(conn)
        .map(|n| n > 0)
}

/// How many documents there are, in all (admin statistics: counts only).
pub fn count_documents(conn: &mut DbConnection) -> QueryResult<i64> {
    application_documents::table.count().get_result(conn)
}
