//! Personal access tokens: shown once, stored hashed, scoped, revocable, private to their owner.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{assert_problem, TestApp};

both_backends!(
    read_and_write_tokens_follow_their_scope,
    tokens_are_private_and_revocable
);

async fn read_and_write_tokens_follow_their_scope(app: TestApp) {
    let user = app.user("paul@example.fr").await;
    let read = app.create_token(&user.access_token, "read").await;
    let secret = read["secret"].as_str().expect("secret");
    assert!(secret.starts_with("jbt_") && secret.len() > 40);
    assert!(secret.starts_with(read["token"]["prefix"].as_str().expect("prefix")));
    assert!(read["token"]["expires_at"].is_string());

    let me = app.get_bearer("/api/v1/me", secret).await;
    assert_eq!(me.status(), StatusCode::OK);
    let write_attempt = app
        .client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(secret)
        .json(&json!({"display_name": "Hacked"}))
        .send()
        .await
        .expect("patch");
    assert_problem(write_attempt, 403, "insufficient_scope").await;

    let write = app.create_token(&user.access_token, "write").await;
    let write_secret = write["secret"].as_str().expect("secret");
    let patch = app
        .client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(write_secret)
        .json(&json!({"display_name": "Paul via API"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(patch.status(), StatusCode::OK);
    // A personal token cannot mint more tokens or change the password.
    let mint = app
        .client
        .post(app.url("/api/v1/me/tokens"))
        .bearer_auth(write_secret)
        .json(&json!({"name": "x", "scope": "write"}))
        .send()
        .await
        .expect("mint");
    assert_problem(mint, 403, "session_required").await;
    let invalid = app
        .client
        .post(app.url("/api/v1/me/tokens"))
        .bearer_auth(&user.access_token)
        .json(&json!({"name": "  ", "scope": "read", "expires_in_days": 0}))
        .send()
        .await
        .expect("create");
    assert_problem(invalid, 422, "validation_failed").await;
}

async fn tokens_are_private_and_revocable(app: TestApp) {
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let token = app.create_token(&alice.access_token, "read").await;
    let id = token["token"]["id"].as_str().expect("id");
    let secret = token["secret"].as_str().expect("secret");

    let listed: Vec<Value> = app
        .get_bearer("/api/v1/me/tokens", &alice.access_token)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed.len(), 1);
    assert!(listed[0].get("secret").is_none() && listed[0].get("token_hash").is_none());
    let bobs: Vec<Value> = app
        .get_bearer("/api/v1/me/tokens", &bob.access_token)
        .await
        .json()
        .await
        .expect("json");
    assert!(bobs.is_empty());

    let steal = app
        .client
        .delete(app.url(&format!("/api/v1/me/tokens/{id}")))
        .bearer_auth(&bob.access_token)
        .send()
        .await
        .expect("delete");
    assert_problem(steal, 404, "not_found").await;
    assert_eq!(
        app.get_bearer("/api/v1/me", secret).await.status(),
        StatusCode::OK
    );

    let revoke = app
        .client
        .delete(app.url(&format!("/api/v1/me/tokens/{id}")))
        .bearer_auth(&alice.access_token)
        .send()
        .await
        .expect("delete");
    assert_eq!(revoke.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get_bearer("/api/v1/me", secret).await, 401, "invalid_token").await;
    assert_problem(
        app.get_bearer("/api/v1/me", "jbt_made-up").await,
        401,
        "invalid_token",
    )
    .await;
}
