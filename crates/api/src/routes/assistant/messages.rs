//! A conversation's messages, page by page (the first page from the read cache), with the caller's ratings;
//! rating a reply and taking the rating back.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use jobbot_api_types::{
    ErrorCode, Feedback, FeedbackRequest, Message, MessagePage, MessageQuery, Problem, Rating,
};
use jobbot_db::assistant::feedback::FeedbackRow;
use jobbot_db::assistant::messages::MessageRow;
use jobbot_db::assistant::{feedback, messages};
use jobbot_db::DbConnection;
use jobbot_domain::{MessageRole, MessageStatus};

use super::owned;
use crate::assistant::message_dto;
use crate::auth::AuthUser;
use crate::body::Body;
use crate::cache::PAGE_MESSAGES;
use crate::error::ApiError;
use crate::state::AppState;

/// Messages, oldest first.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages", tag = "assistant",
    params(("id" = String, Path, description = "Conversation id"), MessageQuery),
    responses(
        (status = 200, description = "A page of messages", body = MessagePage),
        (status = 404, description = "`not_found`: no such conversation, or `after` names no message of it (`errors[0].field` = `after`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_messages(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    query: web::Query<MessageQuery>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let MessageQuery { after, limit } = query.into_inner();
    let limit = crate::routes::in_range("limit", limit.unwrap_or(100), 1, 200)?;
    let Some(after) = after else {
        return first_page(&state, auth.user.id, id, limit as usize).await;
    };
    let mut rows = state
        .db(move |conn| {
            owned(conn, &auth.user.id, &id)?;
            let after = messages::find(conn, &id, &after)?.ok_or_else(|| {
                ApiError::unknown_in_query(
                    "after",
                    "unknown_message",
                    "No message with this id in the conversation.",
                )
            })?;
            let rows = messages::page(conn, &id, Some(&after), limit + 1)?;
            Ok(with_feedback(conn, rows)?)
        })
        .await?;
    let has_more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok(HttpResponse::Ok().json(MessagePage {
        items: rows,
        has_more,
    }))
}

/// Opening a conversation: from memory when the read cache has it (PostgreSQL), otherwise one query for
/// ownership and page together; the answer is the same bytes either way.
pub(super) async fn first_page(
    state: &AppState,
    user_id: String,
    id: String,
    limit: usize,
) -> Result<HttpResponse, ApiError> {
    let json = |body: String| HttpResponse::Ok().content_type("application/json").body(body);
    let ticket = match state.cache.page(&id, &user_id) {
        Ok(page) => return Ok(json(page.json(limit))),
        Err(ticket) => ticket,
    };
    let (owner, conversation) = (user_id.clone(), id.clone());
    let rows = state
        .db(move |conn| {
            let rows = messages::first_page_owned(conn, &owner, &conversation, PAGE_MESSAGES as i64 + 1)?;
            // An empty page says nothing about ownership: only then is the conversation looked up (404).
            if rows.is_empty() {
                owned(conn, &owner, &conversation)?;
            }
            Ok(with_feedback(conn, rows)?)
        })
        .await?;
    let messages = rows
        .into_iter()
        .map(|message| serde_json::to_string(&message).map(String::into_boxed_str))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::internal)?;
    let page = crate::cache::Page::new(user_id, messages);
    let body = page.json(limit);
    state.cache.store_page(ticket, &id, page);
    Ok(json(body))
}

/// The messages as the API shows them, with the owner's ratings of the replies.
pub(super) fn with_feedback(
    conn: &mut DbConnection,
    rows: Vec<MessageRow>,
) -> Result<Vec<Message>, jobbot_db::QueryError> {
    let replies: Vec<String> = rows
        .iter()
        .filter(|row| row.message_role() == MessageRole::Assistant)
        .map(|row| row.id.clone())
        .collect();
    let mut rated: HashMap<String, FeedbackRow> = feedback::of(conn, &replies)?
        .into_iter()
        .map(|f| (f.message_id.clone(), f))
        .collect();
    // Siblings: the other children of each message's parent.
    let mut children: HashMap<Option<String>, Vec<String>> = HashMap::new();
    if let Some(first) = rows.first() {
        let mut parents: Vec<Option<String>> = rows.iter().map(|row| row.parent_id.clone()).collect();
        parents.dedup();
        for (parent, child) in messages::children(conn, &first.conversation_id, &parents)? {
            children.entry(parent).or_default().push(child);
        }
    }
    Ok(rows
        .into_iter()
        .map(|row| {
            let rating = rated.remove(&row.id).and_then(feedback_dto);
            let siblings = children
                .get(&row.parent_id)
                .filter(|ids| ids.len() > 1)
                .cloned()
                .unwrap_or_default();
            Message {
                feedback: rating,
                siblings,
                ..message_dto(row)
            }
        })
        .collect())
}

pub(super) fn feedback_dto(row: FeedbackRow) -> Option<Feedback> {
    Some(Feedback {
        rating: Rating::parse(&row.rating)?,
        comment: row.comment,
        updated_at: row.updated_at.and_utc(),
    })
}

/// Longest comment on a rating, in characters.
pub(super) const FEEDBACK_COMMENT_MAX: usize = 2_000;

/// Rates one of the assistant's replies in the caller's conversation, thumbs up or down with an optional comment;
/// rating it again replaces the rating. Admins see how many of each per model and per day, never the comments.
#[utoipa::path(put, path = "/api/v1/conversations/{id}/messages/{message_id}/feedback", tag = "assistant",
    request_body = FeedbackRequest,
    params(
        ("id" = String, Path, description = "Conversation id"),
        ("message_id" = String, Path, description = "One of the assistant's replies in it"),
    ),
    responses(
        (status = 200, description = "The rating, as stored", body = Feedback),
        (status = 404, description = "`not_found`: no such conversation of the caller's, or no such message in it", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`conflict`: the message is a question, not a reply; `reply_in_progress`: the reply is still being written", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: the comment is too long", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_feedback(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(String, String)>,
    body: Body<FeedbackRequest>,
) -> Result<web::Json<Feedback>, ApiError> {
    let FeedbackRequest { rating, comment } = body.into_inner();
    let comment = comment.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    if comment
        .as_ref()
        .is_some_and(|c| c.chars().count() > FEEDBACK_COMMENT_MAX)
    {
        return Err(ApiError::field(
            "comment",
            "too_long",
            "At most 2,000 characters.",
        ));
    }
    let (id, message_id) = path.into_inner();
    let row = state
        .db(move |conn| {
            rateable(conn, &auth.user.id, &id, &message_id)?;
            Ok(feedback::put(
                conn,
                &message_id,
                rating.as_str(),
                comment.as_deref(),
                jobbot_db::now(),
            )?)
        })
        .await?;
    feedback_dto(row)
        .map(web::Json)
        .ok_or_else(|| ApiError::internal("a rating neither up nor down"))
}

/// Removes the caller's rating of a reply.
#[utoipa::path(delete, path = "/api/v1/conversations/{id}/messages/{message_id}/feedback", tag = "assistant",
    params(
        ("id" = String, Path, description = "Conversation id"),
        ("message_id" = String, Path, description = "One of the assistant's replies in it"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "`not_found`: no such conversation of the caller's, no such message in it, or no rating of it", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_feedback(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, message_id) = path.into_inner();
    state
        .db(move |conn| {
            owned(conn, &auth.user.id, &id)?;
            messages::find(conn, &id, &message_id)?.ok_or_else(ApiError::not_found)?;
            if feedback::delete(conn, &message_id)? {
                Ok(())
            } else {
                Err(ApiError::not_found())
            }
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's reply `message_id` in their conversation `id`, finished (stopped or failed count as finished).
pub(super) fn rateable(
    conn: &mut DbConnection,
    user_id: &str,
    id: &str,
    message_id: &str,
) -> Result<(), ApiError> {
    owned(conn, user_id, id)?;
    let message = messages::find(conn, id, message_id)?.ok_or_else(ApiError::not_found)?;
    if message.message_role() != MessageRole::Assistant {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::Conflict,
            "Only the assistant's replies can be rated.",
        ));
    }
    if message.message_status() == MessageStatus::Streaming {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::ReplyInProgress,
            "The reply is still being written.",
        ));
    }
    Ok(())
}
