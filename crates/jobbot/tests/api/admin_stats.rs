//! What an admin sees of the instance: the usage statistics (every series in its bucket, priced tokens) on both
//! backends, and the system page.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::admin::{admin, json_of, send, share_a_conversation};
use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(the_system_page_describes_the_running_instance);

async fn the_system_page_describes_the_running_instance(app: TestApp) {
    let (boss, token) = admin(&app, "boss@example.fr").await;
    let url = format!("{}/api/v1/ws", app.address.replace("http://", "ws://"));
    let (_, _socket) = awc::Client::new()
        .ws(url)
        .bearer_auth(&token)
        .connect()
        .await
        .expect("websocket");
    let system = app.with_token(&token).json("/api/v1/admin/system").await;
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
    app.as_user(&bob)
        .json(&format!("/api/v1/shares/{share_id}"))
        .await;
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
            let page = app
                .as_user(&alice)
                .json(&format!("/api/v1/conversations/{conversation}/messages"))
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
    let offers = app.with_token(&token).json("/api/v1/admin/stats").await;
    assert_eq!(
        (
            &offers["totals"]["open_offers"],
            &offers["totals"]["saved_offers"]
        ),
        (&json!(0), &json!(0))
    );
    for (title, state) in [("Soudeur", "open"), ("Cariste", "closed"), ("Peintre", "open")] {
        let created = app
            .with_token(&token)
            .send(
                "/api/v1/offers",
                json!({"title": title, "description": "Offre de test."}),
            )
            .await;
        let offer = json_of(created).await;
        if state == "closed" {
            let id = offer["id"].as_str().expect("id");
            let closed = app
                .with_token(&token)
                .call(
                    reqwest::Method::PATCH,
                    &format!("/api/v1/offers/{id}"),
                    Some(json!({"state": "closed"})),
                )
                .await;
            assert!(closed.status().is_success());
            let unsaved = app
                .with_token(&token)
                .delete(&format!("/api/v1/me/saved-offers/{id}"))
                .await;
            assert!(unsaved.status().is_success());
        }
    }
    let stats = app.with_token(&token).json("/api/v1/admin/stats").await;
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

    let weekly = app
        .with_token(&token)
        .json("/api/v1/admin/stats?interval=week&from=2026-01-01")
        .await;
    let first = weekly["buckets"][0].as_str().expect("a week");
    assert_eq!(first, "2025-12-29", "weeks start on Monday");
    assert_eq!(weekly["totals"]["signups"], 3);
    let old = app
        .with_token(&token)
        .json("/api/v1/admin/stats?from=2020-01-01&to=2020-01-08")
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
        app.with_token(&token)
            .refused(&format!("/api/v1/admin/stats?{bad}"), 422, "validation_failed")
            .await;
    }
}
