//! Models users pick (issue 14): the operator's list (`JOBBOT_LLM_MODELS`), a conversation's model (create,
//! change between questions, 422 for one not offered), the `model` field of the request the upstream gets, and
//! the fallback model (`JOBBOT_LLM_FALLBACK_MODEL`) writing the reply when the chosen one is overloaded or down.

use std::time::Duration;

use jobbot_db::Backend;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::assistant::{messages, new_conversation, send, send_streaming, with_fake_on};
use crate::fake_llm::{pieces, Behaviour, FakeLlm, Flavor, USAGE};
use crate::helpers::{assert_problem, TestApp};

const MODELS: &str = "mistral-large-latest=Mistral Large|2:6; open-mistral-nemo=Mistral Nemo";

async fn app_with_models(backend: Backend) -> (TestApp, FakeLlm) {
    with_fake_on(
        backend,
        Flavor::Mistral,
        &[
            ("JOBBOT_LLM_MODELS", MODELS),
            ("JOBBOT_LLM_FALLBACK_MODEL", "open-mistral-nemo"),
        ],
    )
    .await
}

async fn patch(app: &TestApp, token: &str, id: &str, body: Value) -> reqwest::Response {
    app.with_token(token)
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/conversations/{id}"),
            Some(body.clone()),
        )
        .await
}

/// The `model` of each request the upstream received, in order.
fn sent_models(fake: &FakeLlm) -> Vec<String> {
    fake.requests()
        .iter()
        .map(|r| r.body["model"].as_str().unwrap_or_default().to_owned())
        .collect()
}

crate::on_both_backends!(conversations_pick_among_the_offered_models);

async fn conversations_pick_among_the_offered_models(backend: Backend) {
    let (app, fake) = app_with_models(backend).await;
    let info: Value = app.public_json("/api/v1/assistant").await;
    assert_eq!(info["model"], "mistral-small-latest");
    assert_eq!(
        info["models"],
        json!([
            {"id": "mistral-small-latest", "name": "mistral-small-latest"},
            {"id": "mistral-large-latest", "name": "Mistral Large"},
            {"id": "open-mistral-nemo", "name": "Mistral Nemo"},
        ]),
        "the default first, named by its id when the list does not name it; never the prices"
    );
    assert_eq!(info["fallback_model"], "open-mistral-nemo");
    // The document this server serves lists them too, so a client generated from it sends only those.
    let doc = app.openapi().await;
    for schema in ["CreateConversationRequest", "UpdateConversationRequest"] {
        assert_eq!(
            doc["components"]["schemas"][schema]["properties"]["model"]["enum"],
            json!([
                "mistral-small-latest",
                "mistral-large-latest",
                "open-mistral-nemo",
                null
            ]),
            "{schema}"
        );
    }

    let ana = app.user("ana@example.fr").await;
    let token = ana.access_token.as_str();
    let id = new_conversation(&app, token).await;
    let conversation: Value = app
        .with_token(token)
        .json(&format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(conversation["model"], "mistral-small-latest", "the default");
    let first: Value = send(&app, token, &id, "Première question")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(first["assistant_message"]["model"], "mistral-small-latest");

    // Changed between questions: the next request asks the new model, the earlier reply keeps its own.
    let changed = patch(&app, token, &id, json!({"model": "mistral-large-latest"})).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.expect("json");
    assert_eq!(changed["model"], "mistral-large-latest");
    let second: Value = send(&app, token, &id, "Deuxième question")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(second["assistant_message"]["model"], "mistral-large-latest");
    assert!(second["assistant_message"].get("fallback_from").is_none());
    assert_eq!(
        sent_models(&fake),
        ["mistral-small-latest", "mistral-large-latest"]
    );
    let stored = messages(&app, token, &id).await;
    let models: Vec<&str> = stored
        .iter()
        .filter(|m| m["role"] == "assistant")
        .map(|m| m["model"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(models, ["mistral-small-latest", "mistral-large-latest"]);

    // Regenerating asks the conversation's model too.
    let regenerated = app
        .with_token(token)
        .post_empty(&format!("/api/v1/conversations/{id}/regenerate"))
        .await;
    assert_eq!(regenerated.status(), StatusCode::CREATED);
    assert_eq!(
        sent_models(&fake).last().map(String::as_str),
        Some("mistral-large-latest")
    );

    // A model the operator does not offer: 422 `invalid_choice` on `model`, nothing changed.
    for bad in ["gpt-5", "", "MISTRAL-LARGE-LATEST"] {
        let refused = assert_problem(
            patch(&app, token, &id, json!({"model": bad, "title": "Renommée"})).await,
            422,
            "validation_failed",
        )
        .await;
        assert_eq!(refused["errors"][0]["field"], "model", "{bad}");
        assert_eq!(refused["errors"][0]["code"], "invalid_choice", "{bad}");
    }
    let unchanged: Value = app
        .with_token(token)
        .json(&format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(unchanged["model"], "mistral-large-latest");
    assert_ne!(unchanged["title"], "Renommée", "a refused change changes nothing");

    // Picked at creation; refused at creation; listed with each conversation.
    let created = app
        .with_token(token)
        .send("/api/v1/conversations", json!({"model": "open-mistral-nemo"}))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.expect("json");
    assert_eq!(created["model"], "open-mistral-nemo");
    let refused = app
        .with_token(token)
        .send("/api/v1/conversations", json!({"model": "gpt-5"}))
        .await;
    assert_problem(refused, 422, "validation_failed").await;
    let list: Value = app.with_token(token).json("/api/v1/conversations").await;
    let listed: Vec<(&str, &str)> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default(),
                c["model"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert!(
        listed.contains(&(id.as_str(), "mistral-large-latest")),
        "{listed:?}"
    );
    assert_eq!(listed.len(), 2, "the refused creation created nothing");

    // Another user's conversation is not found; a read-only token cannot change it.
    let bob = app.user("bob@example.fr").await;
    assert_problem(
        patch(
            &app,
            &bob.access_token,
            &id,
            json!({"model": "open-mistral-nemo"}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let read_only = app.create_token(token, "read").await;
    let read_only = read_only["secret"].as_str().expect("secret");
    let forbidden = patch(&app, read_only, &id, json!({"model": "open-mistral-nemo"})).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);

    // The export says which model each conversation uses.
    let export = app.export(token).await;
    let exported: Value = serde_json::from_str(
        export
            .get(&format!("conversations/{id}.json"))
            .expect("the conversation in the export"),
    )
    .expect("json");
    assert_eq!(exported["model"], "mistral-large-latest");
}

#[actix_rt::test]
async fn the_fallback_model_answers_when_the_chosen_one_is_overloaded() {
    let limited = || Behaviour::Status {
        status: 429,
        body: r#"{"message":"Requests rate limit exceeded"}"#.into(),
        retry_after: Some("0.05"),
    };
    let down = || Behaviour::Status {
        status: 503,
        body: r#"{"detail":"Service unavailable"}"#.into(),
        retry_after: None,
    };
    let (app, fake) = app_with_models(Backend::Sqlite).await;
    let user = app.user("fallback@example.fr").await;
    let token = user.access_token.as_str();
    let id = new_conversation(&app, token).await;
    assert_eq!(
        patch(&app, token, &id, json!({"model": "mistral-large-latest"}))
            .await
            .status(),
        StatusCode::OK
    );

    // Rate limited through the retries: the fallback writes the reply, and it says so.
    fake.script(vec![limited(), limited(), limited()]);
    let answered = send(&app, token, &id, "Une question").await;
    assert_eq!(answered.status(), StatusCode::CREATED);
    let answered: Value = answered.json().await.expect("json");
    let reply = &answered["assistant_message"];
    assert_eq!(reply["status"], "complete");
    assert_eq!(reply["content"], "Bonjour ! Voici mes conseils.");
    assert_eq!(reply["model"], "open-mistral-nemo");
    assert_eq!(reply["fallback_from"], "mistral-large-latest");
    assert_eq!(
        sent_models(&fake),
        [
            "mistral-large-latest",
            "mistral-large-latest",
            "mistral-large-latest",
            "open-mistral-nemo"
        ],
        "one try and two retries of the chosen model, then the fallback"
    );
    let stored = messages(&app, token, &id).await;
    assert_eq!(
        stored[1]["fallback_from"], "mistral-large-latest",
        "stored as such"
    );
    assert_eq!(stored[1]["model"], "open-mistral-nemo");

    // 5xx through the retries, streamed: the done event says so too; the conversation keeps its choice.
    fake.script(vec![down(), down(), down()]);
    let events = send_streaming(&app, token, &id, "Une autre").await;
    let (name, done) = events.last().expect("an event");
    assert_eq!(name, "done");
    assert_eq!(done["message"]["model"], "open-mistral-nemo");
    assert_eq!(done["message"]["fallback_from"], "mistral-large-latest");
    let conversation: Value = app
        .with_token(token)
        .json(&format!("/api/v1/conversations/{id}"))
        .await;
    assert_eq!(conversation["model"], "mistral-large-latest");

    // The next question asks the chosen model first again.
    let before = fake.requests().len();
    assert_eq!(
        send(&app, token, &id, "Et maintenant ?").await.status(),
        StatusCode::CREATED
    );
    assert_eq!(sent_models(&fake)[before..], ["mistral-large-latest"]);

    // A refused request (400) is the request's fault, not the model's load: no fallback.
    let before = fake.requests().len();
    fake.script(vec![Behaviour::Status {
        status: 400,
        body: r#"{"message":"Invalid model"}"#.into(),
        retry_after: None,
    }]);
    let refused = send(&app, token, &id, "Encore").await;
    assert_eq!(refused.status().as_u16(), 502);
    assert_eq!(sent_models(&fake)[before..], ["mistral-large-latest"]);

    // The fallback overloaded too: the reply fails, written by neither, after the fallback's own retries.
    let before = fake.requests().len();
    fake.script(vec![down(), down(), down(), down(), down(), down()]);
    assert_problem(send(&app, token, &id, "Toujours ?").await, 503, "llm_unavailable").await;
    assert_eq!(
        sent_models(&fake)[before..],
        [
            "mistral-large-latest",
            "mistral-large-latest",
            "mistral-large-latest",
            "open-mistral-nemo",
            "open-mistral-nemo",
            "open-mistral-nemo"
        ]
    );

    // The fallback's tokens are counted under the fallback model (the admin cost follows).
    let admin = app.admin_token("admin@example.fr").await;
    let stats: Value = app.with_token(&admin).json("/api/v1/admin/stats").await;
    let tokens_of = |model: &str| {
        stats["tokens"]
            .as_array()
            .expect("tokens")
            .iter()
            .find(|t| t["model"] == model)
            .cloned()
    };
    let nemo = tokens_of("open-mistral-nemo").expect("the fallback's tokens");
    let prompt: i64 = nemo["prompt"]
        .as_array()
        .expect("prompt")
        .iter()
        .filter_map(Value::as_i64)
        .sum();
    assert_eq!(prompt, 2 * USAGE.0, "the two replies the fallback wrote: {stats}");
    assert!(nemo["cost_eur"].is_null(), "no price given for it");
    let large = tokens_of("mistral-large-latest").expect("the chosen model's tokens");
    assert!(
        large["cost_eur"].is_array(),
        "priced by JOBBOT_LLM_MODELS: {large}"
    );
}

#[actix_rt::test]
async fn without_a_fallback_an_overloaded_model_fails_the_reply() {
    let (app, fake) = with_fake_on(
        Backend::Sqlite,
        Flavor::OpenRouter,
        &[(
            "JOBBOT_LLM_MODELS",
            "meta-llama/llama-3.3-70b-instruct:free=Llama 3.3 (gratuit)",
        )],
    )
    .await;
    let user = app.user("nofallback@example.fr").await;
    let token = user.access_token.as_str();
    let created = crate::helpers::send(
        &app,
        &user,
        Method::POST,
        "/api/v1/conversations",
        Some(json!({"model": "meta-llama/llama-3.3-70b-instruct:free"})),
    )
    .await;
    let created: Value = crate::helpers::ok(created, StatusCode::CREATED).await;
    let id = created["id"].as_str().expect("id").to_owned();
    let limited = || Behaviour::Status {
        status: 429,
        body: r#"{"error":{"code":429,"message":"Rate limit exceeded: free-models-per-min"}}"#.into(),
        retry_after: Some("0.05"),
    };
    fake.script(vec![limited(), limited(), limited()]);
    assert_problem(send(&app, token, &id, "Bonjour").await, 429, "llm_rate_limited").await;
    assert_eq!(
        sent_models(&fake),
        ["meta-llama/llama-3.3-70b-instruct:free"; 3],
        "OpenRouter gets the id as listed, `/` and `:` included"
    );
    fake.set_fallback(Behaviour::Reply {
        pieces: pieces(&["Réponse"]),
        delay: Duration::ZERO,
    });
    let answered: Value = send(&app, token, &id, "Encore").await.json().await.expect("json");
    assert_eq!(
        answered["assistant_message"]["model"],
        "meta-llama/llama-3.3-70b-instruct:free"
    );
}
