//! The assistant's calls (`/api/v1/assistant`, `/api/v1/conversations…`): its description, the conversations,
//! their messages and ratings, and a reply streamed as server-sent events (asked, regenerated, or re-attached).

use gloo_net::http::Response;
use jobbot_api_types::{
    AssistantInfo, Conversation, ConversationPage, CreateConversationRequest, DeltaEvent, DoneEvent,
    ErrorCode, Feedback, FeedbackRequest, Message, MessagePage, Problem, SendMessageRequest,
    UpdateConversationRequest,
};
use jobbot_domain::sse::{SseEvent, SseParser};
use wasm_bindgen::JsCast;

use jobbot_frontend::api::{call, json, problem_of, refresh, refreshable, send_with_headers, ApiError, Verb};

pub async fn assistant_info() -> Result<AssistantInfo, ApiError> {
    call(Verb::Get, "/assistant", None).await
}

pub async fn list_conversations(search: &str) -> Result<ConversationPage, ApiError> {
    let query = js_sys::encode_uri_component(search.trim());
    call(Verb::Get, &format!("/conversations?limit=100&q={query}"), None).await
}

/// A new conversation, answered by `model` (`None`: the operator's default).
pub async fn create_conversation(model: Option<String>) -> Result<Conversation, ApiError> {
    call(
        Verb::Post,
        "/conversations",
        json(&CreateConversationRequest {
            model,
            ..Default::default()
        }),
    )
    .await
}

pub async fn conversation(id: &str) -> Result<Conversation, ApiError> {
    call(Verb::Get, &format!("/conversations/{id}"), None).await
}

/// Shows the branch through `message_id` (one of a message's siblings).
pub async fn show_branch(conversation_id: &str, message_id: &str) -> Result<Conversation, ApiError> {
    call(
        Verb::Patch,
        &format!("/conversations/{conversation_id}"),
        json(&UpdateConversationRequest {
            active_message_id: Some(message_id.to_owned()),
            ..Default::default()
        }),
    )
    .await
}

/// The model that answers the conversation's next questions.
pub async fn set_conversation_model(id: &str, model: &str) -> Result<Conversation, ApiError> {
    call(
        Verb::Patch,
        &format!("/conversations/{id}"),
        json(&UpdateConversationRequest {
            model: Some(model.to_owned()),
            ..Default::default()
        }),
    )
    .await
}

pub async fn rename_conversation(id: &str, title: &str) -> Result<Conversation, ApiError> {
    call(
        Verb::Patch,
        &format!("/conversations/{id}"),
        json(&UpdateConversationRequest {
            title: Some(title.to_owned()),
            ..Default::default()
        }),
    )
    .await
}

pub async fn delete_conversation(id: &str) -> Result<(), ApiError> {
    call(Verb::Delete, &format!("/conversations/{id}"), None).await
}

pub async fn messages(id: &str) -> Result<MessagePage, ApiError> {
    call(
        Verb::Get,
        &format!("/conversations/{id}/messages?limit=200"),
        None,
    )
    .await
}

/// Rates one of the assistant's replies (again: replaces the rating).
pub async fn rate_reply(
    conversation: &str,
    message: &str,
    body: &FeedbackRequest,
) -> Result<Feedback, ApiError> {
    call(
        Verb::Put,
        &format!("/conversations/{conversation}/messages/{message}/feedback"),
        json(body),
    )
    .await
}

pub async fn unrate_reply(conversation: &str, message: &str) -> Result<(), ApiError> {
    call(
        Verb::Delete,
        &format!("/conversations/{conversation}/messages/{message}/feedback"),
        None,
    )
    .await
}

pub async fn stop_reply(id: &str) -> Result<DoneEvent, ApiError> {
    call(
        Verb::Post,
        &format!("/conversations/{id}/stop"),
        Some("{}".into()),
    )
    .await
}

/// What a streamed reply reports, in order: the stored question (or, when re-attaching, the reply as the
/// client should already have it), pieces of text, then the end.
#[derive(Debug, Clone)]
pub enum ReplyEvent {
    Question(Message),
    /// Re-attached: the reply with the text written up to where the stream resumes.
    Started(Message),
    /// A piece of text, and the reply's length in characters after it (to resume from).
    Delta(String, Option<usize>),
    Done(Message),
    Failed(Problem),
}

/// Sends a question (or, with `content: None`, regenerates the last answer) and reports the reply as it
/// streams. Uses `fetch` with a readable body: `EventSource` cannot POST.
pub async fn stream_reply(
    conversation_id: &str,
    content: Option<&str>,
    on_event: impl FnMut(ReplyEvent),
) -> Result<(), ApiError> {
    stream_reply_after(conversation_id, content, None, on_event).await
}

/// As `stream_reply`, the question going after `parent` when given (an edit: `Some(None)` replaces the first
/// question).
pub async fn stream_reply_after(
    conversation_id: &str,
    content: Option<&str>,
    parent: Option<Option<String>>,
    on_event: impl FnMut(ReplyEvent),
) -> Result<(), ApiError> {
    let (path, body) = match content {
        Some(content) => (
            format!("/conversations/{conversation_id}/messages"),
            json(&SendMessageRequest {
                content: content.to_owned(),
                parent_id: parent,
            }),
        ),
        None => (
            format!("/conversations/{conversation_id}/regenerate"),
            Some("{}".to_owned()),
        ),
    };
    let response = open_events(Verb::Post, &path, body.as_deref(), None).await?;
    read_events(response, on_event).await
}

/// Re-attaches to the reply being written in the conversation (after a reload, a dropped connection, or from
/// another tab), after the `last` characters already shown. `Ok(false)`: nothing is being written.
pub async fn resume_reply(
    conversation_id: &str,
    last: Option<usize>,
    on_event: impl FnMut(ReplyEvent),
) -> Result<bool, ApiError> {
    let path = format!("/conversations/{conversation_id}/stream");
    let response = open_events(Verb::Get, &path, None, last).await?;
    if response.status() == 204 {
        return Ok(false);
    }
    read_events(response, on_event).await.map(|_| true)
}

/// Opens an SSE request (refreshing the session once if it expired); an error answer becomes its problem.
async fn open_events(
    verb: Verb,
    path: &str,
    body: Option<&str>,
    last: Option<usize>,
) -> Result<Response, ApiError> {
    let last = last.map(|n| n.to_string());
    let headers: Vec<(&str, &str)> = last
        .as_deref()
        .map(|id| ("Last-Event-ID", id))
        .into_iter()
        .collect();
    let mut response = send_with_headers(verb, path, body, "text/event-stream", &headers).await?;
    if response.status() == 401 {
        let error = problem_of(response).await;
        if !refreshable(&error) || refresh().await.is_err() {
            return Err(error);
        }
        response = send_with_headers(verb, path, body, "text/event-stream", &headers).await?;
    }
    if !response.ok() {
        return Err(problem_of(response).await);
    }
    Ok(response)
}

async fn read_events(response: Response, mut on_event: impl FnMut(ReplyEvent)) -> Result<(), ApiError> {
    let stream = response
        .body()
        .ok_or_else(|| ApiError::local(ErrorCode::UnexpectedResponse, "no body".into()))?;
    let reader: web_sys::ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut parser = SseParser::new();
    let mut ended = false;
    loop {
        let chunk = wasm_bindgen_futures::JsFuture::from(reader.read())
            .await
            .map_err(|_| ApiError::local(ErrorCode::NetworkError, "the connection was interrupted".into()))?;
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(true);
        if done {
            break;
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into()).unwrap_or_default();
        let bytes = js_sys::Uint8Array::new(&value).to_vec();
        for event in parser.feed(&bytes) {
            if let Some(event) = decode_event(event) {
                ended |= matches!(event, ReplyEvent::Done(_) | ReplyEvent::Failed(_));
                on_event(event);
            }
        }
    }
    if let Some(event) = parser.finish().and_then(decode_event) {
        ended |= matches!(event, ReplyEvent::Done(_) | ReplyEvent::Failed(_));
        on_event(event);
    }
    if ended {
        Ok(())
    } else {
        // Closed before the end (a proxy or the network dropped it): the reply goes on; resume it.
        Err(ApiError::local(
            ErrorCode::NetworkError,
            "the connection was interrupted".into(),
        ))
    }
}

fn decode_event(event: SseEvent) -> Option<ReplyEvent> {
    let data = event.data.as_str();
    match event.event.as_deref()? {
        "user_message" => serde_json::from_str(data).ok().map(ReplyEvent::Question),
        "reply" => serde_json::from_str(data).ok().map(ReplyEvent::Started),
        "delta" => serde_json::from_str::<DeltaEvent>(data)
            .ok()
            .map(|d| ReplyEvent::Delta(d.text, event.id.as_deref().and_then(|id| id.parse().ok()))),
        "done" => serde_json::from_str::<DoneEvent>(data)
            .ok()
            .map(|d| ReplyEvent::Done(d.message)),
        "error" => serde_json::from_str(data).ok().map(ReplyEvent::Failed),
        _ => None,
    }
}
