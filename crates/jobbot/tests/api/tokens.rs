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
        .with_token(secret)
        .call(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(json!({"display_name": "Hacked"})),
        )
        .await;
    assert_problem(write_attempt, 403, "insufficient_scope").await;

    let write = app.create_token(&user.access_token, "write").await;
    let write_secret = write["secret"].as_str().expect("secret");
    let patch = app
        .with_token(write_secret)
        .call(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(json!({"display_name": "Paul via API"})),
        )
        .await;
    assert_eq!(patch.status(), StatusCode::OK);
    // A personal token cannot mint more tokens or change the password.
    let mint = app
        .with_token(write_secret)
        .send("/api/v1/me/tokens", json!({"name": "x", "scope": "write"}))
        .await;
    assert_problem(mint, 403, "session_required").await;
    let invalid = app
        .as_user(&user)
        .send(
            "/api/v1/me/tokens",
            json!({"name": "  ", "scope": "read", "expires_in_days": 0}),
        )
        .await;
    assert_problem(invalid, 422, "validation_failed").await;
}

async fn tokens_are_private_and_revocable(app: TestApp) {
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let token = app.create_token(&alice.access_token, "read").await;
    let id = token["token"]["id"].as_str().expect("id");
    let secret = token["secret"].as_str().expect("secret");

    let listed: Vec<Value> = app.as_user(&alice).get("/api/v1/me/tokens").await;
    assert_eq!(listed.len(), 1);
    assert!(listed[0].get("secret").is_none() && listed[0].get("token_hash").is_none());
    let bobs: Vec<Value> = app.as_user(&bob).get("/api/v1/me/tokens").await;
    assert!(bobs.is_empty());

    let steal = app.as_user(&bob).delete(&format!("/api/v1/me/tokens/{id}")).await;
    assert_problem(steal, 404, "not_found").await;
    app.with_token(secret).json("/api/v1/me").await;

    let revoke = app
        .as_user(&alice)
        .delete(&format!("/api/v1/me/tokens/{id}"))
        .await;
    assert_eq!(revoke.status(), StatusCode::NO_CONTENT);
    app.with_token(secret)
        .refused("/api/v1/me", 401, "invalid_token")
        .await;
    app.with_token("jbt_made-up")
        .refused("/api/v1/me", 401, "invalid_token")
        .await;
}
