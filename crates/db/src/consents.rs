//! Consent to non-essential cookies and storage: an append-only history per user.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::consents;
use crate::DbConnection;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = consents)]
pub struct ConsentRow {
    pub id: String,
    pub user_id: String,
    pub policy_version: String,
    pub preferences: bool,
    pub measurement: bool,
    pub created_at: NaiveDateTime,
}

/// Records a choice; earlier ones are kept.
pub fn record(conn: &mut DbConnection, row: &ConsentRow) -> QueryResult<()> {
    diesel::insert_into(consents::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// Every choice of the user, oldest first.
pub fn history(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<ConsentRow>> {
    consents::table
        .filter(consents::user_id.eq(user_id))
        .order((consents::created_at.asc(), consents::id.asc()))
        .select(ConsentRow::as_select())
        .load(conn)
}
