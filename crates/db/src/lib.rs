//! JobBot's storage layer: diesel only. It knows tables and queries, never HTTP.
//!
//! Error policy: functions return diesel's `QueryResult`; "not found" is `Ok(None)` from `find_*`
//! (never a swallowed error), and the API maps `NotFound`/unique violations/pool errors to HTTP.

pub mod accounts;
pub mod admin;
pub mod applications;
pub mod assistant;
pub mod audit;
pub mod auth_failures;
pub mod backup;
pub mod chats;
mod connection;
pub mod consents;
pub mod cvs;
pub mod migrations;
pub mod notify;
pub mod offer_index;
pub mod offers;
pub mod personal_tokens;
pub mod profiles;
pub mod retention;
pub mod saved_offers;
pub mod saved_searches;
pub mod schema;
pub mod sessions;
pub mod shares;
mod sql;
pub mod stats;
#[cfg(feature = "testing")]
pub mod testing;
pub mod two_factor;
pub mod usage;
pub mod users;

pub use connection::{
    connect, with_database_name, without_password, Backend, DatabaseUrl, DbConnection, DbError, Pool,
    PooledConnection,
};
pub use diesel::result::Error as QueryError;

/// "JOBBOT_B" as a number: the key of JobBot's backup lock.
pub const BACKUP_LOCK: i64 = 4851330612806242;
/// The key of the France Travail sync's lock.
pub const OFFERS_SYNC_LOCK: i64 = 4851330612806243;
/// The key of the saved searches' alert check's lock.
pub const ALERTS_LOCK: i64 = 4851330612806244;

#[derive(diesel::QueryableByName)]
struct Locked {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    locked: bool,
}

/// Tries to take the session advisory lock `key` on PostgreSQL, held until [`advisory_unlock`] or the
/// connection closes (several hosts may run the same job: one at a time). SQLite has one host: always true.
pub fn try_advisory_lock(conn: &mut DbConnection, key: i64) -> diesel::QueryResult<bool> {
    use diesel::RunQueryDsl;
    match conn {
        DbConnection::Pg(_) => Ok(diesel::sql_query("SELECT pg_try_advisory_lock($1) AS locked")
            .bind::<diesel::sql_types::BigInt, _>(key)
            .get_result::<Locked>(conn)?
            .locked),
        DbConnection::Sqlite(_) => Ok(true),
    }
}

pub fn advisory_unlock(conn: &mut DbConnection, key: i64) -> diesel::QueryResult<()> {
    use diesel::RunQueryDsl;
    match conn {
        DbConnection::Pg(_) => diesel::sql_query("SELECT pg_advisory_unlock($1) AS locked")
            .bind::<diesel::sql_types::BigInt, _>(key)
            .get_result::<Locked>(conn)
            .map(|_| ()),
        DbConnection::Sqlite(_) => Ok(()),
    }
}

/// Bumped after every committed change, by this process, that can end a session or change what it says about
/// its user (a session revoked, a user changed, disabled or deleted): the API's in-process session cache on
/// SQLite drops what it holds when it moves (`jobbot_api::cache`).
static AUTH_EPOCH: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

thread_local! {
    /// A change made inside the transaction running on this thread, announced when it commits.
    static AUTH_PENDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// See [`AUTH_EPOCH`].
pub fn auth_epoch() -> u64 {
    AUTH_EPOCH.load(std::sync::atomic::Ordering::Acquire)
}

fn in_transaction(conn: &mut DbConnection) -> bool {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let depth = match conn {
        DbConnection::Sqlite(inner) => {
            AnsiTransactionManager::transaction_manager_status_mut(inner).transaction_depth()
        }
        DbConnection::Pg(inner) => {
            AnsiTransactionManager::transaction_manager_status_mut(inner).transaction_depth()
        }
    };
    !matches!(depth, Ok(None))
}

/// Sessions or users changed: the epoch moves now, or when the transaction running on this thread commits (a
/// reader must never see the new epoch while the old rows are still what it reads).
pub(crate) fn auth_changed(conn: &mut DbConnection) {
    if in_transaction(conn) {
        AUTH_PENDING.with(|pending| pending.set(true));
    } else {
        AUTH_EPOCH.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// After the outermost transaction: a commit announces its changes, a rollback forgets them.
fn transaction_ended(committed: bool) {
    if AUTH_PENDING.with(std::cell::Cell::take) && committed {
        AUTH_EPOCH.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }
}

/// A new UUID v7 (time-ordered) as text, the id format of every table.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Now, in UTC, at the microsecond precision both backends store.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::SubsecRound;
    chrono::Utc::now().naive_utc().trunc_subsecs(6)
}

/// True when the error is a unique-constraint violation (e.g. a taken email).
pub fn is_unique_violation(error: &QueryError) -> bool {
    matches!(
        error,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

/// True when the connection to the database was lost (the API answers 503).
pub fn is_connection_error(error: &QueryError) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match error {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        )
        | Error::BrokenTransactionManager => true,
        // libpq reports a lost server on a connection it still thinks open as an ordinary error; so does a
        // server shutting down (SQLSTATE 57P01-57P03) and SQLite when its file is unreachable.
        Error::DatabaseError(DatabaseErrorKind::Unknown, info) => {
            const LOST: [&str; 10] = [
                "no connection to the server",
                "server closed the connection",
                "could not send data to server",
                "could not receive data from server",
                "connection to server",
                "terminating connection",
                "the database system is",
                "ssl error",
                "ssl syscall error",
                "disk i/o error",
            ];
            let message = info.message().to_ascii_lowercase();
            LOST.iter().any(|lost| message.contains(lost))
        }
        _ => false,
    }
}

/// Inside a [`transaction`]: holds `user_id`'s row until the transaction ends, so that per-user caps (count,
/// then insert) and budgets (read the failures, then record one) are atomic on both backends. On PostgreSQL a
/// row lock (`FOR UPDATE`), which concurrent requests for the same user wait on; on SQLite the transaction is
/// `BEGIN IMMEDIATE` and already holds the only write lock. `false` when there is no such user.
pub fn lock_user(conn: &mut DbConnection, user_id: &str) -> diesel::QueryResult<bool> {
    use diesel::prelude::*;
    use schema::users;
    match conn {
        DbConnection::Pg(inner) => users::table
            .find(user_id)
            .select(users::id)
            .for_update()
            .first::<String>(inner)
            .optional()
            .map(|found| found.is_some()),
        DbConnection::Sqlite(inner) => users::table
            .find(user_id)
            .select(users::id)
            .first::<String>(inner)
            .optional()
            .map(|found| found.is_some()),
    }
}

/// A trivial query proving the database answers.
pub fn ping(conn: &mut DbConnection) -> diesel::QueryResult<()> {
    diesel::r2d2::R2D2Connection::ping(conn)
}

/// Runs `f` in a transaction: committed when it returns `Ok`, rolled back on `Err`.
///
/// On SQLite the transaction is `BEGIN IMMEDIATE`: it takes the write lock up front, waiting up to the busy
/// timeout. A deferred transaction that reads and then writes fails at once with "database is locked" when
/// another connection wrote in between, and SQLite's busy timeout does not apply to that upgrade.
pub fn transaction<T, E, F>(conn: &mut DbConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<QueryError>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};

    fn sqlite(conn: &mut DbConnection) -> Option<&mut diesel::SqliteConnection> {
        match conn {
            DbConnection::Sqlite(inner) => Some(inner),
            DbConnection::Pg(_) => None,
        }
    }

    if in_transaction(conn) {
        // A savepoint, as diesel does (on SQLite the outer transaction holds the write lock already).
        return diesel::Connection::transaction(conn, f);
    }
    let Some(inner) = sqlite(conn) else {
        let result = diesel::Connection::transaction(conn, f);
        transaction_ended(result.is_ok());
        return result;
    };
    // Begun on the inner connection, whose transaction state the enum's manager shares: nested
    // `transaction` calls inside `f` become savepoints as usual.
    AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
    let result = f(conn);
    let inner = sqlite(conn).ok_or(diesel::result::Error::BrokenTransactionManager)?;
    match result {
        Ok(value) => {
            let committed = AnsiTransactionManager::commit_transaction(inner);
            transaction_ended(committed.is_ok());
            committed?;
            Ok(value)
        }
        Err(error) => {
            transaction_ended(false);
            AnsiTransactionManager::rollback_transaction(inner)?;
            Err(error)
        }
    }
}
