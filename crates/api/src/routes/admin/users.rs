//! `/api/v1/admin/users`: the user list with its counts, one user, a change of role or state (with the
//! sessions it ends), signing a user out everywhere, and erasure. The rules are `jobbot_services::accounts`'.

use actix_web::web;
use jobbot_api_types::{
    AdminLogoutReport, AdminReason, AdminUser, AdminUserChange, AdminUserPage, DeletionReceipt, Problem,
};
use jobbot_db::admin::{UserQuery, UserSort};
use jobbot_db::users;
use jobbot_domain::Role;
use jobbot_services::accounts::{admin_user, announce_session_end, check_removal, end_sessions, month_start};
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
pub struct UserListQuery {
    /// Part of the email or display name, any case.
    pub q: Option<String>,
    /// `candidate`, `recruiter` or `admin`.
    pub role: Option<String>,
    /// `active` or `disabled`.
    pub status: Option<String>,
    /// `created` (oldest first), `-created` (newest first, the default), `email`, `-email`, `name`, `-name`.
    pub sort: Option<String>,
    /// 1 to 100, default 50.
    pub limit: Option<i64>,
    /// Default 0.
    pub offset: Option<i64>,
}

/// Accounts with their activity figures (admins only).
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", params(UserListQuery),
    responses(
        (status = 200, description = "A page of accounts", body = AdminUserPage),
        (status = 403, description = "`forbidden`: not an admin; `admin_2fa_required`: an admin without two-factor sign-in; `admin_network`: outside `JOBBOT_ADMIN_ALLOW`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: an unknown role, status or sort, or a limit out of range", body = Problem, content_type = "application/problem+json"),
    ))]

pub async fn list_users(
    state: web::Data<AppState>,
    auth: AuthUser,
    query: web::Query<UserListQuery>,
) -> Result<web::Json<AdminUserPage>, ApiError> {
    require_admin(&state, &auth).await?;
    let query = query.into_inner();
    let limit = crate::routes::in_range("limit", query.limit.unwrap_or(50), 1, 100)?;
    let offset = crate::routes::in_range("offset", query.offset.unwrap_or(0), 0, i64::MAX)?;
    let role = match query.role.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(
            Role::parse(raw)
                .ok_or_else(|| ApiError::field("role", "invalid_choice", "candidate, recruiter or admin."))?
                .as_str()
                .to_owned(),
        ),
    };
    let disabled = match query.status.as_deref() {
        None | Some("") => None,
        Some("active") => Some(false),
        Some("disabled") => Some(true),
        Some(_) => return Err(ApiError::field("status", "invalid_choice", "active or disabled.")),
    };
    let sort = match query.sort.as_deref() {
        None | Some("") | Some("-created") => UserSort::CreatedDesc,
        Some("created") => UserSort::CreatedAsc,
        Some("email") => UserSort::EmailAsc,
        Some("-email") => UserSort::EmailDesc,
        Some("name") => UserSort::NameAsc,
        Some("-name") => UserSort::NameDesc,
        Some(_) => {
            return Err(ApiError::field(
                "sort",
                "invalid_choice",
                "created, -created, email, -email, name or -name.",
            ))
        }
    };
    let user_query = UserQuery {
        search: query.q.filter(|q| !q.trim().is_empty()),
        role,
        disabled,
        sort,
        limit,
        offset,
    };
    let month = month_start(jobbot_db::now());
    let (rows, total) = state
        .db(move |conn| Ok(jobbot_db::admin::list_users(conn, &user_query, month)?))
        .await?;
    Ok(web::Json(AdminUserPage {
        items: rows.into_iter().map(admin_user).collect(),
        total,
        limit,
        offset,
    }))
}

/// One account with its activity figures (admins only).
#[utoipa::path(get, path = "/api/v1/admin/users/{id}", tag = "admin",
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The account", body = AdminUser),
        (status = 403, description = "`forbidden`: not an admin; `admin_2fa_required`: an admin without two-factor sign-in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]

pub async fn get_user(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<web::Json<AdminUser>, ApiError> {
    require_admin(&state, &auth).await?;
    let id = path.into_inner();
    let month = month_start(jobbot_db::now());
    let found = state
        .db(move |conn| Ok(jobbot_db::admin::user(conn, &id, month)?))
        .await?;
    found
        .map(admin_user)
        .map(web::Json)
        .ok_or_else(ApiError::not_found)
}

/// Changes an account's role or disables/enables it, with a reason (admins only). Disabling ends every
/// session and personal token at once and closes the account's open WebSockets.
#[utoipa::path(patch, path = "/api/v1/admin/users/{id}", tag = "admin", request_body = AdminUserChange,
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "The account as changed", body = AdminUser),
        (status = 403, description = "`forbidden`: not an admin; `admin_2fa_required`: an admin without two-factor sign-in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_admin`: the last enabled admin; `self_action`: your own account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: no change, or a missing reason", body = Problem, content_type = "application/problem+json"),
    ))]

pub async fn update_user(
    state: web::Data<AppState>,
    auth: AuthUser,
    Here(origin): Here,
    path: web::Path<String>,
    body: Body<AdminUserChange>,
) -> Result<web::Json<AdminUser>, ApiError> {
    require_admin(&state, &auth).await?;
    let change = body.into_inner();
    let reason = reason(&change.reason)?;
    if change.role.is_none() && change.disabled.is_none() {
        return Err(ApiError::field(
            "role",
            "required",
            "Change the role or the disabled state.",
        ));
    }
    let id = path.into_inner();
    let actor = auth.user.id.clone();
    let now = jobbot_db::now();
    let month = month_start(now);
    let worker = state.clone();
    let (stats, ended) = state
        .db(move |conn| {
            jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                let target = users::find(conn, &id)?.ok_or_else(ApiError::not_found)?;
                let demotes = change.role.is_some_and(|role| role != Role::Admin);
                let disables = change.disabled == Some(true);
                check_removal(conn, &target, &actor, demotes || disables)?;
                let mut ended = false;
                if let Some(role) = change.role.filter(|role| role.as_str() != target.role) {
                    users::update(
                        conn,
                        &id,
                        &users::UserChanges {
                            role: Some(role.as_str()),
                            updated_at: Some(now),
                            ..Default::default()
                        },
                    )?;
                    audit::record(
                        conn,
                        &origin,
                        Event {
                            actor_id: Some(&actor),
                            action: action::ADMIN_ROLE_CHANGED,
                            target: Some(("user", &id)),
                            details: json!({"from": target.role, "to": role.as_str(), "reason": reason}),
                        },
                    )?;
                }
                match change.disabled {
                    Some(true) if !target.is_disabled() => {
                        jobbot_db::admin::set_disabled(conn, &id, Some((now, &reason)), now)?;
                        let (sessions, tokens) = end_sessions(conn, &id, now)?;
                        audit::record(
                            conn,
                            &origin,
                            Event {
                                actor_id: Some(&actor),
                                action: action::ADMIN_USER_DISABLED,
                                target: Some(("user", &id)),
                                details: json!({"reason": reason, "sessions_ended": sessions, "tokens_revoked": tokens}),
                            },
                        )?;
                        ended = true;
                    }
                    Some(false) if target.is_disabled() => {
                        jobbot_db::admin::set_disabled(conn, &id, None, now)?;
                        audit::record(
                            conn,
                            &origin,
                            Event {
                                actor_id: Some(&actor),
                                action: action::ADMIN_USER_ENABLED,
                                target: Some(("user", &id)),
                                details: json!({"reason": reason}),
                            },
                        )?;
                    }
                    _ => {}
                }
                let stats = jobbot_db::admin::user(conn, &id, month)?.ok_or_else(ApiError::not_found)?;
                Ok((stats, ended))
            })
            .map(|(stats, ended)| {
                let event = if ended {
                    announce_session_end(&worker.hub, conn, &stats.user.id)
                } else {
                    None
                };
                (stats, event)
            })
        })
        .await?;
    if let Some(event) = ended {
        state.hub.deliver_here(&event);
    }
    Ok(web::Json(admin_user(stats)))
}

/// Ends every session and personal token of an account (admins only); its open WebSockets close.
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/logout", tag = "admin",
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "What was ended", body = AdminLogoutReport),
        (status = 403, description = "`forbidden`: not an admin; `admin_2fa_required`: an admin without two-factor sign-in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]

pub async fn logout_user(
    state: web::Data<AppState>,
    auth: AuthUser,
    Here(origin): Here,
    path: web::Path<String>,
) -> Result<web::Json<AdminLogoutReport>, ApiError> {
    require_admin(&state, &auth).await?;
    let id = path.into_inner();
    let actor = auth.user.id.clone();
    let now = jobbot_db::now();
    let worker = state.clone();
    let (report, event) = state
        .db(move |conn| {
            let report = jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                users::find(conn, &id)?.ok_or_else(ApiError::not_found)?;
                let (sessions, personal_tokens) = end_sessions(conn, &id, now)?;
                audit::record(
                    conn,
                    &origin,
                    Event {
                        actor_id: Some(&actor),
                        action: action::ADMIN_USER_LOGGED_OUT,
                        target: Some(("user", &id)),
                        details: json!({"sessions_ended": sessions, "tokens_revoked": personal_tokens}),
                    },
                )?;
                Ok(AdminLogoutReport {
                    sessions,
                    personal_tokens,
                })
            })?;
            Ok((report, announce_session_end(&worker.hub, conn, &id)))
        })
        .await?;
    if let Some(event) = event {
        state.hub.deliver_here(&event);
    }
    Ok(web::Json(report))
}

/// Deletes an account and everything it owns, as self-deletion does, with a reason (admins only); the
/// receipt is kept in the audit log.
#[utoipa::path(delete, path = "/api/v1/admin/users/{id}", tag = "admin", request_body = AdminReason,
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, description = "Deleted; the receipt says what went", body = DeletionReceipt),
        (status = 403, description = "`forbidden`: not an admin; `admin_2fa_required`: an admin without two-factor sign-in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`last_admin` or `self_action`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a missing reason", body = Problem, content_type = "application/problem+json"),
    ))]

pub async fn delete_user(
    state: web::Data<AppState>,
    auth: AuthUser,
    Here(origin): Here,
    path: web::Path<String>,
    body: Body<AdminReason>,
) -> Result<web::Json<DeletionReceipt>, ApiError> {
    require_admin(&state, &auth).await?;
    let reason = reason(&body.into_inner().reason)?;
    let id = path.into_inner();
    let actor = auth.user.id.clone();
    let now = jobbot_db::now();
    let worker = state.clone();
    let (receipt, event) = state
        .db(move |conn| {
            let receipt = jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                let target = users::find(conn, &id)?.ok_or_else(ApiError::not_found)?;
                check_removal(conn, &target, &actor, true)?;
                let gone = jobbot_db::accounts::delete(conn, &id, now)?;
                let receipt = crate::erasure::receipt(&gone, now);
                audit::record(
                    conn,
                    &origin,
                    Event {
                        actor_id: Some(&actor),
                        action: action::ADMIN_USER_DELETED,
                        target: Some(("user", &id)),
                        details: json!({"reason": reason, "receipt": receipt}),
                    },
                )?;
                Ok(receipt)
            })?;
            Ok((receipt, announce_session_end(&worker.hub, conn, &id)))
        })
        .await?;
    if let Some(event) = event {
        state.hub.deliver_here(&event);
    }
    Ok(web::Json(receipt))
}
