//! The `audit_log` table: append-only (no function here changes a row; on PostgreSQL a trigger refuses
//! UPDATE, TRUNCATE and any DELETE but the retention purge's).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::audit_log;
use crate::DbConnection;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub id: String,
    pub at: NaiveDateTime,
    /// Who did it: an admin, the user themself, or nobody (an anonymous login attempt).
    pub actor_id: Option<String>,
    pub action: String,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
    /// A JSON object of metadata (a reason, what changed, a deletion receipt): never contents.
    pub details: String,
}

pub fn insert(conn: &mut DbConnection, row: &AuditRow) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values(row)
        .execute(conn)
        .map(|_| ())
}

/// What `list` keeps; `None` keeps everything.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<String>,
    /// The target's id (a user, a share, a token).
    pub target_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
}

type Backend = <DbConnection as diesel::Connection>::Backend;

fn filtered(filter: &AuditFilter) -> audit_log::BoxedQuery<'static, Backend> {
    let mut query = audit_log::table.into_boxed();
    if let Some(actor) = &filter.actor_id {
        query = query.filter(audit_log::actor_id.eq(actor.clone()));
    }
    if let Some(target) = &filter.target_id {
        query = query.filter(audit_log::target_id.eq(target.clone()));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_log::action.eq(action.clone()));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_log::at.lt(to));
    }
    query
}

/// A page of records, newest first, and how many match in all.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<AuditRow>, i64)> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows = filtered(filter)
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(limit)
        .offset(offset)
        .select(AuditRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Deletes the records older than `before` (the retention purge, the only deletion the log allows).
pub fn purge(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<usize> {
    crate::transaction(conn, |conn| {
        if conn.backend() == crate::Backend::Postgres {
            diesel::sql_query("SET LOCAL jobbot.audit_purge = 'on'").execute(conn)?;
        }
        diesel::delete(audit_log::table.filter(audit_log::at.lt(before))).execute(conn)
    })
}

/// How many records are older than `before` (`jobbot purge --dry-run`).
pub fn count_before(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<i64> {
    audit_log::table
        .filter(audit_log::at.lt(before))
        .count()
        .get_result(conn)
}
