//! `/api/v1/admin/shares`: every share's metadata (never its contents), and removing one.

use actix_web::{web, HttpResponse};
use chrono::NaiveDateTime;
use jobbot_api_types::{AdminReason, AdminShare, AdminSharePage, Problem};
use serde::Deserialize;
use serde_json::json;

use super::{reason, require_admin};
use crate::audit::{self, action, Event, Here};
use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ShareListQuery {
    /// `active`, `expired`, `revoked` (by its owner) or `removed` (by an admin).
    pub state: Option<String>,
    /// The owner's user id.
    pub owner: Option<String>,
    /// 1 to 100, default 50.
    pub limit: Option<i64>,
    /// Default 0.
    pub offset: Option<i64>,
}

pub(super) fn admin_share(listing: jobbot_db::admin::ShareListing, now: NaiveDateTime) -> AdminShare {
    let share = listing.share;
    let state = crate::sharing::state_from(
        share.removed_reason.is_some(),
        share.revoked_at,
        share.expires_at,
        now,
    );
    AdminShare {
        mode: jobbot_domain::ShareMode::parse(&share.mode).unwrap_or_default(),
        state,
        message_count: share.message_count,
        views: listing.views,
        created_at: share.created_at.and_utc(),
        updated_at: share.updated_at.and_utc(),
        expires_at: share.expires_at.map(|t| t.and_utc()),
        revoked_at: share.revoked_at.map(|t| t.and_utc()),
        removed_reason: share.removed_reason,
        owner_email: listing.owner_email,
        recipient_id: listing.recipient_id,
        recipient_email: listing.recipient_email,
        id: share.id,
        chat_id: share.chat_id,
        owner_id: share.owner_id,
    }
}

/// Every share, newest first: metadata for moderation, never a title or a transcript (admins only).
#[utoipa::path(get, path = "/api/v1/admin/shares", tag = "admin", params(ShareListQuery),
    responses(
        (status = 200, description = "A page of shares", body = AdminSharePage),
        (status = 403, description = "`forbidden`: not an admin; `admin_2fa_required`: an admin without two-factor sign-in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: an unknown state, a limit out of range", body = Problem, content_type = "application/problem+json"),
    ))]

pub async fn list_shares(
    state: web::Data<AppState>,
    auth: AuthUser,
    query: web::Query<ShareListQuery>,
) -> Result<web::Json<AdminSharePage>, ApiError> {
    use jobbot_db::admin::ShareStateFilter;
    require_admin(&state, &auth).await?;
    let query = query.into_inner();
    let limit = crate::routes::in_range("limit", query.limit.unwrap_or(50), 1, 100)?;
    let offset = crate::routes::in_range("offset", query.offset.unwrap_or(0), 0, i64::MAX)?;
    let filter = match query.state.as_deref() {
        None | Some("") => None,
        Some("active") => Some(ShareStateFilter::Active),
        Some("expired") => Some(ShareStateFilter::Expired),
        Some("revoked") => Some(ShareStateFilter::Revoked),
        Some("removed") => Some(ShareStateFilter::Removed),
        Some(_) => {
            return Err(ApiError::field(
                "state",
                "invalid_choice",
                "active, expired, revoked or removed.",
            ))
        }
    };
    let owner = query.owner.filter(|o| !o.is_empty());
    let now = jobbot_db::now();
    let (rows, total) = state
        .db(move |conn| {
            Ok(jobbot_db::admin::list_shares(
                conn,
                filter,
                owner.as_deref(),
                now,
                limit,
                offset,
            )?)
        })
        .await?;
    Ok(web::Json(AdminSharePage {
        items: rows.into_iter().map(|row| admin_share(row, now)).collect(),
        total,
        limit,
        offset,
    }))
}

/// Removes a share, with a reason its owner sees ("removed by an administrator"); its recipient gets 410
/// from then on (admins only).
#[utoipa::path(delete, path = "/api/v1/admin/shares/{id}", tag = "admin", request_body = AdminReason,
    params(("id" = String, Path, description = "Share id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "`forbidden`: not an admin; `admin_2fa_required`: an admin without two-factor sign-in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such share, or already removed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a missing reason", body = Problem, content_type = "application/problem+json"),
    ))]

pub async fn remove_share(
    state: web::Data<AppState>,
    auth: AuthUser,
    Here(origin): Here,
    path: web::Path<String>,
    body: Body<AdminReason>,
) -> Result<HttpResponse, ApiError> {
    require_admin(&state, &auth).await?;
    let reason = reason(&body.into_inner().reason)?;
    let id = path.into_inner();
    let actor = auth.user.id.clone();
    let hub = state.hub.clone();
    state
        .db(move |conn| {
            jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                let owner = jobbot_db::shares::find(conn, &id)?
                    .map(|share| share.owner_id)
                    .ok_or_else(ApiError::not_found)?;
                if !jobbot_db::shares::remove(conn, &id, &reason, jobbot_db::now())? {
                    return Err(ApiError::not_found());
                }
                audit::record(
                    conn,
                    &origin,
                    Event {
                        actor_id: Some(&actor),
                        action: action::ADMIN_SHARE_REMOVED,
                        target: Some(("share", &id)),
                        details: json!({"reason": reason, "owner_id": owner}),
                    },
                )?;
                Ok(())
            })?;
            Ok(crate::sharing::announce_revoked(conn, &hub, &id)?)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
