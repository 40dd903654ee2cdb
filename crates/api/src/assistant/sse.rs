//! How a reply reaches the client that asked: Server-Sent Events as it is written (`user_message`, `delta`…,
//! then `done` or `error`), or one JSON answer once it has ended. Either way the reply runs on its own task:
//! dropping the response (a closed tab) only unsubscribes.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use jobbot_api_types::{DeltaEvent, DoneEvent, Exchange, Message, Problem, PROBLEM_CONTENT_TYPE};
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
            Ok(ReplyEvent::Delta(_)) | Err(broadcast::error::RecvError::Lagged(_)) => continue,
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
) -> HttpResponse {
    if stream {
        return sse_response(user_message, receiver);
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
fn sse_response(user_message: Message, receiver: broadcast::Receiver<ReplyEvent>) -> HttpResponse {
    let first = futures_util::stream::once(async move {
        Ok::<_, actix_web::Error>(sse_event("user_message", &user_message))
    });
    let rest = futures_util::stream::unfold(Some(receiver), |receiver| async move {
        let mut receiver = receiver?;
        loop {
            let bytes = match receiver.recv().await {
                Ok(ReplyEvent::Delta(text)) => sse_event("delta", &DeltaEvent { text }),
                Ok(ReplyEvent::Finished(message, None)) => {
                    return Some((Ok(sse_event("done", &DoneEvent { message: *message })), None));
                }
                Ok(ReplyEvent::Finished(_, Some(problem))) => {
                    return Some((Ok(sse_event("error", &problem)), None))
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            return Some((Ok(bytes), Some(receiver)));
        }
    });
    use futures_util::StreamExt;
    HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(first.chain(rest))
}
