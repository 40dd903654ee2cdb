//! How a reply reaches the client that asked: Server-Sent Events as it is written (`user_message`, `delta`…,
//! then `done` or `error`), or one JSON answer once it has ended. Either way the reply runs on its own task:
//! dropping the response (a closed tab) only unsubscribes.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use futures_util::StreamExt;
use jobbot_api_types::{DeltaEvent, DoneEvent, ErrorCode, Exchange, Message, Problem, PROBLEM_CONTENT_TYPE};
use jobbot_db::messages::{self, MessageRow};
use jobbot_db::Pool;
use jobbot_domain::MessageStatus;
use serde::Serialize;
use tokio::sync::broadcast;

use super::ReplyEvent;
use crate::error::ApiError;

/// Waits for the reply's end: the stored message and its problem, if it failed.
pub async fn wait_for_end(
    mut receiver: broadcast::Receiver<ReplyEvent>,
) -> Option<(Message, Option<Box<Problem>>)> {
    loop {
        match receiver.recv().await {
            Ok(ReplyEvent::Finished(message, problem)) => return Some((*message, problem)),
            Ok(ReplyEvent::Delta(..)) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return None,
        }
    }
}

fn sse_event(name: &str, data: &impl Serialize) -> web::Bytes {
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".to_owned());
    web::Bytes::from(format!("event: {name}\ndata: {json}\n\n"))
}

/// The answer to an ask or a regenerate: SSE when `stream`, else 201 with the exchange or the problem.
pub async fn respond(
    stream: bool,
    user_message: Message,
    reply: Message,
    receiver: broadcast::Receiver<ReplyEvent>,
    written: Arc<Mutex<String>>,
) -> HttpResponse {
    if stream {
        return sse_response(user_message, receiver, written);
    }
    match wait_for_end(receiver).await {
        Some((assistant_message, None)) => HttpResponse::Created().json(Exchange {
            user_message,
            assistant_message,
        }),
        Some((_, Some(problem))) => problem_response(&problem),
        None => problem_response(
            &ApiError::internal(format!("reply {} ended without a result", reply.id)).problem(),
        ),
    }
}

fn problem_response(problem: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .content_type(PROBLEM_CONTENT_TYPE)
        .json(problem)
}

/// The SSE answer. Dropping it (a closed tab) only unsubscribes: the reply goes on and is saved.
fn sse_response(
    user_message: Message,
    receiver: broadcast::Receiver<ReplyEvent>,
    written: Arc<Mutex<String>>,
) -> HttpResponse {
    let first = futures_util::stream::once(async move {
        Ok::<_, actix_web::Error>(sse_event("user_message", &user_message))
    });
    sse_stream(first.chain(reply_events(receiver, 0, written)))
}

fn sse_stream(
    events: impl futures_util::Stream<Item = Result<web::Bytes, actix_web::Error>> + 'static,
) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(events)
}

/// `event: delta` with its `id`: the reply's length in characters once `text` is added, which a client sends
/// back as `Last-Event-ID` to resume after it.
fn delta_event(text: String, end: usize) -> web::Bytes {
    let json = serde_json::to_string(&DeltaEvent { text }).unwrap_or_else(|_| "{}".to_owned());
    web::Bytes::from(format!("id: {end}\nevent: delta\ndata: {json}\n\n"))
}

/// What of `text`, ending at character `end`, comes after the `sent` characters the client has.
fn unsent(text: &str, end: usize, sent: usize) -> Option<String> {
    if end <= sent {
        return None;
    }
    let start = end.saturating_sub(text.chars().count());
    Some(text.chars().skip(sent.saturating_sub(start)).collect())
}

/// A running reply's events as SSE, from the `sent` characters the client already has: `delta`s, then `done`
/// or `error`. A receiver that fell behind catches up from `written`, the text so far.
fn reply_events(
    receiver: broadcast::Receiver<ReplyEvent>,
    sent: usize,
    written: Arc<Mutex<String>>,
) -> impl futures_util::Stream<Item = Result<web::Bytes, actix_web::Error>> {
    futures_util::stream::unfold(Some((receiver, sent)), move |state| {
        let written = Arc::clone(&written);
        async move {
            let (mut receiver, mut sent) = state?;
            loop {
                let bytes = match receiver.recv().await {
                    Ok(ReplyEvent::Delta(text, end)) => match unsent(&text, end, sent) {
                        Some(piece) => {
                            sent = end;
                            delta_event(piece, end)
                        }
                        None => continue,
                    },
                    Ok(ReplyEvent::Finished(message, None)) => {
                        return Some((Ok(sse_event("done", &DoneEvent { message: *message })), None));
                    }
                    Ok(ReplyEvent::Finished(_, Some(problem))) => {
                        return Some((Ok(sse_event("error", &problem)), None))
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        let so_far = super::lock(&written).clone();
                        let end = so_far.chars().count();
                        match unsent(&so_far, end, sent) {
                            Some(piece) => {
                                sent = end;
                                delta_event(piece, end)
                            }
                            None => continue,
                        }
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                };
                return Some((Ok(bytes), Some((receiver, sent))));
            }
        }
    })
}

/// The first events of a re-attached stream: `reply` (the message, with the text the client already has,
/// the first `from` characters of `so_far`), then one `delta` with the rest written so far.
fn resumed_start(mut reply: Message, so_far: &str, from: usize) -> (Vec<web::Bytes>, usize) {
    let end = so_far.chars().count();
    let from = from.min(end);
    reply.content = so_far.chars().take(from).collect();
    let mut events = vec![sse_event("reply", &reply)];
    if let Some(rest) = unsent(so_far, end, from) {
        events.push(delta_event(rest, end));
    }
    (events, end)
}

/// Re-attaches to a reply this instance is writing.
pub fn resume_here(reply: Message, attached: super::Attached, from: usize) -> HttpResponse {
    let (start, sent) = resumed_start(reply, &attached.written, from);
    let start = futures_util::stream::iter(start.into_iter().map(Ok::<_, actix_web::Error>));
    sse_stream(start.chain(reply_events(attached.events, sent, attached.shared)))
}

/// How often a reply written by another instance is read back (it saves its progress every half second).
const FOLLOW_EVERY: Duration = Duration::from_millis(250);

/// Follows a reply another instance is writing, from the progress it saves, until it ends.
pub fn resume_elsewhere(pool: Pool, reply: MessageRow, from: usize) -> HttpResponse {
    let (conversation_id, message_id) = (reply.conversation_id.clone(), reply.id.clone());
    let so_far = reply.content.clone();
    let (start, sent) = resumed_start(super::message_dto(reply), &so_far, from);
    let start = futures_util::stream::iter(start.into_iter().map(Ok::<_, actix_web::Error>));
    // State: the characters sent, and the last event once the reply has ended (sent after its last delta).
    let follow = futures_util::stream::unfold(Some((sent, None::<web::Bytes>)), move |state| {
        let (pool, conversation_id, message_id) = (pool.clone(), conversation_id.clone(), message_id.clone());
        async move {
            let (mut sent, last) = state?;
            if let Some(last) = last {
                return Some((Ok(last), None));
            }
            loop {
                tokio::time::sleep(FOLLOW_EVERY).await;
                let (cid, mid) = (conversation_id.clone(), message_id.clone());
                let row =
                    crate::database::run(&pool, move |conn| Ok(messages::find(conn, &cid, &mid)?)).await;
                let row = match row {
                    Ok(Some(row)) => row,
                    // Deleted with its conversation: nothing more to follow.
                    Ok(None) => return None,
                    // The database is out for a moment: keep trying, the client keeps what it has.
                    Err(_) => continue,
                };
                let end = row.content.chars().count();
                let piece = unsent(&row.content, end, sent);
                if row.message_status() == MessageStatus::Streaming {
                    match piece {
                        Some(piece) => {
                            sent = end;
                            return Some((Ok(delta_event(piece, end)), Some((sent, None))));
                        }
                        None => continue,
                    }
                }
                let last = match row
                    .error_code
                    .clone()
                    .filter(|_| row.message_status() == MessageStatus::Failed)
                {
                    Some(code) => sse_event("error", &stored_failure(&code)),
                    None => sse_event(
                        "done",
                        &DoneEvent {
                            message: super::message_dto(row),
                        },
                    ),
                };
                return match piece {
                    Some(piece) => Some((Ok(delta_event(piece, end)), Some((end, Some(last))))),
                    None => Some((Ok(last), None)),
                };
            }
        }
    });
    sse_stream(start.chain(follow))
}

/// The problem of a reply another instance stored as failed with `code`.
fn stored_failure(code: &str) -> Problem {
    let parsed: ErrorCode =
        serde_json::from_value(serde_json::Value::String(code.to_owned())).unwrap_or(ErrorCode::Unknown);
    let (status, code) = match parsed {
        ErrorCode::LlmRateLimited => (StatusCode::TOO_MANY_REQUESTS, parsed),
        ErrorCode::LlmTimeout => (StatusCode::GATEWAY_TIMEOUT, parsed),
        ErrorCode::LlmRejected => (StatusCode::BAD_GATEWAY, parsed),
        ErrorCode::InternalError => (StatusCode::INTERNAL_SERVER_ERROR, parsed),
        // `llm_unavailable`, and `interrupted` (the writing instance stopped).
        _ => (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::LlmUnavailable),
    };
    crate::error::problem(
        status,
        code,
        Some(format!("The reply failed ({}).", code.as_str())),
        None,
    )
}
