//! Chat sessions between users: open, list, page, post, read marks, leave, block.
//!
//! Only participants see a session (404 for anyone else). Shares posted into sessions are `routes::shares`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use jobbot_api_types::ErrorCode;
use jobbot_api_types::{
    ChatMessage, ChatMessagePage, ChatMessageQuery, ChatReadEvent, ChatSummary, LiveEvent, MarkReadRequest,
    OpenChatRequest, PostChatMessageRequest, Problem,
};
use jobbot_db::chats;
use jobbot_db::users;
use jobbot_db::DbConnection;
use jobbot_domain::Email;

use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::ApiError;
use crate::sharing;
use crate::state::AppState;

const CONTENT_MAX_CHARS: usize = 4_000;
/// Chats a user may try to open per hour (refilled continuously).
const OPEN_CHAT_BUDGET: u32 = 30;
const OPEN_CHAT_WINDOW: std::time::Duration = std::time::Duration::from_secs(3_600);

/// Opens a one-to-one session with another user, or returns the existing one (201 vs 200).
#[utoipa::path(post, path = "/api/v1/chats", tag = "chats", request_body = OpenChatRequest,
    responses(
        (status = 201, description = "Opened", body = ChatSummary),
        (status = 200, description = "It already existed", body = ChatSummary),
        (status = 404, description = "`not_found`: the same answer for an unknown address and your own", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`: 30 attempts per hour, with Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn open(
    state: web::Data<AppState>,
    auth: AuthUser,
    body: Body<OpenChatRequest>,
) -> Result<HttpResponse, ApiError> {
    let unreachable = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "No one can be reached at this address.",
        )
    };
    // Each attempt tells whether an address has an account: a budget per user keeps that from becoming a
    // directory lookup.
    state
        .limiter
        .check_budget("open_chat", &auth.user.id, OPEN_CHAT_BUDGET, OPEN_CHAT_WINDOW)?;
    let email = Email::parse(&body.participant_email).map_err(|_| unreachable())?;
    let user_id = auth.user.id;
    let (created, summary) = state
        .db(move |conn| {
            let other = users::find_by_email(conn, email.as_str())?
                .filter(|u| u.id != user_id)
                .ok_or_else(unreachable)?;
            let (chat, created) = chats::open(conn, &user_id, &other.id, jobbot_db::now())?;
            let (chat, me) = sharing::member(conn, &user_id, &chat.id)?;
            Ok((created, sharing::chat_summary(conn, &user_id, chat, &me)?))
        })
        .await?;
    Ok(if created {
        HttpResponse::Created().json(summary)
    } else {
        HttpResponse::Ok().json(summary)
    })
}

/// The caller's sessions, newest activity first, with the last message and the unread count.
#[utoipa::path(get, path = "/api/v1/chats", tag = "chats",
    responses((status = 200, description = "Sessions", body = Vec<ChatSummary>)))]
pub async fn list(
    state: web::Data<AppState>,
    auth: AuthUser,
) -> Result<web::Json<Vec<ChatSummary>>, ApiError> {
    let user_id = auth.user.id;
    let list = state
        .db(move |conn| {
            Ok(chats::list_for_user(conn, &user_id, 200)?
                .into_iter()
                .map(|(chat, me)| sharing::chat_summary(conn, &user_id, chat, &me))
                .collect::<Result<Vec<_>, _>>()?)
        })
        .await?;
    Ok(web::Json(list))
}

/// Messages, oldest first; `?before=` pages back, `?after=` catches up (e.g. after a reconnection).
#[utoipa::path(get, path = "/api/v1/chats/{id}/messages", tag = "chats",
    params(("id" = String, Path, description = "Chat id"), ChatMessageQuery),
    responses(
        (status = 200, description = "A page", body = ChatMessagePage),
        (status = 404, description = "`not_found`: no such chat, or `before`/`after` names no message of it (`errors[0].field` says which)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn messages_page(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    query: web::Query<ChatMessageQuery>,
) -> Result<web::Json<ChatMessagePage>, ApiError> {
    let chat_id = path.into_inner();
    let ChatMessageQuery { before, after, limit } = query.into_inner();
    let limit = super::in_range("limit", limit.unwrap_or(50), 1, 200)?;
    let page = state
        .db(move |conn| {
            sharing::member(conn, &auth.user.id, &chat_id)?;
            let cursor = |conn: &mut DbConnection,
                          id: Option<String>,
                          field: &str|
             -> Result<Option<chats::Cursor>, ApiError> {
                match id {
                    None => Ok(None),
                    Some(id) => chats::find_message(conn, &chat_id, &id)?
                        .map(|m| Some((m.created_at, m.id)))
                        .ok_or_else(|| {
                            ApiError::unknown_in_query(
                                field,
                                "unknown_message",
                                "No message with this id in the session.",
                            )
                        }),
                }
            };
            let before = cursor(conn, before, "before")?;
            let after = cursor(conn, after, "after")?;
            let mut rows = chats::messages(conn, &chat_id, before.as_ref(), after.as_ref(), limit + 1)?;
            let has_more = rows.len() as i64 > limit;
            if has_more {
                if after.is_some() {
                    rows.pop();
                } else {
                    rows.remove(0);
                }
            }
            let now = jobbot_db::now();
            let items = rows
                .into_iter()
                .map(|row| sharing::message_dto(conn, row, now))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ChatMessagePage { items, has_more })
        })
        .await?;
    Ok(web::Json(page))
}

/// Posts a message.
#[utoipa::path(post, path = "/api/v1/chats/{id}/messages", tag = "chats", request_body = PostChatMessageRequest,
    params(("id" = String, Path, description = "Chat id")),
    responses(
        (status = 201, description = "Posted", body = ChatMessage),
        (status = 403, description = "`blocked`: the other participant blocked you", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: 1 to 4,000 characters", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn post_message(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    body: Body<PostChatMessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let chat_id = path.into_inner();
    let content = body.into_inner().content;
    if jobbot_domain::text::is_blank(&content) || content.chars().count() > CONTENT_MAX_CHARS {
        return Err(ApiError::field(
            "content",
            "invalid_length",
            "A message has 1 to 4,000 characters.",
        ));
    }
    // Written by the instance's chat writer with the other posts waiting, in one transaction; answered once
    // committed, after the event went to the sockets (`chat_writer`).
    let message = state.chat_writer.post(auth.user.id, chat_id, content).await?;
    Ok(HttpResponse::Created().json(message))
}

/// Marks everything up to a message as read.
#[utoipa::path(post, path = "/api/v1/chats/{id}/read", tag = "chats", request_body = MarkReadRequest,
    params(("id" = String, Path, description = "Chat id")),
    responses(
        (status = 204, description = "Marked"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn mark_read(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    body: Body<MarkReadRequest>,
) -> Result<HttpResponse, ApiError> {
    let chat_id = path.into_inner();
    let hub = state.hub.clone();
    state
        .db(move |conn| {
            sharing::member(conn, &auth.user.id, &chat_id)?;
            let message = chats::find_message(conn, &chat_id, &body.message_id)?.ok_or_else(|| {
                ApiError::field(
                    "message_id",
                    "unknown_message",
                    "No message with this id in the session.",
                )
            })?;
            chats::mark_read(conn, &chat_id, &auth.user.id, message.created_at)?;
            let event = ChatReadEvent {
                chat_id: chat_id.clone(),
                user_id: auth.user.id.clone(),
                message_id: message.id,
                read_at: message.created_at.and_utc(),
            };
            let members = chats::active_member_ids(conn, &chat_id)?;
            hub.publish(conn, &members, &LiveEvent::ChatRead(event), None);
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Leaves the session (opening it again later brings it back).
#[utoipa::path(post, path = "/api/v1/chats/{id}/leave", tag = "chats",
    params(("id" = String, Path, description = "Chat id")),
    responses(
        (status = 204, description = "Left"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn leave(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let chat_id = path.into_inner();
    state
        .db(move |conn| {
            sharing::member(conn, &auth.user.id, &chat_id)?;
            Ok(chats::leave(conn, &chat_id, &auth.user.id, jobbot_db::now())?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Blocks the other participant: no new messages or shares from them.
#[utoipa::path(post, path = "/api/v1/chats/{id}/block", tag = "chats",
    params(("id" = String, Path, description = "Chat id")),
    responses(
        (status = 204, description = "Blocked"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn block(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_block(state, auth, path.into_inner(), true).await
}

/// Unblocks the other participant.
#[utoipa::path(delete, path = "/api/v1/chats/{id}/block", tag = "chats",
    params(("id" = String, Path, description = "Chat id")),
    responses(
        (status = 204, description = "Unblocked"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn unblock(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    set_block(state, auth, path.into_inner(), false).await
}

async fn set_block(
    state: web::Data<AppState>,
    auth: AuthUser,
    chat_id: String,
    on: bool,
) -> Result<HttpResponse, ApiError> {
    state
        .db(move |conn| {
            sharing::member(conn, &auth.user.id, &chat_id)?;
            let Some((_, other)) = chats::other_member(conn, &chat_id, &auth.user.id)? else {
                return Ok(());
            };
            if on {
                chats::block(conn, &auth.user.id, &other.id, jobbot_db::now())?;
            } else {
                chats::unblock(conn, &auth.user.id, &other.id)?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
