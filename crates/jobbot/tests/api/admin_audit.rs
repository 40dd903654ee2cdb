//! What admins' actions leave in the audit log (a logout, a deletion), the log as admins read it (filters, CSV), its refusal to change on PostgreSQL, failed sign-ins as one
//! security event, and the sweep that no admin answer holds a conversation's or a chat's contents.

use reqwest::StatusCode;
use serde_json::json;

use crate::admin::{
    admin, audit, delete_with_reason, json_of, patch_user, send, share_a_conversation, MARKER,
};
use crate::both_backends;
use crate::helpers::{assert_problem, TestApp, PASSWORD};

both_backends!(
    logout_and_deletion_by_an_admin_are_audited,
    the_audit_log_filters_and_downloads_as_csv,
    admins_never_see_contents
);

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
    app.with_token(&token).refused(&path, 404, "not_found").await;
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
    app.with_token(&token)
        .refused("/api/v1/admin/audit?from=yesterday", 422, "validation_failed")
        .await;
    app.with_token(&token)
        .refused("/api/v1/admin/audit?limit=201", 422, "validation_failed")
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
