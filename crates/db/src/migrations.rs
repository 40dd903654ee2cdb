//! The embedded migrations of both backends, run against whichever one the connection is.

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::DbConnection;

pub const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
pub const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

pub type MigrationError = Box<dyn std::error::Error + Send + Sync>;

/// Applies the pending migrations; returns the versions applied.
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, MigrationError> {
    let versions = match conn {
        DbConnection::Pg(c) => c.run_pending_migrations(POSTGRES)?,
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE)?,
    };
    Ok(versions.into_iter().map(|v| v.to_string()).collect())
}

/// Reverts every applied migration (tests prove each `down.sql` works).
pub fn revert_all(conn: &mut DbConnection) -> Result<Vec<String>, MigrationError> {
    let versions = match conn {
        DbConnection::Pg(c) => c.revert_all_migrations(POSTGRES)?,
        DbConnection::Sqlite(c) => c.revert_all_migrations(SQLITE)?,
    };
    Ok(versions.into_iter().map(|v| v.to_string()).collect())
}

/// The versions of the applied migrations, oldest first.
pub fn applied(conn: &mut DbConnection) -> Result<Vec<String>, MigrationError> {
    let mut versions = match conn {
        DbConnection::Pg(c) => c.applied_migrations()?,
        DbConnection::Sqlite(c) => c.applied_migrations()?,
    };
    versions.sort();
    Ok(versions.into_iter().map(|v| v.to_string()).collect())
}
