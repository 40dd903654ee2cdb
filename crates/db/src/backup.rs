//! What `jobbot backup` needs from the database itself: the tables and their row counts, SQLite's online copy
//! (`VACUUM INTO`), a PostgreSQL snapshot that `pg_dump --snapshot` and the row counts share, whether a
//! database is empty, and scratch databases for verification.

use std::collections::BTreeMap;
use std::path::Path;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use crate::DbConnection;

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// The database's own tables (diesel's migrations table included; not SQLite's full-text indexes), by name.
pub fn tables(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    let sql = match conn {
        DbConnection::Pg(_) => {
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        }
        DbConnection::Sqlite(_) => {
            // Real tables only: a full-text index (virtual table) and its shadow tables are derived data.
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
             AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
    };
    Ok(diesel::sql_query(sql)
        .load::<Name>(conn)?
        .into_iter()
        .map(|n| n.name)
        .collect())
}

/// Every table's row count.
pub fn row_counts(conn: &mut DbConnection) -> QueryResult<BTreeMap<String, i64>> {
    let mut counts = BTreeMap::new();
    for table in tables(conn)? {
        // The names come from the catalogue, quoted as identifiers.
        let quoted = format!("\"{}\"", table.replace('"', "\"\""));
        let n = diesel::sql_query(format!("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM {quoted}"))
            .get_result::<Count>(conn)?
            .n;
        counts.insert(table, n);
    }
    Ok(counts)
}

/// The newest migration applied (read only: diesel's own helper creates its table when missing, which a
/// read-only snapshot refuses).
pub fn schema_version(conn: &mut DbConnection) -> QueryResult<String> {
    Ok(diesel::sql_query(
        "SELECT version AS name FROM __diesel_schema_migrations ORDER BY version DESC LIMIT 1",
    )
    .get_result::<Name>(conn)
    .optional()?
    .map(|n| n.name)
    .unwrap_or_default())
}

/// Whether the database has no table at all.
pub fn is_empty(conn: &mut DbConnection) -> QueryResult<bool> {
    Ok(tables(conn)?.is_empty())
}

/// SQLite's online, consistent copy of the whole database into `target` (which must not exist), while other
/// connections keep reading and writing.
pub fn sqlite_copy_into(conn: &mut DbConnection, target: &Path) -> QueryResult<()> {
    let quoted = target.to_string_lossy().replace('\'', "''");
    conn.batch_execute(&format!("VACUUM INTO '{quoted}'"))?;
    // VACUUM may renumber the rows of tables without an INTEGER PRIMARY KEY, which the offers' full-text
    // index refers to: the copy's index is rebuilt from its own rows.
    let mut copy = DbConnection::Sqlite(
        diesel::SqliteConnection::establish(&target.to_string_lossy())
            .map_err(|e| diesel::result::Error::QueryBuilderError(Box::new(e)))?,
    );
    if tables(&mut copy)?.iter().any(|t| t == "job_offers") {
        crate::offers::rebuild_search_index(&mut copy)?;
    }
    Ok(())
}

/// Opens a read-only REPEATABLE READ transaction on PostgreSQL and exports its snapshot: `pg_dump
/// --snapshot=ID` then dumps exactly what this connection sees, so the row counts taken here match the dump.
/// The transaction (and the snapshot) lasts until [`end_snapshot`] or the connection closes.
pub fn begin_snapshot(conn: &mut DbConnection) -> QueryResult<String> {
    conn.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
    Ok(diesel::sql_query("SELECT pg_export_snapshot() AS name")
        .get_result::<Name>(conn)?
        .name)
}

pub fn end_snapshot(conn: &mut DbConnection) -> QueryResult<()> {
    conn.batch_execute("COMMIT")
}

/// The server's major version (PostgreSQL).
pub fn server_major_version(conn: &mut DbConnection) -> QueryResult<i64> {
    let n = diesel::sql_query("SELECT CAST(current_setting('server_version_num') AS BIGINT) AS n")
        .get_result::<Count>(conn)?
        .n;
    Ok(n / 10_000)
}

/// Empties a PostgreSQL database before a forced restore: its schema, dropped and made again.
pub fn reset_schema(conn: &mut DbConnection) -> QueryResult<()> {
    conn.batch_execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
}

/// Creates (`create`) or drops a PostgreSQL database named `name` (letters, digits and `_` only).
pub fn create_or_drop_database(conn: &mut DbConnection, name: &str, create: bool) -> QueryResult<()> {
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return Err(diesel::result::Error::QueryBuilderError(
            format!("not a plain database name: {name}").into(),
        ));
    }
    if create {
        conn.batch_execute(&format!("CREATE DATABASE {name}"))
    } else {
        conn.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    }
}

/// One `jobbot backup` run.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Insertable)]
#[diesel(table_name = crate::schema::backup_runs)]
pub struct RunRow {
    pub id: String,
    /// `create`, `verify` or `prune`.
    pub kind: String,
    pub backup_id: Option<String>,
    pub started_at: chrono::NaiveDateTime,
    pub finished_at: chrono::NaiveDateTime,
    pub size_bytes: Option<i64>,
    /// A JSON array of where the backup went.
    pub targets: String,
    /// `ok` or `failed`.
    pub outcome: String,
    pub error: Option<String>,
}

pub fn record_run(conn: &mut DbConnection, run: &RunRow) -> QueryResult<()> {
    diesel::insert_into(crate::schema::backup_runs::table)
        .values(run)
        .execute(conn)
        .map(|_| ())
}

/// What the admin system page, `/metrics` and the alerts need: the last successful backup and
/// verification, and the last failure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Status {
    pub last_backup: Option<RunRow>,
    pub last_verification: Option<RunRow>,
    pub last_failure: Option<RunRow>,
}

pub fn status(conn: &mut DbConnection) -> QueryResult<Status> {
    use crate::schema::backup_runs::dsl as r;
    let last = |conn: &mut DbConnection, kind: Option<&str>, outcome: &str| -> QueryResult<Option<RunRow>> {
        let mut query = r::backup_runs
            .filter(r::outcome.eq(outcome.to_owned()))
            .into_boxed();
        if let Some(kind) = kind {
            query = query.filter(r::kind.eq(kind.to_owned()));
        }
        query
            .order(r::finished_at.desc())
            .first::<RunRow>(conn)
            .optional()
    };
    Ok(Status {
        last_backup: last(conn, Some("create"), "ok")?,
        last_verification: last(conn, Some("verify"), "ok")?,
        last_failure: last(conn, None, "failed")?,
    })
}

/// Tries to take the backup lock: on PostgreSQL a session advisory lock, held as long as `conn` is open
/// (several API hosts may each run a backup daemon: one backup at a time). SQLite has one host: always true.
pub fn try_lock(conn: &mut DbConnection) -> QueryResult<bool> {
    crate::try_advisory_lock(conn, crate::BACKUP_LOCK)
}
