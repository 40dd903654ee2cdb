//! Applications: free-form or for an offer (one each), their status history, the board's counts and response
//! rate, reminders after the configured delays, the export, and every refusal.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{assert_problem, ok, send, TestApp};

both_backends!(
    applications_track_status_history_and_stay_private,
    reminders_follow_the_configured_delays
);

async fn applications_track_status_history_and_stay_private(app: TestApp) {
    let lea = app.user("lea@example.fr").await;
    let max = app.user("max@example.fr").await;
    use reqwest::Method as M;

    // Free-form: a title is needed.
    let untitled = send(
        &app,
        &lea,
        M::POST,
        "/api/v1/applications",
        Some(json!({"company": "Volta"})),
    )
    .await;
    let body = assert_problem(untitled, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "title");
    let free = ok(
        send(
            &app,
            &lea,
            M::POST,
            "/api/v1/applications",
            Some(json!({"title": "Électricienne", "company": "Volta", "contact": "rh@volta.fr", "next_action_due": "2026-12-01"})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(free["status"], "to_send");
    assert_eq!(free["next_action_due"], "2026-12-01");
    assert_eq!(free["history"].as_array().expect("history").len(), 1);
    let free_id = free["id"].as_str().expect("id").to_owned();

    // For an offer: its title and company are copied; one application per offer.
    let offer = ok(
        send(
            &app,
            &lea,
            M::POST,
            "/api/v1/offers",
            Some(json!({"title": "Cariste CACES 3", "company": "Logisud", "description": "Entrepôt."})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    let offer_id = offer["id"].as_str().expect("id");
    let applied = ok(
        send(
            &app,
            &lea,
            M::POST,
            "/api/v1/applications",
            Some(json!({"offer_id": offer_id, "status": "sent"})),
        )
        .await,
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(
        (applied["title"].as_str(), applied["company"].as_str()),
        (Some("Cariste CACES 3"), Some("Logisud"))
    );
    assert_eq!(applied["offer_id"], offer_id);
    let again = send(
        &app,
        &lea,
        M::POST,
        "/api/v1/applications",
        Some(json!({"offer_id": offer_id})),
    )
    .await;
    assert_problem(again, 409, "conflict").await;
    // Max cannot apply through Léa's private offer, nor see it exists.
    let theirs = send(
        &app,
        &max,
        M::POST,
        "/api/v1/applications",
        Some(json!({"offer_id": offer_id})),
    )
    .await;
    assert_problem(theirs, 404, "not_found").await;

    // Moves on the board are dated, and kept.
    let id = applied["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/applications/{id}");
    for status in ["followed_up", "interview", "interview"] {
        ok(
            send(&app, &lea, M::PATCH, &path, Some(json!({"status": status}))).await,
            StatusCode::OK,
        )
        .await;
    }
    let detail = ok(send(&app, &lea, M::GET, &path, None).await, StatusCode::OK).await;
    let moves: Vec<(Value, Value)> = detail["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|e| (e["from"].clone(), e["to"].clone()))
        .collect();
    assert_eq!(
        moves,
        [
            (Value::Null, json!("sent")),
            (json!("sent"), json!("followed_up")),
            (json!("followed_up"), json!("interview")),
        ],
        "the same status twice is not a move"
    );
    let edited = ok(
        send(&app, &lea, M::PATCH, &path, Some(json!({"notes": "Entretien mardi 10 h", "contact": "", "next_action": "Préparer l'entretien", "next_action_due": "2026-12-02"}))).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(edited["notes"], "Entretien mardi 10 h");
    assert!(edited["contact"].is_null());
    assert_eq!(edited["next_action_due"], "2026-12-02");
    let cleared = ok(
        send(&app, &lea, M::PATCH, &path, Some(json!({"next_action_due": ""}))).await,
        StatusCode::OK,
    )
    .await;
    assert!(cleared["next_action_due"].is_null());
    let bad = send(
        &app,
        &lea,
        M::PATCH,
        &path,
        Some(json!({"next_action_due": "demain", "title": " ", "notes": "x".repeat(20_001)})),
    )
    .await;
    let body = assert_problem(bad, 422, "validation_failed").await;
    assert_eq!(body["errors"].as_array().expect("errors").len(), 3, "{body}");

    // The board: every status counted, the response rate of what was sent.
    let board = ok(
        send(&app, &lea, M::GET, "/api/v1/applications", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(board["items"].as_array().expect("items").len(), 2);
    assert_eq!(board["items"][0]["id"], id.as_str(), "the latest changed first");
    let count = |status: &str| {
        board["counts"]
            .as_array()
            .expect("counts")
            .iter()
            .find(|c| c["status"] == status)
            .map(|c| c["count"].clone())
    };
    assert_eq!(board["counts"].as_array().expect("counts").len(), 9);
    assert_eq!(count("interview"), Some(json!(1)));
    assert_eq!(count("to_send"), Some(json!(1)));
    assert_eq!(board["response_rate"], 1.0);

    // Filters narrow the items, never the counts (the dashboard's).
    let ids = |list: &Value| -> Vec<String> {
        list["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|a| a["id"].as_str().expect("id").to_owned())
            .collect()
    };
    let waiting = ok(
        send(
            &app,
            &lea,
            M::GET,
            "/api/v1/applications?status=to_send,%20sent,",
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ids(&waiting), [free_id.as_str()]);
    assert_eq!(waiting["counts"], board["counts"]);
    let for_offer = ok(
        send(
            &app,
            &lea,
            M::GET,
            &format!("/api/v1/applications?offer_id={offer_id}"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(ids(&for_offer), [id.as_str()]);
    let unknown = send(&app, &lea, M::GET, "/api/v1/applications?status=sent,hired", None).await;
    let body = assert_problem(unknown, 422, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "status");
    // Another user's offer id finds nothing of theirs.
    let none = ok(
        send(
            &app,
            &max,
            M::GET,
            &format!("/api/v1/applications?offer_id={offer_id}"),
            None,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(none["items"], json!([]));

    // Private: another user, a read-only token.
    let empty = ok(
        send(&app, &max, M::GET, "/api/v1/applications", None).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(empty["items"], json!([]));
    assert!(empty["response_rate"].is_null());
    for method in [M::GET, M::PATCH, M::DELETE] {
        let response = send(&app, &max, method, &path, Some(json!({"status": "rejected"}))).await;
        assert_problem(response, 404, "not_found").await;
    }
    let read = app.create_token(&lea.access_token, "read").await;
    let by_token = app
        .with_token(read["secret"].as_str().expect("secret"))
        .call(reqwest::Method::PATCH, &path, Some(json!({"status": "rejected"})))
        .await;
    assert_problem(by_token, 403, "insufficient_scope").await;

    // In the export, with the history.
    let files = app.export(&lea.access_token).await;
    let exported: Value = serde_json::from_str(&files["applications.json"]).expect("applications.json");
    let with_history = exported
        .as_array()
        .expect("list")
        .iter()
        .find(|a| a["id"] == id.as_str())
        .expect("exported");
    assert_eq!(with_history["history"].as_array().expect("history").len(), 3);

    // The offer deleted: the application stays, with its title.
    let deleted = send(&app, &lea, M::DELETE, &format!("/api/v1/offers/{offer_id}"), None).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let kept = ok(send(&app, &lea, M::GET, &path, None).await, StatusCode::OK).await;
    assert!(kept["offer_id"].is_null());
    assert_eq!(kept["title"], "Cariste CACES 3");

    assert_eq!(
        send(
            &app,
            &lea,
            M::DELETE,
            &format!("/api/v1/applications/{free_id}"),
            None
        )
        .await
        .status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        send(
            &app,
            &lea,
            M::GET,
            &format!("/api/v1/applications/{free_id}"),
            None,
        )
        .await,
        404,
        "not_found",
    )
    .await;
}

async fn reminders_follow_the_configured_delays(app: TestApp) {
    use reqwest::Method as M;
    let lea = app.user("lea@example.fr").await;
    let mut ids = Vec::new();
    for (title, status) in [
        ("Sent 8 days ago", "sent"),
        ("Sent 30 days ago", "sent"),
        ("Interview", "interview"),
    ] {
        let created = ok(
            send(
                &app,
                &lea,
                M::POST,
                "/api/v1/applications",
                Some(json!({"title": title, "status": status})),
            )
            .await,
            StatusCode::CREATED,
        )
        .await;
        assert!(created["reminder"].is_null(), "nothing to remind at first");
        ids.push(created["id"].as_str().expect("id").to_owned());
    }
    // Time passes (in the database).
    app.with_db(|conn| {
        use diesel::RunQueryDsl;
        for (id, days) in [(&ids[0], 8), (&ids[1], 30), (&ids[2], 30)] {
            let at = jobbot_db::now() - chrono::TimeDelta::days(days);
            diesel::sql_query(format!(
                "UPDATE applications SET status_changed_at = '{}' WHERE id = '{id}'",
                at.format("%Y-%m-%d %H:%M:%S")
            ))
            .execute(conn)
            .expect("age");
        }
    });
    let board = ok(
        send(&app, &lea, M::GET, "/api/v1/applications", None).await,
        StatusCode::OK,
    )
    .await;
    let reminder = |id: &str| {
        board["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|a| a["id"] == id)
            .map(|a| a["reminder"].clone())
            .expect("listed")
    };
    assert_eq!(reminder(&ids[0]), json!("follow_up"));
    assert_eq!(reminder(&ids[1]), json!("mark_no_response"));
    assert!(reminder(&ids[2]).is_null(), "an interview is not waiting");
    // A next action whose day has come comes first.
    let due = ok(
        send(
            &app,
            &lea,
            M::PATCH,
            &format!("/api/v1/applications/{}", ids[2]),
            Some(json!({"next_action_due": "2020-01-01"})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(due["reminder"], "action_due");
    // Following up resets the clock.
    let followed = ok(
        send(
            &app,
            &lea,
            M::PATCH,
            &format!("/api/v1/applications/{}", ids[0]),
            Some(json!({"status": "followed_up"})),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert!(followed["reminder"].is_null());
}
