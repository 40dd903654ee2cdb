//! Faults are behaviour: a killed process, a restart, a database outage lose nothing and leave nothing stuck.
//! These tests kill real `jobbot` processes.

use std::process::Stdio;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fake_llm::{pieces, Behaviour, FakeLlm, Flavor};
use crate::helpers::{db_url, login_at, start_process};

const REPLIES: usize = 20;

async fn last_message(client: &reqwest::Client, base: &str, token: &str, conversation: &str) -> Value {
    let page: Value = client
        .get(format!("{base}/api/v1/conversations/{conversation}/messages"))
        .bearer_auth(token)
        .send()
        .await
        .expect("messages")
        .json()
        .await
        .expect("json");
    let items = page["items"].as_array().expect("items");
    assert_eq!(items.len(), 2, "the question and its reply: {page}");
    assert_eq!(items[0]["status"], "complete", "the question was kept");
    items[1].clone()
}

/// Finding: `kill -9` while 20 replies streamed left them "in progress" forever, and each conversation refused
/// new questions (409 `reply_in_progress`).
async fn a_crash_mid_stream_leaves_nothing_stuck(backend: jobbot_db::Backend) {
    let fake = FakeLlm::start(Flavor::Mistral).await;
    let words: Vec<String> = (0..60).map(|i| format!("mot{i} ")).collect();
    fake.set_fallback(Behaviour::Reply {
        pieces: pieces(&words.iter().map(String::as_str).collect::<Vec<_>>()),
        delay: Duration::from_millis(100),
    });
    let db = jobbot_db::testing::TestDatabase::new(backend);
    let url = db_url(&db);
    let env = [
        ("JOBBOT_LLM_PROVIDER", "mistral"),
        ("MISTRAL_API_KEY", "k"),
        ("MISTRAL_BASE_URL", fake.base_url.as_str()),
        ("JOBBOT_REPLY_LEASE", "2"),
    ];
    let mut first = start_process(&url, &env, Stdio::null()).await;
    let user = login_at(&first.base, "crash@example.fr").await;
    let client = reqwest::Client::new();
    let mut conversations = Vec::new();
    for _ in 0..REPLIES {
        let created: Value = client
            .post(format!("{}/api/v1/conversations", first.base))
            .bearer_auth(&user.access_token)
            .json(&json!({}))
            .send()
            .await
            .expect("create")
            .json()
            .await
            .expect("json");
        conversations.push(created["id"].as_str().expect("id").to_owned());
    }
    for id in &conversations {
        let (client, url, token) = (
            client.clone(),
            format!("{}/api/v1/conversations/{id}/messages", first.base),
            user.access_token.clone(),
        );
        actix_rt::spawn(async move {
            let _ = client
                .post(url)
                .header("Accept", "text/event-stream")
                .bearer_auth(token)
                .json(&json!({"content": "Réponds longuement, s'il te plaît"}))
                .send()
                .await;
        });
    }
    // Every reply has started and saved some progress (every 500 ms).
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    first.child.kill().expect("SIGKILL");
    first.child.wait().expect("reaped");

    let second = start_process(&url, &env, Stdio::null()).await;
    let deadline = Instant::now() + Duration::from_secs(15);
    for id in &conversations {
        let reply = loop {
            let reply = last_message(&client, &second.base, &user.access_token, id).await;
            if reply["status"] != "streaming" || Instant::now() > deadline {
                break reply;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert_eq!(
            (reply["status"].as_str(), reply["error_code"].as_str()),
            (Some("failed"), Some("interrupted")),
            "{reply}"
        );
        assert!(
            reply["content"].as_str().is_some_and(|c| c.starts_with("mot0")),
            "what was written is kept: {reply}"
        );
    }
    // Each conversation takes new questions again: regenerate the interrupted reply, then ask on.
    fake.set_fallback(Behaviour::Reply {
        pieces: pieces(&["Voici ", "la suite."]),
        delay: Duration::from_millis(1),
    });
    for id in &conversations {
        let regenerated = client
            .post(format!("{}/api/v1/conversations/{id}/regenerate", second.base))
            .bearer_auth(&user.access_token)
            .send()
            .await
            .expect("regenerate");
        assert_eq!(regenerated.status(), StatusCode::CREATED, "{id}");
        let asked = client
            .post(format!("{}/api/v1/conversations/{id}/messages", second.base))
            .bearer_auth(&user.access_token)
            .json(&json!({"content": "Merci, et ensuite ?"}))
            .send()
            .await
            .expect("ask");
        assert_eq!(asked.status(), StatusCode::CREATED, "{id}");
    }
    drop(second);
}

#[actix_rt::test]
async fn a_crash_mid_stream_leaves_nothing_stuck_sqlite() {
    a_crash_mid_stream_leaves_nothing_stuck(jobbot_db::Backend::Sqlite).await;
}

#[actix_rt::test]
async fn a_crash_mid_stream_leaves_nothing_stuck_postgres() {
    a_crash_mid_stream_leaves_nothing_stuck(jobbot_db::Backend::Postgres).await;
}
