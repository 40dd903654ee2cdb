//! The admin console's API: every endpoint's refusals (role, read-only token), the last-admin and
//! self-action rules, a disabled account's effects (sessions, tokens, login, shares, an open WebSocket),
//! the audit log (what it records, filters, CSV, append-only on PostgreSQL), and the "no contents" sweep.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{assert_problem, TestApp, TestUser, PASSWORD};

both_backends!(
    admin_endpoints_refuse_non_admins_and_read_only_tokens,
    admins_list_search_and_read_accounts,
    a_disabled_account_loses_sessions_tokens_login_and_shares,
    the_last_admin_and_self_actions_are_refused,
    shares_are_moderated_from_their_metadata
);

pub(crate) const MARKER: &str = "SECRET-MARKER-7f3a";

pub(crate) async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("json")
}

/// Signs up `email` as an admin and logs in: (user, access token).
pub(crate) async fn admin(app: &TestApp, email: &str) -> (TestUser, String) {
    let user = app.user(email).await;
    app.promote(&user.id, "admin").await;
    let login = json_of(app.login(email, PASSWORD).await).await;
    let token = login["access_token"].as_str().expect("token").to_owned();
    app.enrol_two_factor(&token).await;
    (user, token)
}

pub(crate) async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let request = app.client.request(method, app.url(path)).bearer_auth(token);
    let request = match body {
        Some(body) => request.json(&body),
        None => request,
    };
    request.send().await.expect("request")
}

/// `DELETE path` with `{"reason": reason}`.
pub(crate) async fn delete_with_reason(
    app: &TestApp,
    token: &str,
    path: &str,
    reason: &str,
) -> reqwest::Response {
    send(
        app,
        reqwest::Method::DELETE,
        path,
        token,
        Some(json!({ "reason": reason })),
    )
    .await
}

pub(crate) async fn patch_user(app: &TestApp, token: &str, id: &str, body: Value) -> reqwest::Response {
    send(
        app,
        reqwest::Method::PATCH,
        &format!("/api/v1/admin/users/{id}"),
        token,
        Some(body),
    )
    .await
}

pub(crate) async fn audit(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app
        .get_bearer(&format!("/api/v1/admin/audit{query}"), token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    json_of(response).await
}

/// `owner` asks a question in a new conversation, opens a chat with `recipient` and shares the
/// conversation there: (conversation, chat, share) ids.
pub(crate) async fn share_a_conversation(
    app: &TestApp,
    owner: &TestUser,
    recipient: &str,
    question: &str,
    mode: &str,
) -> (String, String, String) {
    let post = |path: String, body: Value| async move {
        let response = send(app, reqwest::Method::POST, &path, &owner.access_token, Some(body)).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{path}");
        json_of(response).await
    };
    let conversation = post("/api/v1/conversations".into(), json!({"title": question})).await;
    let conversation = conversation["id"].as_str().expect("id").to_owned();
    post(
        format!("/api/v1/conversations/{conversation}/messages"),
        json!({"content": question}),
    )
    .await;
    let chat = post("/api/v1/chats".into(), json!({"participant_email": recipient})).await;
    let chat = chat["id"].as_str().expect("id").to_owned();
    let shared = post(
        format!("/api/v1/chats/{chat}/shares"),
        json!({"conversation_id": conversation, "mode": mode}),
    )
    .await;
    let share = shared["share"]["id"].as_str().expect("id").to_owned();
    (conversation, chat, share)
}

async fn admin_endpoints_refuse_non_admins_and_read_only_tokens(app: TestApp) {
    let candidate = app.user("cand@example.fr").await;
    let (boss, boss_token) = admin(&app, "boss@example.fr").await;
    let id = candidate.id.clone();
    let calls: Vec<(reqwest::Method, String, Option<Value>)> = vec![
        (reqwest::Method::GET, "/api/v1/admin/users".into(), None),
        (reqwest::Method::GET, format!("/api/v1/admin/users/{id}"), None),
        (
            reqwest::Method::PATCH,
            format!("/api/v1/admin/users/{id}"),
            Some(json!({"disabled": true, "reason": "x"})),
        ),
        (
            reqwest::Method::POST,
            format!("/api/v1/admin/users/{id}/logout"),
            None,
        ),
        (
            reqwest::Method::DELETE,
            format!("/api/v1/admin/users/{id}"),
            Some(json!({"reason": "x"})),
        ),
        (reqwest::Method::GET, "/api/v1/admin/audit".into(), None),
        (reqwest::Method::GET, "/api/v1/admin/system".into(), None),
        (reqwest::Method::GET, "/api/v1/admin/stats".into(), None),
        (reqwest::Method::GET, "/api/v1/admin/shares".into(), None),
        (
            reqwest::Method::DELETE,
            "/api/v1/admin/shares/some-share".into(),
            Some(json!({"reason": "x"})),
        ),
    ];
    for (method, path, body) in &calls {
        let response = send(&app, method.clone(), path, &candidate.access_token, body.clone()).await;
        assert_problem(response, 403, "forbidden").await;
    }
    // An admin's personal token, even a read-only one, never reaches the admin API: it would skip the
    // second factor (issue 27).
    let read = app.create_token(&boss_token, "read").await;
    let read = read["secret"].as_str().expect("secret").to_owned();
    for (method, path, body) in &calls {
        let response = send(&app, method.clone(), path, &read, body.clone()).await;
        let status = response.status().as_u16();
        let problem: serde_json::Value = response.json().await.expect("problem");
        assert!(
            status == 403
                && ["session_required", "insufficient_scope"]
                    .contains(&problem["code"].as_str().unwrap_or_default()),
            "{method} {path}: {status} {problem}"
        );
    }
    // Unknown ids are 404; bad bodies 422 and nothing changes.
    app.with_token(&boss_token)
        .refused("/api/v1/admin/users/nobody", 404, "not_found")
        .await;
    assert_problem(
        patch_user(
            &app,
            &boss_token,
            "nobody",
            json!({"disabled": true, "reason": "x"}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        patch_user(&app, &boss_token, &id, json!({"disabled": true, "reason": "  "})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_problem(
        patch_user(&app, &boss_token, &id, json!({"reason": "nothing"})).await,
        422,
        "validation_failed",
    )
    .await;
    assert_problem(
        patch_user(&app, &boss_token, &id, json!({"role": "emperor", "reason": "x"})).await,
        422,
        "invalid_body",
    )
    .await;
    let huge = "x".repeat(501);
    assert_problem(
        patch_user(&app, &boss_token, &id, json!({"disabled": true, "reason": huge})).await,
        422,
        "validation_failed",
    )
    .await;
    let still = app
        .with_token(&boss_token)
        .json(&format!("/api/v1/admin/users/{id}"))
        .await;
    assert_eq!(
        (still["disabled_at"].is_null(), still["role"].as_str()),
        (true, Some("candidate"))
    );
    assert_eq!(boss.id.len(), 36);
}

async fn admins_list_search_and_read_accounts(app: TestApp) {
    let (_, token) = admin(&app, "boss@example.fr").await;
    let jade = app.user("jade.dupont@example.fr").await;
    app.user("paul@example.fr").await;
    app.user("under_score@example.fr").await;
    // Jade has a conversation and a chat.
    let conversation = json_of(
        send(
            &app,
            reqwest::Method::POST,
            "/api/v1/conversations",
            &jade.access_token,
            Some(json!({})),
        )
        .await,
    )
    .await;
    assert!(conversation["id"].is_string());
    let chat = send(
        &app,
        reqwest::Method::POST,
        "/api/v1/chats",
        &jade.access_token,
        Some(json!({"participant_email": "paul@example.fr"})),
    )
    .await;
    assert_eq!(chat.status(), StatusCode::CREATED);

    let page = app.with_token(&token).json("/api/v1/admin/users?limit=2").await;
    assert_eq!(
        (page["total"].as_i64(), page["items"].as_array().map(Vec::len)),
        (Some(4), Some(2))
    );
    assert_eq!(
        page["items"][0]["email"], "under_score@example.fr",
        "newest first by default"
    );
    let emails = |page: &Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|u| u["email"].as_str().expect("email").to_owned())
            .collect()
    };
    let by_email = app
        .with_token(&token)
        .json("/api/v1/admin/users?sort=email")
        .await;
    assert_eq!(
        emails(&by_email),
        [
            "boss@example.fr",
            "jade.dupont@example.fr",
            "paul@example.fr",
            "under_score@example.fr"
        ]
    );
    let second = app
        .with_token(&token)
        .json("/api/v1/admin/users?sort=email&limit=2&offset=2")
        .await;
    assert_eq!(emails(&second), ["paul@example.fr", "under_score@example.fr"]);
    let found = app.with_token(&token).json("/api/v1/admin/users?q=JADE").await;
    assert_eq!(emails(&found), ["jade.dupont@example.fr"]);
    // `_` is a letter, not a wildcard.
    let literal = app.with_token(&token).json("/api/v1/admin/users?q=r_s").await;
    assert_eq!(emails(&literal), ["under_score@example.fr"]);
    let none = app.with_token(&token).json("/api/v1/admin/users?q=e_d").await;
    assert_eq!(none["total"], 0);
    let admins = app
        .with_token(&token)
        .json("/api/v1/admin/users?role=admin")
        .await;
    assert_eq!(emails(&admins), ["boss@example.fr"]);
    for bad in [
        "sort=age",
        "role=root",
        "status=asleep",
        "limit=0",
        "limit=101",
        "offset=-1",
    ] {
        app.with_token(&token)
            .refused(&format!("/api/v1/admin/users?{bad}"), 422, "validation_failed")
            .await;
    }

    let one = app
        .with_token(&token)
        .json(&format!("/api/v1/admin/users/{}", jade.id))
        .await;
    assert_eq!(
        (
            one["conversations"].as_i64(),
            one["chats"].as_i64(),
            one["shares"].as_i64()
        ),
        (Some(1), Some(1), Some(0))
    );
    assert!(one["last_active_at"].is_string(), "her login counts as activity");
    assert!(one.get("password_hash").is_none());
    assert_eq!(one["tokens_this_month"], 0);
}

async fn a_disabled_account_loses_sessions_tokens_login_and_shares(app: TestApp) {
    let (_, token) = admin(&app, "boss@example.fr").await;
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let bob_token = app.create_token(&bob.access_token, "write").await;
    let bob_token = bob_token["secret"].as_str().expect("secret").to_owned();
    // Bob shares a conversation with Alice.
    let (_, _, share_id) = share_a_conversation(
        &app,
        &bob,
        "alice@example.fr",
        "Comment préparer un entretien ?",
        "snapshot",
    )
    .await;
    let share_path = format!("/api/v1/shares/{share_id}");
    app.as_user(&alice).json(&share_path).await;
    // Bob has a socket open.
    let url = format!("{}/api/v1/ws", app.address.replace("http://", "ws://"));
    let (_, mut socket) = awc::Client::new()
        .ws(url)
        .bearer_auth(&bob.access_token)
        .connect()
        .await
        .expect("websocket");

    let disabled = patch_user(
        &app,
        &token,
        &bob.id,
        json!({"disabled": true, "reason": "Spam signalé"}),
    )
    .await;
    assert_eq!(disabled.status(), StatusCode::OK);
    let request_id = disabled
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .expect("request id")
        .to_owned();
    let disabled = json_of(disabled).await;
    assert_eq!(disabled["disabled_reason"], "Spam signalé");
    assert!(disabled["disabled_at"].is_string());

    // The open socket hears it and closes at once (not at the next heartbeat, 25 s away).
    let mut heard = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(frame) = socket.next().await {
            match frame {
                Ok(awc::ws::Frame::Text(bytes)) => {
                    let event: Value = serde_json::from_slice(&bytes).expect("JSON");
                    heard.push(event["type"].as_str().unwrap_or_default().to_owned());
                }
                Ok(awc::ws::Frame::Close(_)) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(
        closed.is_ok() && heard.iter().any(|t| t == "session.ended"),
        "session.ended, then the socket closed: {closed:?} {heard:?}"
    );

    // Every credential is dead, the login is refused with its own code, and the share is gone for Alice.
    let me = app.get_bearer("/api/v1/me", &bob.access_token).await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get_bearer("/api/v1/me", &bob_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let refreshed = app
        .post_json(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": bob.refresh_token}),
        )
        .await;
    assert_eq!(refreshed.status(), StatusCode::UNAUTHORIZED);
    assert_problem(
        app.login("bob@example.fr", PASSWORD).await,
        403,
        "account_disabled",
    )
    .await;
    assert_problem(
        app.login("bob@example.fr", "wrong-password-123").await,
        401,
        "invalid_credentials",
    )
    .await;
    app.as_user(&alice).refused(&share_path, 410, "share_gone").await;

    // The audit log has it, with the actor, the target, the reason and the request's id.
    let log = audit(&app, &token, &format!("?target={}", bob.id)).await;
    let entry = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|e| e["action"] == "admin.user_disabled")
        .expect("recorded")
        .clone();
    assert_eq!(entry["details"]["reason"], "Spam signalé");
    assert_eq!(entry["request_id"], request_id.as_str());
    assert_eq!(entry["details"]["tokens_revoked"], 1);
    assert!(entry["client_ip"].is_string());

    // Enabled again: Bob logs in, and his share is readable again.
    let enabled = patch_user(
        &app,
        &token,
        &bob.id,
        json!({"disabled": false, "reason": "Erreur"}),
    )
    .await;
    assert_eq!(enabled.status(), StatusCode::OK);
    assert!(json_of(enabled).await["disabled_at"].is_null());
    assert_eq!(
        app.login("bob@example.fr", PASSWORD).await.status(),
        StatusCode::OK
    );
    app.as_user(&alice).json(&share_path).await;
    let log = audit(&app, &token, "?action=admin.user_enabled").await;
    assert_eq!(log["total"], 1);
}

async fn the_last_admin_and_self_actions_are_refused(app: TestApp) {
    let (boss, token) = admin(&app, "boss@example.fr").await;
    let carol = app.user("carol@example.fr").await;
    let removals = [
        json!({"role": "candidate", "reason": "x"}),
        json!({"disabled": true, "reason": "x"}),
    ];
    for removal in &removals {
        let refused = patch_user(&app, &token, &boss.id, removal.clone()).await;
        assert_problem(refused, 409, "last_admin").await;
    }
    let promoted = patch_user(
        &app,
        &token,
        &carol.id,
        json!({"role": "admin", "reason": "Nouvelle admin"}),
    )
    .await;
    assert_eq!(promoted.status(), StatusCode::OK);
    assert_eq!(json_of(promoted).await["role"], "admin");
    // With two admins, an admin still cannot demote, disable or delete themself.
    for removal in &removals {
        let refused = patch_user(&app, &token, &boss.id, removal.clone()).await;
        assert_problem(refused, 409, "self_action").await;
    }
    let deleted = delete_with_reason(&app, &token, &format!("/api/v1/admin/users/{}", boss.id), "x").await;
    assert_problem(deleted, 409, "self_action").await;
    // Carol demotes Boss; then Carol is the last admin.
    let login = json_of(app.login("carol@example.fr", PASSWORD).await).await;
    let carol_token = login["access_token"].as_str().expect("token").to_owned();
    // A new admin first meets the two-factor requirement, then turns it on.
    app.with_token(&carol_token)
        .refused("/api/v1/admin/users", 403, "admin_2fa_required")
        .await;
    app.enrol_two_factor(&carol_token).await;
    let demoted = patch_user(
        &app,
        &carol_token,
        &boss.id,
        json!({"role": "recruiter", "reason": "Rôle changé"}),
    )
    .await;
    assert_eq!(demoted.status(), StatusCode::OK);
    app.with_token(&token)
        .refused("/api/v1/admin/users", 403, "forbidden")
        .await;
    assert_problem(
        patch_user(
            &app,
            &carol_token,
            &carol.id,
            json!({"role": "candidate", "reason": "x"}),
        )
        .await,
        409,
        "last_admin",
    )
    .await;
    let log = audit(&app, &carol_token, "?action=admin.role_changed").await;
    let changes: Vec<(String, String)> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|e| {
            (
                e["details"]["from"].as_str().unwrap_or_default().to_owned(),
                e["details"]["to"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            ("admin".to_owned(), "recruiter".to_owned()),
            ("candidate".to_owned(), "admin".to_owned())
        ]
    );
}

async fn shares_are_moderated_from_their_metadata(app: TestApp) {
    let (boss, token) = admin(&app, "boss@example.fr").await;
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let (_, _, share_id) =
        share_a_conversation(&app, &bob, "alice@example.fr", "Relire ma lettre", "snapshot").await;
    let share_path = format!("/api/v1/shares/{share_id}");
    app.as_user(&alice).json(&share_path).await;

    let page = app.with_token(&token).json("/api/v1/admin/shares").await;
    assert_eq!(page["total"], 1);
    let item = &page["items"][0];
    assert_eq!(
        (
            item["owner_email"].as_str(),
            item["recipient_email"].as_str(),
            item["recipient_id"].as_str(),
            item["state"].as_str(),
            item["mode"].as_str(),
            item["views"].as_i64(),
        ),
        (
            Some("bob@example.fr"),
            Some("alice@example.fr"),
            Some(alice.id.as_str()),
            Some("active"),
            Some("snapshot"),
            Some(1)
        )
    );
    assert!(
        item.get("title").is_none() && item.get("snapshot").is_none(),
        "metadata only"
    );
    for (query, total) in [("?state=active", 1), ("?state=removed", 0), ("?state=expired", 0)] {
        let page = app
            .with_token(&token)
            .json(&format!("/api/v1/admin/shares{query}"))
            .await;
        assert_eq!(page["total"], total, "{query}");
    }
    let by_owner = app
        .with_token(&token)
        .json(&format!("/api/v1/admin/shares?owner={}", alice.id))
        .await;
    assert_eq!(by_owner["total"], 0);
    app.with_token(&token)
        .refused("/api/v1/admin/shares?state=hidden", 422, "validation_failed")
        .await;

    let admin_path = format!("/api/v1/admin/shares/{share_id}");
    let no_reason = delete_with_reason(&app, &token, &admin_path, "").await;
    assert_problem(no_reason, 422, "validation_failed").await;
    let removed = delete_with_reason(&app, &token, &admin_path, "Données personnelles d'un tiers").await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    let again = delete_with_reason(&app, &token, &admin_path, "x").await;
    assert_problem(again, 404, "not_found").await;
    let unknown = delete_with_reason(&app, &token, "/api/v1/admin/shares/nope", "x").await;
    assert_problem(unknown, 404, "not_found").await;

    // The recipient loses it; the owner sees that an administrator removed it, and why.
    app.as_user(&alice).refused(&share_path, 410, "share_gone").await;
    let mine = app.as_user(&bob).json("/api/v1/me/shares").await;
    assert_eq!(mine[0]["share"]["state"], "removed");
    assert_eq!(
        mine[0]["share"]["removed_reason"],
        "Données personnelles d'un tiers"
    );
    let removed = app
        .with_token(&token)
        .json("/api/v1/admin/shares?state=removed")
        .await;
    assert_eq!(
        removed["items"][0]["removed_reason"],
        "Données personnelles d'un tiers"
    );
    let log = audit(&app, &token, &format!("?target={share_id}")).await;
    assert_eq!(
        (
            log["items"][0]["action"].as_str(),
            log["items"][0]["actor_id"].as_str(),
            log["items"][0]["details"]["owner_id"].as_str()
        ),
        (
            Some("admin.share_removed"),
            Some(boss.id.as_str()),
            Some(bob.id.as_str())
        )
    );
}

/// `JOBBOT_ADMIN_2FA=optional` (local development) lets an admin in without two-factor sign-in.
#[actix_rt::test]
async fn admin_two_factor_can_be_optional_in_development() {
    let app =
        crate::helpers::spawn_app_with(jobbot_db::Backend::Sqlite, &[("JOBBOT_ADMIN_2FA", "optional")]).await;
    let user = app.user("dev@example.fr").await;
    app.promote(&user.id, "admin").await;
    app.as_user(&user).json("/api/v1/admin/users").await;
}
