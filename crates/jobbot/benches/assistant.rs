//! `make bench` (assistant): what JobBot adds to the time to first token, and the server's memory with many
//! concurrent streams. Prints figures; asserts nothing.
//!
//! The fake upstream (Mistral wire format) runs in this process; the real `jobbot` binary runs as its own
//! process, so its RSS is measured alone (from /proc). Knobs: BENCH_TTFT_RUNS (200), BENCH_STREAMS
//! ("1000,2000"), BENCH_STREAM_PIECES (20), BENCH_PIECE_MS (100).

mod common;

use common::*;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use actix_web::{web, App, HttpResponse, HttpServer};
use serde_json::{json, Value};

/// The fake: the first token at once; then, for questions that say "load", slow pieces.
async fn fake(body: web::Json<Value>) -> HttpResponse {
    let question = body["messages"]
        .as_array()
        .and_then(|m| m.last())
        .and_then(|m| m["content"].as_str())
        .unwrap_or("")
        .to_owned();
    let (pieces, delay) = if question.contains("load") {
        (
            env_or("BENCH_STREAM_PIECES", 20),
            Duration::from_millis(env_or("BENCH_PIECE_MS", 100)),
        )
    } else {
        (3, Duration::ZERO)
    };
    mistral_stream(pieces, delay)
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Milliseconds from sending to the first text piece of an SSE answer (`data:` chunk for the upstream,
/// `event: delta` for JobBot).
async fn first_token_ms(request: reqwest::RequestBuilder, marker: &str) -> f64 {
    let started = Instant::now();
    let mut response = request.send().await.expect("request");
    let mut seen = String::new();
    let mut first = None;
    while let Some(bytes) = response.chunk().await.expect("read") {
        seen.push_str(&String::from_utf8_lossy(&bytes));
        if first.is_none() && seen.contains(marker) {
            first = Some(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    first.expect("a first token")
}

async fn bench() {
    let fake_server = HttpServer::new(|| App::new().route("/v1/chat/completions", web::post().to(fake)))
        .workers(1)
        .max_connections(50_000)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .expect("bind");
    let fake_url = format!("http://127.0.0.1:{}/v1", fake_server.addrs()[0].port());
    actix_rt::spawn(fake_server.run());

    let dir = std::env::temp_dir().join(format!("jobbot-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let child = Command::new(env!("CARGO_BIN_EXE_jobbot"))
        .arg("serve")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/bench.sqlite3", dir.display()),
        )
        .env("JOBBOT_BIND", format!("127.0.0.1:{port}"))
        .env("JOBBOT_JWT_SECRET", "bench-secret-bench-secret-bench-secret!!")
        .env("JOBBOT_AUTH_RATE_LIMIT", "0")
        // One bench user opens thousands of streams: lift the per-user cap (a production default of 3).
        .env("JOBBOT_MAX_REPLIES_PER_USER", "100000")
        .env("JOBBOT_MAX_REPLIES", "100000")
        .env("JOBBOT_LLM_PROVIDER", "mistral")
        .env("MISTRAL_API_KEY", "bench")
        .env("MISTRAL_BASE_URL", &fake_url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start jobbot");
    let pid = child.id();
    let _server = Server(child);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(4096)
        .build()
        .expect("client");
    for _ in 0..100 {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let token = sign_up(&client, &base, "bench@example.fr").await;
    let new_conversation = || new_conversation(&client, &base, &token);
    println!(
        "JobBot assistant benchmark — {} cores; server RSS at rest {:.1} MB",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        status_kib(pid, "VmRSS:") as f64 / 1024.0
    );

    // 1. Time to first token: straight to the upstream, then through JobBot (auth, two inserts, context,
    //    upstream request, SSE), pair by pair.
    let runs = env_or("BENCH_TTFT_RUNS", 200);
    let (mut direct, mut through) = (Vec::new(), Vec::new());
    for i in 0..runs + 10 {
        let upstream = client
            .post(format!("{fake_url}/chat/completions"))
            .bearer_auth("bench")
            .json(&json!({"model": "mistral-small-latest", "stream": true, "messages": [{"role": "user", "content": "ttft"}]}));
        let a = first_token_ms(upstream, "data: {").await;
        let id = new_conversation().await;
        let via = client
            .post(format!("{base}/api/v1/conversations/{id}/messages"))
            .bearer_auth(&token)
            .header("Accept", "text/event-stream")
            .json(&json!({"content": "ttft"}));
        let b = first_token_ms(via, "event: delta").await;
        if i >= 10 {
            direct.push(a);
            through.push(b);
        }
    }
    let mut overhead: Vec<f64> = through.iter().zip(&direct).map(|(b, a)| b - a).collect();
    for list in [&mut direct, &mut through, &mut overhead] {
        list.sort_by(f64::total_cmp);
    }
    println!("time to first token, {runs} sequential questions (ms):       p50      p99");
    println!(
        "  upstream alone                                        {:>7.2}  {:>7.2}",
        percentile(&direct, 0.5),
        percentile(&direct, 0.99)
    );
    println!(
        "  through JobBot                                        {:>7.2}  {:>7.2}",
        percentile(&through, 0.5),
        percentile(&through, 0.99)
    );
    println!(
        "  JobBot's overhead (pairwise difference)               {:>7.2}  {:>7.2}   (goal: p50 ≤ 2 ms)",
        percentile(&overhead, 0.5),
        percentile(&overhead, 0.99)
    );

    // 2. Concurrent streams, each its own conversation, all open at once.
    let counts: Vec<usize> = std::env::var("BENCH_STREAMS")
        .unwrap_or_else(|_| "1000,2000".into())
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    for count in counts {
        let mut ids = Vec::with_capacity(count);
        for _ in 0..count {
            ids.push(new_conversation().await);
        }
        let before = status_kib(pid, "VmRSS:");
        let started = Instant::now();
        let tasks: Vec<_> = ids
            .into_iter()
            .map(|id| {
                let (client, url, token) = (
                    client.clone(),
                    format!("{base}/api/v1/conversations/{id}/messages"),
                    token.clone(),
                );
                actix_rt::spawn(async move {
                    let response = client
                        .post(url)
                        .bearer_auth(token)
                        .header("Accept", "text/event-stream")
                        .json(&json!({"content": "load"}))
                        .send()
                        .await
                        .ok()?;
                    let text = response.text().await.ok()?;
                    text.contains("event: done").then_some(())
                })
            })
            .collect();
        let mut done = 0;
        for task in tasks {
            if task.await.ok().flatten().is_some() {
                done += 1;
            }
        }
        let elapsed = started.elapsed();
        // The kernel's high-water mark: the largest RSS the server has had so far.
        let peak = status_kib(pid, "VmHWM:");
        println!(
            "{count} concurrent streams: {done} completed in {:.1} s; server RSS {:.1} MB before, peak {:.1} MB (goal for 2,000: < 200 MB)",
            elapsed.as_secs_f64(),
            before as f64 / 1024.0,
            peak as f64 / 1024.0
        );
    }
    let _ = std::fs::remove_dir_all(dir);
}

fn main() {
    actix_rt::System::new().block_on(bench());
}
