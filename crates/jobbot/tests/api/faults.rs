//! Faults are behaviour: a killed process, a restart, a database outage lose nothing and leave nothing stuck.
//! These tests kill real `jobbot` processes.

use std::process::Stdio;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::fake_llm::{pieces, Behaviour, FakeLlm, Flavor};
use crate::helpers::{db_url, login_at, new_conversation, start_process};

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
        // One user streams all 20 (the production cap is 3 per user).
        ("JOBBOT_MAX_REPLIES_PER_USER", "20"),
    ];
    let mut first = start_process(&url, &env, Stdio::null()).await;
    let user = login_at(&first.base, "crash@example.fr").await;
    let client = crate::helpers::client();
    let mut conversations = Vec::new();
    for _ in 0..REPLIES {
        conversations.push(new_conversation(&client, &first.base, &user.access_token).await);
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

/// A TCP proxy in front of PostgreSQL that can cut every connection and refuse new ones, then come back:
/// a database outage as the API sees it (the shared server itself keeps running for the other tests).
struct Outage {
    port: u16,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    links: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl Outage {
    async fn start(upstream: String) -> Self {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let links: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>> = Default::default();
        let (accept_up, accept_links) = (up.clone(), links.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !accept_up.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is refused as soon as it opens
                }
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
                accept_links.lock().expect("links").push(task.abort_handle());
            }
        });
        Self { port, up, links }
    }

    fn cut(&self) {
        self.up.store(false, std::sync::atomic::Ordering::SeqCst);
        for link in self.links.lock().expect("links").drain(..) {
            link.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Finding: with the database down some requests answered 500 instead of 503 `database_unavailable`.
#[actix_rt::test]
async fn a_database_outage_answers_503_and_recovers_without_a_restart() {
    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Postgres);
    let url = db_url(&db);
    let (scheme_user, rest) = url.rsplit_once('@').expect("a URL with a user");
    let (host_port, database) = rest.split_once('/').expect("a database name");
    let outage = Outage::start(host_port.to_owned()).await;
    let proxied = format!("{scheme_user}@127.0.0.1:{}/{database}", outage.port);
    let server = start_process(&proxied, &[], Stdio::null()).await;
    let user = login_at(&server.base, "outage@example.fr").await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .pool_idle_timeout(crate::helpers::IDLE_BEFORE_THE_SERVER)
        .build()
        .expect("client");
    let conversation = new_conversation(&client, &server.base, &user.access_token).await;
    login_at(&server.base, "outage-friend@example.fr").await;
    let chat: Value = client
        .post(format!("{}/api/v1/chats", server.base))
        .bearer_auth(&user.access_token)
        .json(&json!({"participant_email": "outage-friend@example.fr"}))
        .send()
        .await
        .expect("open a chat")
        .json()
        .await
        .expect("json");
    let chat = chat["id"].as_str().expect("chat id").to_owned();

    outage.cut();
    // The closed links reach the server at once; let the read cache's listening connection see its end, after
    // which nothing is answered from memory (a request racing the cut itself could still be).
    tokio::time::sleep(Duration::from_millis(200)).await;
    let requests: Vec<(&str, String, Option<Value>)> = vec![
        ("GET", "/api/v1/me".into(), None),
        ("GET", "/api/v1/conversations".into(), None),
        ("POST", "/api/v1/conversations".into(), Some(json!({}))),
        (
            "GET",
            format!("/api/v1/conversations/{conversation}/messages"),
            None,
        ),
        (
            "POST",
            format!("/api/v1/conversations/{conversation}/messages"),
            Some(json!({"content": "Bonjour"})),
        ),
        ("GET", "/api/v1/chats".into(), None),
        (
            "POST",
            format!("/api/v1/chats/{chat}/messages"),
            Some(json!({"content": "Allô ?"})),
        ),
        ("GET", "/api/v1/me/shares".into(), None),
        ("GET", "/api/v1/me/tokens".into(), None),
        (
            "POST",
            "/api/v1/auth/login".into(),
            Some(json!({"email": "outage@example.fr", "password": crate::helpers::PASSWORD})),
        ),
        ("GET", "/readyz".into(), None),
    ];
    let started = Instant::now();
    let answers = futures_util::future::join_all(requests.iter().map(|(method, path, body)| {
        let mut request = client
            .request(method.parse().expect("method"), format!("{}{path}", server.base))
            .bearer_auth(&user.access_token);
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send()
    }))
    .await;
    for ((method, path, _), answer) in requests.iter().zip(answers) {
        let answer = answer.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        assert_eq!(
            answer.status(),
            StatusCode::SERVICE_UNAVAILABLE,
            "{method} {path}"
        );
        if path != "/readyz" {
            assert!(
                answer.headers().contains_key("retry-after"),
                "{method} {path}: Retry-After"
            );
            let problem: Value = answer.json().await.expect("json");
            assert_eq!(problem["code"], "database_unavailable", "{method} {path}");
        }
    }
    assert!(
        started.elapsed() < Duration::from_secs(12),
        "answered in {:?}",
        started.elapsed()
    );
    let health = client
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), StatusCode::OK, "the process itself is alive");

    outage.restore();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let me = client
            .get(format!("{}/api/v1/me", server.base))
            .bearer_auth(&user.access_token)
            .send()
            .await
            .expect("me");
        if me.status() == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < deadline, "no recovery: {}", me.status());
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    // The pool's other connections come back one by one (a loaded machine makes that slow): a write may still
    // be told 503 `database_unavailable` for a moment, never anything else, and then works.
    let until_created = |path: String, body: Value| {
        let (client, token) = (&client, &user.access_token);
        async move {
            loop {
                let answer = client
                    .post(&path)
                    .bearer_auth(token)
                    .json(&body)
                    .send()
                    .await
                    .expect("post");
                let status = answer.status();
                if status == StatusCode::CREATED {
                    return;
                }
                let text = answer.text().await.unwrap_or_default();
                assert!(
                    status == StatusCode::SERVICE_UNAVAILABLE && text.contains("database_unavailable"),
                    "{path}: {status} {text}"
                );
                assert!(Instant::now() < deadline, "{path}: still {status} {text}");
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    };
    // Everything works again without a restart, the chat writer too.
    until_created(
        format!("{}/api/v1/conversations/{conversation}/messages", server.base),
        json!({"content": "Et maintenant ?"}),
    )
    .await;
    until_created(
        format!("{}/api/v1/chats/{chat}/messages", server.base),
        json!({"content": "Me revoilà"}),
    )
    .await;
    drop(server);
}
