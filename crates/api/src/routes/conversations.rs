//! Conversations with the assistant, their messages, and replies (streamed as SSE or awaited as JSON).
//! Every lookup is scoped to the caller: another user's conversation is a 404 whatever the method.

use crate::assistant::grounding;
use crate::assistant::message_dto;
use crate::assistant::sse::{self, respond, wait_for_end};
use crate::assistant::turn::{self, Desk, Started, Turn};
use crate::auth::AuthUser;
use crate::body::Body;
use crate::cache::PAGE_MESSAGES;
use crate::config::AssistantConfig;
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use jobbot_api_types::{
    AssistantInfo, AssistantModel, CoachContext, ContextQuery, Conversation, ConversationPage,
    ConversationQuery, CreateConversationRequest, DoneEvent, ErrorCode, Exchange, Feedback, FeedbackRequest,
    Message, MessagePage, MessageQuery, Problem, Rating, SendMessageRequest, UpdateConversationRequest,
};
use jobbot_db::conversations::{self, ConversationRow};
use jobbot_db::feedback::{self, FeedbackRow};
use jobbot_db::messages::{self, MessageRow};
use jobbot_db::DbConnection;
use jobbot_domain::{Locale, MessageRole, MessageStatus};
use std::collections::HashMap;
use std::sync::Arc;

const CONTENT_MAX_CHARS: usize = 8_000;
const TITLE_MAX_CHARS: usize = 200;

fn conversation_dto(config: &AssistantConfig, row: ConversationRow) -> Conversation {
    Conversation {
        model: config.model_for(row.model.as_deref()).to_owned(),
        context_excluded: grounding::parse_excluded(&row.context_excluded),
        id: row.id,
        title: row.title,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        offer_id: row.offer_id,
        application_id: row.application_id,
    }
}

/// `model` if users may pick it, else 422 `invalid_choice` on `model`.
fn offered_model(config: &AssistantConfig, model: &str) -> Result<String, ApiError> {
    if config.offers(model) {
        Ok(model.to_owned())
    } else {
        Err(ApiError::field(
            "model",
            "invalid_choice",
            "Pick one of the models GET /api/v1/assistant lists.",
        ))
    }
}

fn default_title(locale: Locale) -> &'static str {
    match locale {
        Locale::Fr => "Nouvelle conversation",
        Locale::En => "New conversation",
    }
}

fn parse_title(raw: &str) -> Result<String, ApiError> {
    let title = raw
        .split(jobbot_domain::text::is_space)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if title.is_empty() || raw.chars().count() > TITLE_MAX_CHARS {
        return Err(ApiError::field(
            "title",
            "invalid_length",
            "Give a title of 1 to 200 characters.",
        ));
    }
    Ok(title)
}

fn owned(conn: &mut DbConnection, user_id: &str, id: &str) -> Result<ConversationRow, ApiError> {
    conversations::find_for_user(conn, user_id, id)?.ok_or_else(ApiError::not_found)
}

/// The caller's conversations, newest activity first.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "assistant", params(ConversationQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page of conversations", body = ConversationPage),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    auth: AuthUser,
    query: web::Query<ConversationQuery>,
) -> Result<web::Json<ConversationPage>, ApiError> {
    let ConversationQuery { q, limit, offset } = query.into_inner();
    let limit = super::in_range("limit", limit.unwrap_or(20), 1, 100)?;
    let offset = super::in_range("offset", offset.unwrap_or(0), 0, 1_000_000)?;
    let user_id = auth.user.id;
    let mut rows = state
        .db(move |conn| {
            Ok(conversations::list_for_user(
                conn,
                &user_id,
                q.as_deref(),
                limit + 1,
                offset,
            )?)
        })
        .await?;
    let next_offset = (rows.len() as i64 > limit).then_some(offset + limit);
    rows.truncate(limit as usize);
    Ok(web::Json(ConversationPage {
        items: rows
            .into_iter()
            .map(|row| conversation_dto(&state.assistant.config, row))
            .collect(),
        next_offset,
    }))
}

/// Starts a conversation, grounded in an offer and/or an application when they are given.
#[utoipa::path(post, path = "/api/v1/conversations", tag = "assistant", request_body = CreateConversationRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "Created", body = Conversation),
        (status = 404, description = "`not_found`: the offer (or one the caller cannot see) or the application", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (`model`: `invalid_choice` for a model `GET /api/v1/assistant` does not list)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    auth: AuthUser,
    body: Body<CreateConversationRequest>,
) -> Result<HttpResponse, ApiError> {
    let input = body.into_inner();
    let (title, title_is_auto) = match input.title {
        Some(title) => (parse_title(&title)?, false),
        None => (default_title(auth.user.locale).to_owned(), true),
    };
    let model = input
        .model
        .as_deref()
        .map(|model| offered_model(&state.assistant.config, model))
        .transpose()?;
    let now = jobbot_db::now();
    let mut row = ConversationRow {
        model,
        id: jobbot_db::new_id(),
        user_id: auth.user.id,
        title,
        title_is_auto,
        created_at: now,
        updated_at: now,
        offer_id: None,
        application_id: None,
        context_excluded: grounding::format_excluded(&input.context_excluded),
    };
    let row = state
        .db(move |conn| {
            let found = grounding::resolve(
                conn,
                &row.user_id,
                input.offer_id.as_deref(),
                input.application_id.as_deref(),
            )?;
            row.offer_id = found.offer.map(|o| o.id);
            row.application_id = found.application.map(|(a, _)| a.id);
            conversations::insert(conn, &row)?;
            Ok(row)
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/conversations/{}", row.id)))
        .json(conversation_dto(&state.assistant.config, row)))
}

/// One conversation.
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "assistant",
    params(("id" = String, Path, description = "Conversation id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The conversation", body = Conversation),
        (status = 404, description = "`not_found` (also for another user's conversation)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<web::Json<Conversation>, ApiError> {
    let id = path.into_inner();
    let row = state.db(move |conn| owned(conn, &auth.user.id, &id)).await?;
    Ok(web::Json(conversation_dto(&state.assistant.config, row)))
}

/// Renames a conversation, changes the parts of the workspace left out of its context, the model that answers
/// its next questions, or the branch it shows.
#[utoipa::path(patch, path = "/api/v1/conversations/{id}", tag = "assistant", request_body = UpdateConversationRequest,
    params(("id" = String, Path, description = "Conversation id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Changed", body = Conversation),
        (status = 404, description = "`not_found`: the conversation, or the `active_message_id` in it (then nothing changes)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`reply_in_progress`: the branch shown cannot change while a reply is being written", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (`model`: `invalid_choice` for a model `GET /api/v1/assistant` does not list); nothing changes", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn rename(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    body: Body<UpdateConversationRequest>,
) -> Result<web::Json<Conversation>, ApiError> {
    let change = body.into_inner();
    let title = change.title.as_deref().map(parse_title).transpose()?;
    let excluded = change.context_excluded.as_deref().map(grounding::format_excluded);
    let model = change
        .model
        .as_deref()
        .map(|model| offered_model(&state.assistant.config, model))
        .transpose()?;
    let shown = change.active_message_id;
    let alive_since = jobbot_db::now() - state.assistant.abandoned_after();
    let id = path.into_inner();
    let row = state
        .db(move |conn| {
            // All or nothing: a refused branch changes nothing else.
            jobbot_db::transaction(conn, |conn| {
                owned(conn, &auth.user.id, &id)?;
                if let Some(shown) = &shown {
                    turn::idle(conn, &auth.user.id, &id, alive_since)?;
                    if !messages::show_branch(conn, &id, shown)? {
                        return Err(ApiError::new(
                            StatusCode::NOT_FOUND,
                            ErrorCode::NotFound,
                            "No message with this active_message_id in the conversation.",
                        ));
                    }
                }
                if let Some(title) = &title {
                    conversations::rename(conn, &id, title, jobbot_db::now())?;
                }
                if let Some(excluded) = &excluded {
                    conversations::set_context_excluded(conn, &id, excluded)?;
                }
                if let Some(model) = &model {
                    conversations::set_model(conn, &id, model)?;
                }
                owned(conn, &auth.user.id, &id)
            })
        })
        .await?;
    Ok(web::Json(conversation_dto(&state.assistant.config, row)))
}

/// Deletes a conversation and its messages (a running reply is stopped first).
#[utoipa::path(delete, path = "/api/v1/conversations/{id}", tag = "assistant",
    params(("id" = String, Path, description = "Conversation id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let (user_id, check_id) = (auth.user.id.clone(), id.clone());
    state.db(move |conn| owned(conn, &user_id, &check_id)).await?;
    if let Some(receiver) = state.assistant.stop(&id) {
        wait_for_end(receiver).await;
    }
    let hub = state.hub.clone();
    state
        .db(move |conn| {
            for share_id in conversations::delete(conn, &id)? {
                crate::sharing::announce_revoked(conn, &hub, &share_id)?;
            }
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Messages, oldest first.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages", tag = "assistant",
    params(("id" = String, Path, description = "Conversation id"), MessageQuery),
    security(("bearer" = []), ("cookie" = [])),
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
    let limit = super::in_range("limit", limit.unwrap_or(100), 1, 200)?;
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

/// What the conversation sends the AI provider with each question: the parts of the workspace it is about
/// (as they are now), which are left out, and the exact system message.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/context", tag = "assistant",
    params(("id" = String, Path, description = "Conversation id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The context", body = CoachContext),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn context(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<web::Json<CoachContext>, ApiError> {
    let id = path.into_inner();
    let context = state
        .db(move |conn| {
            let row = owned(conn, &auth.user.id, &id)?;
            let found = grounding::current(
                conn,
                &row.user_id,
                row.offer_id.as_deref(),
                row.application_id.as_deref(),
            )?;
            Ok(grounding::context(
                &found,
                &grounding::parse_excluded(&row.context_excluded),
            ))
        })
        .await?;
    Ok(web::Json(context))
}

/// What a conversation about this offer and/or application would send, before it is started: shown to the
/// candidate so they can leave parts out.
#[utoipa::path(get, path = "/api/v1/assistant/context", tag = "assistant", params(ContextQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The context", body = CoachContext),
        (status = 404, description = "`not_found`: the offer (or one the caller cannot see) or the application", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: an unknown part in `exclude`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn preview_context(
    state: web::Data<AppState>,
    auth: AuthUser,
    query: web::Query<ContextQuery>,
) -> Result<web::Json<CoachContext>, ApiError> {
    let query = query.into_inner();
    let mut errors = Vec::new();
    let excluded = crate::offers::list(
        query.exclude.as_deref(),
        "exclude",
        jobbot_api_types::ContextPart::parse,
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let user_id = auth.user.id;
    let context = state
        .db(move |conn| {
            let found = grounding::resolve(
                conn,
                &user_id,
                query.offer_id.as_deref(),
                query.application_id.as_deref(),
            )?;
            Ok(grounding::context(&found, &excluded))
        })
        .await?;
    Ok(web::Json(context))
}

/// Opening a conversation: from memory when the read cache has it (PostgreSQL), otherwise one query for
/// ownership and page together; the answer is the same bytes either way.
async fn first_page(
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
fn with_feedback(
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

fn feedback_dto(row: FeedbackRow) -> Option<Feedback> {
    Some(Feedback {
        rating: Rating::parse(&row.rating)?,
        comment: row.comment,
        updated_at: row.updated_at.and_utc(),
    })
}

/// Longest comment on a rating, in characters.
const FEEDBACK_COMMENT_MAX: usize = 2_000;

/// Rates one of the assistant's replies in the caller's conversation, thumbs up or down with an optional comment;
/// rating it again replaces the rating. Admins see how many of each per model and per day, never the comments.
#[utoipa::path(put, path = "/api/v1/conversations/{id}/messages/{message_id}/feedback", tag = "assistant",
    request_body = FeedbackRequest,
    params(
        ("id" = String, Path, description = "Conversation id"),
        ("message_id" = String, Path, description = "One of the assistant's replies in it"),
    ),
    security(("bearer" = []), ("cookie" = [])),
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
    security(("bearer" = []), ("cookie" = [])),
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
fn rateable(conn: &mut DbConnection, user_id: &str, id: &str, message_id: &str) -> Result<(), ApiError> {
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

fn wants_stream(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/event-stream"))
}

/// Asks the assistant. The question is stored before anything else can fail.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "assistant", request_body = SendMessageRequest,
    params(("id" = String, Path, description = "Conversation id")),
    security(("bearer" = []), ("cookie" = [])),
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
    security(("bearer" = []), ("cookie" = [])),
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

fn desk(state: &AppState) -> Desk<'_> {
    Desk {
        assistant: &state.assistant,
        pool: &state.pool,
        hub: &state.hub,
    }
}

/// Answers as the client asked: the reply's events as SSE, or JSON once it is done.
async fn reply_to(req: &HttpRequest, started: Started) -> HttpResponse {
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
    security(("bearer" = []), ("cookie" = [])),
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
    security(("bearer" = []), ("cookie" = [])),
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

/// Which assistant answers (the SPA labels the offline mode), and the models a conversation may use.
#[utoipa::path(get, path = "/api/v1/assistant", tag = "assistant",
    responses((status = 200, description = "The configured provider, its default model and the models users may pick", body = AssistantInfo)))]
pub async fn info(state: web::Data<AppState>) -> web::Json<AssistantInfo> {
    let assistant = &state.assistant;
    web::Json(AssistantInfo {
        provider: assistant.provider.name().to_owned(),
        model: assistant.config.default_model().to_owned(),
        offline: assistant.provider.is_offline(),
        daily_token_quota: assistant.config.daily_token_quota,
        models: assistant
            .config
            .models
            .iter()
            .map(|m| AssistantModel {
                id: m.id.clone(),
                name: m.name.clone(),
            })
            .collect(),
        fallback_model: assistant.config.fallback_model.clone(),
    })
}
