//! The assistant end to end: conversations, replies from the offline coach and from a fake Mistral or
//! OpenRouter upstream, streaming, every fault, stop, regenerate, disconnects, quota and privacy.

use std::time::Duration;

use jobbot_db::Backend;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::fake_llm::{pieces, Behaviour, FakeLlm, Flavor, USAGE};
use crate::helpers::{assert_problem, spawn_app_with, TestApp};

both_backends!(
    conversations_are_private_searchable_and_paginated,
    the_offline_coach_answers_and_titles_the_conversation,
    concurrent_questions_all_succeed
);

/// Many replies starting at once (each a read-then-write transaction) must not trip SQLite's lock: 27 at
/// once, from 9 users (3 each, the per-user cap).
async fn concurrent_questions_all_succeed(app: TestApp) {
    let mut asks = Vec::new();
    for u in 0..9 {
        let user = app.user(&format!("busy{u}@example.fr")).await;
        for _ in 0..3 {
            asks.push((
                user.access_token.clone(),
                new_conversation(&app, &user.access_token).await,
            ));
        }
    }
    let sends = asks
        .iter()
        .map(|(token, id)| send(&app, token, id, "Comment rédiger mon CV ?"));
    let statuses: Vec<u16> = futures_util::future::join_all(sends)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
}

pub(crate) async fn new_conversation(app: &TestApp, token: &str) -> String {
    app.with_token(token).new_conversation().await.id
}

pub(crate) async fn send(app: &TestApp, token: &str, id: &str, content: &str) -> reqwest::Response {
    app.with_token(token)
        .send(
            &format!("/api/v1/conversations/{id}/messages"),
            json!({"content": content}),
        )
        .await
}

/// Sends with `Accept: text/event-stream` and reads every event until the stream ends.
pub(crate) async fn send_streaming(
    app: &TestApp,
    token: &str,
    id: &str,
    content: &str,
) -> Vec<(String, Value)> {
    let response = app
        .client
        .post(app.url(&format!("/api/v1/conversations/{id}/messages")))
        .bearer_auth(token)
        .header("Accept", "text/event-stream")
        .json(&json!({"content": content}))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    parse_sse(&response.text().await.expect("body"))
}

pub(crate) fn parse_sse(text: &str) -> Vec<(String, Value)> {
    text.split("\n\n")
        .filter(|block| !block.trim().is_empty())
        .map(|block| {
            let field = |name: &str| {
                block
                    .lines()
                    .find_map(|line| line.strip_prefix(name).map(|v| v.trim_start().to_owned()))
                    .unwrap_or_default()
            };
            (
                field("event:"),
                serde_json::from_str(&field("data:")).expect("JSON data"),
            )
        })
        .collect()
}

pub(crate) async fn messages(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let response = app
        .get_bearer(&format!("/api/v1/conversations/{id}/messages"), token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.expect("json");
    page["items"].as_array().expect("items").clone()
}

/// Polls until the last reply is no longer `streaming`.
pub(crate) async fn settled(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    for _ in 0..100 {
        let all = messages(app, token, id).await;
        if all.last().is_some_and(|m| m["status"] != "streaming") {
            return all;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the reply never finished");
}

pub(crate) async fn with_fake(flavor: Flavor, extra: &[(&str, &str)]) -> (TestApp, FakeLlm) {
    with_fake_on(Backend::Sqlite, flavor, extra).await
}

/// The app on `backend`, its assistant the fake upstream.
pub(crate) async fn with_fake_on(
    backend: Backend,
    flavor: Flavor,
    extra: &[(&str, &str)],
) -> (TestApp, FakeLlm) {
    let fake = FakeLlm::start(flavor).await;
    let (provider, key_var, url_var) = match flavor {
        Flavor::Mistral => ("mistral", "MISTRAL_API_KEY", "MISTRAL_BASE_URL"),
        Flavor::OpenRouter => ("openrouter", "OPENROUTER_API_KEY", "OPENROUTER_BASE_URL"),
    };
    let mut vars = vec![
        ("JOBBOT_LLM_PROVIDER", provider),
        (key_var, "test-upstream-key"),
        (url_var, fake.base_url.as_str()),
        ("JOBBOT_LLM_FIRST_TOKEN_TIMEOUT", "1"),
        ("JOBBOT_LLM_IDLE_TIMEOUT", "1"),
        ("JOBBOT_LLM_MAX_RETRY_WAIT", "0.25"),
    ];
    vars.extend_from_slice(extra);
    let app = spawn_app_with(backend, &vars).await;
    (app, fake)
}

async fn conversations_are_private_searchable_and_paginated(app: TestApp) {
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let named = app
        .as_user(&alice)
        .send(
            "/api/v1/conversations",
            json!({"title": "Préparer l'entretien Airbus"}),
        )
        .await;
    let named: Value = named.json().await.expect("json");
    let id = named["id"].as_str().expect("id").to_owned();
    let other = new_conversation(&app, &alice.access_token).await;
    assert_eq!(
        send(
            &app,
            &alice.access_token,
            &other,
            "Comment négocier mon salaire ?"
        )
        .await
        .status(),
        StatusCode::CREATED
    );

    let list: Value = app.as_user(&alice).json("/api/v1/conversations").await;
    let titles: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["title"].as_str())
        .collect();
    assert_eq!(
        titles,
        vec!["Comment négocier mon salaire ?", "Préparer l'entretien Airbus"],
        "newest activity first"
    );

    let by_title: Value = app.as_user(&alice).json("/api/v1/conversations?q=AIRBUS").await;
    assert_eq!(by_title["items"].as_array().map(Vec::len), Some(1));
    let by_text: Value = app
        .as_user(&alice)
        .json("/api/v1/conversations?q=hors%20ligne")
        .await;
    assert_eq!(
        by_text["items"][0]["id"],
        other.as_str(),
        "the assistant's text is searched too"
    );
    let wildcard: Value = app.as_user(&alice).json("/api/v1/conversations?q=sala_re").await;
    assert_eq!(
        wildcard["items"].as_array().map(Vec::len),
        Some(0),
        "_ is searched literally, not as a wildcard"
    );
    let page: Value = app.as_user(&alice).json("/api/v1/conversations?limit=1").await;
    assert_eq!(
        (
            page["items"].as_array().map(Vec::len),
            page["next_offset"].as_i64()
        ),
        (Some(1), Some(1))
    );

    let renamed = app
        .as_user(&alice)
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/conversations/{id}"),
            Some(json!({"title": "Entretien Airbus, jeudi"})),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);

    // Bob gets 404 for Alice's conversation, whatever the method.
    let bob_token = &bob.access_token;
    let base = format!("/api/v1/conversations/{id}");
    let attempts = [
        app.client.get(app.url(&base)),
        app.client.patch(app.url(&base)).json(&json!({"title": "mine"})),
        app.client.delete(app.url(&base)),
        app.client.get(app.url(&format!("{base}/messages"))),
        app.client
            .post(app.url(&format!("{base}/messages")))
            .json(&json!({"content": "hello"})),
        app.client.post(app.url(&format!("{base}/stop"))),
        app.client.post(app.url(&format!("{base}/regenerate"))),
    ];
    for attempt in attempts {
        assert_problem(
            attempt.bearer_auth(bob_token).send().await.expect("request"),
            404,
            "not_found",
        )
        .await;
    }
    let bobs: Value = app.with_token(bob_token).json("/api/v1/conversations").await;
    assert_eq!(bobs["items"].as_array().map(Vec::len), Some(0));

    let deleted = app.as_user(&alice).delete(&base).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    app.as_user(&alice).refused(&base, 404, "not_found").await;
}

async fn the_offline_coach_answers_and_titles_the_conversation(app: TestApp) {
    let user = app.user("lina@example.fr").await;
    let info: Value = app.public_json("/api/v1/assistant").await;
    assert_eq!(
        (info["provider"].as_str(), info["offline"].as_bool()),
        (Some("offline"), Some(true))
    );

    let id = new_conversation(&app, &user.access_token).await;
    let response = send(&app, &user.access_token, &id, "Comment rédiger mon CV ?").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let exchange: Value = response.json().await.expect("json");
    assert_eq!(exchange["user_message"]["role"], "user");
    let reply = &exchange["assistant_message"];
    assert_eq!(
        (
            reply["role"].as_str(),
            reply["status"].as_str(),
            reply["provider"].as_str()
        ),
        (Some("assistant"), Some("complete"), Some("offline"))
    );
    assert!(reply["content"]
        .as_str()
        .expect("content")
        .contains("Rédiger un CV efficace"));
    assert!(reply["usage"]["completion_tokens"].as_i64().expect("usage") > 0);

    let conversation: Value = app
        .as_user(&user)
        .json(&format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(conversation["title"], "Comment rédiger mon CV ?");

    // Streaming: the stored question, deltas, then the stored answer, whose text is the deltas joined.
    let events = send_streaming(&app, &user.access_token, &id, "How do I write a cover letter?").await;
    assert_eq!(events.first().map(|e| e.0.as_str()), Some("user_message"));
    assert_eq!(events.last().map(|e| e.0.as_str()), Some("done"));
    let deltas: String = events
        .iter()
        .filter(|e| e.0 == "delta")
        .filter_map(|e| e.1["text"].as_str())
        .collect();
    assert!(
        events.iter().filter(|e| e.0 == "delta").count() > 10,
        "the answer arrives in pieces"
    );
    let done = &events.last().expect("done").1["message"];
    assert_eq!(done["content"].as_str(), Some(deltas.as_str()));
    assert!(deltas.contains("Writing a cover letter"));

    let all = messages(&app, &user.access_token, &id).await;
    assert_eq!(all.len(), 4);
    let roles: Vec<&str> = all.iter().filter_map(|m| m["role"].as_str()).collect();
    assert_eq!(roles, ["user", "assistant", "user", "assistant"], "oldest first");
    let after: Value = app
        .as_user(&user)
        .json(&format!(
            "/api/v1/conversations/{id}/messages?after={}&limit=1",
            all[1]["id"].as_str().expect("id")
        ))
        .await;
    assert_eq!(
        (after["items"][0]["id"].clone(), after["has_more"].as_bool()),
        (all[2]["id"].clone(), Some(true))
    );

    for bad in ["", "   ", &"x".repeat(8_001)] {
        let body = assert_problem(
            send(&app, &user.access_token, &id, bad).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "content");
    }
    assert!(send(&app, &user.access_token, &id, &"é".repeat(8_000))
        .await
        .status()
        .is_success());
}

#[actix_rt::test]
async fn the_request_sent_to_mistral_is_exactly_what_it_accepts() {
    let (app, fake) = with_fake(Flavor::Mistral, &[]).await;
    let user = app.user("marc@example.fr").await;
    let id = new_conversation(&app, &user.access_token).await;
    let first = send(&app, &user.access_token, &id, "Première question").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.expect("json");
    let reply = &first["assistant_message"];
    assert_eq!(reply["content"], "Bonjour ! Voici mes conseils.");
    assert_eq!(
        (reply["provider"].as_str(), reply["model"].as_str()),
        (Some("mistral"), Some("mistral-small-latest"))
    );
    assert_eq!(
        reply["usage"],
        json!({"prompt_tokens": USAGE.0, "completion_tokens": USAGE.1})
    );
    assert!(reply["latency_ms"].as_i64().is_some());

    assert_eq!(
        send(&app, &user.access_token, &id, "Deuxième question")
            .await
            .status(),
        StatusCode::CREATED
    );
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    let sent = &requests[1];
    assert_eq!(sent.authorization.as_deref(), Some("Bearer test-upstream-key"));
    assert_eq!(sent.body["model"], "mistral-small-latest");
    assert_eq!(sent.body["stream"], true);
    let keys: Vec<&String> = sent.body.as_object().expect("object").keys().collect();
    assert_eq!(
        keys,
        ["messages", "model", "stream"],
        "nothing Mistral would refuse (no stream_options, no user)"
    );
    let history: Vec<(&str, &str)> = sent.body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            (
                m["role"].as_str().unwrap_or_default(),
                m["content"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(history[0].0, "system");
    assert!(history[0].1.contains("JobBot") && history[0].1.contains("France Travail"));
    assert_eq!(
        &history[1..],
        [
            ("user", "Première question"),
            ("assistant", "Bonjour ! Voici mes conseils."),
            ("user", "Deuxième question")
        ]
    );
}

#[actix_rt::test]
async fn openrouter_gets_its_headers_and_its_comments_are_skipped() {
    let (app, fake) = with_fake(
        Flavor::OpenRouter,
        &[("JOBBOT_PUBLIC_URL", "https://jobbot.example")],
    )
    .await;
    let user = app.user("olga@example.fr").await;
    let id = new_conversation(&app, &user.access_token).await;
    let events = send_streaming(&app, &user.access_token, &id, "Bonjour").await;
    let done = &events.last().expect("event").1["message"];
    assert_eq!(done["content"], "Bonjour ! Voici mes conseils.");
    assert_eq!(done["provider"], "openrouter");
    assert_eq!(done["usage"]["prompt_tokens"], USAGE.0);
    let sent = &fake.requests()[0];
    assert_eq!(sent.authorization.as_deref(), Some("Bearer test-upstream-key"));
    assert_eq!(sent.referer.as_deref(), Some("https://jobbot.example"));
    assert_eq!(sent.title.as_deref(), Some("JobBot"));
}

#[actix_rt::test]
async fn one_reply_at_a_time_and_stop_keeps_what_was_written() {
    let (app, fake) = with_fake(Flavor::Mistral, &[]).await;
    let slow = pieces(&[
        "Un", " deux", " trois", " quatre", " cinq", " six", " sept", " huit", " neuf", " dix",
    ]);
    fake.set_fallback(Behaviour::Reply {
        pieces: slow,
        delay: Duration::from_millis(150),
    });
    let user = app.user("stop@example.fr").await;
    let id = new_conversation(&app, &user.access_token).await;
    let running = {
        let (app_client, url, token) = (
            app.client.clone(),
            app.url(&format!("/api/v1/conversations/{id}/messages")),
            user.access_token.clone(),
        );
        actix_rt::spawn(async move {
            app_client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"content": "Compte jusqu'à dix"}))
                .send()
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_problem(
        send(&app, &user.access_token, &id, "Et maintenant ?").await,
        409,
        "reply_in_progress",
    )
    .await;
    let regenerate = app
        .as_user(&user)
        .post_empty(&format!("/api/v1/conversations/{id}/regenerate"))
        .await;
    assert_problem(regenerate, 409, "reply_in_progress").await;

    let stopped = app
        .as_user(&user)
        .post_empty(&format!("/api/v1/conversations/{id}/stop"))
        .await;
    assert_eq!(stopped.status(), StatusCode::OK);
    let stopped: Value = stopped.json().await.expect("json");
    let content = stopped["message"]["content"]
        .as_str()
        .expect("content")
        .to_owned();
    assert_eq!(stopped["message"]["status"], "stopped");
    assert!(
        content.starts_with("Un deux") && !content.contains("dix"),
        "{content}"
    );
    let _ = running.await;

    let stored = messages(&app, &user.access_token, &id).await;
    assert_eq!(
        (stored[1]["status"].as_str(), stored[1]["content"].as_str()),
        (Some("stopped"), Some(content.as_str()))
    );
    let again = app
        .as_user(&user)
        .post_empty(&format!("/api/v1/conversations/{id}/stop"))
        .await;
    assert_problem(again, 409, "no_reply_in_progress").await;
}

#[actix_rt::test]
async fn a_closed_browser_does_not_lose_the_reply() {
    let (app, fake) = with_fake(Flavor::Mistral, &[]).await;
    let words = pieces(&["Réponse", " complète", " même", " sans", " navigateur."]);
    fake.set_fallback(Behaviour::Reply {
        pieces: words,
        delay: Duration::from_millis(100),
    });
    let user = app.user("reload@example.fr").await;
    let id = new_conversation(&app, &user.access_token).await;
    let mut response = app
        .client
        .post(app.url(&format!("/api/v1/conversations/{id}/messages")))
        .bearer_auth(&user.access_token)
        .header("Accept", "text/event-stream")
        .json(&json!({"content": "Question"}))
        .send()
        .await
        .expect("send");
    let first = response.chunk().await.expect("read").expect("a first event");
    assert!(String::from_utf8_lossy(&first).contains("user_message"));
    drop(response);

    let stored = settled(&app, &user.access_token, &id).await;
    assert_eq!(stored[1]["status"], "complete");
    assert_eq!(stored[1]["content"], "Réponse complète même sans navigateur.");
}

#[actix_rt::test]
async fn regenerate_replaces_the_last_answer() {
    let (app, fake) = with_fake(Flavor::Mistral, &[]).await;
    fake.script(vec![
        Behaviour::Reply {
            pieces: pieces(&["Première version"]),
            delay: Duration::ZERO,
        },
        Behaviour::Reply {
            pieces: pieces(&["Seconde version"]),
            delay: Duration::ZERO,
        },
    ]);
    let user = app.user("regen@example.fr").await;
    let id = new_conversation(&app, &user.access_token).await;
    let empty = app
        .as_user(&user)
        .post_empty(&format!("/api/v1/conversations/{id}/regenerate"))
        .await;
    assert_problem(empty, 409, "nothing_to_regenerate").await;
    send(&app, &user.access_token, &id, "Question").await;
    let regenerated = app
        .as_user(&user)
        .post_empty(&format!("/api/v1/conversations/{id}/regenerate"))
        .await;
    assert_eq!(regenerated.status(), StatusCode::CREATED);
    let stored = messages(&app, &user.access_token, &id).await;
    let texts: Vec<&str> = stored.iter().filter_map(|m| m["content"].as_str()).collect();
    assert_eq!(texts, ["Question", "Seconde version"]);
    let last_request = fake.requests().pop().expect("request");
    let sent: Vec<&str> = last_request.body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .skip(1)
        .filter_map(|m| m["content"].as_str())
        .collect();
    assert_eq!(sent, ["Question"], "the replaced answer is not sent back");
}
