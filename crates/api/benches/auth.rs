//! `make bench`: login latency (argon2id), and GET /api/v1/me throughput and p99 with and without a
//! concurrent login storm. Prints figures; it asserts nothing. The goal: /me p99 under the storm within 2× of
//! without it, because hashing is capped to leave a core for everything else.
//!
//! Knobs: BENCH_SECONDS (default 5), BENCH_CLIENTS (default 32), BENCH_STORM (default 8), BENCH_DB
//! (`sqlite` or `postgres`, default sqlite).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use jobbot_api::config::Config;
use jobbot_api::startup::Application;
use jobbot_db::testing::TestDatabase;
use jobbot_db::{Backend, DatabaseUrl};
use serde_json::{json, Value};

const PASSWORD: &str = "Un-mot-de-passe-solide-42";

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

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

/// `clients` loops calling `GET /api/v1/me` until `deadline`.
async fn me_load(client: &reqwest::Client, url: &str, token: &str, clients: u64, duration: Duration) -> Run {
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (client, url, token) = (client.clone(), url.to_owned(), token.to_owned());
            actix_rt::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0;
                while Instant::now() < deadline {
                    let t = Instant::now();
                    match client.get(&url).bearer_auth(&token).send().await {
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

/// `clients` loops logging in until `deadline`; returns the login latencies.
async fn login_storm(client: &reqwest::Client, base: &str, clients: u64, deadline: Instant) -> Run {
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|i| {
            let (client, url) = (client.clone(), format!("{base}/api/v1/auth/login"));
            actix_rt::spawn(async move {
                let body = json!({"email": format!("storm{i}@example.fr"), "password": PASSWORD});
                let mut latencies = Vec::new();
                let mut errors = 0;
                while Instant::now() < deadline {
                    let t = Instant::now();
                    match client.post(&url).json(&body).send().await {
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
        let (latencies, errors) = task.await.expect("storm task");
        run.latencies.extend(latencies);
        run.errors += errors;
    }
    run.elapsed = started.elapsed();
    run
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
            .json(&json!({"email": format!("storm{i}@example.fr"), "password": PASSWORD, "display_name": "Storm"}))
            .send()
            .await
            .expect("register");
    }
    client
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({"email": "bench@example.fr", "password": PASSWORD, "display_name": "Bench"}))
        .send()
        .await
        .expect("register");
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "bench@example.fr", "password": PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    let token = login["access_token"].as_str().expect("token").to_owned();
    let me = format!("{base}/api/v1/me");

    println!(
        "JobBot auth benchmark — backend {backend:?}, {} cores, {seconds} s per phase, {clients} /me clients, {storm} login clients",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    // 1. Login latency, one at a time (argon2id, 19 MiB, t=2, p=1).
    let mut sequential = Run {
        latencies: Vec::new(),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    let started = Instant::now();
    for _ in 0..20 {
        let t = Instant::now();
        let r = client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": "bench@example.fr", "password": PASSWORD}))
            .send()
            .await
            .expect("login");
        assert!(r.status().is_success());
        sequential.latencies.push(t.elapsed());
    }
    sequential.elapsed = started.elapsed();
    sequential.report("POST /auth/login, sequential");
    let mut unknown = Run {
        latencies: Vec::new(),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    let started = Instant::now();
    for _ in 0..20 {
        let t = Instant::now();
        client
            .post(format!("{base}/api/v1/auth/login"))
            .json(&json!({"email": "nobody@example.fr", "password": PASSWORD}))
            .send()
            .await
            .expect("login");
        unknown.latencies.push(t.elapsed());
    }
    unknown.elapsed = started.elapsed();
    unknown.report("POST /auth/login, unknown email (401)");

    // 2. /me alone.
    let duration = Duration::from_secs(seconds);
    let _warmup = me_load(&client, &me, &token, clients, Duration::from_secs(1)).await;
    let baseline = me_load(&client, &me, &token, clients, duration)
        .await
        .report("GET /api/v1/me alone");

    // 3. /me while `storm` clients log in continuously.
    let deadline = Instant::now() + duration;
    let storm_task = {
        let (client, base) = (client.clone(), base.clone());
        actix_rt::spawn(async move { login_storm(&client, &base, storm, deadline).await })
    };
    let under_storm = me_load(&client, &me, &token, clients, duration)
        .await
        .report("GET /api/v1/me during the login storm");
    let mut storm_run = storm_task.await.expect("storm");
    storm_run.report("POST /auth/login during the storm");

    println!(
        "p99 of /me under the storm ÷ without it: {:.2}× (goal ≤ 2×)",
        under_storm / baseline
    );
    drop(db);
}

fn main() {
    actix_rt::System::new().block_on(bench());
}
