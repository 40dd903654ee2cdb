//! How much the assistant does at once and in a day: one running reply per user up to three, the instance's
//! own cap, the daily quota (and a burst that cannot overspend it), with a fake Mistral.

use std::time::Duration;

use jobbot_db::Backend;
use reqwest::StatusCode;
use serde_json::Value;

use crate::assistant::{messages, new_conversation, send, with_fake};
use crate::fake_llm::{pieces, Behaviour, Flavor};
use crate::helpers::{assert_problem, spawn_app_with, TestApp};

#[actix_rt::test]
async fn the_daily_quota_stops_further_questions_until_the_reset() {
    let app = spawn_app_with(Backend::Sqlite, &[("JOBBOT_DAILY_TOKEN_QUOTA", "50")]).await;
    let user = app.user("quota@example.fr").await;
    let id = new_conversation(&app, &user.access_token).await;
    assert_eq!(
        send(&app, &user.access_token, &id, "Comment rédiger mon CV ?")
            .await
            .status(),
        StatusCode::CREATED
    );
    let refused = send(&app, &user.access_token, &id, "Et la lettre de motivation ?").await;
    let retry_after: i64 = refused.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!((1..=86_400).contains(&retry_after));
    let body = assert_problem(refused, 429, "quota_exceeded").await;
    assert!(body["detail"].as_str().expect("detail").contains("T00:00:00Z"));
    assert_eq!(
        messages(&app, &user.access_token, &id).await.len(),
        2,
        "a refused question is not stored"
    );
    // Deleting conversations does not give the tokens back.
    app.as_user(&user)
        .delete(&format!("/api/v1/conversations/{id}"))
        .await;
    let other = new_conversation(&app, &user.access_token).await;
    assert_problem(
        send(&app, &user.access_token, &other, "Encore ?").await,
        429,
        "quota_exceeded",
    )
    .await;
}

/// Five slow replies asked at once by one user, each in its own conversation: `outcome` of each send.
async fn five_at_once(app: &TestApp, token: &str) -> Vec<reqwest::Response> {
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(new_conversation(app, token).await);
    }
    futures_util::future::join_all(ids.iter().map(|id| send(app, token, id, "Réponds longuement"))).await
}

fn slow_reply() -> Behaviour {
    Behaviour::Reply {
        pieces: pieces(&["Un ", "deux ", "trois ", "quatre ", "cinq."]),
        delay: Duration::from_millis(150),
    }
}

#[actix_rt::test]
async fn one_user_runs_at_most_three_replies_at_once() {
    // Finding: nothing bounded the work one user could start.
    let (app, fake) = with_fake(Flavor::Mistral, &[]).await;
    fake.set_fallback(slow_reply());
    let user = app.user("greedy@example.fr").await;
    let mut created = 0;
    for response in five_at_once(&app, &user.access_token).await {
        if response.status() == StatusCode::CREATED {
            created += 1;
            continue;
        }
        assert!(response.headers().contains_key("retry-after"));
        assert_problem(response, 429, "assistant_busy").await;
    }
    assert_eq!(created, 3, "three replies run, the others are refused");
    let other = app.user("patient@example.fr").await;
    let id = new_conversation(&app, &other.access_token).await;
    assert_eq!(
        send(&app, &other.access_token, &id, "Bonjour").await.status(),
        StatusCode::CREATED,
        "another user is not affected"
    );
}

#[actix_rt::test]
async fn the_whole_instance_has_a_reply_cap() {
    let (app, fake) = with_fake(Flavor::Mistral, &[("JOBBOT_MAX_REPLIES", "2")]).await;
    fake.set_fallback(slow_reply());
    let user = app.user("first@example.fr").await;
    let statuses: Vec<u16> = five_at_once(&app, &user.access_token)
        .await
        .into_iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 2, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 503).count(), 3, "{statuses:?}");
}

#[actix_rt::test]
async fn a_burst_cannot_overspend_the_daily_quota() {
    // Finding: the quota was checked before any running reply was paid for, so a burst all passed.
    let (app, fake) = with_fake(Flavor::Mistral, &[("JOBBOT_DAILY_TOKEN_QUOTA", "1000")]).await;
    fake.set_fallback(slow_reply());
    let user = app.user("burst@example.fr").await;
    let mut outcomes = Vec::new();
    for response in five_at_once(&app, &user.access_token).await {
        let status = response.status().as_u16();
        let code = response
            .json::<Value>()
            .await
            .ok()
            .and_then(|b| b["code"].as_str().map(str::to_owned));
        outcomes.push((status, code));
    }
    let created = outcomes.iter().filter(|(s, _)| *s == 201).count();
    assert_eq!(
        created, 1,
        "only one reply fits in what is left of the quota: {outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .filter(|(s, _)| *s != 201)
            .all(|(s, c)| *s == 429 && c.as_deref() == Some("quota_exceeded")),
        "{outcomes:?}"
    );
}
