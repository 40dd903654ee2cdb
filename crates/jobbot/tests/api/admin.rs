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
    logout_and_deletion_by_an_admin_are_audited,
    the_audit_log_filters_and_downloads_as_csv,
    admins_never_see_contents,
    the_system_page_describes_the_running_instance,
    shares_are_moderated_from_their_metadata,
);

const MARKER: &str = "SECRET-MARKER-7f3a";

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("json")
}

/// Signs up `email` as an admin and logs in: (user, access token).
async fn admin(app: &TestApp, email: &str) -> (TestUser, String) {
    let user = app.user(email).await;
    app.promote(&user.id, "admin").await;
    let login = json_of(app.login(email, PASSWORD).await).await;
    let token = login["access_token"].as_str().expect("token").to_owned();
    app.enrol_two_factor(&token).await;
    (user, token)
}

async fn send(
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
async fn delete_with_reason(app: &TestApp, token: &str, path: &str, reason: &str) -> reqwest::Response {
    send(
        app,
        reqwest::Method::DELETE,
        path,
        token,
        Some(json!({ "reason": reason })),
    )
    .await
}

async fn patch_user(app: &TestApp, token: &str, id: &str, body: Value) -> reqwest::Response {
    send(
        app,
        reqwest::Method::PATCH,
        &format!("/api/v1/admin/users/{id}"),
        token,
        Some(body),
    )
    .await
}

async fn audit(app: &TestApp, token: &str, query: &str) -> Value {
    let response = app
        .get_bearer(&format!("/api/v1/admin/audit{query}"), token)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    json_of(response).await
}

/// `owner` asks a question in a new conversation, opens a chat with `recipient` and shares the
/// conversation there: (conversation, chat, share) ids.
async fn share_a_conversation(
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
    assert_problem(
        app.get_bearer("/api/v1/admin/users/nobody", &boss_token).await,
        404,
        "not_found",
    )
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
    let still = json_of(
        app.get_bearer(&format!("/api/v1/admin/users/{id}"), &boss_token)
            .await,
    )
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

    let page = json_of(app.get_bearer("/api/v1/admin/users?limit=2", &token).await).await;
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
    let by_email = json_of(app.get_bearer("/api/v1/admin/users?sort=email", &token).await).await;
    assert_eq!(
        emails(&by_email),
        [
            "boss@example.fr",
            "jade.dupont@example.fr",
            "paul@example.fr",
            "under_score@example.fr"
        ]
    );
    let second = json_of(
        app.get_bearer("/api/v1/admin/users?sort=email&limit=2&offset=2", &token)
            .await,
    )
    .await;
    assert_eq!(emails(&second), ["paul@example.fr", "under_score@example.fr"]);
    let found = json_of(app.get_bearer("/api/v1/admin/users?q=JADE", &token).await).await;
    assert_eq!(emails(&found), ["jade.dupont@example.fr"]);
    // `_` is a letter, not a wildcard.
    let literal = json_of(app.get_bearer("/api/v1/admin/users?q=r_s", &token).await).await;
    assert_eq!(emails(&literal), ["under_score@example.fr"]);
    let none = json_of(app.get_bearer("/api/v1/admin/users?q=e_d", &token).await).await;
    assert_eq!(none["total"], 0);
    let admins = json_of(app.get_bearer("/api/v1/admin/users?role=admin", &token).await).await;
    assert_eq!(emails(&admins), ["boss@example.fr"]);
    for bad in [
        "sort=age",
        "role=root",
        "status=asleep",
        "limit=0",
        "limit=101",
        "offset=-1",
    ] {
        assert_problem(
            app.get_bearer(&format!("/api/v1/admin/users?{bad}"), &token)
                .await,
            422,
            "validation_failed",
        )
        .await;
    }

    let one = json_of(
        app.get_bearer(&format!("/api/v1/admin/users/{}", jade.id), &token)
            .await,
    )
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
    assert_eq!(
        app.get_bearer(&share_path, &alice.access_token).await.status(),
        StatusCode::OK
    );
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
    assert_problem(
        app.get_bearer(&share_path, &alice.access_token).await,
        410,
        "share_gone",
    )
    .await;

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
    assert_eq!(
        app.get_bearer(&share_path, &alice.access_token).await.status(),
        StatusCode::OK
    );
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
    assert_problem(
        app.get_bearer("/api/v1/admin/users", &carol_token).await,
        403,
        "admin_2fa_required",
    )
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
    assert_problem(
        app.get_bearer("/api/v1/admin/users", &token).await,
        403,
        "forbidden",
    )
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

async fn logout_and_deletion_by_an_admin_are_audited(app: TestApp) {
    let (boss, token) = admin(&app, "boss@example.fr").await;
    let dan = app.user("dan@example.fr").await;
    let second = json_of(app.login("dan@example.fr", PASSWORD).await).await;
    let second = second["access_token"].as_str().expect("token").to_owned();
    app.create_token(&dan.access_token, "read").await;
    let report = send(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/admin/users/{}/logout", dan.id),
        &token,
        None,
    )
    .await;
    assert_eq!(report.status(), StatusCode::OK);
    assert_eq!(
        json_of(report).await,
        json!({"sessions": 2, "personal_tokens": 1})
    );
    for access in [&dan.access_token, &second] {
        assert_eq!(
            app.get_bearer("/api/v1/me", access).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Logged out is not disabled: Dan logs in again.
    assert_eq!(
        app.login("dan@example.fr", PASSWORD).await.status(),
        StatusCode::OK
    );

    let path = format!("/api/v1/admin/users/{}", dan.id);
    assert_problem(
        send(&app, reqwest::Method::DELETE, &path, &token, Some(json!({}))).await,
        422,
        "invalid_body",
    )
    .await;
    let receipt = delete_with_reason(&app, &token, &path, "Demande RGPD par courrier").await;
    assert_eq!(receipt.status(), StatusCode::OK);
    let receipt = json_of(receipt).await;
    assert_eq!(receipt["sessions"], 3);
    assert_problem(
        app.login("dan@example.fr", PASSWORD).await,
        401,
        "invalid_credentials",
    )
    .await;
    assert_problem(app.get_bearer(&path, &token).await, 404, "not_found").await;
    let log = audit(&app, &token, &format!("?actor={}", boss.id)).await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "admin.user_deleted",
            "admin.user_logged_out",
            "account.2fa_enabled"
        ],
        "and the admin's own enrolment"
    );
    assert_eq!(log["items"][0]["details"]["receipt"]["sessions"], 3);
    assert_eq!(log["items"][0]["details"]["reason"], "Demande RGPD par courrier");
    // Dan's own actions stay in the log after his account is gone.
    let own = audit(&app, &token, &format!("?actor={}", dan.id)).await;
    assert_eq!(own["items"][0]["action"], "token.created");
}

async fn the_audit_log_filters_and_downloads_as_csv(app: TestApp) {
    let (boss, token) = admin(&app, "boss@example.fr").await;
    let eve = app.user("eve@example.fr").await;
    let created = app.create_token(&eve.access_token, "write").await;
    let token_id = created["token"]["id"].as_str().expect("id").to_owned();
    let revoked = send(
        &app,
        reqwest::Method::DELETE,
        &format!("/api/v1/me/tokens/{token_id}"),
        &eve.access_token,
        None,
    )
    .await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let _ = app.export(&eve.access_token).await;
    // A formula-looking reason is not run by a spreadsheet.
    patch_user(
        &app,
        &token,
        &eve.id,
        json!({"disabled": true, "reason": "=HYPERLINK(\"x\"), \"quoted\""}),
    )
    .await;

    let all = audit(&app, &token, "").await;
    let actions: Vec<&str> = all["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "admin.user_disabled",
            "account.exported",
            "token.revoked",
            "token.created",
            "account.2fa_enabled"
        ],
        "the admin's own enrolment first"
    );
    let page = audit(&app, &token, "?limit=1&offset=1").await;
    assert_eq!(
        (page["total"].as_i64(), page["items"][0]["action"].as_str()),
        (Some(5), Some("account.exported"))
    );
    let by_target = audit(&app, &token, &format!("?target={token_id}")).await;
    assert_eq!(by_target["total"], 2);
    let future = audit(&app, &token, "?from=2999-01-01T00:00:00Z").await;
    assert_eq!(future["total"], 0);
    let past = audit(&app, &token, "?to=2000-01-01T00:00:00Z").await;
    assert_eq!(past["total"], 0);
    assert_problem(
        app.get_bearer("/api/v1/admin/audit?from=yesterday", &token).await,
        422,
        "validation_failed",
    )
    .await;
    assert_problem(
        app.get_bearer("/api/v1/admin/audit?limit=201", &token).await,
        422,
        "validation_failed",
    )
    .await;

    let csv = app
        .client
        .get(app.url("/api/v1/admin/audit"))
        .bearer_auth(&token)
        .header("accept", "text/csv")
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(csv
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/csv")));
    let text = csv.text().await.expect("text");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "id,at,actor_id,action,target_type,target_id,client_ip,request_id,details"
    );
    assert_eq!(lines.len(), 6, "the header and five records");
    assert!(lines[1].contains(&boss.id) && lines[1].contains("admin.user_disabled"));
    assert!(
        !text.contains(",=HYPERLINK") && !text.contains(",\"=HYPERLINK"),
        "no cell starts with ="
    );
}

async fn admins_never_see_contents(app: TestApp) {
    let (_, token) = admin(&app, "boss@example.fr").await;
    let alice = app.user("alice@example.fr").await;
    app.user("bob@example.fr").await;
    let (_, chat, _) = share_a_conversation(
        &app,
        &alice,
        "bob@example.fr",
        &format!("Question {MARKER}"),
        "live",
    )
    .await;
    let posted = send(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/chats/{chat}/messages"),
        &alice.access_token,
        Some(json!({"content": format!("Bonjour {MARKER}")})),
    )
    .await;
    assert_eq!(posted.status(), StatusCode::CREATED);
    let token_made = app.create_token(&alice.access_token, "read").await;
    assert!(token_made["secret"].is_string());
    // Admin actions on her account, with their own records.
    patch_user(
        &app,
        &token,
        &alice.id,
        json!({"role": "recruiter", "reason": "Test"}),
    )
    .await;
    send(
        &app,
        reqwest::Method::POST,
        &format!("/api/v1/admin/users/{}/logout", alice.id),
        &token,
        None,
    )
    .await;

    let mut seen = String::new();
    for path in [
        "/api/v1/admin/users".to_owned(),
        "/api/v1/admin/users?q=alice".to_owned(),
        format!("/api/v1/admin/users/{}", alice.id),
        "/api/v1/admin/audit".to_owned(),
        "/api/v1/admin/shares".to_owned(),
        "/api/v1/admin/system".to_owned(),
        "/api/v1/admin/stats".to_owned(),
    ] {
        let response = app.get_bearer(&path, &token).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        seen.push_str(&response.text().await.expect("text"));
    }
    let csv = app
        .client
        .get(app.url("/api/v1/admin/audit"))
        .bearer_auth(&token)
        .header("accept", "text/csv")
        .send()
        .await
        .expect("csv");
    seen.push_str(&csv.text().await.expect("text"));
    assert!(seen.contains(&alice.id), "the sweep read Alice's metadata");
    assert!(!seen.contains(MARKER), "no contents in what admins see");
    assert!(
        !seen.contains(token_made["secret"].as_str().unwrap_or("-")),
        "no token secret"
    );
}

/// On PostgreSQL the log refuses UPDATE, DELETE and TRUNCATE, even by hand; only the retention purge
/// deletes, and only old records.
#[actix_rt::test]
async fn the_audit_log_is_append_only_on_postgres() {
    let app = crate::helpers::spawn_app(jobbot_db::Backend::Postgres).await;
    let (_, token) = admin(&app, "boss@example.fr").await;
    let eve = app.user("eve@example.fr").await;
    patch_user(&app, &token, &eve.id, json!({"disabled": true, "reason": "Test"})).await;
    let refused = app.with_db(|conn| {
        use diesel::RunQueryDsl;
        [
            "UPDATE audit_log SET action = 'nothing'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ]
        .map(|sql| diesel::sql_query(sql).execute(conn).is_err())
    });
    assert_eq!(refused, [true, true, true]);
    let before = app.with_db(|conn| {
        jobbot_db::audit::count_before(conn, jobbot_db::now() + chrono::TimeDelta::days(1)).expect("count")
    });
    assert_eq!(before, 2, "the admin's enrolment and the disabling");
    // The purge deletes only what is older than the retention: nothing here.
    let purge = std::process::Command::new(env!("CARGO_BIN_EXE_jobbot"))
        .arg("purge")
        .env("DATABASE_URL", crate::helpers::db_url(&app.db))
        .env("JOBBOT_DATA_DIR", std::env::temp_dir())
        .env("JOBBOT_AUDIT_RETENTION_DAYS", "1")
        .output()
        .expect("purge");
    assert!(
        purge.status.success(),
        "{}",
        String::from_utf8_lossy(&purge.stderr)
    );
    assert!(String::from_utf8_lossy(&purge.stdout).contains("deleted 0 audit record(s) older than 1 days"));
    let purged = app.with_db(|conn| {
        jobbot_db::audit::purge(conn, jobbot_db::now() + chrono::TimeDelta::days(1)).expect("purge")
    });
    assert_eq!(purged, 2, "the purge's own transaction may delete");
}

async fn the_system_page_describes_the_running_instance(app: TestApp) {
    let (boss, token) = admin(&app, "boss@example.fr").await;
    let url = format!("{}/api/v1/ws", app.address.replace("http://", "ws://"));
    let (_, _socket) = awc::Client::new()
        .ws(url)
        .bearer_auth(&token)
        .connect()
        .await
        .expect("websocket");
    let system = json_of(app.get_bearer("/api/v1/admin/system", &token).await).await;
    let backend = match app.db.url {
        jobbot_db::DatabaseUrl::Postgres(_) => "postgres",
        jobbot_db::DatabaseUrl::Sqlite(_) => "sqlite",
    };
    assert_eq!(system["database"]["backend"], backend);
    assert!(system["database"]["size_bytes"].as_i64().is_some_and(|n| n > 0));
    let migrations = system["database"]["migrations"].as_array().expect("migrations");
    assert_eq!(migrations.first().and_then(Value::as_str), Some("20261121000001"));
    // The newest migration folder, as diesel names its version (`2026-11-26-000003_x` → `20261126000003`).
    let newest = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/sqlite"))
        .expect("migrations")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .max()
        .map(|name| name.split('_').next().unwrap_or_default().replace('-', ""));
    assert_eq!(migrations.last().and_then(Value::as_str), newest.as_deref());
    assert_eq!(system["websockets"], 1, "the admin's own socket");
    assert_eq!(system["assistant"]["offline"], true);
    assert!(system["assistant"]["last_failure"].is_null());
    assert!(system["uptime_seconds"].as_i64().is_some_and(|s| s >= 0));
    assert_eq!(system["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        system["backup"]["last_success_at"].is_null() && system["backup"]["last_error"].is_null(),
        "no backup yet: {}",
        system["backup"]
    );
    assert_eq!(boss.id.len(), 36);
}

async fn shares_are_moderated_from_their_metadata(app: TestApp) {
    let (boss, token) = admin(&app, "boss@example.fr").await;
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let (_, _, share_id) =
        share_a_conversation(&app, &bob, "alice@example.fr", "Relire ma lettre", "snapshot").await;
    let share_path = format!("/api/v1/shares/{share_id}");
    assert_eq!(
        app.get_bearer(&share_path, &alice.access_token).await.status(),
        StatusCode::OK
    );

    let page = json_of(app.get_bearer("/api/v1/admin/shares", &token).await).await;
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
        let page = json_of(
            app.get_bearer(&format!("/api/v1/admin/shares{query}"), &token)
                .await,
        )
        .await;
        assert_eq!(page["total"], total, "{query}");
    }
    let by_owner = json_of(
        app.get_bearer(&format!("/api/v1/admin/shares?owner={}", alice.id), &token)
            .await,
    )
    .await;
    assert_eq!(by_owner["total"], 0);
    assert_problem(
        app.get_bearer("/api/v1/admin/shares?state=hidden", &token).await,
        422,
        "validation_failed",
    )
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
    assert_problem(
        app.get_bearer(&share_path, &alice.access_token).await,
        410,
        "share_gone",
    )
    .await;
    let mine = json_of(app.get_bearer("/api/v1/me/shares", &bob.access_token).await).await;
    assert_eq!(mine[0]["share"]["state"], "removed");
    assert_eq!(
        mine[0]["share"]["removed_reason"],
        "Données personnelles d'un tiers"
    );
    let removed = json_of(app.get_bearer("/api/v1/admin/shares?state=removed", &token).await).await;
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

/// Failed logins over the limit are a security event: one record a minute per client and email (a flood
/// of attempts cannot flood the log), naming the account when the email is one.
#[actix_rt::test]
async fn failed_logins_over_the_limit_are_audited_once() {
    let app = crate::helpers::spawn_app_with(
        jobbot_db::Backend::Sqlite,
        &[("JOBBOT_AUTH_RATE_LIMIT", "3"), ("JOBBOT_TRUST_PROXY", "true")],
    )
    .await;
    let registered = app.register("victim@example.fr", "Victime").await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let victim = json_of(registered).await["id"].as_str().expect("id").to_owned();
    let attempt = || {
        app.client
            .post(app.url("/api/v1/auth/login"))
            .header("X-Forwarded-For", "203.0.113.5")
            .json(&json!({"email": "victim@example.fr", "password": "wrong-password-1"}))
            .send()
    };
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(attempt().await.expect("login").status().as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 429, 429, 429]);
    let (_, token) = admin(&app, "boss@example.fr").await;
    let log = audit(&app, &token, "?action=auth.login_failures").await;
    assert_eq!(log["total"], 1, "once, however many attempts were refused");
    let entry = &log["items"][0];
    assert_eq!(
        (
            entry["target_id"].as_str(),
            entry["client_ip"].as_str(),
            entry["actor_id"].as_str()
        ),
        (Some(victim.as_str()), Some("203.0.113.5"), None)
    );
}

#[actix_rt::test]
async fn usage_statistics_on_sqlite() {
    usage_statistics(jobbot_db::Backend::Sqlite).await;
}

#[actix_rt::test]
async fn usage_statistics_on_postgres() {
    usage_statistics(jobbot_db::Backend::Postgres).await;
}

/// Every series counts what happened, in the right bucket, on both backends; the cost follows the
/// configured prices.
async fn usage_statistics(backend: jobbot_db::Backend) {
    let app =
        crate::helpers::spawn_app_with(backend, &[("JOBBOT_LLM_PRICES", "mistral-small-latest=0.1:0.3")])
            .await;
    let (_, token) = admin(&app, "boss@example.fr").await;
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let (conversation, _, share_id) = share_a_conversation(
        &app,
        &alice,
        "bob@example.fr",
        "Préparer un entretien",
        "snapshot",
    )
    .await;
    assert_eq!(
        app.get_bearer(&format!("/api/v1/shares/{share_id}"), &bob.access_token)
            .await
            .status(),
        StatusCode::OK
    );
    // A second question, whose reply then fails (as an upstream timeout would leave it).
    for question in ["Et le salaire ?", "Et le contrat ?"] {
        let asked = send(
            &app,
            reqwest::Method::POST,
            &format!("/api/v1/conversations/{conversation}/messages"),
            &alice.access_token,
            Some(json!({"content": question})),
        )
        .await;
        assert_eq!(asked.status(), StatusCode::CREATED);
        let _ = asked.text().await;
    }
    let settled = || async {
        for _ in 0..100 {
            let page = json_of(
                app.get_bearer(
                    &format!("/api/v1/conversations/{conversation}/messages"),
                    &alice.access_token,
                )
                .await,
            )
            .await;
            let items = page["items"].as_array().cloned().unwrap_or_default();
            if items.len() == 6 && items.iter().all(|m| m["status"] != "streaming") {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the replies never finished");
    };
    settled().await;
    app.with_db(|conn| {
        use diesel::RunQueryDsl;
        let newest = "(SELECT id FROM messages WHERE role = 'assistant' ORDER BY created_at DESC LIMIT 1)";
        diesel::sql_query(format!(
            "UPDATE messages SET status = 'failed', error_code = 'llm_timeout' WHERE id = {newest}"
        ))
        .execute(conn)
        .expect("fail the newest reply");
        // One priced model's usage: 2 M prompt and 1 M completion tokens.
        diesel::sql_query(
            "UPDATE llm_usage SET provider = 'mistral', model = 'mistral-small-latest', \
             prompt_tokens = 2000000, completion_tokens = 1000000 \
             WHERE id = (SELECT id FROM llm_usage ORDER BY created_at LIMIT 1)",
        )
        .execute(conn)
        .expect("price one usage");
    });

    // Offers are counted, never shown: two open, one closed, two saved (the closed one was unsaved).
    let offers = json_of(app.get_bearer("/api/v1/admin/stats", &token).await).await;
    assert_eq!(
        (
            &offers["totals"]["open_offers"],
            &offers["totals"]["saved_offers"]
        ),
        (&json!(0), &json!(0))
    );
    for (title, state) in [("Soudeur", "open"), ("Cariste", "closed"), ("Peintre", "open")] {
        let created = app
            .client
            .post(app.url("/api/v1/offers"))
            .bearer_auth(&token)
            .json(&json!({"title": title, "description": "Offre de test."}))
            .send()
            .await
            .expect("offer");
        let offer = json_of(created).await;
        if state == "closed" {
            let id = offer["id"].as_str().expect("id");
            let closed = app
                .client
                .patch(app.url(&format!("/api/v1/offers/{id}")))
                .bearer_auth(&token)
                .json(&json!({"state": "closed"}))
                .send()
                .await
                .expect("close");
            assert!(closed.status().is_success());
            let unsaved = app
                .client
                .delete(app.url(&format!("/api/v1/me/saved-offers/{id}")))
                .bearer_auth(&token)
                .send()
                .await
                .expect("unsave");
            assert!(unsaved.status().is_success());
        }
    }
    let stats = json_of(app.get_bearer("/api/v1/admin/stats", &token).await).await;
    assert_eq!(stats["totals"]["open_offers"], 2);
    for counted in ["profiles", "cvs", "saved_searches", "alerting_searches"] {
        assert_eq!(stats["totals"][counted], 0, "{counted}");
    }
    assert_eq!(stats["totals"]["closed_offers"], 1);
    assert_eq!(
        stats["totals"]["saved_offers"], 2,
        "an admin's offers are private finds, saved for them"
    );
    assert!(!stats.to_string().contains("Soudeur"), "no contents");
    let buckets = stats["buckets"].as_array().expect("buckets");
    assert_eq!(buckets.len(), 31, "30 days back from now, by day");
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(buckets.last().and_then(Value::as_str), Some(today.as_str()));
    let last = |name: &str| {
        stats[name]
            .as_array()
            .and_then(|a| a.last())
            .and_then(Value::as_i64)
    };
    assert_eq!(last("signups"), Some(3));
    assert_eq!(
        last("active_users"),
        Some(1),
        "Alice asked and shared; Bob only read"
    );
    assert_eq!(last("conversations"), Some(1));
    assert_eq!(last("shares_created"), Some(1));
    assert_eq!(last("share_views"), Some(1));
    assert_eq!(last("chat_messages"), Some(1), "the share's card");
    let replies: Vec<(String, i64)> = stats["replies"]
        .as_array()
        .expect("replies")
        .iter()
        .map(|r| {
            (
                format!(
                    "{}/{}",
                    r["provider"].as_str().unwrap_or("-"),
                    r["outcome"].as_str().unwrap_or("-")
                ),
                r["counts"]
                    .as_array()
                    .and_then(|c| c.last())
                    .and_then(Value::as_i64)
                    .unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        replies,
        [("offline/done".to_owned(), 2), ("offline/failed".to_owned(), 1)]
    );
    assert_eq!(stats["errors"][0]["code"], "llm_timeout");
    assert_eq!(
        stats["errors"][0]["counts"]
            .as_array()
            .and_then(|c| c.last())
            .and_then(Value::as_i64),
        Some(1)
    );
    let mistral = stats["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .find(|t| t["model"] == "mistral-small-latest")
        .expect("the priced model")
        .clone();
    let cost = mistral["cost_eur"]
        .as_array()
        .and_then(|c| c.last())
        .and_then(Value::as_f64)
        .expect("priced");
    assert!(
        (cost - 0.5).abs() < 1e-9,
        "2 M × 0.1 € + 1 M × 0.3 € per million: {cost}"
    );
    assert!(
        (stats["totals"]["cost_eur"].as_f64().unwrap_or(0.0) - 0.5).abs() < 1e-9,
        "the offline coach costs nothing"
    );
    assert_eq!(stats["totals"]["unpriced_models"], json!([]));
    assert_eq!(stats["totals"]["signups"], 3);

    let weekly = json_of(
        app.get_bearer("/api/v1/admin/stats?interval=week&from=2026-01-01", &token)
            .await,
    )
    .await;
    let first = weekly["buckets"][0].as_str().expect("a week");
    assert_eq!(first, "2025-12-29", "weeks start on Monday");
    assert_eq!(weekly["totals"]["signups"], 3);
    let old = json_of(
        app.get_bearer("/api/v1/admin/stats?from=2020-01-01&to=2020-01-08", &token)
            .await,
    )
    .await;
    assert_eq!(
        (
            old["buckets"].as_array().map(Vec::len),
            old["totals"]["signups"].as_i64()
        ),
        (Some(7), Some(0))
    );
    assert_eq!(
        old["totals"]["cost_eur"].to_string(),
        "0.0",
        "no cost is 0, not -0"
    );
    for bad in [
        "interval=month",
        "from=2026-02-01&to=2026-01-01",
        "from=2020-01-01",
        "from=yesterday",
    ] {
        assert_problem(
            app.get_bearer(&format!("/api/v1/admin/stats?{bad}"), &token)
                .await,
            422,
            "validation_failed",
        )
        .await;
    }
}

/// `JOBBOT_ADMIN_2FA=optional` (local development) lets an admin in without two-factor sign-in.
#[actix_rt::test]
async fn admin_two_factor_can_be_optional_in_development() {
    let app =
        crate::helpers::spawn_app_with(jobbot_db::Backend::Sqlite, &[("JOBBOT_ADMIN_2FA", "optional")]).await;
    let user = app.user("dev@example.fr").await;
    app.promote(&user.id, "admin").await;
    assert_eq!(
        app.get_bearer("/api/v1/admin/users", &user.access_token)
            .await
            .status(),
        StatusCode::OK
    );
}
