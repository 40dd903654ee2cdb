//! Branches (issue 14): editing a question makes a sibling of it, regenerating a reply a sibling of the previous
//! one; the conversation shows one path (switchable), the model is sent that path only, shares show it, and the
//! export has every branch.

use std::time::Duration;

use jobbot_db::Backend;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::assistant::{messages, new_conversation, with_fake_on};
use crate::fake_llm::{Behaviour, FakeLlm, Flavor};
use crate::helpers::{assert_problem, TestApp};

crate::on_both_backends!(branches_are_kept_shown_one_at_a_time_and_sent_alone);

/// Asks `content` (after `parent_id` when given: a JSON value, `null` included); the exchange.
async fn ask(
    app: &TestApp,
    token: &str,
    id: &str,
    content: &str,
    parent: Option<Value>,
) -> reqwest::Response {
    let mut body = json!({"content": content});
    if let Some(parent) = parent {
        body["parent_id"] = parent;
    }
    app.with_token(token)
        .send(&format!("/api/v1/conversations/{id}/messages"), body.clone())
        .await
}

async fn exchange(
    app: &TestApp,
    token: &str,
    id: &str,
    content: &str,
    parent: Option<Value>,
) -> (String, String) {
    let response = ask(app, token, id, content, parent).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body: Value = response.json().await.expect("json");
    (
        body["user_message"]["id"].as_str().expect("id").to_owned(),
        body["assistant_message"]["id"].as_str().expect("id").to_owned(),
    )
}

async fn show(app: &TestApp, token: &str, id: &str, body: Value) -> reqwest::Response {
    app.with_token(token)
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/conversations/{id}"),
            Some(body.clone()),
        )
        .await
}

/// The path shown: (content, siblings) of each message.
async fn shown(app: &TestApp, token: &str, id: &str) -> Vec<(String, Vec<String>)> {
    messages(app, token, id)
        .await
        .iter()
        .map(|m| {
            (
                m["content"].as_str().unwrap_or_default().to_owned(),
                m["siblings"]
                    .as_array()
                    .map(|s| {
                        s.iter()
                            .map(|v| v.as_str().unwrap_or_default().to_owned())
                            .collect()
                    })
                    .unwrap_or_default(),
            )
        })
        .collect()
}

/// The questions and answers of the last request the upstream received (without the system message).
fn last_context(fake: &FakeLlm) -> Vec<String> {
    let requests = fake.requests();
    let last = requests.last().expect("a request");
    last.body["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .skip(1)
        .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
        .collect()
}

const ANSWER: &str = "Bonjour ! Voici mes conseils.";

async fn branches_are_kept_shown_one_at_a_time_and_sent_alone(backend: Backend) {
    let (app, fake) = with_fake_on(backend, Flavor::Mistral, &[]).await;
    let user = app.user("branches@example.fr").await;
    let token = user.access_token.as_str();
    let id = new_conversation(&app, token).await;
    let (q1, r1) = exchange(&app, token, &id, "Q1", None).await;
    let (q2, r2) = exchange(&app, token, &id, "Q2", None).await;
    let first = messages(&app, token, &id).await;
    assert_eq!(first[0]["id"], q1.as_str());
    assert!(
        first[0].get("parent_id").is_none(),
        "the first question has no parent"
    );
    assert_eq!(first[1]["parent_id"], q1.as_str());
    assert_eq!(first[2]["parent_id"], r1.as_str());
    assert!(first.iter().all(|m| m.get("siblings").is_none()), "no branch yet");

    // Editing Q2: a sibling of it, answered; the new branch is shown and is all the model is sent.
    let (q2b, r2b) = exchange(&app, token, &id, "Q2 bis", Some(json!(r1))).await;
    assert_eq!(last_context(&fake), ["Q1", ANSWER, "Q2 bis"]);
    assert_eq!(
        shown(&app, token, &id).await,
        [
            ("Q1".to_owned(), vec![]),
            (ANSWER.to_owned(), vec![]),
            ("Q2 bis".to_owned(), vec![q2.clone(), q2b.clone()]),
            (ANSWER.to_owned(), vec![]),
        ]
    );

    // Regenerating: the previous answer stays, as a sibling.
    let regenerated = app
        .with_token(token)
        .post_empty(&format!("/api/v1/conversations/{id}/regenerate"))
        .await;
    assert_eq!(regenerated.status(), StatusCode::CREATED);
    let regenerated: Value = regenerated.json().await.expect("json");
    let r2c = regenerated["assistant_message"]["id"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(last_context(&fake), ["Q1", ANSWER, "Q2 bis"]);
    let path = messages(&app, token, &id).await;
    assert_eq!(path.len(), 4);
    assert_eq!(path[3]["id"], r2c.as_str());
    assert_eq!(path[3]["siblings"], json!([r2b, r2c]));

    // Back to the first branch: Q2 and its answer, and asking goes on from there.
    let switched = show(&app, token, &id, json!({"active_message_id": q2})).await;
    assert_eq!(switched.status(), StatusCode::OK);
    let path = messages(&app, token, &id).await;
    let ids: Vec<&str> = path
        .iter()
        .map(|m| m["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(ids, [q1.as_str(), r1.as_str(), q2.as_str(), r2.as_str()]);
    assert_eq!(
        path[2]["siblings"],
        json!([q2, q2b]),
        "which one is shown: its place in the list"
    );
    exchange(&app, token, &id, "Q3", None).await;
    assert_eq!(last_context(&fake), ["Q1", ANSWER, "Q2", ANSWER, "Q3"]);

    // The edit's branch again: it ends with its newest answer.
    assert_eq!(
        show(&app, token, &id, json!({"active_message_id": q2b}))
            .await
            .status(),
        StatusCode::OK
    );
    let ids: Vec<String> = messages(&app, token, &id)
        .await
        .iter()
        .map(|m| m["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(ids, [q1.clone(), r1.clone(), q2b.clone(), r2c.clone()]);
    // A reply of the hidden branch (its answer regenerated away) can be shown too.
    assert_eq!(
        show(&app, token, &id, json!({"active_message_id": r2b}))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(messages(&app, token, &id).await[3]["id"], r2b.as_str());

    // Editing the first question: `parent_id: null`.
    let (q1b, _) = exchange(&app, token, &id, "Q1 bis", Some(Value::Null)).await;
    assert_eq!(last_context(&fake), ["Q1 bis"]);
    let path = shown(&app, token, &id).await;
    assert_eq!(path.len(), 2);
    assert_eq!(path[0], ("Q1 bis".to_owned(), vec![q1.clone(), q1b.clone()]));

    // Refused: an unknown parent, a question as parent, an unknown message to show (and then nothing else
    // changes), another user's conversation.
    let before = messages(&app, token, &id).await.len();
    // An unknown message is not found, like any id the caller cannot reach.
    assert_problem(
        ask(&app, token, &id, "Q?", Some(json!("nope"))).await,
        404,
        "not_found",
    )
    .await;
    let refused = assert_problem(
        ask(&app, token, &id, "Q?", Some(json!(q1))).await,
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(refused["errors"][0]["code"], "not_a_reply");
    assert_eq!(messages(&app, token, &id).await.len(), before, "nothing stored");
    assert_problem(
        show(
            &app,
            token,
            &id,
            json!({"active_message_id": "nope", "title": "Renommée"}),
        )
        .await,
        404,
        "not_found",
    )
    .await;
    let conversation: Value = app
        .with_token(token)
        .json(&format!("/api/v1/conversations/{id}"))
        .await;
    assert_ne!(conversation["title"], "Renommée");
    let other = app.user("autre@example.fr").await;
    assert_problem(
        show(&app, &other.access_token, &id, json!({"active_message_id": q1})).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        ask(&app, &other.access_token, &id, "Q?", Some(json!(r1))).await,
        404,
        "not_found",
    )
    .await;

    // The export has every branch: which message follows which, and which are shown.
    let export = app.export(token).await;
    let exported: Value =
        serde_json::from_str(export.get(&format!("conversations/{id}.json")).expect("exported"))
            .expect("json");
    let all = exported["messages"].as_array().expect("messages");
    assert_eq!(
        all.len(),
        11,
        "Q1 R1 Q2 R2 Q2bis R2bis R2ter Q3 R3 Q1bis R1bis, all kept: {exported}"
    );
    assert_eq!(all.iter().filter(|m| m["shown"] == true).count(), 2);
    let edited = all.iter().find(|m| m["id"] == q2b.as_str()).expect("the edit");
    assert_eq!(edited["parent_id"], r1.as_str());

    // While a reply is being written, the branch shown cannot change.
    fake.set_fallback(Behaviour::Reply {
        pieces: (0..20).map(|i| format!("m{i} ")).collect(),
        delay: Duration::from_millis(100),
    });
    let asking = {
        let request = app
            .client
            .post(app.url(&format!("/api/v1/conversations/{id}/messages")))
            .bearer_auth(token)
            .json(&json!({"content": "Lentement"}));
        tokio::spawn(async move { request.send().await.map(|r| r.status().as_u16()).unwrap_or(0) })
    };
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_problem(
        show(&app, token, &id, json!({"active_message_id": q1})).await,
        409,
        "reply_in_progress",
    )
    .await;
    assert_eq!(asking.await.expect("asked"), 201);
}

crate::on_both_backends!(shares_show_the_branch_shown);

async fn shares_show_the_branch_shown(backend: Backend) {
    let (app, _fake) = with_fake_on(backend, Flavor::Mistral, &[]).await;
    let alice = app.user("alice@example.fr").await;
    let token = alice.access_token.as_str();
    let bob_token = app.user("bob@example.fr").await.access_token;
    let id = new_conversation(&app, token).await;
    let (_, r1) = exchange(&app, token, &id, "Première", None).await;
    exchange(&app, token, &id, "Deuxième", None).await;
    let (q2b, _) = exchange(&app, token, &id, "Deuxième, reformulée", Some(json!(r1))).await;
    let chat = &app.as_user(&alice).open_chat("bob@example.fr").await.id;
    let mut shares = Vec::new();
    for mode in ["snapshot", "live"] {
        let posted: Value = app
            .with_token(token)
            .send(
                &format!("/api/v1/chats/{chat}/shares"),
                json!({"conversation_id": id, "mode": mode}),
            )
            .await
            .json()
            .await
            .expect("json");
        shares.push(posted["share"]["id"].as_str().expect("id").to_owned());
    }
    let seen = |share: String| {
        let (app, bob_token) = (&app, bob_token.clone());
        async move {
            let body: Value = app
                .with_token(&bob_token)
                .json(&format!("/api/v1/shares/{share}"))
                .await;
            body["messages"]
                .as_array()
                .expect("messages")
                .iter()
                .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        }
    };
    let edited = ["Première", ANSWER, "Deuxième, reformulée", ANSWER];
    assert_eq!(
        seen(shares[0].clone()).await,
        edited,
        "the snapshot: the branch shown when shared"
    );
    assert_eq!(seen(shares[1].clone()).await, edited);

    // Alice goes back to the first wording: the live share follows, the snapshot does not.
    let first_wording = messages(&app, token, &id).await[2]["siblings"][0]
        .as_str()
        .expect("sibling")
        .to_owned();
    assert_ne!(first_wording, q2b);
    assert_eq!(
        show(&app, token, &id, json!({"active_message_id": first_wording}))
            .await
            .status(),
        StatusCode::OK
    );
    assert_eq!(seen(shares[0].clone()).await, edited);
    assert_eq!(
        seen(shares[1].clone()).await,
        ["Première", ANSWER, "Deuxième", ANSWER]
    );
}
