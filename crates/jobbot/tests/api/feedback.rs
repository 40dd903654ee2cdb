//! Rating the assistant's replies: thumbs up or down with an optional comment, by the conversation's owner only;
//! shown with the messages (also after the read cache kept the page), in the export, counted for admins without
//! the comments, and gone with the reply.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{assert_problem, ok, send, TestApp, TestUser};

both_backends!(
    replies_are_rated_by_their_owner_only,
    ratings_are_exported_counted_for_admins_and_go_with_their_reply,
);

/// A conversation of `user` with one question and the offline coach's reply: (conversation, question, reply).
async fn exchange(app: &TestApp, user: &TestUser) -> (String, String, String) {
    let speaker = app.as_user(user);
    let id = speaker.new_conversation().await.id;
    let exchange = speaker.ask(&id, "Comment préparer un entretien ?").await;
    (id, exchange.user_message.id, exchange.assistant_message.id)
}

fn feedback_path(conversation: &str, message: &str) -> String {
    format!("/api/v1/conversations/{conversation}/messages/{message}/feedback")
}

async fn rate(
    app: &TestApp,
    user: &TestUser,
    conversation: &str,
    message: &str,
    body: Value,
) -> reqwest::Response {
    send(
        app,
        user,
        Method::PUT,
        &feedback_path(conversation, message),
        Some(body),
    )
    .await
}

/// The conversation's messages as its first page shows them.
async fn shown(app: &TestApp, user: &TestUser, conversation: &str) -> Vec<Value> {
    let page = ok(
        app.get_bearer(
            &format!("/api/v1/conversations/{conversation}/messages"),
            &user.access_token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    page["items"].as_array().expect("items").clone()
}

async fn replies_are_rated_by_their_owner_only(app: TestApp) {
    let ana = app.user("ana@example.fr").await;
    let ben = app.user("ben@example.fr").await;
    let (id, question, reply) = exchange(&app, &ana).await;
    // Read once first: on PostgreSQL the page is then in the read cache, which must let the rating through.
    assert!(shown(&app, &ana, &id)
        .await
        .iter()
        .all(|m| m.get("feedback").is_none()));

    let rated = ok(
        rate(
            &app,
            &ana,
            &id,
            &reply,
            json!({"rating": "up", "comment": "  Très utile, merci  "}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(
        (&rated["rating"], &rated["comment"]),
        (&json!("up"), &json!("Très utile, merci"))
    );
    let messages = shown(&app, &ana, &id).await;
    assert_eq!(messages[1]["id"], reply.as_str());
    assert_eq!(messages[1]["feedback"]["rating"], "up");
    assert_eq!(messages[1]["feedback"]["comment"], "Très utile, merci");
    assert!(messages[0].get("feedback").is_none(), "questions carry no rating");

    // Rating again replaces the rating; a blank comment is none.
    let changed = ok(
        rate(
            &app,
            &ana,
            &id,
            &reply,
            json!({"rating": "down", "comment": "   "}),
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(changed["rating"], "down");
    assert!(changed.get("comment").is_none(), "{changed}");
    assert_eq!(shown(&app, &ana, &id).await[1]["feedback"]["rating"], "down");
    // The `after` pages carry it too.
    let after = ok(
        app.get_bearer(
            &format!("/api/v1/conversations/{id}/messages?after={question}"),
            &ana.access_token,
        )
        .await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(after["items"][0]["feedback"]["rating"], "down");

    // Only replies are rated; the comment has a limit (in characters, not bytes); the body is checked.
    let on_question = rate(&app, &ana, &id, &question, json!({"rating": "up"})).await;
    assert_problem(on_question, 409, "conflict").await;
    let longest = "é".repeat(2_000);
    let fits = rate(
        &app,
        &ana,
        &id,
        &reply,
        json!({"rating": "up", "comment": longest}),
    )
    .await;
    assert_eq!(fits.status(), StatusCode::OK);
    let too_long = rate(
        &app,
        &ana,
        &id,
        &reply,
        json!({"rating": "up", "comment": "é".repeat(2_001)}),
    )
    .await;
    let problem = assert_problem(too_long, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "comment");
    for bad in [
        json!({"rating": "sideways"}),
        json!({"comment": "no rating"}),
        json!([1, 2]),
    ] {
        let refused = rate(&app, &ana, &id, &reply, bad.clone()).await;
        assert_eq!(refused.status().as_u16() / 100, 4, "{bad}");
    }
    assert_eq!(
        shown(&app, &ana, &id).await[1]["feedback"]["comment"],
        "é".repeat(2_000)
    );

    // Another user: ana's conversation, or ben's own conversation with ana's reply, is a 404 either way.
    let by_ben = rate(&app, &ben, &id, &reply, json!({"rating": "down"})).await;
    assert_problem(by_ben, 404, "not_found").await;
    let (bens, _, _) = exchange(&app, &ben).await;
    let crossed = rate(&app, &ben, &bens, &reply, json!({"rating": "down"})).await;
    assert_problem(crossed, 404, "not_found").await;
    let unrate_by_ben = send(&app, &ben, Method::DELETE, &feedback_path(&id, &reply), None).await;
    assert_problem(unrate_by_ben, 404, "not_found").await;
    let unknown = rate(
        &app,
        &ana,
        &id,
        "01930000-0000-7000-8000-000000000000",
        json!({"rating": "up"}),
    )
    .await;
    assert_problem(unknown, 404, "not_found").await;

    // A read-only token cannot rate.
    let read_only = app.create_token(&ana.access_token, "read").await;
    let by_reader = app
        .with_token(read_only["secret"].as_str().expect("secret"))
        .call(
            reqwest::Method::PUT,
            &feedback_path(&id, &reply),
            Some(json!({"rating": "up"})),
        )
        .await;
    assert_problem(by_reader, 403, "insufficient_scope").await;
    assert_eq!(shown(&app, &ana, &id).await[1]["feedback"]["rating"], "up");

    // Unrating removes it; twice is a 404.
    let removed = send(&app, &ana, Method::DELETE, &feedback_path(&id, &reply), None).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert!(shown(&app, &ana, &id).await[1].get("feedback").is_none());
    let again = send(&app, &ana, Method::DELETE, &feedback_path(&id, &reply), None).await;
    assert_problem(again, 404, "not_found").await;
}

async fn ratings_are_exported_counted_for_admins_and_go_with_their_reply(app: TestApp) {
    let ana = app.user("ana@example.fr").await;
    let (id, _, reply) = exchange(&app, &ana).await;
    let (other, _, other_reply) = exchange(&app, &ana).await;
    let (third, _, third_reply) = exchange(&app, &ana).await;
    for (conversation, message, rating) in [
        (&id, &reply, "up"),
        (&other, &other_reply, "down"),
        (&third, &third_reply, "up"),
    ] {
        let body = json!({"rating": rating, "comment": format!("secret remark {rating}")});
        assert_eq!(
            rate(&app, &ana, conversation, message, body).await.status(),
            StatusCode::OK
        );
    }

    // The export has each rating with its reply.
    let files = app.export(&ana.access_token).await;
    let exported: Value = serde_json::from_str(&files[&format!("conversations/{id}.json")]).expect("json");
    assert_eq!(exported["messages"][1]["feedback"]["rating"], "up");
    assert_eq!(exported["messages"][1]["feedback"]["comment"], "secret remark up");
    assert_eq!(exported["messages"][0]["feedback"], Value::Null);

    // Admins see counts per model and per day, never the comments.
    let admin = app.admin_token("root@example.fr").await;
    let response = app.get_bearer("/api/v1/admin/stats", &admin).await;
    let text = response.text().await.expect("body");
    assert!(!text.contains("secret remark"), "no comment in the stats");
    let stats: Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        (&stats["totals"]["ratings_up"], &stats["totals"]["ratings_down"]),
        (&json!(2), &json!(1))
    );
    let series = stats["ratings"].as_array().expect("ratings");
    let up = series.iter().find(|s| s["rating"] == "up").expect("an up series");
    assert_eq!(up["provider"], "offline");
    assert_eq!(
        up["counts"].as_array().expect("counts").len(),
        stats["buckets"].as_array().expect("buckets").len()
    );
    assert_eq!(
        up["counts"].as_array().expect("counts").last(),
        Some(&json!(2)),
        "today's bucket"
    );

    // Deleting the conversation deletes its ratings.
    let deleted = send(
        &app,
        &ana,
        Method::DELETE,
        &format!("/api/v1/conversations/{other}"),
        None,
    )
    .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let left: i64 = app.with_db(|conn| {
        use diesel::prelude::*;
        jobbot_db::schema::message_feedback::table
            .count()
            .get_result(conn)
            .expect("count")
    });
    assert_eq!(left, 2);
    let stats = ok(
        app.get_bearer("/api/v1/admin/stats", &admin).await,
        StatusCode::OK,
    )
    .await;
    assert_eq!(stats["totals"]["ratings_down"], 0);
}
