//! Chat sessions and shared conversations: flows, blocking, and the authorization matrix on both backends.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::both_backends;
use crate::helpers::{assert_problem, TestApp, TestUser};
use crate::speak::sharing;
use jobbot_domain::ShareMode;

both_backends!(
    sessions_open_once_list_unread_and_page,
    blocking_stops_messages_and_shares,
    sharing_redacts_follows_and_forks,
    opening_chats_is_rate_limited_per_user,
    a_burst_of_posts_is_written_together_and_each_answered
);

async fn open(app: &TestApp, user: &TestUser, email: &str) -> reqwest::Response {
    app.as_user(user)
        .send("/api/v1/chats", json!({"participant_email": email}))
        .await
}

async fn post(app: &TestApp, user: &TestUser, chat: &str, content: &str) -> reqwest::Response {
    app.as_user(user)
        .send(
            &format!("/api/v1/chats/{chat}/messages"),
            json!({"content": content}),
        )
        .await
}

/// Blocks (`on`) or unblocks the other participant of `chat`, as `user`.
pub(crate) async fn set_block(app: &TestApp, user: &TestUser, chat: &str, on: bool) {
    let url = app.url(&format!("/api/v1/chats/{chat}/block"));
    let request = if on {
        app.client.post(url)
    } else {
        app.client.delete(url)
    };
    let response = request
        .bearer_auth(&user.access_token)
        .send()
        .await
        .expect("block");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

pub(crate) async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("json")
}

pub(crate) async fn share(app: &TestApp, user: &TestUser, chat: &str, body: Value) -> reqwest::Response {
    app.as_user(user)
        .send(&format!("/api/v1/chats/{chat}/shares"), body)
        .await
}

async fn sessions_open_once_list_unread_and_page(app: TestApp) {
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let first = open(&app, &alice, "BOB@Example.fr").await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first = json_of(first).await;
    assert_eq!(first["participant"]["display_name"], "Camille Martin");
    let again = open(&app, &alice, "bob@example.fr").await;
    assert_eq!(again.status(), StatusCode::OK);
    let from_bob = json_of(open(&app, &bob, "alice@example.fr").await).await;
    assert_eq!(
        from_bob["id"], first["id"],
        "one session per pair, whoever opens it"
    );
    let chat = first["id"].as_str().expect("id");

    // Probing reveals nothing: unknown, malformed and own addresses get the same answer.
    let unknown = assert_problem(open(&app, &alice, "nobody@example.fr").await, 404, "not_found").await;
    let malformed = assert_problem(open(&app, &alice, "not an email").await, 404, "not_found").await;
    let myself = assert_problem(open(&app, &alice, "alice@example.fr").await, 404, "not_found").await;
    assert_eq!(unknown, malformed);
    assert_eq!(unknown, myself);

    for text in ["Bonjour Bob !", "Tu as vu mon CV ?", "Merci d'avance"] {
        assert_eq!(post(&app, &alice, chat, text).await.status(), StatusCode::CREATED);
    }
    for bad in ["", "   ", &"x".repeat(4_001)] {
        assert_problem(post(&app, &alice, chat, bad).await, 422, "validation_failed").await;
    }
    let bobs: Vec<Value> = app.as_user(&bob).get("/api/v1/chats").await;
    assert_eq!(bobs.len(), 1);
    assert_eq!(bobs[0]["unread_count"], 3);
    assert_eq!(bobs[0]["last_message"]["content"], "Merci d'avance");
    let alices: Vec<Value> = app.as_user(&alice).get("/api/v1/chats").await;
    assert_eq!(alices[0]["unread_count"], 0, "my own messages are read");

    let page = app
        .as_user(&bob)
        .json(&format!("/api/v1/chats/{chat}/messages?limit=2"))
        .await;
    let texts: Vec<&str> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|m| m["content"].as_str())
        .collect();
    assert_eq!(
        (texts, page["has_more"].as_bool()),
        (vec!["Tu as vu mon CV ?", "Merci d'avance"], Some(true)),
        "the latest, oldest first"
    );
    let oldest_id = page["items"][0]["id"].as_str().expect("id");
    let before = app
        .as_user(&bob)
        .json(&format!("/api/v1/chats/{chat}/messages?before={oldest_id}"))
        .await;
    assert_eq!(before["items"][0]["content"], "Bonjour Bob !");
    let first_id = before["items"][0]["id"].as_str().expect("id");
    let after = app
        .as_user(&bob)
        .json(&format!("/api/v1/chats/{chat}/messages?after={first_id}"))
        .await;
    assert_eq!(
        after["items"].as_array().map(Vec::len),
        Some(2),
        "catching up after a reconnection"
    );

    let last_id = page["items"][1]["id"].as_str().expect("id");
    let read = app
        .as_user(&bob)
        .send(
            &format!("/api/v1/chats/{chat}/read"),
            json!({"message_id": last_id}),
        )
        .await;
    assert_eq!(read.status(), StatusCode::NO_CONTENT);
    let bobs: Vec<Value> = app.as_user(&bob).get("/api/v1/chats").await;
    assert_eq!(bobs[0]["unread_count"], 0);

    // Answering reads what came before: the sender's own read mark moves to their message.
    assert_eq!(
        post(&app, &alice, chat, "Tu es là ?").await.status(),
        StatusCode::CREATED
    );
    let unread = |list: Value| list[0]["unread_count"].clone();
    assert_eq!(unread(app.as_user(&bob).json("/api/v1/chats").await), 1);
    assert_eq!(
        post(&app, &bob, chat, "Oui, je regarde").await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        unread(app.as_user(&bob).json("/api/v1/chats").await),
        0,
        "posting marks the chat read for the sender"
    );

    let left = app
        .as_user(&bob)
        .post_empty(&format!("/api/v1/chats/{chat}/leave"))
        .await;
    assert_eq!(left.status(), StatusCode::NO_CONTENT);
    app.as_user(&bob)
        .refused(&format!("/api/v1/chats/{chat}/messages"), 404, "not_found")
        .await;
    assert_eq!(
        open(&app, &bob, "alice@example.fr").await.status(),
        StatusCode::OK,
        "opening it again brings it back"
    );
    app.as_user(&bob)
        .json(&format!("/api/v1/chats/{chat}/messages"))
        .await;
}

async fn blocking_stops_messages_and_shares(app: TestApp) {
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let chat = app.as_user(&alice).open_chat("bob@example.fr").await.id;
    let conversation = app
        .as_user(&alice)
        .conversation_about("Comment rédiger mon CV ?")
        .await
        .id;
    set_block(&app, &bob, &chat, true).await;
    assert_problem(post(&app, &alice, &chat, "Tu es là ?").await, 403, "blocked").await;
    assert_problem(
        share(&app, &alice, &chat, sharing(&conversation, ShareMode::Snapshot)).await,
        403,
        "blocked",
    )
    .await;
    assert_eq!(
        post(&app, &bob, &chat, "Je peux encore écrire").await.status(),
        StatusCode::CREATED
    );
    let listed: Vec<Value> = app.as_user(&bob).get("/api/v1/chats").await;
    assert_eq!(listed[0]["blocked"], true);
    set_block(&app, &bob, &chat, false).await;
    assert_eq!(
        post(&app, &alice, &chat, "Merci !").await.status(),
        StatusCode::CREATED
    );
}

async fn sharing_redacts_follows_and_forks(app: TestApp) {
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let chat = app.as_user(&alice).open_chat("bob@example.fr").await.id;
    let question = "Mon numéro est le 06 12 34 56 78, comment rédiger mon CV ?";
    let conversation = app.as_user(&alice).conversation_about(question).await.id;
    let messages = app
        .as_user(&alice)
        .json(&format!("/api/v1/conversations/{conversation}/messages"))
        .await;
    let question_id = messages["items"][0]["id"].as_str().expect("id").to_owned();
    let start = question.find("06 12").expect("phone");

    let posted = share(&app, &alice, &chat, json!({
        "conversation_id": conversation, "mode": "snapshot", "expires_in_days": 7,
        "redactions": [{"message_id": question_id, "start": start, "end": start + "06 12 34 56 78".len(), "kind": "phone"}]
    }))
    .await;
    assert_eq!(posted.status(), StatusCode::CREATED);
    let posted = json_of(posted).await;
    assert_eq!(posted["kind"], "share");
    let card = &posted["share"];
    assert_eq!(
        (
            card["mode"].as_str(),
            card["state"].as_str(),
            card["message_count"].as_i64()
        ),
        (Some("snapshot"), Some("active"), Some(2))
    );
    let share_id = card["id"].as_str().expect("id").to_owned();
    assert_eq!(
        card["title"], "Mon numéro est le [téléphone], comment rédiger mon CV ?",
        "the title is redacted too"
    );
    assert_eq!(posted["content"], card["title"]);

    let seen = app
        .as_user(&bob)
        .json(&format!("/api/v1/shares/{share_id}"))
        .await;
    assert_eq!(
        seen["messages"][0]["content"],
        "Mon numéro est le [téléphone], comment rédiger mon CV ?"
    );
    assert!(seen.get("views").is_none(), "only the owner sees the views");
    let original = app
        .as_user(&alice)
        .json(&format!("/api/v1/conversations/{conversation}/messages"))
        .await;
    assert_eq!(
        original["items"][0]["content"], question,
        "the original is untouched"
    );
    let owner_view = app
        .as_user(&alice)
        .json(&format!("/api/v1/shares/{share_id}"))
        .await;
    assert_eq!(owner_view["views"][0]["viewer"], "Camille Martin");

    // The conversation grows: the snapshot does not, until it is re-snapshotted.
    app.as_user(&alice)
        .send(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"content": "Et la lettre de motivation ?"}),
        )
        .await;
    let still = app
        .as_user(&bob)
        .json(&format!("/api/v1/shares/{share_id}"))
        .await;
    assert_eq!(still["messages"].as_array().map(Vec::len), Some(2));
    let resnapshot = app
        .as_user(&alice)
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/shares/{share_id}"),
            Some(json!({"resnapshot": true})),
        )
        .await;
    let resnapshot = json_of(resnapshot).await;
    assert_eq!(
        (
            resnapshot["message_count"].as_i64(),
            resnapshot["updated"].as_bool(),
            resnapshot["id"].as_str()
        ),
        (Some(4), Some(true), Some(share_id.as_str()))
    );
    let live = app
        .as_user(&alice)
        .call(
            reqwest::Method::PATCH,
            &format!("/api/v1/shares/{share_id}"),
            Some(json!({"mode": "live"})),
        )
        .await;
    assert_eq!(json_of(live).await["mode"], "live");
    let refreshed = app
        .as_user(&bob)
        .json(&format!("/api/v1/shares/{share_id}"))
        .await;
    assert_eq!(
        refreshed["messages"][0]["content"], "Mon numéro est le [téléphone], comment rédiger mon CV ?",
        "live shares keep the redactions"
    );

    let fork = app
        .as_user(&bob)
        .post_empty(&format!("/api/v1/shares/{share_id}/fork"))
        .await;
    assert_eq!(fork.status(), StatusCode::CREATED);
    let forked = json_of(fork).await;
    let copy = app
        .as_user(&bob)
        .json(&format!(
            "/api/v1/conversations/{}/messages",
            forked["id"].as_str().expect("id")
        ))
        .await;
    assert_eq!(copy["items"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        copy["items"][0]["content"],
        "Mon numéro est le [téléphone], comment rédiger mon CV ?"
    );

    let mine: Vec<Value> = app.as_user(&alice).get("/api/v1/me/shares").await;
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["participant"]["display_name"], "Camille Martin");
    assert!(mine[0]["views"].as_array().is_some_and(|v| v.len() >= 3));

    // Deleting the conversation revokes its shares; the fork stays Bob's.
    app.as_user(&alice)
        .delete(&format!("/api/v1/conversations/{conversation}"))
        .await;
    app.as_user(&bob)
        .refused(&format!("/api/v1/shares/{share_id}"), 410, "share_gone")
        .await;
    app.as_user(&alice)
        .refused(&format!("/api/v1/shares/{share_id}"), 410, "share_gone")
        .await;
    let listed = app.as_user(&alice).json("/api/v1/me/shares").await;
    assert_eq!(
        listed[0]["share"]["state"], "revoked",
        "a revoked share is gone for everyone, its card stays in the owner's list"
    );
    app.as_user(&bob)
        .json(&format!(
            "/api/v1/conversations/{}",
            forked["id"].as_str().expect("id")
        ))
        .await;

    let bad = share(&app, &alice, &chat, sharing(&conversation, ShareMode::Snapshot)).await;
    assert_problem(bad, 404, "not_found").await;
}

/// Finding: opening a chat tells whether an address has an account, and nothing bounded the attempts.
async fn opening_chats_is_rate_limited_per_user(app: TestApp) {
    let prober = app.user("prober@example.fr").await;
    for i in 0..30 {
        let response = open(&app, &prober, &format!("guess{i}@example.fr")).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    let limited = open(&app, &prober, "guess-more@example.fr").await;
    assert!(limited.headers().contains_key("retry-after"));
    assert_problem(limited, 429, "rate_limited").await;
    let other = app.user("honest@example.fr").await;
    assert_eq!(
        open(&app, &other, "prober@example.fr").await.status(),
        StatusCode::CREATED,
        "the budget is per user"
    );
}

/// Posts sent at the same instant go to the chat writer together (one transaction): each is answered for
/// itself — stored once, 201 — while a blocked poster and a stranger get their own refusal, and the read
/// marks and the chat list follow.
async fn a_burst_of_posts_is_written_together_and_each_answered(app: TestApp) {
    let alice = app.user("alice@example.fr").await;
    let bob = app.user("bob@example.fr").await;
    let carol = app.user("carol@example.fr").await;
    let dan = app.user("dan@example.fr").await;
    let with_bob = app.as_user(&alice).open_chat("bob@example.fr").await.id;
    let with_carol = app.as_user(&alice).open_chat("carol@example.fr").await.id;
    set_block(&app, &carol, &with_carol, true).await;
    let texts: Vec<String> = (0..40).map(|i| format!("message {i}")).collect();
    let mut sends = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let (who, chat) = match i % 4 {
            0 | 1 => (&alice, &with_bob),
            2 => (&bob, &with_bob),
            _ if i % 8 == 3 => (&alice, &with_carol),
            _ => (&dan, &with_bob),
        };
        sends.push(post(&app, who, chat, text));
    }
    let answers = futures_util::future::join_all(sends).await;
    let mut created = Vec::new();
    for (i, answer) in answers.into_iter().enumerate() {
        let status = answer.status();
        let body = json_of(answer).await;
        match i % 4 {
            0..=2 => {
                assert_eq!(status, StatusCode::CREATED, "post {i}: {body}");
                assert_eq!(body["content"], format!("message {i}"));
                created.push(body["id"].as_str().expect("id").to_owned());
            }
            _ if i % 8 == 3 => assert_eq!(
                (status, body["code"].clone()),
                (StatusCode::FORBIDDEN, json!("blocked"))
            ),
            _ => assert_eq!(
                (status, body["code"].clone()),
                (StatusCode::NOT_FOUND, json!("not_found"))
            ),
        }
    }
    assert_eq!(created.len(), 30);
    let page = app
        .as_user(&bob)
        .json(&format!("/api/v1/chats/{with_bob}/messages?limit=100"))
        .await;
    let stored: Vec<String> = page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| m["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    let mut expected = created.clone();
    expected.sort();
    let mut got = stored.clone();
    got.sort();
    assert_eq!(got, expected, "every created post stored once, nothing else");
    // Each poster's read mark is their own newest post: what the other posted after it is unread, whatever
    // order the batch gave the posts.
    let mut items = page["items"].as_array().expect("items").clone();
    let at = |m: &Value| {
        chrono::DateTime::parse_from_rfc3339(m["created_at"].as_str().unwrap_or_default()).expect("a time")
    };
    items.sort_by(|a, b| {
        at(a)
            .cmp(&at(b))
            .then_with(|| a["id"].as_str().cmp(&b["id"].as_str()))
    });
    for (reader, writer) in [(&bob, &alice), (&alice, &bob)] {
        let last_own = items.iter().rposition(|m| m["sender_id"] == reader.id.as_str());
        let expected = items
            .iter()
            .skip(last_own.map_or(0, |i| i + 1))
            .filter(|m| m["sender_id"] == writer.id.as_str())
            .count() as i64;
        let listed = app.as_user(reader).json("/api/v1/chats").await;
        let unread = listed
            .as_array()
            .expect("list")
            .iter()
            .find(|c| c["id"] == with_bob.as_str())
            .and_then(|c| c["unread_count"].as_i64());
        assert_eq!(unread, Some(expected), "{listed}");
    }
}
