//! The admin console's API. Every handler starts with the role guard; every change writes its audit record
//! in the same transaction. Admins see metadata, counts and actions, never contents.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{Datelike, NaiveDateTime};
use jobbot_api_types::{
    AdminAssistant, AdminBackupStatus, AdminDatabase, AdminLogoutReport, AdminReason, AdminReplyFailure,
    AdminShare, AdminSharePage, AdminStats, AdminSystem, AdminUser, AdminUserChange, AdminUserPage,
    AuditEntry, AuditPage, DeletionReceipt, ErrorCode, LiveEvent, Problem, Resync, StatsErrors, StatsRatings,
    StatsReplies, StatsTokens, StatsTotals,
};
use jobbot_db::admin::{UserQuery, UserSort, UserStats};
use jobbot_db::audit::{AuditFilter, AuditRow};
use jobbot_db::{personal_tokens, sessions, users, DbConnection};
use jobbot_domain::{Locale, Role};
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, action, Event, Origin};
use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::ApiError;
use crate::state::AppState;

const REASON_MAX_CHARS: usize = 500;
/// Rows in one CSV download of the audit log.
const CSV_MAX_ROWS: i64 = 100_000;

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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// The actor's user id.
    pub actor: Option<String>,
    /// The target's id (a user, a share, a token).
    pub target: Option<String>,
    /// An action, e.g. `admin.user_disabled`.
    pub action: Option<String>,
    /// From this time (RFC 3339), inclusive.
    pub from: Option<String>,
    /// Until this time (RFC 3339), exclusive.
    pub to: Option<String>,
    /// 1 to 200, default 50 (ignored by the CSV download, which gives every match up to 100,000).
    pub limit: Option<i64>,
    /// Default 0.
    pub offset: Option<i64>,
}

fn month_start(now: NaiveDateTime) -> NaiveDateTime {
    now.date()
        .with_day(1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .unwrap_or(now)
}

fn admin_user(stats: UserStats) -> AdminUser {
    let user = stats.user;
    AdminUser {
        role: Role::parse(&user.role).unwrap_or_default(),
        locale: Locale::parse(&user.locale).unwrap_or_default(),
        created_at: user.created_at.and_utc(),
        last_active_at: stats.last_active_at.map(|t| t.and_utc()),
        disabled_at: user.disabled_at.map(|t| t.and_utc()),
        disabled_reason: user.disabled_reason,
        conversations: stats.conversations,
        chats: stats.chats,
        shares: stats.shares,
        tokens_this_month: stats.tokens_this_month,
        id: user.id,
        email: user.email,
        display_name: user.display_name,
    }
}

/// The admin guard: the role (403 `forbidden`), a login session (403 `session_required`: a personal token,
/// even an admin's, never reaches the admin API, as it would skip the second factor), then two-factor sign-in
/// (403 `admin_2fa_required`) unless `JOBBOT_ADMIN_2FA=optional` (local development only).
async fn require_admin(state: &AppState, auth: &AuthUser) -> Result<(), ApiError> {
    auth.require_role(Role::Admin)?;
    auth.require_session()?;
    if !state.config.admin_2fa_required {
        return Ok(());
    }
    let user_id = auth.user.id.clone();
    let enrolled = state
        .db(move |conn| Ok(users::find(conn, &user_id)?.is_some_and(|u| u.totp_secret.is_some())))
        .await?;
    if enrolled {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            ErrorCode::Admin2faRequired,
            "Administrators need two-factor sign-in: turn it on in your account first.",
        ))
    }
}

fn reason(raw: &str) -> Result<String, ApiError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() || trimmed.chars().count() > REASON_MAX_CHARS {
        return Err(ApiError::field(
            "reason",
            "invalid_length",
            "Give a reason of 1 to 500 characters.",
        ));
    }
    Ok(trimmed.to_owned())
}

fn conflict(code: ErrorCode, detail: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, detail)
}

/// Refuses to leave JobBot without an enabled admin (409 `last_admin`), then an admin's action on
/// themself (409 `self_action`).
fn check_removal(
    conn: &mut DbConnection,
    target: &users::UserRow,
    actor_id: &str,
    removes_admin: bool,
) -> Result<(), ApiError> {
    if removes_admin && target.role == Role::Admin.as_str() && !target.is_disabled() {
        jobbot_db::admin::serialise_admin_changes(conn)?;
        if jobbot_db::admin::active_admins(conn)? <= 1 {
            return Err(conflict(
                ErrorCode::LastAdmin,
                "This is the last enabled administrator: promote another account first.",
            ));
        }
    }
    if removes_admin && target.id == actor_id {
        return Err(conflict(
            ErrorCode::SelfAction,
            "Administrators cannot disable, demote or delete their own account.",
        ));
    }
    Ok(())
}

/// Ends every session and personal token of a user; returns (sessions, tokens).
fn end_sessions(conn: &mut DbConnection, user_id: &str, now: NaiveDateTime) -> Result<(i64, i64), ApiError> {
    let sessions = sessions::revoke_all_for_user_except(conn, user_id, None, now)?;
    let tokens = personal_tokens::revoke_all_for_user(conn, user_id, now)?;
    Ok((sessions as i64, tokens as i64))
}

/// Tells the user's open sockets, here and on the other instances, that sessions ended: each closes if
/// its own did.
fn announce_session_end(
    state: &AppState,
    conn: &mut DbConnection,
    user_id: &str,
) -> Option<crate::realtime::Prepared> {
    let event = state.hub.prepare(
        vec![user_id.to_owned()],
        &LiveEvent::SessionEnded(Resync {}),
        None,
    )?;
    state.hub.notify_others(conn, &event);
    Some(event)
}

/// Accounts with their activity figures (admins only).
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", params(UserListQuery),
    security(("bearer" = []), ("cookie" = [])),
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
    let limit = super::in_range("limit", query.limit.unwrap_or(50), 1, 100)?;
    let offset = super::in_range("offset", query.offset.unwrap_or(0), 0, i64::MAX)?;
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
    security(("bearer" = []), ("cookie" = [])),
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
    security(("bearer" = []), ("cookie" = [])),
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
    origin: Origin,
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
                    announce_session_end(&worker, conn, &stats.user.id)
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
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "What was ended", body = AdminLogoutReport),
        (status = 403, description = "`forbidden`: not an admin; `admin_2fa_required`: an admin without two-factor sign-in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn logout_user(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: Origin,
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
            Ok((report, announce_session_end(&worker, conn, &id)))
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
    security(("bearer" = []), ("cookie" = [])),
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
    origin: Origin,
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
            Ok((receipt, announce_session_end(&worker, conn, &id)))
        })
        .await?;
    if let Some(event) = event {
        state.hub.deliver_here(&event);
    }
    Ok(web::Json(receipt))
}

fn parse_time(field: &str, raw: Option<&str>) -> Result<Option<NaiveDateTime>, ApiError> {
    match raw.filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(raw) => chrono::DateTime::parse_from_rfc3339(raw)
            .map(|t| Some(t.naive_utc()))
            .map_err(|_| {
                ApiError::field(
                    field,
                    "invalid_time",
                    "An RFC 3339 time, e.g. 2026-11-26T00:00:00Z.",
                )
            }),
    }
}

fn audit_entry(row: AuditRow) -> AuditEntry {
    AuditEntry {
        id: row.id,
        at: row.at.and_utc(),
        actor_id: row.actor_id,
        action: row.action,
        target_type: row.target_type,
        target_id: row.target_id,
        client_ip: row.client_ip,
        request_id: row.request_id,
        details: serde_json::from_str(&row.details).unwrap_or_else(|_| json!({})),
    }
}

/// A CSV field: quoted when it must be, and never read as a formula by a spreadsheet.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

/// The audit log, newest first, filtered (admins only). `Accept: text/csv` downloads every match as CSV.
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin", params(AuditQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "A page of records (JSON), or every match as `text/csv`", body = AuditPage,
            content(
                (AuditPage = "application/json"),
                (String = "text/csv"),
            )),
        (status = 403, description = "`forbidden`: not an admin; `admin_2fa_required`: an admin without two-factor sign-in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a time that is not RFC 3339, a limit out of range", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_audit(
    state: web::Data<AppState>,
    auth: AuthUser,
    req: HttpRequest,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    require_admin(&state, &auth).await?;
    let query = query.into_inner();
    let csv = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/csv"));
    let (limit, offset) = if csv {
        (CSV_MAX_ROWS, 0)
    } else {
        (
            super::in_range("limit", query.limit.unwrap_or(50), 1, 200)?,
            super::in_range("offset", query.offset.unwrap_or(0), 0, i64::MAX)?,
        )
    };
    let filter = AuditFilter {
        actor_id: query.actor.filter(|v| !v.is_empty()),
        target_id: query.target.filter(|v| !v.is_empty()),
        action: query.action.filter(|v| !v.is_empty()),
        from: parse_time("from", query.from.as_deref())?,
        to: parse_time("to", query.to.as_deref())?,
    };
    let (rows, total) = state
        .db(move |conn| Ok(jobbot_db::audit::list(conn, &filter, limit, offset)?))
        .await?;
    if !csv {
        return Ok(HttpResponse::Ok().json(AuditPage {
            items: rows.into_iter().map(audit_entry).collect(),
            total,
            limit,
            offset,
        }));
    }
    let mut out =
        String::from("id,at,actor_id,action,target_type,target_id,client_ip,request_id,details\r\n");
    for row in rows {
        let at = row.at.and_utc().to_rfc3339();
        let fields = [
            row.id.as_str(),
            at.as_str(),
            row.actor_id.as_deref().unwrap_or_default(),
            row.action.as_str(),
            row.target_type.as_deref().unwrap_or_default(),
            row.target_id.as_deref().unwrap_or_default(),
            row.client_ip.as_deref().unwrap_or_default(),
            row.request_id.as_deref().unwrap_or_default(),
            row.details.as_str(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"jobbot-audit.csv\"",
        ))
        .body(out))
}

fn backup_status(status: jobbot_db::backup::Status) -> AdminBackupStatus {
    let last = status.last_backup;
    AdminBackupStatus {
        last_success_at: last.as_ref().map(|r| r.finished_at.and_utc()),
        last_backup_id: last.as_ref().and_then(|r| r.backup_id.clone()),
        last_size_bytes: last.as_ref().and_then(|r| r.size_bytes),
        last_targets: last
            .as_ref()
            .and_then(|r| serde_json::from_str(&r.targets).ok())
            .unwrap_or_default(),
        last_verified_at: status.last_verification.map(|r| r.finished_at.and_utc()),
        last_failure_at: status.last_failure.as_ref().map(|r| r.finished_at.and_utc()),
        last_failure_kind: status.last_failure.as_ref().map(|r| r.kind.clone()),
        last_error: status.last_failure.and_then(|r| r.error),
    }
}

/// The running system: version, uptime, database, assistant, live connections (admins only).
#[utoipa::path(get, path = "/api/v1/admin/system", tag = "admin",
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The system", body = AdminSystem),
        (status = 403, description = "`forbidden`: not an admin; `admin_2fa_required`: an admin without two-factor sign-in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn system(state: web::Data<AppState>, auth: AuthUser) -> Result<web::Json<AdminSystem>, ApiError> {
    require_admin(&state, &auth).await?;
    let (size_bytes, migrations, failure, backend, backups) = state
        .db(|conn| {
            let migrations = jobbot_db::migrations::applied(conn).map_err(ApiError::internal)?;
            Ok((
                jobbot_db::admin::database_size(conn)?,
                migrations,
                jobbot_db::admin::last_reply_failure(conn)?,
                conn.backend(),
                jobbot_db::backup::status(conn)?,
            ))
        })
        .await?;
    let assistant = &state.assistant;
    let now = chrono::Utc::now();
    Ok(web::Json(AdminSystem {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        started_at: state.started_at,
        uptime_seconds: (now - state.started_at).num_seconds().max(0),
        database: AdminDatabase {
            backend: match backend {
                jobbot_db::Backend::Postgres => "postgres",
                jobbot_db::Backend::Sqlite => "sqlite",
            }
            .to_owned(),
            location: match &state.config.database_url {
                jobbot_db::DatabaseUrl::Sqlite(path) => path.display().to_string(),
                url @ jobbot_db::DatabaseUrl::Postgres(_) => {
                    url.redacted().trim_start_matches("postgres://").to_owned()
                }
            },
            size_bytes,
            migrations,
        },
        assistant: AdminAssistant {
            provider: assistant.provider.name().to_owned(),
            model: assistant.provider.model().to_owned(),
            offline: assistant.provider.is_offline(),
            last_failure: failure.map(|failure| AdminReplyFailure {
                at: failure.at.and_utc(),
                provider: failure.provider,
                model: failure.model,
                error_code: failure.error_code,
            }),
        },
        websockets: state.hub.connections() as i64,
        replies_running: assistant.running_count() as i64,
        backup: backup_status(backups),
    }))
}

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

fn admin_share(listing: jobbot_db::admin::ShareListing, now: NaiveDateTime) -> AdminShare {
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
    security(("bearer" = []), ("cookie" = [])),
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
    let limit = super::in_range("limit", query.limit.unwrap_or(50), 1, 100)?;
    let offset = super::in_range("offset", query.offset.unwrap_or(0), 0, i64::MAX)?;
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
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "`forbidden`: not an admin; `admin_2fa_required`: an admin without two-factor sign-in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such share, or already removed", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a missing reason", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn remove_share(
    state: web::Data<AppState>,
    auth: AuthUser,
    origin: Origin,
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

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// Start (RFC 3339 or `YYYY-MM-DD`, inclusive); default 30 days before `to`.
    pub from: Option<String>,
    /// End (RFC 3339 or `YYYY-MM-DD`, exclusive); default now.
    pub to: Option<String>,
    /// `day` (default; at most 400 days) or `week` (at most 160 weeks).
    pub interval: Option<String>,
}

fn parse_day_or_time(field: &str, raw: Option<&str>) -> Result<Option<NaiveDateTime>, ApiError> {
    match raw.filter(|r| !r.is_empty()) {
        Some(raw) if raw.len() == 10 => chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(Some)
            .ok_or_else(|| {
                ApiError::field(field, "invalid_time", "A date (2026-11-26) or an RFC 3339 time.")
            }),
        other => parse_time(field, other),
    }
}

/// The first day of each bucket from `from` until `to`.
fn buckets(from: NaiveDateTime, to: NaiveDateTime, interval: jobbot_db::stats::Interval) -> Vec<String> {
    let mut day = from.date();
    let step = match interval {
        jobbot_db::stats::Interval::Day => chrono::Days::new(1),
        jobbot_db::stats::Interval::Week => {
            day = day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()));
            chrono::Days::new(7)
        }
    };
    let mut out = Vec::new();
    while day.and_hms_opt(0, 0, 0).is_some_and(|start| start < to) {
        out.push(day.format("%Y-%m-%d").to_string());
        match day.checked_add_days(step) {
            Some(next) => day = next,
            None => break,
        }
    }
    out
}

/// Usage and cost over time: sign-ups, active users, conversations, replies by provider, model and outcome,
/// tokens and their estimated cost, shares, chat messages and failed replies by code (admins only).
#[utoipa::path(get, path = "/api/v1/admin/stats", tag = "admin", params(StatsQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "The series", body = AdminStats),
        (status = 403, description = "`forbidden`: not an admin; `admin_2fa_required`: an admin without two-factor sign-in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: a bad time, `from` not before `to`, too many buckets, an unknown interval", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn stats(
    state: web::Data<AppState>,
    auth: AuthUser,
    query: web::Query<StatsQuery>,
) -> Result<web::Json<AdminStats>, ApiError> {
    use jobbot_db::stats::Interval;
    require_admin(&state, &auth).await?;
    let query = query.into_inner();
    let (interval, name, max_days) = match query.interval.as_deref() {
        None | Some("") | Some("day") => (Interval::Day, "day", 400),
        Some("week") => (Interval::Week, "week", 160 * 7),
        Some(_) => return Err(ApiError::field("interval", "invalid_choice", "day or week.")),
    };
    let to = parse_day_or_time("to", query.to.as_deref())?.unwrap_or_else(jobbot_db::now);
    let from = parse_day_or_time("from", query.from.as_deref())?.unwrap_or(to - chrono::TimeDelta::days(30));
    if from >= to {
        return Err(ApiError::field(
            "from",
            "out_of_range",
            "`from` must come before `to`.",
        ));
    }
    if to - from > chrono::TimeDelta::days(max_days) {
        return Err(ApiError::field(
            "from",
            "out_of_range",
            "Too long a period for this interval: 400 days by day, 160 weeks by week.",
        ));
    }
    let (data, offers, applications, workspace) = state
        .db(move |conn| {
            Ok((
                jobbot_db::stats::stats(conn, from, to, interval)?,
                jobbot_db::offers::counts(conn)?,
                jobbot_db::applications::count(conn)?,
                (
                    jobbot_db::profiles::count(conn)?,
                    jobbot_db::cvs::count(conn)?,
                    jobbot_db::saved_searches::counts(conn)?,
                ),
            ))
        })
        .await?;
    let (profiles, cvs, (saved_searches, alerting_searches)) = workspace;
    let keys = buckets(from, to, interval);
    let index: std::collections::HashMap<&str, usize> =
        keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let aligned = |series: &[(String, i64)]| {
        let mut values = vec![0; keys.len()];
        for (bucket, n) in series {
            if let Some(&i) = index.get(bucket.as_str()) {
                values[i] += n;
            }
        }
        values
    };
    let mut replies: Vec<StatsReplies> = Vec::new();
    for row in &data.replies {
        let outcome = if row.status == "complete" {
            "done"
        } else {
            row.status.as_str()
        };
        let series = match replies
            .iter_mut()
            .find(|r| r.provider == row.provider && r.model == row.model && r.outcome == outcome)
        {
            Some(series) => series,
            None => {
                replies.push(StatsReplies {
                    provider: row.provider.clone(),
                    model: row.model.clone(),
                    outcome: outcome.to_owned(),
                    counts: vec![0; keys.len()],
                });
                replies.last_mut().expect("just pushed")
            }
        };
        if let Some(&i) = index.get(row.bucket.as_str()) {
            series.counts[i] += row.n;
        }
    }
    let prices = &state.config.llm_prices;
    let mut tokens: Vec<StatsTokens> = Vec::new();
    for row in &data.tokens {
        let series = match tokens
            .iter_mut()
            .find(|t| t.provider == row.provider && t.model == row.model)
        {
            Some(series) => series,
            None => {
                let priced = row.provider == "offline" || prices.contains_key(&row.model);
                tokens.push(StatsTokens {
                    provider: row.provider.clone(),
                    model: row.model.clone(),
                    prompt: vec![0; keys.len()],
                    completion: vec![0; keys.len()],
                    cost_eur: priced.then(|| vec![0.0; keys.len()]),
                });
                tokens.last_mut().expect("just pushed")
            }
        };
        if let Some(&i) = index.get(row.bucket.as_str()) {
            series.prompt[i] += row.prompt;
            series.completion[i] += row.completion;
            if let Some(cost) = series.cost_eur.as_mut() {
                let (p, c) = prices.get(&row.model).copied().unwrap_or((0.0, 0.0));
                cost[i] += (row.prompt as f64 * p + row.completion as f64 * c) / 1_000_000.0;
            }
        }
    }
    let mut errors: Vec<StatsErrors> = Vec::new();
    for row in &data.errors {
        let series = match errors.iter_mut().find(|e| e.code == row.code) {
            Some(series) => series,
            None => {
                errors.push(StatsErrors {
                    code: row.code.clone(),
                    counts: vec![0; keys.len()],
                });
                errors.last_mut().expect("just pushed")
            }
        };
        if let Some(&i) = index.get(row.bucket.as_str()) {
            series.counts[i] += row.n;
        }
    }
    let mut ratings: Vec<StatsRatings> = Vec::new();
    for row in &data.ratings {
        let series = match ratings
            .iter_mut()
            .find(|r| r.provider == row.provider && r.model == row.model && r.rating == row.rating)
        {
            Some(series) => series,
            None => {
                ratings.push(StatsRatings {
                    provider: row.provider.clone(),
                    model: row.model.clone(),
                    rating: row.rating.clone(),
                    counts: vec![0; keys.len()],
                });
                ratings.last_mut().expect("just pushed")
            }
        };
        if let Some(&i) = index.get(row.bucket.as_str()) {
            series.counts[i] += row.n;
        }
    }
    let rated = |rating: &str| -> i64 {
        ratings
            .iter()
            .filter(|r| r.rating == rating)
            .flat_map(|r| r.counts.iter())
            .sum()
    };
    let signups = aligned(&data.signups);
    let totals = StatsTotals {
        ratings_up: rated("up"),
        ratings_down: rated("down"),
        signups: signups.iter().sum(),
        replies: replies.iter().flat_map(|r| r.counts.iter()).sum(),
        prompt_tokens: tokens.iter().flat_map(|t| t.prompt.iter()).sum(),
        completion_tokens: tokens.iter().flat_map(|t| t.completion.iter()).sum(),
        // The sum of nothing is -0.0 for floats: + 0.0 makes it a plain 0 in the JSON.
        cost_eur: tokens
            .iter()
            .filter_map(|t| t.cost_eur.as_ref())
            .flat_map(|c| c.iter())
            .sum::<f64>()
            + 0.0,
        unpriced_models: tokens
            .iter()
            .filter(|t| t.cost_eur.is_none())
            .map(|t| t.model.clone())
            .collect(),
        open_offers: offers.open,
        closed_offers: offers.closed,
        saved_offers: offers.saved,
        applications,
        profiles,
        cvs,
        saved_searches,
        alerting_searches,
    };
    Ok(web::Json(AdminStats {
        from: from.and_utc(),
        to: to.and_utc(),
        interval: name.to_owned(),
        active_users: aligned(&data.active_users),
        conversations: aligned(&data.conversations),
        shares_created: aligned(&data.shares_created),
        share_views: aligned(&data.share_views),
        chat_messages: aligned(&data.chat_messages),
        signups,
        replies,
        tokens,
        errors,
        ratings,
        totals,
        buckets: keys,
    }))
}
