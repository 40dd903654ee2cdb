//! `make bench` (chat fan-out): 500 WebSocket clients in 250 sessions; each session posts BENCH_ROUNDS
//! messages, either spread evenly (steady) or all sessions at the same instant (burst), and the delay from
//! sending the POST to the recipient's WebSocket receiving the message is recorded. First on one instance (SQLite), then across two instances on one PostgreSQL (senders on the
//! first, recipients on the second). Prints figures; asserts nothing. Knobs: BENCH_USERS (500), BENCH_ROUNDS (10),
//! BENCH_ONLY (runs only the scenarios whose label contains it, e.g. `burst`), BENCH_COLD (the senders' connections
//! opened by the first round, as before 2026-11-26; by default they are open before the rounds, as an open chat
//! page's are).

mod common;

use common::*;

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{json, Value};

#[derive(Clone, Copy)]
enum Mode {
    /// Every session posts at the same instant, round after round: the worst case.
    Burst,
    /// Posts spread evenly at BENCH_RATE per second (default 250: each session about once a second).
    Steady,
}

/// Runs the fan-out with senders talking to `send_base` and every client listening on `listen_base`.
async fn run(label: &str, mode: Mode, send_base: &str, listen_base: &str, goal_ms: u32) {
    if std::env::var("BENCH_ONLY").is_ok_and(|only| !label.contains(&only)) {
        return;
    }
    let users = env_or("BENCH_USERS", 500) as usize / 2 * 2;
    let rounds = env_or("BENCH_ROUNDS", 10);
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(1024)
        .build()
        .expect("client");
    let mut tokens = Vec::with_capacity(users);
    for i in 0..users {
        let email = format!("fan{i}-{}@example.fr", label.replace(' ', "-"));
        let token = sign_up(&client, send_base, &email).await;
        tokens.push((email, token));
    }
    let mut chats = Vec::with_capacity(users / 2);
    for pair in tokens.chunks(2) {
        let chat = common::speak::Speaker::at(&client, send_base, &pair[0].1)
            .open_chat(&pair[1].0)
            .await;
        chats.push(chat.id);
    }
    // Every user listens; recipients (odd users) record when each message arrives.
    let arrivals: Rc<RefCell<HashMap<String, Instant>>> = Rc::default();
    let ws_url = format!("{}/api/v1/ws", listen_base.replace("http://", "ws://"));
    for (i, (_, token)) in tokens.iter().enumerate() {
        let (_, mut socket) = awc::Client::new()
            .ws(ws_url.clone())
            .bearer_auth(token)
            .connect()
            .await
            .expect("websocket");
        let arrivals = Rc::clone(&arrivals);
        let recipient = i % 2 == 1;
        actix_rt::spawn(async move {
            while let Some(Ok(frame)) = socket.next().await {
                if let (true, awc::ws::Frame::Text(bytes)) = (recipient, frame) {
                    if let Ok(event) = serde_json::from_slice::<Value>(&bytes) {
                        if let Some(content) = event["data"]["content"].as_str() {
                            arrivals.borrow_mut().insert(content.to_owned(), Instant::now());
                        }
                    }
                }
            }
        });
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // A chat page open in a browser already has its connection to the API: each sender's is opened (a request of
    // its own) before the rounds, unless BENCH_COLD.
    if std::env::var("BENCH_COLD").is_err() {
        let warming: Vec<_> = (0..chats.len())
            .map(|s| {
                let request = client
                    .get(format!("{send_base}/api/v1/me"))
                    .bearer_auth(&tokens[2 * s].1);
                actix_rt::spawn(async move {
                    if let Ok(response) = request.send().await {
                        let _ = response.bytes().await;
                    }
                })
            })
            .collect();
        for warm in warming {
            let _ = warm.await;
        }
    }
    let mut sent: HashMap<String, (Instant, Duration, u64)> = HashMap::new();
    // Burst: every session posts at the same instant. Steady: posts spread evenly at `rate` per second.
    let rate = env_or("BENCH_RATE", 250) as f64;
    let started = Instant::now();
    let mut posts = Vec::new();
    for round in 0..rounds {
        for (s, chat) in chats.iter().enumerate() {
            let content = format!("r{round}-s{s}");
            let request = client
                .post(format!("{send_base}/api/v1/chats/{chat}/messages"))
                .bearer_auth(&tokens[2 * s].1)
                .json(&json!({"content": content}));
            let due = match mode {
                Mode::Burst => Duration::from_millis(round * 300),
                Mode::Steady => Duration::from_secs_f64((round as usize * chats.len() + s) as f64 / rate),
            };
            posts.push(actix_rt::spawn(async move {
                tokio::time::sleep_until((started + due).into()).await;
                // The time just before the request goes out.
                let at = Instant::now();
                let _ = request.send().await;
                (content, at, at.elapsed(), round)
            }));
        }
    }
    for post in posts {
        if let Ok((content, at, answered, round)) = post.await {
            sent.insert(content, (at, answered, round));
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let arrivals = arrivals.borrow();
    let delay = |content: &String, at: &Instant| {
        arrivals
            .get(content)
            .map(|got| got.duration_since(*at).as_secs_f64() * 1000.0)
    };
    let mut delays: Vec<f64> = sent.iter().filter_map(|(c, (at, _, _))| delay(c, at)).collect();
    delays.sort_by(f64::total_cmp);
    // Where the time goes: the first round opens the clients' connections; the POST's own answer time.
    let mut first_round: Vec<f64> = sent
        .iter()
        .filter(|(_, (_, _, round))| *round == 0)
        .filter_map(|(c, (at, _, _))| delay(c, at))
        .collect();
    first_round.sort_by(f64::total_cmp);
    let mut later: Vec<f64> = sent
        .iter()
        .filter(|(_, (_, _, round))| *round > 0)
        .filter_map(|(c, (at, _, _))| delay(c, at))
        .collect();
    later.sort_by(f64::total_cmp);
    let mut answers: Vec<f64> = sent
        .values()
        .map(|(_, answered, _)| answered.as_secs_f64() * 1000.0)
        .collect();
    answers.sort_by(f64::total_cmp);
    println!(
        "{label:<46} {} clients, {} sessions, {} messages, {} delivered: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (goal p99 ≤ {goal_ms} ms)",
        users,
        chats.len(),
        sent.len(),
        delays.len(),
        percentile(&delays, 0.5),
        percentile(&delays, 0.99),
        delays.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "{:<46} p99 of the first round {:.2} ms, of the later rounds {:.2} ms; POST answered p99 {:.2} ms",
        "",
        percentile(&first_round, 0.99),
        percentile(&later, 0.99),
        percentile(&answers, 0.99)
    );
}

async fn bench() {
    println!(
        "JobBot chat fan-out benchmark — {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let dir = std::env::temp_dir().join(format!("jobbot-fanout-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    {
        let single = Server::start(&format!("sqlite://{}/fanout.sqlite3", dir.display())).await;
        run("one instance, steady", Mode::Steady, &single.1, &single.1, 20).await;
        run("one instance, burst", Mode::Burst, &single.1, &single.1, 20).await;
    }
    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Postgres);
    let url = match &db.url {
        jobbot_db::DatabaseUrl::Postgres(url) => url.clone(),
        jobbot_db::DatabaseUrl::Sqlite(_) => unreachable!("a PostgreSQL test database"),
    };
    let first = Server::start(&url).await;
    let second = Server::start(&url).await;
    run(
        "two instances (PostgreSQL), steady",
        Mode::Steady,
        &first.1,
        &second.1,
        40,
    )
    .await;
    run(
        "two instances (PostgreSQL), burst",
        Mode::Burst,
        &first.1,
        &second.1,
        40,
    )
    .await;
    drop((first, second));
    let _ = std::fs::remove_dir_all(dir);
}

fn main() {
    actix_rt::System::new().block_on(bench());
}
