//! `make bench`: login latency (argon2id), and GET /api/v1/me throughput and p99 with and without a
//! concurrent login storm. Prints figures; it asserts nothing. The goal: /me p99 under the storm within 2× of
//! without it, because hashing is capped to leave a core for everything else.
//!
//! Then the rate limiter's memory: the server's resident memory before and after 1,000 logins with 900 KB
//! "emails" and 1,000 with distinct malformed ones (goal: < 5 MB of growth).
//!
//! Knobs: BENCH_SECONDS (default 5), BENCH_CLIENTS (default 32), BENCH_STORM (default 8), BENCH_DB
//! (`sqlite` or `postgres`, default sqlite).

mod common;

use common::*;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jobbot_api::config::Config;
use jobbot_api::startup::Application;
use jobbot_db::testing::TestDatabase;
use jobbot_db::{Backend, DatabaseUrl};
use serde_json::json;

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

struct Run {
    latencies: Vec<Duration>,
    errors: usize,
    elapsed: Duration,
}

impl Run {
    fn report(&mut self, label: &str) -> f64 {
        self.latencies.sort();
        let p99 = percentile(&self.latencies, 0.99);
        println!(
            "{label:<44} {:>8.0} req/s   p50 {:>7.2} ms   p99 {:>7.2} ms   ({} requests, {} errors)",
            self.latencies.len() as f64 / self.elapsed.as_secs_f64(),
            percentile(&self.latencies, 0.50),
            p99,
            self.latencies.len(),
            self.errors
        );
        p99
    }
}

/// `clients` concurrent loops, each calling `request(client_index)` until `duration` has passed; a request
/// counts when it answers with a 2xx status.
async fn load<F, Fut>(clients: u64, duration: Duration, request: F) -> Run
where
    F: Fn(u64) -> Fut + Clone + 'static,
    Fut: std::future::Future<Output = reqwest::Result<reqwest::Response>> + 'static,
{
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..clients)
        .map(|i| {
            let request = request.clone();
            actix_rt::spawn(async move {
                let (mut latencies, mut errors) = (Vec::new(), 0);
                while Instant::now() < deadline {
                    let t = Instant::now();
                    match request(i).await {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                            latencies.push(t.elapsed());
                        }
                        _ => errors += 1,
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut run = Run {
        latencies: Vec::new(),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    for task in tasks {
        let (latencies, errors) = task.await.expect("load task");
        run.latencies.extend(latencies);
        run.errors += errors;
    }
    run.elapsed = started.elapsed();
    run
}

/// `n` requests one after the other, whatever their status.
async fn sequential<F, Fut>(n: usize, request: F) -> Run
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = reqwest::Result<reqwest::Response>>,
{
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let _ = request().await.expect("request").bytes().await;
        latencies.push(t.elapsed());
    }
    Run {
        latencies,
        errors: 0,
        elapsed: started.elapsed(),
    }
}

async fn bench() {
    let seconds = env_or("BENCH_SECONDS", 5);
    let clients = env_or("BENCH_CLIENTS", 32);
    let storm = env_or("BENCH_STORM", 8);
    let backend = match std::env::var("BENCH_DB").as_deref() {
        Ok("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    let db = TestDatabase::new(backend);
    let db_url = match &db.url {
        DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        DatabaseUrl::Postgres(url) => url.clone(),
    };
    let vars: HashMap<&str, String> = HashMap::from([
        ("DATABASE_URL", db_url),
        ("JOBBOT_BIND", "127.0.0.1:0".into()),
        (
            "JOBBOT_JWT_SECRET",
            "bench-secret-bench-secret-bench-secret!!".into(),
        ),
        ("JOBBOT_AUTH_RATE_LIMIT", "0".into()),
        (
            "JOBBOT_DATA_DIR",
            std::env::temp_dir()
                .join("jobbot-bench")
                .to_string_lossy()
                .into_owned(),
        ),
    ]);
    let config = Config::from_lookup(|name| vars.get(name).cloned()).expect("config");
    let app = Application::build(config).await.expect("server");
    let base = format!("http://127.0.0.1:{}", app.port());
    actix_rt::spawn(app.into_server());
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .expect("client");

    for i in 0..storm {
        client
            .post(format!("{base}/api/v1/auth/register"))
            .json(&json!({"email": format!("storm{i}@example.fr"), "password": PASSWORD, "display_name": "Storm", "accept_terms": true}))
            .send()
            .await
            .expect("register");
    }
    let token = common::sign_up(&client, &base, "bench@example.fr").await;
    let me = format!("{base}/api/v1/me");

    println!(
        "JobBot auth benchmark — backend {backend:?}, {} cores, {seconds} s per phase, {clients} /me clients, {storm} login clients",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // 1. Login latency, one at a time (argon2id, 19 MiB, t=2, p=1).
    let login_url = format!("{base}/api/v1/auth/login");
    let login_as = |email: &'static str, password: &'static str| {
        let (client, url) = (client.clone(), login_url.clone());
        move || {
            client
                .post(&url)
                .json(&json!({"email": email, "password": password}))
                .send()
        }
    };
    sequential(20, login_as("bench@example.fr", PASSWORD))
        .await
        .report("POST /auth/login, sequential (200)");
    sequential(20, login_as("bench@example.fr", "Pas-le-bon-mot-de-passe"))
        .await
        .report("POST /auth/login, wrong password (401)");
    sequential(20, login_as("nobody@example.fr", PASSWORD))
        .await
        .report("POST /auth/login, unknown email (401)");

    // 2. /me alone.
    let duration = Duration::from_secs(seconds);
    let get_me = {
        let (client, me, token) = (client.clone(), me.clone(), token.clone());
        move |_| client.get(&me).bearer_auth(&token).send()
    };
    load(clients, Duration::from_secs(1), get_me.clone()).await;
    let baseline = load(clients, duration, get_me.clone())
        .await
        .report("GET /api/v1/me alone");

    // 3. /me while `storm` clients log in continuously, each as their own user.
    let storm_login = {
        let (client, url) = (client.clone(), login_url.clone());
        move |i: u64| {
            client
                .post(&url)
                .json(&json!({"email": format!("storm{i}@example.fr"), "password": PASSWORD}))
                .send()
        }
    };
    let storm_task = actix_rt::spawn(load(storm, duration, storm_login));
    let under_storm = load(clients, duration, get_me)
        .await
        .report("GET /api/v1/me during the login storm");
    storm_task
        .await
        .expect("storm")
        .report("POST /auth/login during the storm");

    println!(
        "p99 of /me under the storm ÷ without it: {:.2}× (goal ≤ 2×)",
        under_storm / baseline
    );
    drop(db);
    limiter_memory(backend).await;
}

/// 1,000 logins with 900 KB emails (refused at the 8 KiB body cap) and 1,000 with distinct malformed emails,
/// against the real `jobbot` binary with the rate limit on: how much that process grew.
async fn limiter_memory(backend: Backend) {
    let db = TestDatabase::new(backend);
    let db_url = match &db.url {
        DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        DatabaseUrl::Postgres(url) => url.clone(),
    };
    let port = free_port();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_jobbot"))
        .arg("serve")
        .env("DATABASE_URL", db_url)
        .env("JOBBOT_BIND", format!("127.0.0.1:{port}"))
        .env("JOBBOT_JWT_SECRET", "bench-secret-bench-secret-bench-secret!!")
        .env("JOBBOT_AUTH_RATE_LIMIT", "10")
        .env("JOBBOT_WORKERS", "2")
        .env("JOBBOT_DATA_DIR", std::env::temp_dir().join("jobbot-bench"))
        .env("RUST_LOG", "error")
        .spawn()
        .expect("jobbot serve");
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    for _ in 0..100 {
        if client.get(format!("{base}/readyz")).send().await.is_ok() {
            break;
        }
        actix_rt::time::sleep(Duration::from_millis(100)).await;
    }
    let url = format!("{base}/api/v1/auth/login");
    let huge = "a".repeat(900 * 1024);
    // Warm up the server's buffers and pools before the first reading.
    for _ in 0..20 {
        let _ = client
            .post(&url)
            .json(&json!({"email": "w@example.fr", "password": "x"}))
            .send()
            .await;
    }
    let before = status_kib(server.id(), "VmRSS:");
    let (mut too_large, mut answered) = (0, 0);
    for i in 0..1_000 {
        let status = client
            .post(&url)
            .json(&json!({"email": format!("{huge}{i}"), "password": "whatever-password"}))
            .send()
            .await
            .map_or(0, |r| r.status().as_u16());
        too_large += usize::from(status == 413);
        let status = client
            .post(&url)
            .json(&json!({"email": format!("{}{i}", "b".repeat(3_000)), "password": "whatever-password"}))
            .send()
            .await
            .map_or(0, |r| r.status().as_u16());
        answered += usize::from(status == 401 || status == 429);
    }
    let after = status_kib(server.id(), "VmRSS:");
    println!(
        "rate limiter memory (jobbot serve, limit on): 1,000 × 900 KB emails ({too_large} answered 413) + 1,000 malformed ({answered} answered 401/429): resident {:.1} MB → {:.1} MB, growth {:.2} MB (goal < 5 MB)",
        before as f64 / 1024.0,
        after as f64 / 1024.0,
        (after as f64 - before as f64) / 1024.0
    );
    let _ = server.kill();
    let _ = server.wait();
    drop(db);
}

fn main() {
    actix_rt::System::new().block_on(bench());
}
