//! `GET /metrics`: the Prometheus exposition — names and types, route templates instead of paths, replies
//! counted by provider and outcome, and no user data or id in any label.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app;

async fn scrape(app: &crate::helpers::TestApp) -> String {
    let response = app.client.get(app.url("/metrics")).send().await.expect("metrics");
    assert_eq!(response.status(), StatusCode::OK);
    let kind = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(kind.starts_with("application/openmetrics-text"), "{kind}");
    response.text().await.expect("text")
}

#[actix_rt::test]
async fn metrics_name_routes_by_template_and_carry_no_ids() {
    let app = spawn_app(jobbot_db::Backend::Sqlite).await;
    let user = app.user("metrics@example.fr").await;
    let conversation = app.as_user(&user).new_conversation().await.id;
    let asked = app
        .as_user(&user)
        .send(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"content": "Comment préparer un entretien ?"}),
        )
        .await;
    assert_eq!(asked.status(), StatusCode::CREATED);
    let _ = asked.text().await;
    let page = app
        .get_bearer(
            &format!("/api/v1/conversations/{conversation}/messages"),
            &user.access_token,
        )
        .await;
    assert_eq!(page.status(), StatusCode::OK);

    // The reply has ended once it is counted (the offline coach answers at once, but on its own task).
    let mut text = String::new();
    for _ in 0..50 {
        text = scrape(&app).await;
        if text.contains("jobbot_assistant_replies_total{provider=\"offline\"") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for (name, kind) in [
        ("jobbot_http_requests", "counter"),
        ("jobbot_http_request_duration_seconds", "histogram"),
        ("jobbot_http_requests_in_flight", "gauge"),
        ("jobbot_db_pool_connections", "gauge"),
        ("jobbot_db_pool_idle_connections", "gauge"),
        ("jobbot_db_pool_unavailable", "counter"),
        ("jobbot_db_pool_wait_seconds", "histogram"),
        ("jobbot_database_up", "gauge"),
        ("jobbot_assistant_replies", "counter"),
        ("jobbot_assistant_first_token_seconds", "histogram"),
        ("jobbot_assistant_tokens", "counter"),
        ("jobbot_websockets", "gauge"),
        ("jobbot_notify_delivery_lag_seconds", "histogram"),
        ("jobbot_backup_last_success_timestamp_seconds", "gauge"),
        ("jobbot_backup_last_verification_timestamp_seconds", "gauge"),
        ("jobbot_backup_last_size_bytes", "gauge"),
        ("jobbot_backup_last_failure_timestamp_seconds", "gauge"),
        ("jobbot_build", "info"),
    ] {
        assert!(
            text.contains(&format!("# TYPE {name} {kind}\n")),
            "{name} ({kind}) missing:\n{text}"
        );
    }
    assert!(text.contains(
        "jobbot_http_requests_total{route=\"/api/v1/conversations/{id}/messages\",method=\"GET\",status=\"200\"}"
    ));
    assert!(
        text.contains(
            "jobbot_assistant_replies_total{provider=\"offline\",model=\"jobbot-guides-1\",outcome=\"done\"}"
        ),
        "{text}"
    );
    assert!(text.contains("jobbot_database_up 1\n"));
    assert!(text.contains("jobbot_build_info{version=\""));
    assert!(text.ends_with("# EOF\n"));
    // Route templates, never paths: no id, no email, in any label.
    assert!(
        !text.contains(&conversation) && !text.contains(&user.id) && !text.contains("metrics@example.fr")
    );
    let uuid = |line: &str| {
        line.split(|c: char| !c.is_ascii_hexdigit() && c != '-')
            .any(|word| word.len() == 36 && word.matches('-').count() == 4)
    };
    assert!(!text.lines().any(uuid), "an id in the labels:\n{text}");
}
