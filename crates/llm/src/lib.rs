//! Language-model providers behind one trait.
//!
//! - `mistral`, `openrouter` and `openai` (any OpenAI-compatible server: Ollama, vLLM…) share one client
//!   ([`remote::RemoteProvider`]) that speaks the chat-completions wire format with streaming;
//! - `offline` ([`offline::OfflineCoach`]) answers from built-in French and English guides, with no network.
//!
//! A provider turns a [`ChatRequest`] into a stream of [`Chunk`]s. Retries (429/5xx before the first token)
//! happen inside `start`; time limits are applied by the caller with [`with_timeouts`].

use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::{Stream, StreamExt};
use serde::Serialize;

pub mod grounding;
pub mod offline;
pub mod remote;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatRequest {
    /// System prompt first, then the conversation, oldest first.
    pub messages: Vec<ChatMessage>,
    /// The model to ask; `None` is the provider's configured one.
    pub model: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chunk {
    Text(String),
    Usage(Usage),
}

pub type ChunkStream = Pin<Box<dyn Stream<Item = Result<Chunk, LlmError>> + Send>>;

/// Why a reply could not be produced. `code()` is the API's stable problem code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LlmError {
    /// 401/403: the key is wrong or missing; an administrator must fix the configuration.
    #[error("the AI provider rejected the API key ({0})")]
    Unauthorized(String),
    #[error("the AI provider is rate limiting requests ({0})")]
    RateLimited(String),
    #[error("the AI provider is unavailable ({0})")]
    Unavailable(String),
    /// Another 4xx: the provider refused the request itself.
    #[error("the AI provider refused the request ({0})")]
    Rejected(String),
    #[error("the AI provider sent no first token in time")]
    FirstTokenTimeout,
    #[error("the AI provider stopped sending in the middle of the reply")]
    Stalled,
    /// An error reported inside the stream, or a broken connection.
    #[error("the reply stream broke ({0})")]
    Stream(String),
}

impl LlmError {
    /// Rate limits and server errors that outlasted the retries: the model is overloaded or down, so another
    /// model (the operator's fallback) may answer.
    pub fn is_overload(&self) -> bool {
        matches!(self, LlmError::RateLimited(_) | LlmError::Unavailable(_))
    }

    /// What the user (and the admin) should read.
    pub fn detail(&self) -> String {
        match self {
            LlmError::Unauthorized(_) => {
                "The AI provider rejected JobBot's API key. An administrator must check \
                                          the key (MISTRAL_API_KEY, OPENROUTER_API_KEY or OPENAI_API_KEY)."
                    .to_owned()
            }
            other => {
                let mut text = other.to_string();
                if let Some(first) = text.get_mut(0..1) {
                    first.make_ascii_uppercase();
                }
                text.push('.');
                text
            }
        }
    }
}

/// A configured provider.
pub trait Provider: Send + Sync {
    /// `mistral`, `openrouter`, `openai` or `offline`.
    fn name(&self) -> &'static str;
    fn model(&self) -> &str;
    /// True when answers come from the built-in guides rather than a model.
    fn is_offline(&self) -> bool {
        false
    }
    /// Sends the request (retrying 429/5xx) and returns the reply as a stream.
    fn start(&self, request: ChatRequest) -> BoxFuture<'_, Result<ChunkStream, LlmError>>;
}

/// Which provider answers, and how to reach it.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderConfig {
    pub kind: ProviderKind,
    pub base_url: String,
    pub api_key: Option<String>,
    pub model: String,
    /// Longest wait honoured from a `Retry-After` header.
    pub max_retry_wait: Duration,
    /// The app's public address, sent to OpenRouter as `HTTP-Referer`.
    pub app_url: String,
}

impl std::fmt::Debug for ProviderConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProviderConfig")
            .field("kind", &self.kind)
            .field("base_url", &self.base_url)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("model", &self.model)
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    Mistral,
    OpenRouter,
    OpenAi,
    Offline,
}

impl ProviderKind {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "mistral" => Some(Self::Mistral),
            "openrouter" => Some(Self::OpenRouter),
            "openai" => Some(Self::OpenAi),
            "offline" => Some(Self::Offline),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mistral => "mistral",
            Self::OpenRouter => "openrouter",
            Self::OpenAi => "openai",
            Self::Offline => "offline",
        }
    }

    pub fn default_base_url(self) -> &'static str {
        match self {
            Self::Mistral => "https://api.mistral.ai/v1",
            Self::OpenRouter => "https://openrouter.ai/api/v1",
            Self::OpenAi => "http://127.0.0.1:11434/v1",
            Self::Offline => "",
        }
    }

    pub fn default_model(self) -> &'static str {
        match self {
            Self::Mistral => "mistral-small-latest",
            Self::OpenRouter => "mistralai/mistral-small-3.2-24b-instruct",
            Self::OpenAi => "llama3.2",
            Self::Offline => "jobbot-guides-1",
        }
    }
}

pub fn build(config: &ProviderConfig) -> Arc<dyn Provider> {
    match config.kind {
        ProviderKind::Offline => Arc::new(offline::OfflineCoach::new()),
        _ => Arc::new(remote::RemoteProvider::new(config.clone())),
    }
}

/// Ends the stream with `FirstTokenTimeout` if no text arrives within `first`, and with `Stalled` if a
/// started reply goes silent for `idle`.
pub fn with_timeouts(stream: ChunkStream, first: Duration, idle: Duration) -> ChunkStream {
    let state = (stream, false, false);
    Box::pin(futures_util::stream::unfold(
        state,
        move |(mut stream, started, ended)| async move {
            if ended {
                return None;
            }
            let limit = if started { idle } else { first };
            match tokio::time::timeout(limit, stream.next()).await {
                Ok(Some(Ok(chunk))) => {
                    let started = started || matches!(chunk, Chunk::Text(_));
                    Some((Ok(chunk), (stream, started, false)))
                }
                Ok(Some(Err(error))) => Some((Err(error), (stream, started, true))),
                Ok(None) => None,
                Err(_) => {
                    let error = if started {
                        LlmError::Stalled
                    } else {
                        LlmError::FirstTokenTimeout
                    };
                    Some((Err(error), (stream, started, true)))
                }
            }
        },
    ))
}

/// Reads a provider's error body leniently: `message` (string or object), `detail` (string or list),
/// `error.message`, or the raw text.
pub fn error_message(body: &str) -> String {
    fn text(value: &serde_json::Value) -> Option<String> {
        match value {
            serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
            serde_json::Value::Array(items) => {
                let parts: Vec<String> = items
                    .iter()
                    .filter_map(|item| {
                        item.get("msg")
                            .or_else(|| item.get("message"))
                            .and_then(text)
                            .or_else(|| text(item))
                    })
                    .collect();
                (!parts.is_empty()).then(|| parts.join("; "))
            }
            serde_json::Value::Object(map) => ["message", "detail", "msg", "error"]
                .iter()
                .find_map(|key| map.get(*key).and_then(text)),
            _ => None,
        }
    }
    match serde_json::from_str::<serde_json::Value>(body) {
        Ok(value) => text(&value).unwrap_or_else(|| truncate(body)),
        Err(_) => truncate(body),
    }
}

fn truncate(body: &str) -> String {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return "no details".to_owned();
    }
    trimmed.chars().take(300).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_are_read_leniently() {
        assert_eq!(
            error_message(r#"{"error":{"code":401,"message":"No auth credentials found"}}"#),
            "No auth credentials found"
        );
        assert_eq!(
            error_message(r#"{"message":"Unauthorized","request_id":"x"}"#),
            "Unauthorized"
        );
        assert_eq!(
            error_message(
                r#"{"object":"error","message":{"detail":[{"type":"extra_forbidden","loc":["body","user"],"msg":"Extra inputs are not permitted"}]},"type":"invalid_request_error"}"#
            ),
            "Extra inputs are not permitted"
        );
        assert_eq!(error_message(r#"{"detail":"Service down"}"#), "Service down");
        assert_eq!(error_message(r#"{"detail":[{"msg":"a"},{"msg":"b"}]}"#), "a; b");
        assert_eq!(error_message("upstream connect error"), "upstream connect error");
        assert_eq!(error_message(""), "no details");
    }

    #[test]
    fn details_speak_to_the_user_and_the_admin() {
        assert!(LlmError::Unauthorized("x".into())
            .detail()
            .contains("administrator"));
    }

    #[tokio::test(start_paused = true)]
    async fn timeouts_distinguish_no_first_token_from_a_stall() {
        let silent: ChunkStream = Box::pin(futures_util::stream::pending());
        let mut stream = with_timeouts(silent, Duration::from_secs(60), Duration::from_secs(30));
        assert_eq!(stream.next().await, Some(Err(LlmError::FirstTokenTimeout)));
        assert_eq!(stream.next().await, None);

        let stalls: ChunkStream = Box::pin(
            futures_util::stream::iter(vec![Ok(Chunk::Text("Bonjour".into()))])
                .chain(futures_util::stream::pending()),
        );
        let mut stream = with_timeouts(stalls, Duration::from_secs(60), Duration::from_secs(30));
        assert_eq!(stream.next().await, Some(Ok(Chunk::Text("Bonjour".into()))));
        assert_eq!(stream.next().await, Some(Err(LlmError::Stalled)));
    }
}
