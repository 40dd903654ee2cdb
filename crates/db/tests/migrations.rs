//! Every migration runs up, down and up again on both backends, and the two folders stay in step.

use std::collections::BTreeSet;
use std::path::Path;

use jobbot_db::testing::TestDatabase;
use jobbot_db::{migrations, users, Backend};

fn folder_names(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../migrations")
        .join(backend);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn both_backends_have_the_same_migrations() {
    let sqlite = folder_names("sqlite");
    let postgres = folder_names("postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must hold the same folder names"
    );
    for name in &sqlite {
        for backend in ["sqlite", "postgres"] {
            for file in ["up.sql", "down.sql"] {
                let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../migrations")
                    .join(backend)
                    .join(name)
                    .join(file);
                assert!(path.is_file(), "missing {}", path.display());
            }
        }
    }
}

fn up_down_up(backend: Backend) {
    let db = TestDatabase::new(backend);
    let pool = jobbot_db::connect(&db.url, 1).expect("connect");
    let mut conn = pool.get().expect("connection");
    let expected = folder_names("sqlite").len();

    let applied = migrations::run_pending(&mut conn).expect("up");
    assert_eq!(applied.len(), expected);
    assert_eq!(users::count(&mut conn).expect("users table exists"), 0);

    let reverted = migrations::revert_all(&mut conn).expect("down");
    assert_eq!(reverted.len(), expected);
    assert!(users::count(&mut conn).is_err(), "down.sql must drop the tables");

    let reapplied = migrations::run_pending(&mut conn).expect("up again");
    assert_eq!(reapplied.len(), expected);
    assert_eq!(users::count(&mut conn).expect("users table exists again"), 0);
    assert_eq!(conn.backend(), backend);
}

#[test]
fn migrations_up_down_up_on_sqlite() {
    up_down_up(Backend::Sqlite);
}

#[test]
fn migrations_up_down_up_on_postgres() {
    up_down_up(Backend::Postgres);
}

/// The branches migration gives the messages of an existing conversation their parents, one after the other,
/// all on the path shown.
fn branches_migration_links_existing_messages(backend: Backend) {
    use diesel::connection::SimpleConnection;
    use diesel_migrations::MigrationHarness;
    use jobbot_db::DbConnection;

    let db = TestDatabase::new(backend);
    let pool = jobbot_db::connect(&db.url, 1).expect("connect");
    let mut conn = pool.get().expect("connection");
    migrations::run_pending(&mut conn).expect("up");
    // Back to just before the branches migration (reverting those that came after it first).
    loop {
        let reverted = match &mut *conn {
            DbConnection::Pg(c) => c.revert_last_migration(migrations::POSTGRES),
            DbConnection::Sqlite(c) => c.revert_last_migration(migrations::SQLITE),
        }
        .expect("revert the last migration");
        assert!(
            reverted.to_string().as_str() >= "20261130000002",
            "past the branches migration"
        );
        if reverted.to_string() == "20261130000002" {
            break;
        }
    }
    let mut user = users::UserRow::new("u@example.fr", "x".into(), "U".into(), "candidate", "fr");
    user.id = "u".into();
    users::insert(&mut conn, &user).expect("user");
    // Two conversations; in the first, two messages share a timestamp (ordered by id then).
    conn.batch_execute(
        "INSERT INTO conversations (id, user_id, title, title_is_auto, created_at, updated_at, context_excluded) \
           VALUES ('c1', 'u', 'Un', FALSE, '2026-01-01 10:00:00', '2026-01-01 10:00:00', ''), \
                  ('c2', 'u', 'Deux', FALSE, '2026-01-01 10:00:00', '2026-01-01 10:00:00', ''); \
         INSERT INTO messages (id, conversation_id, role, content, status, created_at, updated_at) VALUES \
           ('m1', 'c1', 'user', 'Q1', 'complete', '2026-01-01 10:00:01', '2026-01-01 10:00:01'), \
           ('m2', 'c1', 'assistant', 'R1', 'complete', '2026-01-01 10:00:02', '2026-01-01 10:00:02'), \
           ('m3', 'c1', 'user', 'Q2', 'complete', '2026-01-01 10:00:03', '2026-01-01 10:00:03'), \
           ('m4', 'c1', 'assistant', 'R2', 'complete', '2026-01-01 10:00:03', '2026-01-01 10:00:03'), \
           ('n1', 'c2', 'user', 'Autre', 'complete', '2026-01-01 10:00:02', '2026-01-01 10:00:02');",
    )
    .expect("rows of the previous schema");
    migrations::run_pending(&mut conn).expect("the branches migration");
    let all = jobbot_db::assistant::messages::all(&mut conn, "c1").expect("messages");
    let links: Vec<(&str, Option<&str>, bool)> = all
        .iter()
        .map(|m| (m.id.as_str(), m.parent_id.as_deref(), m.on_path))
        .collect();
    assert_eq!(
        links,
        [
            ("m1", None, true),
            ("m2", Some("m1"), true),
            ("m3", Some("m2"), true),
            ("m4", Some("m3"), true)
        ]
    );
    let other = jobbot_db::assistant::messages::all(&mut conn, "c2").expect("messages");
    assert_eq!(
        other[0].parent_id, None,
        "another conversation's messages are not its parents"
    );
}

#[test]
fn branches_migration_links_existing_messages_on_sqlite() {
    branches_migration_links_existing_messages(Backend::Sqlite);
}

#[test]
fn branches_migration_links_existing_messages_on_postgres() {
    branches_migration_links_existing_messages(Backend::Postgres);
}
