//! `make bench` (admin statistics): seeds BENCH_STATS_USERS accounts (100,000) with a year of activity
//! (a conversation, two questions and their replies with token usage each; a chat message for one in two;
//! a share and a view for one in five) straight into the database, then times `GET /api/v1/admin/stats`
//! over the dashboard's 30 and 90 days, over 300 days by day and over a year by week through a real `jobbot`, on SQLite and on PostgreSQL.
//! The first request of each period rolls up the settled days no earlier one asked for (the daily roll-up,
//! docs/ADMIN.md); its time is printed apart from the others'.
//! Prints figures; asserts nothing but that the answer counts every account.

mod common;

use common::*;

use std::time::Instant;

use serde_json::Value;

async fn run(label: &str, database_url: &str, db_url: &jobbot_db::DatabaseUrl) {
    let users = env_or("BENCH_STATS_USERS", 100_000);
    let backend = match db_url {
        jobbot_db::DatabaseUrl::Postgres(_) => jobbot_db::Backend::Postgres,
        jobbot_db::DatabaseUrl::Sqlite(_) => jobbot_db::Backend::Sqlite,
    };
    // The schema first (the server migrates), then the rows.
    let server = Server::start(database_url).await;
    let seeded = Instant::now();
    {
        use diesel::RunQueryDsl;
        let pool = jobbot_db::connect(db_url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        for sql in jobbot_db::testing::activity_seed(backend, users) {
            diesel::sql_query(sql).execute(&mut conn).expect("seed");
        }
        if backend == jobbot_db::Backend::Postgres {
            diesel::sql_query("ANALYZE").execute(&mut conn).expect("analyze");
        }
    }
    let seeded = seeded.elapsed();
    let client = reqwest::Client::new();
    let token = sign_up(&client, &server.1, "bench-admin@example.fr").await;
    {
        use diesel::RunQueryDsl;
        let pool = jobbot_db::connect(db_url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        diesel::sql_query("UPDATE users SET role = 'admin' WHERE email = 'bench-admin@example.fr'")
            .execute(&mut conn)
            .expect("promote");
    }
    for (what, query) in [
        ("30 days by day", "from=2026-10-02&to=2026-11-01&interval=day"),
        ("90 days by day", "from=2026-08-03&to=2026-11-01&interval=day"),
        ("300 days by day", "from=2026-01-05&to=2026-11-01&interval=day"),
        ("a year by week", "from=2025-11-03&to=2026-11-02&interval=week"),
    ] {
        let url = format!("{}/api/v1/admin/stats?{query}", server.1);
        let mut times = Vec::new();
        let mut signups = 0;
        for _ in 0..env_or("BENCH_STATS_RUNS", 10) {
            let started = Instant::now();
            let response = client.get(&url).bearer_auth(&token).send().await.expect("stats");
            assert!(response.status().is_success(), "{}", response.status());
            let body: Value = response.json().await.expect("json");
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            signups = body["totals"]["signups"].as_i64().unwrap_or(0);
        }
        if what.starts_with("300") {
            assert_eq!(signups, users as i64, "every seeded account counted");
        }
        // The first request rolls up the settled days no earlier period asked for; the others read them.
        let first = times.remove(0);
        times.sort_by(f64::total_cmp);
        println!(
            "{label:<12} {users} accounts ({:.1} s to seed), {what:<16}: first {first:.1} ms, then p50 {:.1} ms, max {:.1} ms",
            seeded.as_secs_f64(),
            percentile(&times, 0.5),
            times.last().copied().unwrap_or(f64::NAN)
        );
    }
}

async fn bench() {
    println!(
        "JobBot admin statistics benchmark — {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let dir = std::env::temp_dir().join(format!("jobbot-stats-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let sqlite = format!("sqlite://{}/stats.sqlite3", dir.display());
    let sqlite_url = jobbot_db::DatabaseUrl::parse(&sqlite).expect("url");
    run("SQLite", &sqlite, &sqlite_url).await;
    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Postgres);
    let url = match &db.url {
        jobbot_db::DatabaseUrl::Postgres(url) => url.clone(),
        jobbot_db::DatabaseUrl::Sqlite(_) => unreachable!("a PostgreSQL test database"),
    };
    run("PostgreSQL", &url, &db.url).await;
    let _ = std::fs::remove_dir_all(dir);
}

fn main() {
    actix_rt::System::new().block_on(bench());
}
