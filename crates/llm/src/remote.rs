//! The chat-completions client shared by Mistral, OpenRouter and OpenAI-compatible servers.
//!
//! Wire format: POST `{base}/chat/completions` with `stream: true`; the answer is SSE with `data: {chunk}`
//! lines, comment lines, usage in the last chunk, and `data: [DONE]`. Only fields every provider accepts are
//! sent: Mistral answers 422 to unknown ones such as `stream_options` or `user`.

use std::collections::VecDeque;
use std::time::Duration;

use futures_util::future::BoxFuture;
use futures_util::StreamExt;
use jobbot_domain::sse::SseParser;
use reqwest::header::{HeaderMap, ACCEPT, RETRY_AFTER};
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::{
    error_message, ChatRequest, Chunk, ChunkStream, LlmError, Provider, ProviderConfig, ProviderKind, Usage,
};

/// Retries after the first attempt, for 429 and 5xx before any token.
const RETRIES: u32 = 2;

pub struct RemoteProvider {
    config: ProviderConfig,
    client: reqwest::Client,
}

impl RemoteProvider {
    pub fn new(config: ProviderConfig) -> Self {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(90))
            .build()
            .unwrap_or_default();
        Self { config, client }
    }

    /// The request body. `stream_options` only goes to generic OpenAI-compatible servers, which need it to
    /// report usage; Mistral and OpenRouter report usage in the last chunk on their own.
    pub fn body(&self, request: &ChatRequest) -> Value {
        let mut body = json!({
            "model": request.model.as_deref().unwrap_or(&self.config.model),
            "messages": request.messages,
            "stream": true,
        });
        if self.config.kind == ProviderKind::OpenAi {
            body["stream_options"] = json!({"include_usage": true});
        }
        body
    }

    fn retry_wait(&self, headers: &HeaderMap, attempt: u32) -> Duration {
        let asked = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64);
        asked
            .unwrap_or(Duration::from_millis(500 * 2u64.pow(attempt)))
            .min(self.config.max_retry_wait)
    }
}

impl Provider for RemoteProvider {
    fn name(&self) -> &'static str {
        self.config.kind.as_str()
    }

    fn model(&self) -> &str {
        &self.config.model
    }

    fn start(&self, request: ChatRequest) -> BoxFuture<'_, Result<ChunkStream, LlmError>> {
        Box::pin(async move {
            let url = format!("{}/chat/completions", self.config.base_url.trim_end_matches('/'));
            let body = self.body(&request);
            let mut attempt = 0;
            loop {
                let mut builder = self
                    .client
                    .post(&url)
                    .header(ACCEPT, "text/event-stream")
                    .json(&body);
                if let Some(key) = &self.config.api_key {
                    builder = builder.bearer_auth(key);
                }
                if self.config.kind == ProviderKind::OpenRouter {
                    builder = builder
                        .header("HTTP-Referer", &self.config.app_url)
                        .header("X-Title", "JobBot");
                }
                let response = match builder.send().await {
                    Ok(response) => response,
                    Err(error) if attempt < RETRIES => {
                        tracing::warn!(provider = self.name(), attempt, error = %error, "AI provider unreachable; retrying");
                        tokio::time::sleep(self.retry_wait(&HeaderMap::new(), attempt)).await;
                        attempt += 1;
                        continue;
                    }
                    Err(error) => return Err(LlmError::Unavailable(error.without_url().to_string())),
                };
                let status = response.status();
                if status.is_success() {
                    return Ok(parse_stream(response));
                }
                let retryable = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
                let wait = self.retry_wait(response.headers(), attempt);
                let message = error_message(&response.text().await.unwrap_or_default());
                tracing::warn!(provider = self.name(), status = status.as_u16(), attempt, message = %message, "AI provider error");
                if retryable && attempt < RETRIES {
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
                return Err(match status {
                    StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => LlmError::Unauthorized(message),
                    StatusCode::TOO_MANY_REQUESTS => LlmError::RateLimited(message),
                    s if s.is_server_error() => LlmError::Unavailable(message),
                    _ => LlmError::Rejected(message),
                });
            }
        })
    }
}

struct StreamState {
    bytes: futures_util::stream::BoxStream<'static, reqwest::Result<Vec<u8>>>,
    parser: SseParser,
    pending: VecDeque<Result<Chunk, LlmError>>,
    finished: bool,
    ended: bool,
}

fn parse_stream(response: reqwest::Response) -> ChunkStream {
    let state = StreamState {
        bytes: response.bytes_stream().map(|r| r.map(|b| b.to_vec())).boxed(),
        parser: SseParser::new(),
        pending: VecDeque::new(),
        finished: false,
        ended: false,
    };
    Box::pin(futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.pending.pop_front() {
                if item.is_err() {
                    state.ended = true;
                    state.pending.clear();
                }
                return Some((item, state));
            }
            if state.ended {
                return None;
            }
            match state.bytes.next().await {
                Some(Ok(bytes)) => {
                    for event in state.parser.feed(&bytes) {
                        handle_event(&event.data, &mut state);
                    }
                }
                Some(Err(error)) => {
                    state
                        .pending
                        .push_back(Err(LlmError::Stream(error.without_url().to_string())));
                }
                None => {
                    if let Some(event) = state.parser.finish() {
                        handle_event(&event.data, &mut state);
                    }
                    if !state.finished {
                        let cut = "the connection closed before the end of the reply";
                        state.pending.push_back(Err(LlmError::Stream(cut.into())));
                    }
                    // What is pending is still delivered by the loop, then the stream ends.
                    state.ended = true;
                }
            }
        }
    }))
}

fn handle_event(data: &str, state: &mut StreamState) {
    if state.ended {
        return;
    }
    if data.trim() == "[DONE]" {
        state.finished = true;
        state.ended = true;
        return;
    }
    let Ok(chunk) = serde_json::from_str::<Value>(data) else {
        tracing::warn!("ignoring an unreadable stream chunk");
        return;
    };
    if let Some(error) = chunk.get("error") {
        state
            .pending
            .push_back(Err(LlmError::Stream(error_message(&error.to_string()))));
        return;
    }
    let choice = chunk.get("choices").and_then(|c| c.get(0));
    if let Some(text) = choice
        .and_then(|c| c.pointer("/delta/content"))
        .and_then(Value::as_str)
    {
        if !text.is_empty() {
            state.pending.push_back(Ok(Chunk::Text(text.to_owned())));
        }
    }
    match choice
        .and_then(|c| c.get("finish_reason"))
        .and_then(Value::as_str)
    {
        Some("error") => state.pending.push_back(Err(LlmError::Stream(
            "the provider ended the reply with an error".into(),
        ))),
        Some(_) => state.finished = true,
        None => {}
    }
    if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
        let count = |key: &str| usage.get(key).and_then(Value::as_i64).unwrap_or(0);
        state.pending.push_back(Ok(Chunk::Usage(Usage {
            prompt_tokens: count("prompt_tokens"),
            completion_tokens: count("completion_tokens"),
        })));
    }
}
