//! Shared JobBot conversations: create, read, change, revoke, fork, and the owner's list.
//!
//! Thin handlers: who may do what is `crate::sharing`'s.

use actix_web::{web, HttpResponse};
use chrono::TimeDelta;
use jobbot_api_types::{
    ChatMessage, Conversation, CreateShareRequest, LiveEvent, MyShare, Problem, Redaction, ShareCard,
    ShareTranscript, ShareView, UpdateShareRequest,
};
use jobbot_db::chats::{self, ChatMessageRow};
use jobbot_db::conversations::{self, ConversationRow};
use jobbot_db::messages::{self, MessageRow};
use jobbot_db::shares::{self, ShareRow};
use jobbot_db::DbConnection;
use jobbot_domain::{MessageRole, MessageStatus};

use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::ApiError;
use crate::sharing::{self, card, participant};
use crate::state::AppState;

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(ApiError::internal)
}

/// Shares one of the caller's JobBot conversations into a session they are in; posts its card.
#[utoipa::path(post, path = "/api/v1/chats/{id}/shares", tag = "shares", request_body = CreateShareRequest,
    params(("id" = String, Path, description = "Chat id")),
    responses(
        (status = 201, description = "The share card, posted in the session", body = ChatMessage),
        (status = 403, description = "`blocked`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: not your session, or not your conversation", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_share(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    body: Body<CreateShareRequest>,
) -> Result<HttpResponse, ApiError> {
    let chat_id = path.into_inner();
    let request = body.into_inner();
    let hub = state.hub.clone();
    let message = state
        .db(move |conn| {
            let user_id = auth.user.id;
            sharing::member(conn, &user_id, &chat_id)?;
            sharing::ensure_may_share(conn, &chat_id, &user_id)?;
            let conversation: ConversationRow =
                conversations::find_for_user(conn, &user_id, &request.conversation_id)?
                    .ok_or_else(ApiError::not_found)?;
            let now = jobbot_db::now();
            let expires_at = sharing::expiry(request.expires_in_days, now)?;
            let snapshot = sharing::transcript(
                conn,
                &conversation.id,
                request.up_to_message_id.as_deref(),
                &request.redactions,
            )?;
            let share = ShareRow {
                id: jobbot_db::new_id(),
                chat_id: chat_id.clone(),
                owner_id: user_id.clone(),
                conversation_id: Some(conversation.id.clone()),
                mode: request.mode.as_str().into(),
                title: sharing::safe_title(&conversation.title),
                up_to_message_id: request.up_to_message_id.clone(),
                message_count: snapshot.len() as i64,
                snapshot: to_json(&snapshot)?,
                redactions: to_json(&request.redactions)?,
                expires_at: Some(expires_at),
                revoked_at: None,
                created_at: now,
                updated_at: now,
                removed_reason: None,
            };
            let row = ChatMessageRow {
                id: jobbot_db::new_id(),
                chat_id: chat_id.clone(),
                sender_id: Some(user_id.clone()),
                kind: "share".into(),
                content: share.title.clone(),
                share_id: Some(share.id.clone()),
                created_at: now,
            };
            jobbot_db::transaction(conn, |conn| {
                shares::insert(conn, &share)?;
                chats::insert_message(conn, &row)?;
                chats::mark_read(conn, &chat_id, &user_id, now)
            })?;
            let message = sharing::message_dto(conn, row, now)?;
            let members = chats::active_member_ids(conn, &chat_id)?;
            hub.publish(conn, &members, &LiveEvent::ShareCreated(message.clone()), None);
            Ok(message)
        })
        .await?;
    Ok(HttpResponse::Created().json(message))
}

/// The read-only transcript. Each view by the recipient is recorded; the owner also gets the views.
#[utoipa::path(get, path = "/api/v1/shares/{id}", tag = "shares",
    params(("id" = String, Path, description = "Share id")),
    responses(
        (status = 200, description = "The transcript", body = ShareTranscript),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`share_gone`: revoked (for everyone), or expired (the owner still sees an expired share)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_share(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<web::Json<ShareTranscript>, ApiError> {
    let id = path.into_inner();
    let transcript = state
        .db(move |conn| {
            let now = jobbot_db::now();
            let sharing::Access { share, owner } = sharing::readable(conn, &auth.user.id, &id, now)?;
            let messages = sharing::current_transcript(conn, &share)?;
            let views = if owner {
                Some(view_list(conn, &share.id)?)
            } else {
                shares::record_view(conn, &share.id, &auth.user.id, now)?;
                None
            };
            Ok(ShareTranscript {
                share: card(&share, now),
                messages,
                views,
            })
        })
        .await?;
    Ok(web::Json(transcript))
}

fn view_list(conn: &mut DbConnection, share_id: &str) -> Result<Vec<ShareView>, ApiError> {
    Ok(shares::views(conn, share_id)?
        .into_iter()
        .map(|(viewer, at)| ShareView {
            viewer,
            viewed_at: at.and_utc(),
        })
        .collect())
}

/// Re-snapshots, switches the mode, changes the expiry or the redactions (owner only).
#[utoipa::path(patch, path = "/api/v1/shares/{id}", tag = "shares", request_body = UpdateShareRequest,
    params(("id" = String, Path, description = "Share id")),
    responses(
        (status = 200, description = "The updated card", body = ShareCard),
        (status = 404, description = "`not_found` (also for anyone but the owner)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`share_revoked` or `conversation_gone`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_share(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    body: Body<UpdateShareRequest>,
) -> Result<web::Json<ShareCard>, ApiError> {
    let id = path.into_inner();
    let changes = body.into_inner();
    let hub = state.hub.clone();
    let card = state
        .db(move |conn| {
            let mut share = sharing::changeable(conn, &auth.user.id, &id)?;
            let now = jobbot_db::now();
            if let Some(mode) = changes.mode {
                share.mode = mode.as_str().into();
            }
            if changes.expires_in_days.is_some() {
                share.expires_at = Some(sharing::expiry(changes.expires_in_days, now)?);
            }
            if let Some(redactions) = &changes.redactions {
                share.redactions = to_json(redactions)?;
            }
            if changes.up_to_message_id.is_some() {
                share.up_to_message_id = changes.up_to_message_id.clone();
            }
            if changes.resnapshot || changes.redactions.is_some() || changes.up_to_message_id.is_some() {
                let conversation_id = share
                    .conversation_id
                    .clone()
                    .ok_or(sharing::SharingError::ConversationGone)?;
                let redactions: Vec<Redaction> =
                    serde_json::from_str(&share.redactions).map_err(ApiError::internal)?;
                let snapshot = sharing::transcript(
                    conn,
                    &conversation_id,
                    share.up_to_message_id.as_deref(),
                    &redactions,
                )?;
                share.message_count = snapshot.len() as i64;
                share.snapshot = to_json(&snapshot)?;
            }
            share.updated_at = now;
            shares::update(conn, &share)?;
            let updated = card(&share, now);
            let members = chats::active_member_ids(conn, &share.chat_id)?;
            hub.publish(conn, &members, &LiveEvent::ShareUpdated(updated.clone()), None);
            Ok(updated)
        })
        .await?;
    Ok(web::Json(card))
}

/// Revokes a share (owner only): it answers 410 from now on, to everyone; the owner keeps its card in `GET /me/shares`.
#[utoipa::path(delete, path = "/api/v1/shares/{id}", tag = "shares",
    params(("id" = String, Path, description = "Share id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke_share(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let hub = state.hub.clone();
    state
        .db(move |conn| {
            sharing::owned(conn, &auth.user.id, &id)?;
            shares::revoke(conn, &id, jobbot_db::now())?;
            Ok(sharing::announce_revoked(conn, &hub, &id)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// "Continue as my own conversation": a new JobBot conversation of the caller's, seeded with the transcript.
#[utoipa::path(post, path = "/api/v1/shares/{id}/fork", tag = "shares",
    params(("id" = String, Path, description = "Share id")),
    responses(
        (status = 201, description = "The new conversation", body = Conversation),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`share_gone`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn fork_share(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let default_model = state.assistant.config.default_model().to_owned();
    let conversation = state
        .db(move |conn| {
            let user_id = auth.user.id;
            let now = jobbot_db::now();
            let share = sharing::readable(conn, &user_id, &id, now)?.share;
            let transcript = sharing::current_transcript(conn, &share)?;
            let conversation = ConversationRow {
                id: jobbot_db::new_id(),
                user_id: user_id.clone(),
                title: share.title.clone(),
                title_is_auto: false,
                created_at: now,
                updated_at: now,
                // The sharer's offer and application stay theirs: a copy is about nothing of the recipient's.
                offer_id: None,
                application_id: None,
                context_excluded: String::new(),
                model: None,
            };
            jobbot_db::transaction(conn, |conn| {
                conversations::insert(conn, &conversation)?;
                // One line, each message after the one before.
                let mut previous: Option<String> = None;
                for (offset, message) in transcript.iter().enumerate() {
                    let at = now + TimeDelta::microseconds(offset as i64);
                    let mut row = MessageRow::new(
                        &conversation.id,
                        MessageRole::parse(&message.role).unwrap_or(MessageRole::Assistant),
                        &message.content,
                        MessageStatus::Complete,
                        at,
                    );
                    row.parent_id = previous.replace(row.id.clone());
                    messages::insert(conn, &row)?;
                }
                Ok::<_, ApiError>(())
            })?;
            Ok(Conversation {
                id: conversation.id,
                title: conversation.title,
                created_at: conversation.created_at.and_utc(),
                updated_at: conversation.updated_at.and_utc(),
                offer_id: None,
                application_id: None,
                context_excluded: Vec::new(),
                model: default_model,
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(conversation))
}

/// Everything I have shared, with state, expiry and views.
#[utoipa::path(get, path = "/api/v1/me/shares", tag = "shares",
    responses((status = 200, description = "My shares, newest first", body = Vec<MyShare>)))]
pub async fn my_shares(
    state: web::Data<AppState>,
    auth: AuthUser,
) -> Result<web::Json<Vec<MyShare>>, ApiError> {
    let user_id = auth.user.id;
    let list = state
        .db(move |conn| {
            let now = jobbot_db::now();
            shares::list_for_owner(conn, &user_id)?
                .into_iter()
                .map(|share| {
                    let other = chats::other_member(conn, &share.chat_id, &user_id)?;
                    Ok(MyShare {
                        participant: participant(other.as_ref().map(|(_, user)| user)),
                        views: view_list(conn, &share.id)?,
                        share: card(&share, now),
                    })
                })
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    Ok(web::Json(list))
}
