//! Re-attaching to a reply being written (issue 14): `GET /api/v1/conversations/{id}/stream`, with and without
//! `Last-Event-ID`, on the instance writing the reply and on another one (real processes on one PostgreSQL
//! database), 204 when nothing is being written, and a killed writer ending the stream instead of leaving it
//! hanging.

use std::time::Duration;

use jobbot_db::Backend;
use jobbot_domain::sse::{SseEvent, SseParser};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::assistant::{new_conversation, with_fake_on};
use crate::fake_llm::{Behaviour, FakeLlm, Flavor};
use crate::helpers::{assert_problem, login_at, start_process, Process};

/// Forty pieces, 60 ms apart: long enough to re-attach in the middle, several times.
fn long_reply() -> (Behaviour, String) {
    let pieces: Vec<String> = (0..40).map(|i| format!("mot{i} ")).collect();
    let text = pieces.concat();
    (
        Behaviour::Reply {
            pieces,
            delay: Duration::from_millis(60),
        },
        text,
    )
}

/// An SSE response read as it arrives.
struct Events {
    response: reqwest::Response,
    parser: SseParser,
    pending: std::collections::VecDeque<SseEvent>,
}

impl Events {
    fn new(response: reqwest::Response) -> Self {
        Self {
            response,
            parser: SseParser::new(),
            pending: Default::default(),
        }
    }

    /// The next event, or `None` at the end of the stream.
    async fn next(&mut self) -> Option<SseEvent> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(event);
            }
            let chunk = tokio::time::timeout(Duration::from_secs(20), self.response.chunk())
                .await
                .expect("an event within 20 s")
                .expect("the stream");
            match chunk {
                Some(bytes) => self.pending.extend(self.parser.feed(&bytes)),
                None => return self.parser.finish(),
            }
        }
    }

    async fn rest(&mut self) -> Vec<SseEvent> {
        let mut all = Vec::new();
        while let Some(event) = self.next().await {
            all.push(event);
        }
        all
    }
}

fn data(event: &SseEvent) -> Value {
    serde_json::from_str(&event.data).expect("JSON data")
}

/// Checks a re-attached stream from its first event to its end: `reply` (with the text the client has), deltas
/// whose ids are the reply's length after them, then `done`. Returns the text it started from and the final
/// message.
fn check_resumed(events: &[SseEvent]) -> (String, Value) {
    assert_eq!(events[0].event.as_deref(), Some("reply"), "{events:?}");
    let reply = data(&events[0]);
    assert_eq!(
        (reply["role"].as_str(), reply["status"].as_str()),
        (Some("assistant"), Some("streaming"))
    );
    let start = reply["content"].as_str().expect("content").to_owned();
    let mut text = start.clone();
    let last = events.last().expect("an end");
    assert_eq!(last.event.as_deref(), Some("done"), "{events:?}");
    for event in &events[1..events.len() - 1] {
        assert_eq!(event.event.as_deref(), Some("delta"));
        text.push_str(data(event)["text"].as_str().expect("text"));
        assert_eq!(
            event.id.as_deref(),
            Some(text.chars().count().to_string().as_str()),
            "each delta's id is the reply's length after it"
        );
    }
    let done = data(last)["message"].clone();
    assert_eq!(done["id"], reply["id"]);
    assert_eq!(
        done["content"].as_str(),
        Some(text.as_str()),
        "nothing missed, nothing repeated"
    );
    (start, done)
}

async fn open_stream(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    id: &str,
    last: Option<&str>,
) -> reqwest::Response {
    let mut request = client
        .get(format!("{base}/api/v1/conversations/{id}/stream"))
        .bearer_auth(token);
    if let Some(last) = last {
        request = request.header("Last-Event-ID", last);
    }
    request.send().await.expect("stream")
}

/// Re-attaches once the reply has started (the question may still be on its way).
async fn attach(client: &reqwest::Client, base: &str, token: &str, id: &str) -> Events {
    for _ in 0..100 {
        let response = open_stream(client, base, token, id, None).await;
        if response.status() == StatusCode::OK {
            assert_eq!(response.headers()["content-type"], "text/event-stream");
            return Events::new(response);
        }
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the reply never started");
}

/// Asks `question` in JSON mode in the background (the asking client waits; others re-attach).
fn ask_in_background(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    id: &str,
) -> tokio::task::JoinHandle<u16> {
    let request = client
        .post(format!("{base}/api/v1/conversations/{id}/messages"))
        .bearer_auth(token)
        .json(&json!({"content": "Une longue réponse, s'il te plaît"}));
    tokio::spawn(async move { request.send().await.map(|r| r.status().as_u16()).unwrap_or(0) })
}

crate::on_both_backends!(on_the_instance_writing_it);

async fn on_the_instance_writing_it(backend: Backend) {
    let (app, fake) = with_fake_on(backend, Flavor::Mistral, &[]).await;
    let (reply, full) = long_reply();
    fake.set_fallback(reply);
    let user = app.user("reprise@example.fr").await;
    let token = user.access_token.as_str();
    let id = new_conversation(&app, token).await;
    assert_eq!(
        open_stream(&app.client, &app.address, token, &id, None)
            .await
            .status(),
        StatusCode::NO_CONTENT,
        "nothing is being written yet"
    );
    let asked = ask_in_background(&app.client, &app.address, token, &id);

    // Without Last-Event-ID: everything written so far, then the rest as it comes.
    let mut first = attach(&app.client, &app.address, token, &id).await;
    let mut seen = vec![first.next().await.expect("reply")];
    while seen
        .iter()
        .filter(|e| e.event.as_deref() == Some("delta"))
        .count()
        < 3
    {
        seen.push(first.next().await.expect("a delta"));
    }
    assert_eq!(
        data(&seen[0])["content"],
        "",
        "without Last-Event-ID it starts from nothing"
    );
    // A second client (another tab) resumes after the last delta the first one got.
    let last_id = seen.last().and_then(|e| e.id.clone()).expect("an id");
    let second = open_stream(&app.client, &app.address, token, &id, Some(&last_id)).await;
    assert_eq!(second.status(), StatusCode::OK);
    let second = Events::new(second).rest().await;
    seen.extend(first.rest().await);

    let (start, done) = check_resumed(&seen);
    assert_eq!(start, "");
    assert_eq!(done["content"].as_str(), Some(full.as_str()));
    let (start, done) = check_resumed(&second);
    let from: usize = last_id.parse().expect("a number");
    assert_eq!(
        start,
        full.chars().take(from).collect::<String>(),
        "it has what it said it has"
    );
    assert_eq!(done["content"].as_str(), Some(full.as_str()));
    assert_eq!(asked.await.expect("the question"), 201);

    // Ended: nothing to re-attach to.
    assert_eq!(
        open_stream(&app.client, &app.address, token, &id, Some(&last_id))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    // The asking client's own stream has the same ids, so it can resume too.
    fake.set_fallback(long_reply().0);
    let streamed = app
        .client
        .post(app.url(&format!("/api/v1/conversations/{id}/messages")))
        .bearer_auth(token)
        .header("Accept", "text/event-stream")
        .json(&json!({"content": "Encore"}))
        .send()
        .await
        .expect("send");
    let events = Events::new(streamed).rest().await;
    let mut length = 0;
    for event in events.iter().filter(|e| e.event.as_deref() == Some("delta")) {
        length += data(event)["text"].as_str().expect("text").chars().count();
        assert_eq!(event.id.as_deref(), Some(length.to_string().as_str()));
    }
    assert_eq!(length, full.chars().count());

    // Another user's conversation is not found; a read-only token may re-attach (it is a read).
    let other = app.user("autre@example.fr").await;
    assert_problem(
        open_stream(&app.client, &app.address, &other.access_token, &id, None).await,
        404,
        "not_found",
    )
    .await;
    let read_only = app.create_token(token, "read").await;
    let read_only = read_only["secret"].as_str().expect("secret");
    assert_eq!(
        open_stream(&app.client, &app.address, read_only, &id, None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
}

/// Two real instances on one PostgreSQL database: the reply is written by the first, followed from the second.
#[actix_rt::test]
async fn across_instances_and_after_the_writer_dies() {
    let db = jobbot_db::testing::TestDatabase::new(Backend::Postgres);
    let url = crate::helpers::db_url(&db);
    let fake = FakeLlm::start(Flavor::Mistral).await;
    let llm = [
        ("JOBBOT_LLM_PROVIDER", "mistral"),
        ("MISTRAL_API_KEY", "test-upstream-key"),
        ("MISTRAL_BASE_URL", fake.base_url.as_str()),
        ("JOBBOT_REPLY_LEASE", "2"),
    ];
    let mut writer: Process = start_process(&url, &llm, std::process::Stdio::null()).await;
    let reader = start_process(&url, &llm, std::process::Stdio::null()).await;
    let client = crate::helpers::client();
    let user = login_at(&writer.base, "deux@example.fr").await;
    let token = user.access_token.as_str();
    let (reply, full) = long_reply();
    fake.set_fallback(reply);

    let id = crate::helpers::new_conversation(&client, &writer.base, token).await;
    // The user's tab on the other instance is told a reply started, so it can follow it.
    let mut socket = crate::realtime::connect(&reader.base, token).await;
    let asked = ask_in_background(&client, &writer.base, token, &id);
    let told = crate::realtime::next_event(&mut socket).await;
    assert_eq!(told["type"], "conversation.reply", "{told}");
    assert_eq!(told["data"]["conversation_id"], id.as_str());
    let mut followed = attach(&client, &reader.base, token, &id).await;
    let mut seen = vec![followed.next().await.expect("reply")];
    // Resumed on the reader with the id of a delta the reader sent.
    let mut resume_id = None;
    while resume_id.is_none() {
        let event = followed.next().await.expect("a delta");
        resume_id = event.id.clone();
        seen.push(event);
    }
    let resume_id = resume_id.expect("an id");
    let resumed = open_stream(&client, &reader.base, token, &id, Some(&resume_id)).await;
    assert_eq!(resumed.status(), StatusCode::OK);
    let resumed = Events::new(resumed).rest().await;
    seen.extend(followed.rest().await);
    let (_, done) = check_resumed(&seen);
    assert_eq!(done["content"].as_str(), Some(full.as_str()));
    // The writer relays its progress as it goes (forty pieces in 2.4 s), not only at its half-second saves
    // (which would give the reader a handful of deltas).
    let deltas = seen
        .iter()
        .filter(|e| e.event.as_deref() == Some("delta"))
        .count();
    assert!(deltas >= 15, "{deltas} deltas reached the other instance");
    let (start, done) = check_resumed(&resumed);
    assert!(full.starts_with(&start) && start.chars().count() <= resume_id.parse::<usize>().expect("number"));
    assert_eq!(done["content"].as_str(), Some(full.as_str()));
    assert_eq!(asked.await.expect("the question"), 201);
    assert_eq!(
        open_stream(&client, &reader.base, token, &id, None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );

    // The writer is killed in the middle of a reply: the reader's stream ends with an error once the lease
    // runs out, keeping what was written, instead of hanging.
    fake.set_fallback(Behaviour::Reply {
        pieces: (0..200).map(|i| format!("long{i} ")).collect(),
        delay: Duration::from_millis(50),
    });
    let _asked = ask_in_background(&client, &writer.base, token, &id);
    let mut followed = attach(&client, &reader.base, token, &id).await;
    let mut before_kill = Vec::new();
    while before_kill
        .iter()
        .filter(|e: &&SseEvent| e.event.as_deref() == Some("delta"))
        .count()
        < 2
    {
        before_kill.push(followed.next().await.expect("an event"));
    }
    writer.child.kill().expect("kill the writer");
    let _ = writer.child.wait();
    let rest = followed.rest().await;
    let end = rest.last().expect("an end");
    assert_eq!(end.event.as_deref(), Some("error"), "{rest:?}");
    assert_eq!(data(end)["code"], "llm_unavailable");
    assert_eq!(
        open_stream(&client, &reader.base, token, &id, None)
            .await
            .status(),
        StatusCode::NO_CONTENT,
        "nothing left in progress"
    );
}
