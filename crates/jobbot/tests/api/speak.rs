//! The API as a signed-in person uses it, in its own types: `app.as_user(&alice).open_chat("bob@…")` answers a
//! `ChatSummary`, not a JSON tree to pick apart. Each call asserts the status the OpenAPI document promises
//! and shows the body when it is not that. The set-ups of the privacy, chats, realtime and assistant tests
//! are written with these. It needs nothing of the test harness, so the benches use it too.

use jobbot_api_types::{ChatMessage, ChatSummary, Conversation, Exchange};
use jobbot_domain::ShareMode;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

pub struct Speaker<'a> {
    client: &'a reqwest::Client,
    base: &'a str,
    token: &'a str,
}

impl<'a> Speaker<'a> {
    /// The holder of `token` on the server at `base` (a process the test started).
    pub fn at(client: &'a reqwest::Client, base: &'a str, token: &'a str) -> Self {
        Speaker { client, base, token }
    }

    /// GETs `path` and reads the answer as `T`, which must come with 200.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> T {
        let response = self.call(reqwest::Method::GET, path, None).await;
        read(response, &format!("GET {path}"), &[StatusCode::OK]).await
    }

    /// GETs `path`: the answer's JSON, which must come with 200.
    pub async fn json(&self, path: &str) -> Value {
        self.get(path).await
    }

    /// POSTs `body` to `path`: the answer as it comes, for the tests of refusals.
    pub async fn send(&self, path: &str, body: Value) -> reqwest::Response {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    /// POSTs to `path` without a body (an action: stop, regenerate, fork…): the answer as it comes.
    pub async fn post_empty(&self, path: &str) -> reqwest::Response {
        self.call(reqwest::Method::POST, path, None).await
    }

    /// PUTs to `path` without a body: the answer as it comes.
    pub async fn put(&self, path: &str) -> reqwest::Response {
        self.call(reqwest::Method::PUT, path, None).await
    }

    /// DELETEs `path`: the answer as it comes.
    pub async fn delete(&self, path: &str) -> reqwest::Response {
        self.call(reqwest::Method::DELETE, path, None).await
    }

    /// `method path`, with `body` as JSON when given: the answer as it comes.
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.base))
            .bearer_auth(self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    /// POSTs `body` to `path` and reads the answer as `T`, which must come with one of `statuses`.
    pub async fn post<T: DeserializeOwned>(&self, path: &str, body: Value, statuses: &[StatusCode]) -> T {
        read(self.send(path, body).await, &format!("POST {path}"), statuses).await
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
            sharing(conversation, mode),
            &[StatusCode::CREATED],
        )
        .await
    }
}

/// The answer to `call` as `T`; it must come with one of `statuses`.
async fn read<T: DeserializeOwned>(response: reqwest::Response, call: &str, statuses: &[StatusCode]) -> T {
    let status = response.status();
    let text = response.text().await.expect("a body");
    assert!(statuses.contains(&status), "{call}: {status} {text}");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{call}: {e} in {text}"))
}

/// The body that shares `conversation` in `mode`.
pub fn sharing(conversation: &str, mode: ShareMode) -> Value {
    json!({ "conversation_id": conversation, "mode": mode })
}

/// The share a card carries.
pub fn share_id(card: &ChatMessage) -> String {
    card.share.as_ref().expect("a share card").id.clone()
}
