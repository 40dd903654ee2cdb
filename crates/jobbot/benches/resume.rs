//! `make bench` (re-attaching to a reply, issue 14): how far behind the asker a follower of the same reply
//! (`GET /api/v1/conversations/{id}/stream`, another tab or device) sees its text, on the instance writing the
//! reply and on another instance sharing its PostgreSQL database. Prints figures; asserts nothing.
//!
//! A fake Mistral upstream in this process writes each reply as BENCH_STREAM_PIECES (40) pieces BENCH_PIECE_MS
//! (50) ms apart; two real `jobbot` processes share one PostgreSQL test database. For each of BENCH_RESUME_ROUNDS
//! (20) questions asked on the first instance, BENCH_FOLLOWERS (4) followers attach on each instance once the
//! first piece is out. The lag of a piece is the time from the asker's stream receiving it to a follower's
//! stream having it (a follower's delta can carry several pieces: the first one that reaches its end counts).

mod common;

use common::*;

use std::time::{Duration, Instant};

use actix_web::{web, App, HttpResponse, HttpServer};
use futures_util::StreamExt;
use jobbot_domain::sse::SseParser;
use serde_json::json;

async fn fake() -> HttpResponse {
    mistral_stream(
        env_or("BENCH_STREAM_PIECES", 40),
        Duration::from_millis(env_or("BENCH_PIECE_MS", 50)),
    )
}

/// Reads an SSE reply to its end: when each `delta` arrived, with its `id` (the reply's length then).
async fn deltas(response: reqwest::Response) -> Vec<(usize, Instant)> {
    let mut stream = response.bytes_stream();
    let mut parser = SseParser::new();
    let mut seen = Vec::new();
    while let Some(Ok(bytes)) = stream.next().await {
        let now = Instant::now();
        for event in parser.feed(&bytes) {
            if event.event.as_deref() == Some("delta") {
                if let Some(end) = event.id.as_deref().and_then(|id| id.parse().ok()) {
                    seen.push((end, now));
                }
            }
        }
    }
    seen
}

fn print(label: &str, lags: &mut [f64]) {
    lags.sort_by(f64::total_cmp);
    println!(
        "  {label:<44} {:>6} pieces: p50 {:>7.2} ms, p99 {:>7.2} ms, max {:>7.2} ms",
        lags.len(),
        percentile(lags, 0.5),
        percentile(lags, 0.99),
        lags.last().copied().unwrap_or(f64::NAN)
    );
}

async fn bench() {
    let fake_server = HttpServer::new(|| App::new().route("/v1/chat/completions", web::post().to(fake)))
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .expect("bind");
    let fake_url = format!("http://127.0.0.1:{}/v1", fake_server.addrs()[0].port());
    actix_rt::spawn(fake_server.run());

    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Postgres);
    let url = match &db.url {
        jobbot_db::DatabaseUrl::Postgres(url) => url.clone(),
        jobbot_db::DatabaseUrl::Sqlite(_) => unreachable!("a PostgreSQL test database"),
    };
    let env = [
        ("JOBBOT_LLM_PROVIDER", "mistral"),
        ("MISTRAL_API_KEY", "bench"),
        ("MISTRAL_BASE_URL", fake_url.as_str()),
    ];
    let writer = Server::start_with(&url, &env).await;
    let other = Server::start_with(&url, &env).await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .expect("client");
    let token = sign_up(&client, &writer.1, "resume-bench@example.fr").await;
    let rounds = env_or("BENCH_RESUME_ROUNDS", 20);
    let followers = env_or("BENCH_FOLLOWERS", 4) as usize;
    println!(
        "JobBot re-attach benchmark — {} cores; {rounds} replies of {} pieces {} ms apart, {followers} followers per instance",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        env_or("BENCH_STREAM_PIECES", 40),
        env_or("BENCH_PIECE_MS", 50),
    );
    let (mut here, mut elsewhere) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let id = new_conversation(&client, &writer.1, &token).await;
        let asked = client
            .post(format!("{}/api/v1/conversations/{id}/messages", writer.1))
            .bearer_auth(&token)
            .header("Accept", "text/event-stream")
            .json(&json!({"content": "Bonjour"}))
            .send()
            .await
            .expect("ask");
        let asker = actix_rt::spawn(deltas(asked));
        tokio::time::sleep(Duration::from_millis(10)).await;
        let mut tasks = Vec::new();
        for (instance, base) in [(0, &writer.1), (1, &other.1)] {
            for _ in 0..followers {
                let response = client
                    .get(format!("{base}/api/v1/conversations/{id}/stream"))
                    .bearer_auth(&token)
                    .header("Accept", "text/event-stream")
                    .send()
                    .await
                    .expect("follow");
                tasks.push((instance, actix_rt::spawn(deltas(response))));
            }
        }
        // The followers' first delta carries what was written before they attached: lags count from the
        // asker's pieces after the last follower attached.
        let attached = Instant::now();
        let asker = asker.await.expect("asker");
        for (instance, task) in tasks {
            let seen = task.await.expect("follower");
            for (end, at) in asker.iter().filter(|(_, at)| *at > attached) {
                if let Some((_, got)) = seen.iter().find(|(e, _)| e >= end) {
                    let lag = got.saturating_duration_since(*at).as_secs_f64() * 1000.0;
                    if instance == 0 { &mut here } else { &mut elsewhere }.push(lag);
                }
            }
        }
    }
    println!("follower lag behind the asker:");
    print("on the instance writing the reply", &mut here);
    print("on another instance (PostgreSQL)", &mut elsewhere);
    drop((writer, other));
}

fn main() {
    actix_rt::System::new().block_on(bench());
}
