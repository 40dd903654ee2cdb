//! Asking, answering again, following and stopping a reply: thin handlers over `assistant::turn`, answering
//! as SSE (`Accept: text/event-stream`) or as JSON once the reply is done.

use std::sync::Arc;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use jobbot_api_types::{DoneEvent, ErrorCode, Exchange, Problem, SendMessageRequest};
use jobbot_db::assistant::messages;
use jobbot_domain::MessageStatus;

use super::owned;
use crate::assistant::turn::{Desk, Started, Turn};
use crate::assistant::{message_dto, turn};
use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::ApiError;
use crate::sse::{self, respond, wait_for_end};
use crate::state::AppState;

pub(super) const CONTENT_MAX_CHARS: usize = 8_000;

pub(super) fn wants_stream(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/event-stream"))
}

/// Asks the assistant. The question is stored before anything else can fail.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "assistant", request_body = SendMessageRequest,
    params(("id" = String, Path, description = "Conversation id")),
    responses(
        (status = 201, description = "Without `Accept: text/event-stream`: the question and the finished answer", body = Exchange),
        (status = 200, description = "With `Accept: text/event-stream`: `event: user_message` (a Message), then `event: delta` (DeltaEvent) as tokens arrive, then `event: done` (DoneEvent) or `event: error` (a Problem)", content_type = "text/event-stream", body = String),
        (status = 404, description = "`not_found`: the conversation, or the `parent_id` in it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`reply_in_progress`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: content of 1 to 8,000 characters; `parent_id`: `not_a_reply` (a question follows a reply)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`quota_exceeded` (Retry-After: seconds to the reset) or `llm_rate_limited`", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "`llm_unavailable` (JSON mode; the question stays saved)", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "`llm_timeout` (JSON mode; what was written is kept)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn send(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    body: Body<SendMessageRequest>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let conversation_id = path.into_inner();
    let SendMessageRequest { content, parent_id } = body.into_inner();
    if jobbot_domain::text::is_blank(&content) {
        return Err(ApiError::field("content", "required", "Write a message."));
    }
    if content.chars().count() > CONTENT_MAX_CHARS {
        return Err(ApiError::field(
            "content",
            "too_long",
            "A message has at most 8,000 characters.",
        ));
    }
    let turn = Turn::Ask { content, parent_id };
    let started = turn::take(desk(&state), auth.user.id, conversation_id, turn).await?;
    Ok(reply_to(&req, started).await)
}

/// Answers the last question again: the new answer is shown, the previous one stays as its sibling.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/regenerate", tag = "assistant",
    params(("id" = String, Path, description = "Conversation id")),
    responses(
        (status = 201, description = "The last question and the new answer (JSON mode)", body = Exchange),
        (status = 200, description = "With `Accept: text/event-stream`: the same events as sending a message", content_type = "text/event-stream", body = String),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`reply_in_progress` or `nothing_to_regenerate`", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`quota_exceeded`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn regenerate(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let started = turn::take(desk(&state), auth.user.id, path.into_inner(), Turn::Again).await?;
    Ok(reply_to(&req, started).await)
}

pub(super) fn desk(state: &AppState) -> Desk<'_> {
    Desk {
        assistant: &state.assistant,
        pool: &state.pool,
        hub: &state.hub,
    }
}

/// Answers as the client asked: the reply's events as SSE, or JSON once it is done.
pub(super) async fn reply_to(req: &HttpRequest, started: Started) -> HttpResponse {
    respond(
        wants_stream(req),
        message_dto(started.question),
        message_dto(started.reply),
        started.events,
        started.written,
    )
    .await
}

/// Re-attaches to the reply being written in the conversation, from this instance or another: SSE.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/stream", tag = "assistant",
    params(
        ("id" = String, Path, description = "Conversation id"),
        ("Last-Event-ID" = Option<String>, Header, description = "The `id` of the last `delta` event received (the reply's length in characters then): the stream resumes after it. Without it, it starts with everything written so far."),
    ),
    responses(
        (status = 200, description = "`event: reply` (the Message, its `content` being the text the client already has), then `event: delta` (DeltaEvent, with `id:` the reply's length in characters after it) as the reply grows, then `event: done` (DoneEvent) or `event: error` (a Problem). The first delta carries everything written since `Last-Event-ID`.", content_type = "text/event-stream", body = String),
        (status = 204, description = "No reply is being written in the conversation"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn stream(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let from = req
        .headers()
        .get("Last-Event-ID")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let alive_since = jobbot_db::now() - state.assistant.abandoned_after();
    let (uid, cid) = (auth.user.id, id.clone());
    let running = state
        .db(move |conn| {
            owned(conn, &uid, &cid)?;
            Ok(messages::streaming(conn, &cid, alive_since)?)
        })
        .await?;
    let Some(reply) = running else {
        return Ok(HttpResponse::NoContent().finish());
    };
    if let Some(attached) = state.assistant.attach(&id) {
        return Ok(sse::resume_here(message_dto(reply), attached, from));
    }
    // Written by another instance (or just ended here): follow the progress it relays and saves.
    Ok(sse::resume_elsewhere(
        state.pool.clone(),
        Arc::clone(&state.hub),
        reply,
        from,
    ))
}

/// Stops the running reply, keeping what was written (`stopped`).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/stop", tag = "assistant",
    params(("id" = String, Path, description = "Conversation id")),
    responses(
        (status = 200, description = "The stopped reply", body = DoneEvent),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`no_reply_in_progress`", body = Problem, content_type = "application/problem+json"),
        (status = 504, description = "`stop_pending`: the reply runs on another instance and has not ended within 10 s", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn stop(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let check_id = id.clone();
    state
        .db(move |conn| owned(conn, &auth.user.id, &check_id).map(|_| ()))
        .await?;
    if let Some(receiver) = state.assistant.stop(&id) {
        return match wait_for_end(receiver).await {
            Some((message, _)) => Ok(HttpResponse::Ok().json(DoneEvent { message })),
            None => Err(ApiError::internal("the reply ended without a result")),
        };
    }
    // Not running here: maybe on another instance sharing this PostgreSQL database.
    let alive_since = jobbot_db::now() - state.assistant.abandoned_after();
    let (hub, cid) = (state.hub.clone(), id.clone());
    let running = state
        .db(move |conn| {
            let running = messages::streaming(conn, &cid, alive_since)?;
            if running.is_some() {
                hub.request_stop(conn, &cid);
            }
            Ok(running)
        })
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::NoReplyInProgress,
                "JobBot is not answering in this conversation.",
            )
        })?;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let (cid, mid) = (id.clone(), running.id.clone());
        let row = state
            .db(move |conn| Ok(messages::find(conn, &cid, &mid)?))
            .await?;
        if let Some(row) = row.filter(|m| m.message_status() != MessageStatus::Streaming) {
            return Ok(HttpResponse::Ok().json(DoneEvent {
                message: message_dto(row),
            }));
        }
    }
    Err(ApiError::new(
        StatusCode::GATEWAY_TIMEOUT,
        ErrorCode::StopPending,
        "The reply is stopping; reload the conversation in a moment.",
    ))
}
