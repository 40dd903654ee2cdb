//! The API as a signed-in person uses it, in its own types: `app.as_user(&alice).open_chat("bob@…")` answers a
//! `ChatSummary`, not a JSON tree to pick apart. Each call asserts the status the OpenAPI document promises
//! and shows the body when it is not that. The set-ups of the privacy, chats, realtime and assistant tests
//! are written with these.

use jobbot_api_types::{ChatMessage, ChatSummary, Conversation, Exchange};
use jobbot_domain::ShareMode;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::helpers::{TestApp, TestUser};

pub struct Speaker<'a> {
    app: &'a TestApp,
    token: &'a str,
}

impl TestApp {
    /// `user`, calling the API with their access token.
    pub fn as_user<'a>(&'a self, user: &'a TestUser) -> Speaker<'a> {
        self.with_token(&user.access_token)
    }

    /// The holder of `token` (an access or personal token).
    pub fn with_token<'a>(&'a self, token: &'a str) -> Speaker<'a> {
        Speaker { app: self, token }
    }
}

impl Speaker<'_> {
    /// POSTs `body` to `path`: the answer as it comes, for the tests of refusals.
    pub async fn send(&self, path: &str, body: Value) -> reqwest::Response {
        self.app
            .client
            .post(self.app.url(path))
            .bearer_auth(self.token)
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }

    /// POSTs `body` to `path` and reads the answer as `T`, which must come with one of `statuses`.
    pub async fn post<T: DeserializeOwned>(&self, path: &str, body: Value, statuses: &[StatusCode]) -> T {
        let response = self.send(path, body).await;
        let status = response.status();
        let text = response.text().await.expect("a body");
        assert!(statuses.contains(&status), "POST {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("POST {path}: {e} in {text}"))
    }

    /// A new conversation with the coach.
    pub async fn new_conversation(&self) -> Conversation {
        self.post("/api/v1/conversations", json!({}), &[StatusCode::CREATED])
            .await
    }

    /// A question in `conversation`, and its finished answer (JSON mode).
    pub async fn ask(&self, conversation: &str, question: &str) -> Exchange {
        self.post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({ "content": question }),
            &[StatusCode::CREATED],
        )
        .await
    }

    /// A new conversation with one question asked and answered.
    pub async fn conversation_about(&self, question: &str) -> Conversation {
        let conversation = self.new_conversation().await;
        self.ask(&conversation.id, question).await;
        conversation
    }

    /// The chat with the person at `email` (opened, or the one that already exists).
    pub async fn open_chat(&self, email: &str) -> ChatSummary {
        self.post(
            "/api/v1/chats",
            json!({ "participant_email": email }),
            &[StatusCode::CREATED, StatusCode::OK],
        )
        .await
    }

    /// A message in `chat`.
    pub async fn say(&self, chat: &str, content: &str) -> ChatMessage {
        self.post(
            &format!("/api/v1/chats/{chat}/messages"),
            json!({ "content": content }),
            &[StatusCode::CREATED],
        )
        .await
    }

    /// `conversation` shared into `chat`: the card posted there (`.share` is the share).
    pub async fn share(&self, chat: &str, conversation: &str, mode: ShareMode) -> ChatMessage {
        self.post(
            &format!("/api/v1/chats/{chat}/shares"),
            json!({ "conversation_id": conversation, "mode": mode }),
            &[StatusCode::CREATED],
        )
        .await
    }
}

/// The share a card carries.
pub fn share_id(card: &ChatMessage) -> String {
    card.share.as_ref().expect("a share card").id.clone()
}
