//! Liveness and readiness probes.

use actix_web::{web, HttpResponse};
use jobbot_api_types::ErrorCode;
use jobbot_api_types::HealthStatus;

use crate::error::ApiError;
use crate::state::AppState;

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, description = "Alive", body = HealthStatus)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(HealthStatus { status: "ok".into() })
}

/// The database answers.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses(
        (status = 200, description = "Ready", body = HealthStatus),
        (status = 503, description = "The database is unreachable", body = jobbot_api_types::Problem, content_type = "application/problem+json"),
    ))]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state
        .db(|conn| {
            jobbot_db::ping(conn).map_err(|e| ApiError::unavailable(ErrorCode::DatabaseUnavailable, e))
        })
        .await?;
    Ok(HttpResponse::Ok().json(HealthStatus { status: "ok".into() }))
}

/// Prometheus' scrape target. No metric is exported yet: they come with the operations work (backups,
/// metrics, alerts); until then this says so in the exposition format, so a scrape succeeds and shows nothing.
pub async fn metrics() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body("# JobBot exports no metrics yet: they arrive with the operations issue.\n")
}
