//! Chat sessions between users and JobBot conversations shared into them.
//!
//! Only participants see a session (404 for anyone else). A share is visible to its owner and to the other
//! participant of its session; once revoked or expired, the recipient gets 410 `share_gone`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use chrono::{NaiveDateTime, TimeDelta};
use jobbot_api_types::{
    ChatMessage, ChatMessageKind, ChatMessagePage, ChatMessageQuery, ChatReadEvent, ChatSummary,
    Conversation, CreateShareRequest, MarkReadRequest, MyShare, OpenChatRequest, Participant,
    PostChatMessageRequest, Problem, Redaction, ShareCard, ShareMode, ShareState, ShareTranscript, ShareView,
    SharedMessage, UpdateShareRequest,
};
use jobbot_db::chats::{self, ChatMessageRow, ChatRow, MemberRow};
use jobbot_db::conversations::{self, ConversationRow};
use jobbot_db::messages::{self, MessageRow};
use jobbot_db::shares::{self, ShareRow};
use jobbot_db::users::{self, UserRow};
use jobbot_db::DbConnection;
use jobbot_domain::pii::{self, PiiMatch};
use jobbot_domain::Email;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

const CONTENT_MAX_CHARS: usize = 4_000;
const DEFAULT_SHARE_DAYS: u32 = 30;
const DELETED_USER: &str = "Utilisateur supprimé";

fn not_a_member() -> ApiError {
    ApiError::not_found()
}

fn share_gone() -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        "share_gone",
        "This share was revoked or has expired.",
    )
}

fn blocked() -> ApiError {
    ApiError::forbidden(
        "blocked",
        "This person does not accept messages or shares from you.",
    )
}

fn member(conn: &mut DbConnection, user_id: &str, chat_id: &str) -> Result<(ChatRow, MemberRow), ApiError> {
    chats::find_for_member(conn, user_id, chat_id)?.ok_or_else(not_a_member)
}

fn participant(user: Option<&UserRow>) -> Participant {
    match user {
        Some(user) => Participant {
            id: Some(user.id.clone()),
            display_name: user.display_name.clone(),
        },
        None => Participant {
            id: None,
            display_name: DELETED_USER.to_owned(),
        },
    }
}

fn card(row: &ShareRow, now: NaiveDateTime) -> ShareCard {
    let state = if row.revoked_at.is_some() {
        ShareState::Revoked
    } else if row.expires_at.is_some_and(|at| at <= now) {
        ShareState::Expired
    } else {
        ShareState::Active
    };
    ShareCard {
        id: row.id.clone(),
        chat_id: row.chat_id.clone(),
        owner_id: row.owner_id.clone(),
        title: row.title.clone(),
        mode: if row.mode == "live" {
            ShareMode::Live
        } else {
            ShareMode::Snapshot
        },
        message_count: row.message_count,
        state,
        updated: row.updated_at > row.created_at && row.revoked_at.is_none(),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        expires_at: row.expires_at.map(|at| at.and_utc()),
    }
}

fn message_dto(
    conn: &mut DbConnection,
    row: ChatMessageRow,
    now: NaiveDateTime,
) -> Result<ChatMessage, ApiError> {
    let share = match &row.share_id {
        Some(id) => match shares::find(conn, id)? {
            Some(share) => Some(card(&share, now)),
            // The owner deleted their account: the card stays, revoked and without its title.
            None => jobbot_db::accounts::tombstone_chat(conn, id)?.map(|chat_id| ShareCard {
                id: id.clone(),
                chat_id,
                owner_id: String::new(),
                title: String::new(),
                mode: ShareMode::Snapshot,
                message_count: 0,
                state: ShareState::Revoked,
                updated: false,
                created_at: row.created_at.and_utc(),
                updated_at: row.created_at.and_utc(),
                expires_at: None,
            }),
        },
        None => None,
    };
    Ok(ChatMessage {
        id: row.id,
        chat_id: row.chat_id,
        kind: if row.kind == "share" {
            ChatMessageKind::Share
        } else {
            ChatMessageKind::Text
        },
        // A deleted sender's words are not kept on screen.
        content: if row.sender_id.is_some() {
            row.content
        } else {
            String::new()
        },
        sender_id: row.sender_id,
        share,
        created_at: row.created_at.and_utc(),
    })
}

fn summary(
    conn: &mut DbConnection,
    user_id: &str,
    chat: ChatRow,
    me: &MemberRow,
) -> Result<ChatSummary, ApiError> {
    let now = jobbot_db::now();
    let other = chats::other_member(conn, &chat.id, user_id)?;
    let blocked = match &other {
        Some((_, user)) => chats::is_blocked(conn, user_id, &user.id)?,
        None => false,
    };
    let last_message = match chats::last_message(conn, &chat.id)? {
        Some(row) => Some(message_dto(conn, row, now)?),
        None => None,
    };
    Ok(ChatSummary {
        participant: participant(other.as_ref().map(|(_, user)| user)),
        last_message,
        unread_count: chats::unread_count(conn, me)?,
        blocked,
        updated_at: chat.updated_at.and_utc(),
        id: chat.id,
    })
}

/// Opens a one-to-one session with another user, or returns the existing one (201 vs 200).
#[utoipa::path(post, path = "/api/v1/chats", tag = "chats", request_body = OpenChatRequest,
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 201, description = "Opened", body = ChatSummary),
        (status = 200, description = "It already existed", body = ChatSummary),
        (status = 404, description = "`not_found`: the same answer for an unknown address and your own", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn open(
    state: web::Data<AppState>,
    auth: AuthUser,
    body: web::Json<OpenChatRequest>,
) -> Result<HttpResponse, ApiError> {
    let unreachable = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "No one can be reached at this address.",
        )
    };
    let email = Email::parse(&body.participant_email).map_err(|_| unreachable())?;
    let user_id = auth.user.id;
    let (created, summary) = state
        .db(move |conn| {
            let other = users::find_by_email(conn, email.as_str())?
                .filter(|u| u.id != user_id)
                .ok_or_else(unreachable)?;
            let (chat, created) = chats::open(conn, &user_id, &other.id, jobbot_db::now())?;
            let (chat, me) = member(conn, &user_id, &chat.id)?;
            Ok((created, summary(conn, &user_id, chat, &me)?))
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
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "Sessions", body = Vec<ChatSummary>)))]
pub async fn list(
    state: web::Data<AppState>,
    auth: AuthUser,
) -> Result<web::Json<Vec<ChatSummary>>, ApiError> {
    let user_id = auth.user.id;
    let list = state
        .db(move |conn| {
            chats::list_for_user(conn, &user_id, 200)?
                .into_iter()
                .map(|(chat, me)| summary(conn, &user_id, chat, &me))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    Ok(web::Json(list))
}

/// Messages, oldest first; `?before=` pages back, `?after=` catches up (e.g. after a reconnection).
#[utoipa::path(get, path = "/api/v1/chats/{id}/messages", tag = "chats",
    params(("id" = String, Path, description = "Chat id"), ChatMessageQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page", body = ChatMessagePage),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn messages_page(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    query: web::Query<ChatMessageQuery>,
) -> Result<web::Json<ChatMessagePage>, ApiError> {
    let chat_id = path.into_inner();
    let ChatMessageQuery { before, after, limit } = query.into_inner();
    let limit = limit.unwrap_or(50).clamp(1, 200);
    let page = state
        .db(move |conn| {
            member(conn, &auth.user.id, &chat_id)?;
            let cursor = |conn: &mut DbConnection,
                          id: Option<String>,
                          field: &str|
             -> Result<Option<chats::Cursor>, ApiError> {
                match id {
                    None => Ok(None),
                    Some(id) => chats::find_message(conn, &chat_id, &id)?
                        .map(|m| Some((m.created_at, m.id)))
                        .ok_or_else(|| {
                            ApiError::field(
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
                .map(|row| message_dto(conn, row, now))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(ChatMessagePage { items, has_more })
        })
        .await?;
    Ok(web::Json(page))
}

/// Posts a message.
#[utoipa::path(post, path = "/api/v1/chats/{id}/messages", tag = "chats", request_body = PostChatMessageRequest,
    params(("id" = String, Path, description = "Chat id")),
    security(("bearer" = []), ("cookie" = [])),
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
    body: web::Json<PostChatMessageRequest>,
) -> Result<HttpResponse, ApiError> {
    let chat_id = path.into_inner();
    let content = body.into_inner().content;
    if content.trim().is_empty() || content.chars().count() > CONTENT_MAX_CHARS {
        return Err(ApiError::field(
            "content",
            "invalid_length",
            "A message has 1 to 4,000 characters.",
        ));
    }
    let hub = state.hub.clone();
    let message = state
        .db(move |conn| {
            let user_id = auth.user.id;
            member(conn, &user_id, &chat_id)?;
            ensure_not_blocked(conn, &chat_id, &user_id)?;
            let row = ChatMessageRow {
                id: jobbot_db::new_id(),
                chat_id: chat_id.clone(),
                sender_id: Some(user_id.clone()),
                kind: "text".into(),
                content,
                share_id: None,
                created_at: jobbot_db::now(),
            };
            chats::insert_message(conn, &row)?;
            // My own message is read by me.            chats::mark_read(conn, &chat_id, &user_id, row.created_at)?;
            let message = message_dto(conn, row, jobbot_db::now())?;
            let members = chats::active_member_ids(conn, &chat_id)?;
            hub.publish(
                conn,
                &members,
                "chat.message",
                &message,
                Some((&chat_id, &message.id)),
            );
            Ok(message)
        })
        .await?;
    Ok(HttpResponse::Created().json(message))
}

fn ensure_not_blocked(conn: &mut DbConnection, chat_id: &str, user_id: &str) -> Result<(), ApiError> {
    if let Some((_, other)) = chats::other_member(conn, chat_id, user_id)? {
        if chats::is_blocked(conn, &other.id, user_id)? {
            return Err(blocked());
        }
    }
    Ok(())
}

/// Marks everything up to a message as read.
#[utoipa::path(post, path = "/api/v1/chats/{id}/read", tag = "chats", request_body = MarkReadRequest,
    params(("id" = String, Path, description = "Chat id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Marked"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn mark_read(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    body: web::Json<MarkReadRequest>,
) -> Result<HttpResponse, ApiError> {
    let chat_id = path.into_inner();
    let hub = state.hub.clone();
    state
        .db(move |conn| {
            member(conn, &auth.user.id, &chat_id)?;
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
            hub.publish(conn, &members, "chat.read", &event, None);
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Leaves the session (opening it again later brings it back).
#[utoipa::path(post, path = "/api/v1/chats/{id}/leave", tag = "chats",
    params(("id" = String, Path, description = "Chat id")),
    security(("bearer" = []), ("cookie" = [])),
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
            member(conn, &auth.user.id, &chat_id)?;
            Ok(chats::leave(conn, &chat_id, &auth.user.id, jobbot_db::now())?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Blocks the other participant: no new messages or shares from them.
#[utoipa::path(post, path = "/api/v1/chats/{id}/block", tag = "chats",
    params(("id" = String, Path, description = "Chat id")),
    security(("bearer" = []), ("cookie" = [])),
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
    security(("bearer" = []), ("cookie" = [])),
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
            member(conn, &auth.user.id, &chat_id)?;
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

/// The transcript a share shows: the conversation's messages up to `up_to`, with the redactions applied.
fn transcript(
    conn: &mut DbConnection,
    conversation_id: &str,
    up_to: Option<&str>,
    redactions: &[Redaction],
) -> Result<Vec<SharedMessage>, ApiError> {
    let mut rows: Vec<MessageRow> = messages::page(conn, conversation_id, None, 10_000)?;
    if let Some(up_to) = up_to {
        let position = rows.iter().position(|m| m.id == up_to).ok_or_else(|| {
            ApiError::field(
                "up_to_message_id",
                "unknown_message",
                "No message with this id in the conversation.",
            )
        })?;
        rows.truncate(position + 1);
    }
    let mut shared = Vec::new();
    for row in rows
        .into_iter()
        .filter(|m| !m.content.is_empty() && m.status != messages::STATUS_STREAMING)
    {
        let matches: Vec<PiiMatch> = redactions
            .iter()
            .filter(|r| r.message_id == row.id)
            .map(|r| PiiMatch {
                kind: r.kind,
                start: r.start,
                end: r.end,
            })
            .collect();
        for m in &matches {
            if m.start >= m.end
                || m.end > row.content.len()
                || !row.content.is_char_boundary(m.start)
                || !row.content.is_char_boundary(m.end)
            {
                return Err(ApiError::field(
                    "redactions",
                    "invalid_redaction",
                    "A redaction does not fit its message.",
                ));
            }
        }
        shared.push(SharedMessage {
            role: row.role.clone(),
            content: pii::redact(&row.content, &matches),
            created_at: row.created_at.and_utc(),
        });
    }
    Ok(shared)
}

/// The conversation's title with every likely piece of personal data redacted. Titles default to the first
/// question, which the preview does not show as such: nothing personal may ride along in the card.
fn safe_title(title: &str) -> String {
    pii::redact(title, &pii::detect(title))
}

fn expiry(days: Option<u32>, now: NaiveDateTime) -> Result<NaiveDateTime, ApiError> {
    let days = days.unwrap_or(DEFAULT_SHARE_DAYS);
    if days == 0 || days > 365 {
        return Err(ApiError::field(
            "expires_in_days",
            "out_of_range",
            "Choose from 1 to 365 days.",
        ));
    }
    Ok(now + TimeDelta::days(i64::from(days)))
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(ApiError::internal)
}

/// Shares one of the caller's JobBot conversations into a session they are in; posts its card.
#[utoipa::path(post, path = "/api/v1/chats/{id}/shares", tag = "shares", request_body = CreateShareRequest,
    params(("id" = String, Path, description = "Chat id")),
    security(("bearer" = []), ("cookie" = [])),
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
    body: web::Json<CreateShareRequest>,
) -> Result<HttpResponse, ApiError> {
    let chat_id = path.into_inner();
    let request = body.into_inner();
    let hub = state.hub.clone();
    let message = state
        .db(move |conn| {
            let user_id = auth.user.id;
            member(conn, &user_id, &chat_id)?;
            ensure_not_blocked(conn, &chat_id, &user_id)?;
            let conversation: ConversationRow =
                conversations::find_for_user(conn, &user_id, &request.conversation_id)?
                    .ok_or_else(ApiError::not_found)?;
            let now = jobbot_db::now();
            let expires_at = expiry(request.expires_in_days, now)?;
            let snapshot = transcript(
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
                mode: match request.mode {
                    ShareMode::Snapshot => "snapshot".into(),
                    ShareMode::Live => "live".into(),
                },
                title: safe_title(&conversation.title),
                up_to_message_id: request.up_to_message_id.clone(),
                message_count: snapshot.len() as i64,
                snapshot: to_json(&snapshot)?,
                redactions: to_json(&request.redactions)?,
                expires_at: Some(expires_at),
                revoked_at: None,
                created_at: now,
                updated_at: now,
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
            let message = message_dto(conn, row, now)?;
            let members = chats::active_member_ids(conn, &chat_id)?;
            hub.publish(conn, &members, "share.created", &message, None);
            Ok(message)
        })
        .await?;
    Ok(HttpResponse::Created().json(message))
}

/// Whether the caller may see the share: as its owner, or as the other participant of its session.
fn visible(conn: &mut DbConnection, user_id: &str, id: &str) -> Result<(ShareRow, bool), ApiError> {
    let Some(share) = shares::find(conn, id)? else {
        // Its owner deleted their account: gone for the other participant, unknown to anyone else.
        return match jobbot_db::accounts::tombstone_chat(conn, id)? {
            Some(chat_id) if chats::find_for_member(conn, user_id, &chat_id)?.is_some() => Err(share_gone()),
            _ => Err(ApiError::not_found()),
        };
    };
    if share.owner_id == user_id {
        return Ok((share, true));
    }
    chats::find_for_member(conn, user_id, &share.chat_id)?.ok_or_else(ApiError::not_found)?;
    Ok((share, false))
}

fn read_transcript(conn: &mut DbConnection, share: &ShareRow) -> Result<Vec<SharedMessage>, ApiError> {
    match (share.mode.as_str(), &share.conversation_id) {
        ("live", Some(conversation_id)) => {
            let redactions: Vec<Redaction> = serde_json::from_str(&share.redactions).unwrap_or_default();
            transcript(conn, conversation_id, None, &redactions)
        }
        _ => serde_json::from_str(&share.snapshot).map_err(ApiError::internal),
    }
}

/// The read-only transcript. Each view by the recipient is recorded; the owner also gets the views.
#[utoipa::path(get, path = "/api/v1/shares/{id}", tag = "shares",
    params(("id" = String, Path, description = "Share id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The transcript", body = ShareTranscript),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "`share_gone`: revoked or expired (the owner still sees it)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_share(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<web::Json<ShareTranscript>, ApiError> {
    let id = path.into_inner();
    let transcript = state
        .db(move |conn| {
            let (share, owner) = visible(conn, &auth.user.id, &id)?;
            let now = jobbot_db::now();
            if !owner && share.is_gone(now) {
                return Err(share_gone());
            }
            let messages = read_transcript(conn, &share)?;
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

fn owned_share(conn: &mut DbConnection, user_id: &str, id: &str) -> Result<ShareRow, ApiError> {
    shares::find(conn, id)?
        .filter(|s| s.owner_id == user_id)
        .ok_or_else(ApiError::not_found)
}

/// Re-snapshots, switches the mode, changes the expiry or the redactions (owner only).
#[utoipa::path(patch, path = "/api/v1/shares/{id}", tag = "shares", request_body = UpdateShareRequest,
    params(("id" = String, Path, description = "Share id")),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The updated card", body = ShareCard),
        (status = 404, description = "`not_found` (also for anyone but the owner)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`share_revoked` or `conversation_gone`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_share(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    body: web::Json<UpdateShareRequest>,
) -> Result<web::Json<ShareCard>, ApiError> {
    let id = path.into_inner();
    let changes = body.into_inner();
    let hub = state.hub.clone();
    let card = state
        .db(move |conn| {
            let mut share = owned_share(conn, &auth.user.id, &id)?;
            if share.revoked_at.is_some() {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    "share_revoked",
                    "A revoked share cannot change.",
                ));
            }
            let now = jobbot_db::now();
            if let Some(mode) = changes.mode {
                share.mode = if mode == ShareMode::Live {
                    "live".into()
                } else {
                    "snapshot".into()
                };
            }
            if changes.expires_in_days.is_some() {
                share.expires_at = Some(expiry(changes.expires_in_days, now)?);
            }
            if let Some(redactions) = &changes.redactions {
                share.redactions = to_json(redactions)?;
            }
            if changes.up_to_message_id.is_some() {
                share.up_to_message_id = changes.up_to_message_id.clone();
            }
            if changes.resnapshot || changes.redactions.is_some() || changes.up_to_message_id.is_some() {
                let conversation_id = share.conversation_id.clone().ok_or_else(|| {
                    ApiError::new(
                        StatusCode::CONFLICT,
                        "conversation_gone",
                        "The shared conversation no longer exists.",
                    )
                })?;
                let redactions: Vec<Redaction> = serde_json::from_str(&share.redactions).unwrap_or_default();
                let snapshot = transcript(
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
            hub.publish(conn, &members, "share.updated", &updated, None);
            Ok(updated)
        })
        .await?;
    Ok(web::Json(card))
}

/// Revokes a share (owner only): the recipient gets 410 from now on.
#[utoipa::path(delete, path = "/api/v1/shares/{id}", tag = "shares",
    params(("id" = String, Path, description = "Share id")),
    security(("bearer" = []), ("cookie" = [])),
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
            owned_share(conn, &auth.user.id, &id)?;
            shares::revoke(conn, &id, jobbot_db::now())?;
            announce_revoked(conn, &hub, &id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// "Continue as my own conversation": a new JobBot conversation of the caller's, seeded with the transcript.
#[utoipa::path(post, path = "/api/v1/shares/{id}/fork", tag = "shares",
    params(("id" = String, Path, description = "Share id")),
    security(("bearer" = []), ("cookie" = [])),
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
    let conversation = state
        .db(move |conn| {
            let user_id = auth.user.id;
            let (share, owner) = visible(conn, &user_id, &id)?;
            let now = jobbot_db::now();
            if !owner && share.is_gone(now) {
                return Err(share_gone());
            }
            let transcript = read_transcript(conn, &share)?;
            let conversation = ConversationRow {
                id: jobbot_db::new_id(),
                user_id: user_id.clone(),
                title: share.title.clone(),
                title_is_auto: false,
                created_at: now,
                updated_at: now,
            };
            jobbot_db::transaction(conn, |conn| {
                conversations::insert(conn, &conversation)?;
                for (offset, message) in transcript.iter().enumerate() {
                    let at = now + TimeDelta::microseconds(offset as i64);
                    messages::insert(
                        conn,
                        &MessageRow {
                            id: jobbot_db::new_id(),
                            conversation_id: conversation.id.clone(),
                            role: if message.role == "user" {
                                "user".into()
                            } else {
                                "assistant".into()
                            },
                            content: message.content.clone(),
                            status: messages::STATUS_COMPLETE.into(),
                            provider: None,
                            model: None,
                            prompt_tokens: None,
                            completion_tokens: None,
                            latency_ms: None,
                            error_code: None,
                            created_at: at,
                            updated_at: at,
                        },
                    )?;
                }
                Ok::<_, ApiError>(())
            })?;
            Ok(Conversation {
                id: conversation.id,
                title: conversation.title,
                created_at: conversation.created_at.and_utc(),
                updated_at: conversation.updated_at.and_utc(),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(conversation))
}

/// Everything I have shared, with state, expiry and views.
#[utoipa::path(get, path = "/api/v1/me/shares", tag = "shares",
    security(("bearer" = []), ("cookie" = [])),
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

/// A chat message as its WebSocket event, read back from the database (for events too large for NOTIFY).
pub fn message_event(conn: &mut DbConnection, chat_id: &str, message_id: &str) -> Option<String> {
    let row = chats::find_message(conn, chat_id, message_id).ok()??;
    let message = message_dto(conn, row, jobbot_db::now()).ok()?;
    serde_json::to_string(&serde_json::json!({"type": "chat.message", "data": message})).ok()
}

/// Tells the session's participants that a share is revoked (their cards turn "revoked").
pub fn announce_revoked(
    conn: &mut DbConnection,
    hub: &crate::realtime::Hub,
    share_id: &str,
) -> Result<(), ApiError> {
    if let Some(share) = shares::find(conn, share_id)? {
        let members = chats::active_member_ids(conn, &share.chat_id)?;
        hub.publish(
            conn,
            &members,
            "share.revoked",
            &card(&share, jobbot_db::now()),
            None,
        );
    }
    Ok(())
}
