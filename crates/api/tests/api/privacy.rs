//! Consent records and the transparency facts.

use jobbot_db::Backend;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{assert_problem, spawn_app_with, TestApp};

both_backends!(
    consent_is_recorded_with_its_history,
    the_facts_describe_the_database
);

async fn consent_is_recorded_with_its_history(app: TestApp) {
    let user = app.user("rgpd@example.fr").await;
    let put = |preferences: bool, measurement: bool| {
        app.client
            .put(app.url("/api/v1/me/consent"))
            .bearer_auth(&user.access_token)
            .json(&json!({"policy_version": jobbot_domain::legal::PRIVACY_POLICY_VERSION, "preferences": preferences, "measurement": measurement}))
            .send()
    };
    let empty: Value = app
        .get_bearer("/api/v1/me/consent", &user.access_token)
        .await
        .json()
        .await
        .expect("json");
    assert!(empty["current"].is_null());
    assert_eq!(put(false, false).await.expect("put").status(), StatusCode::OK);
    let state: Value = put(true, false).await.expect("put").json().await.expect("json");
    assert_eq!(
        (
            state["current"]["preferences"].as_bool(),
            state["current"]["measurement"].as_bool()
        ),
        (Some(true), Some(false))
    );
    let history = state["history"].as_array().expect("history");
    assert_eq!(history.len(), 2, "append-only");
    assert_eq!(history[0]["preferences"], false);
    let bad = app
        .client
        .put(app.url("/api/v1/me/consent"))
        .bearer_auth(&user.access_token)
        .json(&json!({"policy_version": "", "preferences": true, "measurement": true}))
        .send()
        .await
        .expect("put");
    assert_problem(bad, 422, "validation_failed").await;
    assert_problem(
        app.client
            .get(app.url("/api/v1/me/consent"))
            .send()
            .await
            .expect("get"),
        401,
        "unauthenticated",
    )
    .await;
}

async fn the_facts_describe_the_database(app: TestApp) {
    let facts: Value = app
        .client
        .get(app.url("/api/v1/privacy"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    let url = crate::helpers::db_url(&app.db);
    match url.starts_with("sqlite") {
        true => {
            assert_eq!(facts["database"]["kind"], "sqlite");
            assert!(facts["database"]["location"]
                .as_str()
                .expect("location")
                .contains(".sqlite3"));
        }
        false => {
            assert_eq!(facts["database"]["kind"], "postgresql");
            let location = facts["database"]["location"].as_str().expect("location");
            assert!(
                location.starts_with("127.0.0.1") && !location.contains('@'),
                "{location}"
            );
        }
    }
    assert_eq!(facts["assistant"]["provider"], "offline");
    assert!(facts["assistant"]["host"].is_null());
    assert!(facts["retention_days"].is_null());
}

#[actix_rt::test]
async fn the_facts_follow_the_configured_provider_and_retention() {
    let mistral = spawn_app_with(
        Backend::Sqlite,
        &[("MISTRAL_API_KEY", "k"), ("JOBBOT_RETENTION_DAYS", "180")],
    )
    .await;
    let facts: Value = mistral
        .client
        .get(mistral.url("/api/v1/privacy"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(facts["assistant"]["provider"], "mistral");
    assert_eq!(facts["assistant"]["host"], "api.mistral.ai");
    assert_eq!(facts["assistant"]["in_eu"], true);
    assert_eq!(facts["retention_days"], 180);
    assert!(facts["assistant"]["sends"]
        .as_str()
        .expect("sends")
        .contains("nothing else"));
    assert!(!facts.to_string().contains("\"k\""), "no key in the facts");

    let openrouter = spawn_app_with(Backend::Sqlite, &[("OPENROUTER_API_KEY", "k")]).await;
    let facts: Value = openrouter
        .client
        .get(openrouter.url("/api/v1/privacy"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(
        (
            facts["assistant"]["provider"].as_str(),
            facts["assistant"]["in_eu"].as_bool()
        ),
        (Some("openrouter"), Some(false))
    );

    let ollama = spawn_app_with(
        Backend::Sqlite,
        &[
            ("JOBBOT_LLM_PROVIDER", "openai"),
            ("OPENAI_BASE_URL", "http://gpu.internal:11434/v1"),
        ],
    )
    .await;
    let facts: Value = ollama
        .client
        .get(ollama.url("/api/v1/privacy"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(facts["assistant"]["host"], "gpu.internal:11434");
    assert!(
        facts["assistant"]["in_eu"].is_null(),
        "unknown for a self-hosted server"
    );
}
