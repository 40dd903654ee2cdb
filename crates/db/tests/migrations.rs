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
