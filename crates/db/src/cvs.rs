//! The `cvs` table: each candidate's CV — where its PDF is in the file store, its checksum, and its text.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::cvs;
use crate::DbConnection;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = cvs)]
pub struct CvRow {
    pub user_id: String,
    /// The PDF's key in the file store.
    pub object_key: String,
    pub filename: String,
    pub size_bytes: i64,
    /// SHA-256 of the PDF, hex.
    pub sha256: String,
    pub pages: i32,
    /// As extracted, or as the candidate corrected it (`text_edited`).
    pub text: String,
    pub text_edited: bool,
    pub uploaded_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

pub fn get(conn: &mut DbConnection, user_id: &str) -> QueryResult<Option<CvRow>> {
    cvs::table
        .find(user_id)
        .select(CvRow::as_select())
        .first(conn)
        .optional()
}

/// Keeps `row` as the user's CV; returns the key of the PDF it replaces, if any (to delete from the store once
/// this is committed). Call in a transaction.
pub fn put(conn: &mut DbConnection, row: &CvRow) -> QueryResult<Option<String>> {
    let previous: Option<String> = cvs::table
        .find(&row.user_id)
        .select(cvs::object_key)
        .first(conn)
        .optional()?;
    if previous.is_some() {
        diesel::update(cvs::table.find(&row.user_id))
            .set(row)
            .execute(conn)?;
    } else {
        diesel::insert_into(cvs::table).values(row).execute(conn)?;
    }
    Ok(previous.filter(|key| *key != row.object_key))
}

/// The candidate's correction of the extracted text.
pub fn set_text(conn: &mut DbConnection, user_id: &str, text: &str, now: NaiveDateTime) -> QueryResult<bool> {
    diesel::update(cvs::table.find(user_id))
        .set((
            cvs::text.eq(text),
            cvs::text_edited.eq(true),
            cvs::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|n| n > 0)
}

/// Forgets the user's CV; returns its PDF's key (to delete from the store).
pub fn delete(conn: &mut DbConnection, user_id: &str) -> QueryResult<Option<String>> {
    let key: Option<String> = cvs::table
        .find(user_id)
        .select(cvs::object_key)
        .first(conn)
        .optional()?;
    if key.is_some() {
        diesel::delete(cvs::table.find(user_id)).execute(conn)?;
    }
    Ok(key)
}

/// Every PDF key the table refers to (the file store's sweep keeps these).
pub fn keys(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    cvs::table.select(cvs::object_key).load(conn)
}

/// How many candidates keep a CV (admin statistics: counts only).
pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    cvs::table.count().get_result(conn)
}
