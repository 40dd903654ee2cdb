//! `/api/v1/admin/system`: the instance's health as an admin sees it (database, assistant, backups).

use actix_web::web;
use jobbot_api_types::{
    AdminAssistant, AdminBackupStatus, AdminDatabase, AdminReplyFailure, AdminSystem, Problem,
};

use super::require_admin;
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

pub(super) fn backup_status(status: jobbot_db::backup::Status) -> AdminBackupStatus {
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
