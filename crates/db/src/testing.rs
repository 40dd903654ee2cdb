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
    crate::connection::with_database_name(admin, name)
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        self.remove();
    }
}

/// Statements that seed `users` accounts with activity straight into a migrated database (the statistics
/// benchmark and tests): per account a conversation, two questions and their replies (one in fifty failed)
/// with token usage; a chat message for one in two; a share and a view for one in ten; a rating of the first
/// reply for one in three (one in four of those down). Account `i` is active
/// on day `i % 300` after 2026-01-05, at second `i % 86400` of it.
pub fn activity_seed(backend: Backend, users: u64) -> Vec<String> {
    let (series, day, id) = match backend {
        Backend::Postgres => (
            format!("SELECT i FROM generate_series(1, {users}) AS g(i)"),
            "(TIMESTAMP '2026-01-05' + (i % 300) * INTERVAL '1 day' + (i % 86400) * INTERVAL '1 second')",
            "'b' || i",
        ),
        Backend::Sqlite => (
            format!("WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < {users}) SELECT i FROM g"),
            "datetime('2026-01-05', '+' || (i % 300) || ' days', '+' || (i % 86400) || ' seconds')",
            "'b' || i",
        ),
    };
    let from = |filter: &str| format!("FROM ({series}) AS n WHERE {filter}");
    vec![
        format!(
            "INSERT INTO users (id, email, password_hash, display_name, role, locale, created_at, updated_at) \
             SELECT {id}, 'bench' || i || '@example.fr', 'x', 'Bench', 'candidate', 'fr', {day}, {day} {}",
            from("1 = 1")
        ),
        format!(
            "INSERT INTO conversations (id, user_id, title, title_is_auto, created_at, updated_at) \
             SELECT 'c' || i, {id}, 'Titre', true, {day}, {day} {}",
            from("1 = 1")
        ),
        format!(
            "INSERT INTO messages (id, conversation_id, role, content, status, provider, model, prompt_tokens, \
             completion_tokens, latency_ms, error_code, created_at, updated_at) \
             SELECT 'm' || i || '-' || k, 'c' || i, CASE WHEN k % 2 = 0 THEN 'user' ELSE 'assistant' END, 'x', \
             CASE WHEN k = 3 AND i % 50 = 0 THEN 'failed' ELSE 'complete' END, \
             CASE WHEN k % 2 = 1 THEN 'mistral' END, CASE WHEN k % 2 = 1 THEN 'mistral-small-latest' END, \
             NULL, NULL, NULL, CASE WHEN k = 3 AND i % 50 = 0 THEN 'llm_timeout' END, {day}, {day} \
             FROM ({series}) AS n CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3) AS ks"
        ),
        format!(
            "INSERT INTO llm_usage (id, user_id, provider, model, prompt_tokens, completion_tokens, latency_ms, created_at) \
             SELECT 'u' || i, {id}, 'mistral', 'mistral-small-latest', 1200, 400, 900, {day} {}",
            from("1 = 1")
        ),
        format!(
            "INSERT INTO chats (id, pair_key, created_at, updated_at) SELECT 'h' || i, 'p' || i, {day}, {day} {}",
            from("i % 2 = 0")
        ),
        format!(
            "INSERT INTO chat_members (chat_id, user_id, joined_at) SELECT 'h' || i, {id}, {day} {}",
            from("i % 2 = 0")
        ),
        format!(
            "INSERT INTO chat_messages (id, chat_id, sender_id, kind, content, share_id, created_at) \
             SELECT 'x' || i, 'h' || i, {id}, 'text', 'x', NULL, {day} {}",
            from("i % 2 = 0")
        ),
        format!(
            "INSERT INTO shares (id, chat_id, owner_id, conversation_id, mode, title, up_to_message_id, snapshot, \
             redactions, message_count, expires_at, revoked_at, created_at, updated_at) \
             SELECT 's' || i, 'h' || i, {id}, 'c' || i, 'snapshot', 'x', NULL, '[]', '[]', 2, NULL, NULL, {day}, {day} {}",
            from("i % 10 = 0")
        ),
        format!(
            "INSERT INTO share_views (id, share_id, viewer_id, viewed_at) SELECT 'v' || i, 's' || i, {id}, {day} {}",
            from("i % 10 = 0")
        ),
        format!(
            "INSERT INTO message_feedback (message_id, rating, comment, created_at, updated_at) \
             SELECT 'm' || i || '-1', CASE WHEN i % 4 = 0 THEN 'down' ELSE 'up' END, NULL, {day}, {day} {}",
            from("i % 3 = 0")
        ),
    ]
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
