//! A candidate's applications: one per offer (or free-form), their status and its history, contact, notes,
//! the next action, and what JobBot suggests (follow up, mark "sans réponse"). Another user's application is
//! a 404 everywhere.
//!
//! Here the applications' handlers (the rules are `jobbot_services::applications`); `documents` beside.

use actix_web::{web, HttpResponse};
use jobbot_api_types::{ApplicationDetail, ApplicationList, ApplicationUpdate, NewApplication, Problem};
use jobbot_db::applications;
use jobbot_services::applications as service;

use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::ApiError;
use crate::state::AppState;

mod documents;

pub use documents::*;

/// `GET /api/v1/applications`: both filters are optional.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ApplicationQuery {
    /// Only these statuses (comma-separated: `sent,followed_up`).
    pub status: Option<String>,
    /// Only the application for this offer (a candidate has at most one).
    pub offer_id: Option<String>,
}

/// The caller's applications, the latest changed first (filtered by `status` and `offer_id`), with the count
/// of each status and the response rate over all of them.
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications", params(ApplicationQuery),
    responses(
        (status = 200, description = "Applications", body = ApplicationList),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: an unknown status", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    auth: AuthUser,
    query: web::Query<ApplicationQuery>,
) -> Result<web::Json<ApplicationList>, ApiError> {
    let query = query.into_inner();
    let only = service::statuses(query.status.as_deref())?;
    let user_id = auth.user.id;
    let rows = state
        .db(move |conn| Ok(applications::list(conn, &user_id)?))
        .await?;
    Ok(web::Json(service::board(
        rows,
        &only,
        query.offer_id.as_deref(),
        &state.config,
    )))
}

/// Starts tracking an application: for an offer the caller can see (its title and company are copied; one
/// application per offer: 409 `conflict` for a second) or free-form.
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications", request_body = NewApplication,
    responses(
        (status = 201, description = "Created", body = ApplicationDetail),
        (status = 404, description = "`not_found`: the offer", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`conflict`: this offer has an application already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    auth: AuthUser,
    body: Body<NewApplication>,
) -> Result<HttpResponse, ApiError> {
    let row = service::new_row(&auth.user.id, &body.into_inner())?;
    let config = state.config.clone();
    let detail = state
        .db(move |conn| Ok(service::create(conn, row, &config)?))
        .await?;
    Ok(HttpResponse::Created().json(detail))
}

/// One application with its history and documents.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications",
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "The application", body = ApplicationDetail),
        (status = 404, description = "`not_found` (or another user's)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<web::Json<ApplicationDetail>, ApiError> {
    let id = path.into_inner();
    let user_id = auth.user.id;
    let config = state.config.clone();
    let detail = state
        .db(move |conn| Ok(service::find(conn, &user_id, &id, &config)?))
        .await?;
    Ok(web::Json(detail))
}

/// Changes an application; a new status is dated and added to its history.
#[utoipa::path(patch, path = "/api/v1/applications/{id}", tag = "applications", request_body = ApplicationUpdate,
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 200, description = "The application", body = ApplicationDetail),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
    body: Body<ApplicationUpdate>,
) -> Result<web::Json<ApplicationDetail>, ApiError> {
    let change = service::change(body.into_inner())?;
    let id = path.into_inner();
    let user_id = auth.user.id;
    let config = state.config.clone();
    let detail = state
        .db(move |conn| Ok(service::update(conn, &user_id, &id, change, &config)?))
        .await?;
    Ok(web::Json(detail))
}

/// Stops tracking an application (its history goes too).
#[utoipa::path(delete, path = "/api/v1/applications/{id}", tag = "applications",
    params(("id" = String, Path, description = "Application id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    state: web::Data<AppState>,
    auth: AuthUser,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner();
    let user_id = auth.user.id;
    let deleted = state
        .db(move |conn| Ok(applications::delete(conn, &user_id, &id)?))
        .await?;
    if deleted {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::not_found())
    }
}
