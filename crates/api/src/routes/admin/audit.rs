//! `/api/v1/admin/audit`: the audit log, filtered, as pages or as one CSV download.

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use jobbot_api_types::{AuditEntry, AuditPage, Problem};
use jobbot_db::audit::{AuditFilter, AuditRow};
use serde::Deserialize;
use serde_json::json;

use super::{parse_time, require_admin};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

/// Rows in one CSV download of the audit log.
pub(super) const CSV_MAX_ROWS: i64 = 100_000;

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

pub(super) fn audit_entry(row: AuditRow) -> AuditEntry {
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
pub(super) fn csv_field(value: &str) -> String {
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
            crate::routes::in_range("limit", query.limit.unwrap_or(50), 1, 200)?,
            crate::routes::in_range("offset", query.offset.unwrap_or(0), 0, i64::MAX)?,
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
