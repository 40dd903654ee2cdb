//! Conversations with the assistant, their messages, and replies (streamed as SSE or awaited as JSON).
//! Every lookup is scoped to the caller: another user's conversation is a 404 whatever the method.
//!
//! Here the conversations themselves (list, create, read, rename, delete), their coach context and the
//! assistant's description; `messages` and `replies` beside.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use jobbot_api_types::{
    AssistantInfo, AssistantModel, CoachContext, ContextQuery, Conversation, ConversationPage,
    ConversationQuery, CreateConversationRequest, ErrorCode, Problem, UpdateConversationRequest,
};
use jobbot_db::assistant::conversations;
use jobbot_db::assistant::conversations::ConversationRow;
use jobbot_db::DbConnection;
use jobbot_domain::Locale;

use crate::assistant::{grounding, turn};
use crate::auth::AuthUser;
use crate::body::Body;
use crate::config::AssistantConfig;
use crate::error::ApiError;
use crate::sse::wait_for_end;
use crate::state::AppState;

mod messages;
mod replies;

pub use messages::*;
pub use replies::*;

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
    let limit = crate::routes::in_range("limit", limit.unwrap_or(20), 1, 100)?;
    let offset = crate::routes::in_range("offset", offset.unwrap_or(0), 0, 1_000_000)?;
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
                    if !jobbot_db::assistant::messages::show_branch(conn, &id, shown)? {
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

/// What the conversation sends the AI provider with each question: the parts of the workspace it is about
/// (as they are now), which are left out, and the exact system message.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/context", tag = "assistant",
    params(("id" = String, Path, description = "Conversation id")),
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
