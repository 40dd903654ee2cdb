//! `make bench` (backups): a database of BENCH_BACKUP_USERS accounts (25,000: 100,000 messages with their
//! conversations, usage, chats and shares, `jobbot_db::testing::activity_seed`) on SQLite and on PostgreSQL;
//! times `jobbot backup create`, `verify` (a restore into a scratch database, the migrations, the row counts)
//! and `restore` into an empty database, through the real binary, and prints the backup's size. The restore
//! time is the database's share of the recovery time (RTO); the data loss window (RPO) is the time since the
//! last backup, a day at most with the daily daemon.

use std::process::Command;
use std::time::Instant;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn jobbot(url: &str, dir: &std::path::Path, args: &[&str]) -> f64 {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_jobbot"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("JOBBOT_BACKUP_DIR", dir)
        .env("JOBBOT_JWT_SECRET", "bench-secret-bench-secret-bench-secret!!")
        .env("JOBBOT_DATA_DIR", std::env::temp_dir())
        .env("RUST_LOG", "error")
        .output()
        .expect("run jobbot");
    assert!(
        output.status.success(),
        "jobbot {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    started.elapsed().as_secs_f64()
}

fn bench(label: &str, url: &str, empty: &str, db_url: &jobbot_db::DatabaseUrl) {
    use diesel::RunQueryDsl;
    let users = env_or("BENCH_BACKUP_USERS", 25_000);
    let dir = std::env::temp_dir().join(format!("jobbot-bench-backups-{}-{label}", std::process::id()));
    {
        let pool = jobbot_db::connect(db_url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        jobbot_db::migrations::run_pending(&mut conn).expect("migrate");
        for sql in jobbot_db::testing::activity_seed(db_url.backend(), users) {
            diesel::sql_query(sql).execute(&mut conn).expect("seed");
        }
    }
    let create = jobbot(url, &dir, &["backup", "create"]);
    let size: u64 = std::fs::read_dir(&dir)
        .expect("backups")
        .filter_map(Result::ok)
        .flat_map(|e| {
            std::fs::read_dir(e.path())
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
        })
        .filter(|f| f.file_name().to_string_lossy().starts_with("database."))
        .map(|f| f.metadata().map_or(0, |m| m.len()))
        .sum();
    let verify = jobbot(url, &dir, &["backup", "verify", "--latest"]);
    let id = std::fs::read_dir(&dir)
        .expect("backups")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| !n.ends_with(".partial"))
        .expect("a backup");
    let restore = jobbot(url, &dir, &["backup", "restore", &id, "--to", empty]);
    println!(
        "{label:<11} {users} accounts, {} messages: create {create:.2} s, verify {verify:.2} s, restore {restore:.2} s, backup {:.1} MB",
        users * 4,
        size as f64 / 1e6
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    println!(
        "JobBot backup benchmark — {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let dir = std::env::temp_dir().join(format!("jobbot-bench-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let sqlite = format!("sqlite://{}/source.sqlite3", dir.display());
    let sqlite_url = jobbot_db::DatabaseUrl::parse(&sqlite).expect("url");
    bench(
        "SQLite",
        &sqlite,
        &format!("sqlite://{}/restored.sqlite3", dir.display()),
        &sqlite_url,
    );
    let source = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Postgres);
    let target = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Postgres);
    let url = |db: &jobbot_db::testing::TestDatabase| match &db.url {
        jobbot_db::DatabaseUrl::Postgres(url) => url.clone(),
        jobbot_db::DatabaseUrl::Sqlite(_) => unreachable!("a PostgreSQL test database"),
    };
    bench("PostgreSQL", &url(&source), &url(&target), &source.url);
    let _ = std::fs::remove_dir_all(dir);
}
