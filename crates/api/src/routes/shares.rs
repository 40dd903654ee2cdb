//! Shared JobBot conversations: create, read, change, revoke, fork, and the owner's list.
//!
//! Thin handlers: the operations are `jobbot_services::shares`, who may do what `jobbot_services::sharing`.

use actix_web::{web, HttpResponse};
use jobbot_api_types::{
    ChatMessage, Conversation, CreateShareRequest, MyShare, Problem, ShareCard, ShareTranscript,
    UpdateShareRequest,
};
use jobbot_services::shares;

use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::ApiError;
use crate::state::AppState;

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
        .db(move |conn| Ok(shares::create(conn, &hub, &auth.user.id, &chat_id, &request)?))
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
        .db(move |conn| Ok(shares::read(conn, &auth.user.id, &id)?))
        .await?;
    Ok(web::Json(transcript))
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
        .db(move |conn| Ok(shares::change(conn, &hub, &auth.user.id, &id, &changes)?))
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
        .db(move |conn| Ok(shares::revoke(conn, &hub, &auth.user.id, &id)?))
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
        .db(move |conn| Ok(shares::fork(conn, &auth.user.id, &id, default_model)?))
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
    let list = state
        .db(move |conn| Ok(shares::mine(conn, &auth.user.id)?))
        .await?;
    Ok(web::Json(list))
}
