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

/// Prometheus' scrape target (OpenMetrics text; `crate::metrics`). The gauges of the moment (the pool, live
/// WebSockets, whether the database answers a ping, the recorded backup runs) are read now.
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    let metrics = &*crate::metrics::METRICS;
    let pool = state.pool.state();
    metrics.db_pool_connections.set(i64::from(pool.connections));
    metrics.db_pool_idle.set(i64::from(pool.idle_connections));
    metrics
        .websockets
        .set(i64::try_from(state.hub.connections()).unwrap_or(i64::MAX));
    let answered = state
        .db(|conn| {
            jobbot_db::ping(conn).map_err(|e| ApiError::unavailable(ErrorCode::DatabaseUnavailable, e))?;
            Ok(jobbot_db::backup::status(conn).ok())
        })
        .await;
    let up = answered.is_ok();
    if let Ok(Some(backups)) = &answered {
        metrics.backups(backups);
    }
    metrics.database_up.set(i64::from(up));
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(metrics.encode())
}
