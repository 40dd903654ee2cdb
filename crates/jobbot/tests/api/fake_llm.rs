//! A fake chat-completions upstream speaking Mistral's and OpenRouter's wire formats exactly, recording every
//! request, and misbehaving on demand (error statuses, hangs, stalls, cut connections, error chunks).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use futures_util::StreamExt;
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Mistral,
    OpenRouter,
}

#[derive(Debug, Clone)]
pub enum Behaviour {
    /// A normal streamed answer, one chunk per piece, with usage in the last chunk.
    Reply { pieces: Vec<String>, delay: Duration },
    /// An error status with a body (and a Retry-After header when given).
    Status {
        status: u16,
        body: String,
        retry_after: Option<&'static str>,
    },
    /// 200 and headers, then nothing.
    HangBeforeFirstToken,
    /// Some pieces, then silence.
    StallAfter(Vec<String>),
    /// Some pieces, then the connection closes: no final chunk, no `data: [DONE]`.
    CutAfter(Vec<String>),
    /// Some pieces, then an error chunk (OpenRouter's mid-stream error).
    ErrorChunkAfter(Vec<String>),
}

#[derive(Debug, Clone)]
pub struct Recorded {
    pub authorization: Option<String>,
    pub referer: Option<String>,
    pub title: Option<String>,
    pub body: Value,
}

struct State {
    flavor: Flavor,
    script: VecDeque<Behaviour>,
    fallback: Behaviour,
    requests: Vec<Recorded>,
}

#[derive(Clone)]
pub struct FakeLlm {
    pub base_url: String,
    state: Arc<Mutex<State>>,
}

pub const USAGE: (i64, i64) = (42, 7);
/// Body fields Mistral accepts; anything else gets its 422 `extra_forbidden`, as the real API does.
const MISTRAL_FIELDS: &[&str] = &[
    "model",
    "messages",
    "stream",
    "temperature",
    "top_p",
    "max_tokens",
    "stop",
    "random_seed",
    "safe_prompt",
    "response_format",
    "tools",
    "tool_choice",
    "presence_penalty",
    "frequency_penalty",
    "n",
    "prediction",
    "parallel_tool_calls",
    "prompt_mode",
];

pub fn pieces(text: &[&str]) -> Vec<String> {
    text.iter().map(|s| (*s).to_owned()).collect()
}

impl FakeLlm {
    pub async fn start(flavor: Flavor) -> Self {
        let state = Arc::new(Mutex::new(State {
            flavor,
            script: VecDeque::new(),
            fallback: Behaviour::Reply {
                pieces: pieces(&["Bonjour", " ! Voici", " mes conseils."]),
                delay: Duration::ZERO,
            },
            requests: Vec::new(),
        }));
        let data = web::Data::from(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/v1/chat/completions", web::post().to(handle))
        })
        .workers(1)
        .disable_signals()
        .bind(("127.0.0.1", 0))
        .expect("bind the fake upstream");
        let port = server.addrs()[0].port();
        actix_rt::spawn(server.run());
        Self {
            base_url: format!("http://127.0.0.1:{port}/v1"),
            state,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The next requests get these behaviours, in order; then the fallback.
    pub fn script(&self, behaviours: Vec<Behaviour>) {
        self.lock().script.extend(behaviours);
    }

    pub fn set_fallback(&self, behaviour: Behaviour) {
        self.lock().fallback = behaviour;
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.lock().requests.clone()
    }
}

fn chunk(flavor: Flavor, content: &str, finish: Option<&str>, usage: bool) -> String {
    let mut value = match flavor {
        Flavor::Mistral => json!({
            "id": "cmpl-7f3a", "object": "chat.completion.chunk", "created": 1_763_700_000, "model": "mistral-small-latest",
            "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}]
        }),
        Flavor::OpenRouter => json!({
            "id": "gen-1763700000-abc", "provider": "Mistral", "model": "mistralai/mistral-small-3.2-24b-instruct",
            "object": "chat.completion.chunk", "created": 1_763_700_000,
            "choices": [{"index": 0, "delta": {"role": "assistant", "content": content}, "finish_reason": finish,
                         "native_finish_reason": finish, "logprobs": null}]
        }),
    };
    if usage {
        value["usage"] = json!({"prompt_tokens": USAGE.0, "completion_tokens": USAGE.1, "total_tokens": USAGE.0 + USAGE.1});
    }
    format!("data: {value}\n\n")
}

type Body = futures_util::stream::LocalBoxStream<'static, Result<web::Bytes, actix_web::Error>>;

fn sse(parts: Vec<String>, delay: Duration, tail: Tail) -> Body {
    let parts = futures_util::stream::iter(parts).then(move |part| async move {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        Ok::<_, actix_web::Error>(web::Bytes::from(part))
    });
    match tail {
        Tail::End => parts.boxed_local(),
        Tail::Silence => parts.chain(futures_util::stream::pending()).boxed_local(),
    }
}

enum Tail {
    End,
    Silence,
}

async fn handle(state: web::Data<Mutex<State>>, req: HttpRequest, body: web::Json<Value>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (flavor, behaviour) = {
        let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
        state.requests.push(Recorded {
            authorization: header("authorization"),
            referer: header("http-referer"),
            title: header("x-title"),
            body: body.0.clone(),
        });
        let behaviour = state.script.pop_front().unwrap_or_else(|| state.fallback.clone());
        (state.flavor, behaviour)
    };
    if flavor == Flavor::Mistral {
        let extra: Vec<&String> = body
            .as_object()
            .map(|o| {
                o.keys()
                    .filter(|k| !MISTRAL_FIELDS.contains(&k.as_str()))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(field) = extra.first() {
            return HttpResponse::UnprocessableEntity().json(json!({
                "object": "error",
                "message": {"detail": [{"type": "extra_forbidden", "loc": ["body", field], "msg": "Extra inputs are not permitted", "input": body[field.as_str()]}]},
                "type": "invalid_request_message_error", "param": null, "code": null
            }));
        }
    }
    let preamble = || match flavor {
        Flavor::OpenRouter => vec![
            ": OPENROUTER PROCESSING\n\n".to_owned(),
            ": OPENROUTER PROCESSING\n\n".to_owned(),
        ],
        Flavor::Mistral => vec![chunk(flavor, "", None, false)],
    };
    let texts = |pieces: &[String]| {
        pieces
            .iter()
            .map(|p| chunk(flavor, p, None, false))
            .collect::<Vec<_>>()
    };
    let stream_response = |body: Body| {
        HttpResponse::Ok()
            .content_type("text/event-stream")
            .streaming(body)
    };
    match behaviour {
        Behaviour::Reply { pieces, delay } => {
            let mut parts = preamble();
            parts.extend(texts(&pieces));
            if flavor == Flavor::OpenRouter {
                parts.insert(parts.len() / 2 + 1, ": OPENROUTER PROCESSING\n\n".to_owned());
            }
            parts.push(chunk(flavor, "", Some("stop"), true));
            parts.push("data: [DONE]\n\n".to_owned());
            stream_response(sse(parts, delay, Tail::End))
        }
        Behaviour::Status {
            status,
            body,
            retry_after,
        } => {
            let mut response =
                HttpResponse::build(actix_web::http::StatusCode::from_u16(status).expect("status"));
            if let Some(seconds) = retry_after {
                response.insert_header(("Retry-After", seconds));
            }
            response.content_type("application/json").body(body)
        }
        Behaviour::HangBeforeFirstToken => stream_response(sse(preamble(), Duration::ZERO, Tail::Silence)),
        Behaviour::StallAfter(pieces) => {
            let mut parts = preamble();
            parts.extend(texts(&pieces));
            stream_response(sse(parts, Duration::ZERO, Tail::Silence))
        }
        Behaviour::CutAfter(pieces) => {
            let mut parts = preamble();
            parts.extend(texts(&pieces));
            stream_response(sse(parts, Duration::ZERO, Tail::End))
        }
        Behaviour::ErrorChunkAfter(pieces) => {
            let mut parts = preamble();
            parts.extend(texts(&pieces));
            let error = json!({
                "id": "gen-1763700000-abc", "object": "chat.completion.chunk", "created": 1_763_700_000,
                "model": "mistralai/mistral-small-3.2-24b-instruct", "provider": "Mistral",
                "error": {"code": "server_error", "message": "Provider disconnected unexpectedly"},
                "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]
            });
            parts.push(format!("data: {error}\n\n"));
            stream_response(sse(parts, Duration::ZERO, Tail::End))
        }
    }
}
