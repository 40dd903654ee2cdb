//! Throwaway databases for tests: each test gets its own, dropped when the handle goes.
//!
//! PostgreSQL: a new database on the server named by `TEST_DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`). SQLite: a new file in the temp folder.

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

use crate::{Backend, DatabaseUrl};

pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

pub fn admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| DEFAULT_ADMIN_URL.to_owned())
}

pub struct TestDatabase {
    pub url: DatabaseUrl,
    pg_name: Option<String>,
}

impl TestDatabase {
    /// Creates an empty database (no migrations applied).
    pub fn new(backend: Backend) -> Self {
        let suffix = uuid::Uuid::now_v7().simple().to_string();
        match backend {
            Backend::Sqlite => {
                let path = std::env::temp_dir().join(format!("jobbot-test-{suffix}.sqlite3"));
                Self {
                    url: DatabaseUrl::Sqlite(path),
                    pg_name: None,
                }
            }
            Backend::Postgres => {
                let admin = admin_url();
                let name = format!("jobbot_test_{suffix}");
                let mut conn = PgConnection::establish(&admin)
                    .unwrap_or_else(|e| panic!("PostgreSQL for tests is unreachable at {admin}: {e}"));
                conn.batch_execute(&format!("CREATE DATABASE \"{name}\""))
                    .unwrap_or_else(|e| panic!("cannot create test database {name}: {e}"));
                Self {
                    url: DatabaseUrl::Postgres(with_database(&admin, &name)),
                    pg_name: Some(name),
                }
            }
        }
    }
}

impl TestDatabase {
    /// Removes the database while the app still uses it (to test outages); `Drop` then has nothing to do.
    pub fn drop_now(&self) {
        self.remove();
    }

    fn remove(&self) {
        match (&self.url, &self.pg_name) {
            (DatabaseUrl::Sqlite(path), _) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            (DatabaseUrl::Postgres(_), Some(name)) => {
                if let Ok(mut conn) = PgConnection::establish(&admin_url()) {
                    let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"));
                }
            }
            (DatabaseUrl::Postgres(_), None) => {}
        }
    }
}

/// `admin` with its database name replaced by `name`.
pub fn with_database(admin: &str, name: &str) -> String {
    let (base, query) = match admin.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (admin, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let root = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    format!("{root}/{name}{query}")
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        self.remove();
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(
            with_database("postgres://u@h:5432/postgres", "t1"),
            "postgres://u@h:5432/t1"
        );
        assert_eq!(
            with_database("postgres://u@h/db?sslmode=disable", "t1"),
            "postgres://u@h/t1?sslmode=disable"
        );
        assert_eq!(with_database("postgresql://h", "t1"), "postgresql://h/t1");
    }
}
