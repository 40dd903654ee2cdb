//! Admin views' API. Every handler starts with the role guard.

use actix_web::web;
use jobbot_api_types::{Problem, User};
use jobbot_db::users;
use jobbot_domain::Role;
use serde::Deserialize;

use crate::auth::{AuthUser, CurrentUser};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct Page {
    /// 1 to 100, default 50.
    pub limit: Option<i64>,
    /// Default 0.
    pub offset: Option<i64>,
}

/// All accounts, oldest first (admins only).
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin", params(Page),
    security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, description = "Users", body = Vec<User>),
        (status = 403, description = "`forbidden`: not an admin; `admin_network`: outside `JOBBOT_ADMIN_ALLOW`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_users(
    state: web::Data<AppState>,
    auth: AuthUser,
    page: web::Query<Page>,
) -> Result<web::Json<Vec<User>>, ApiError> {
    auth.require_role(Role::Admin)?;
    let limit = page.limit.unwrap_or(50).clamp(1, 100);
    let offset = page.offset.unwrap_or(0).max(0);
    let rows = state
        .db(move |conn| Ok(users::list(conn, limit, offset)?))
        .await?;
    Ok(web::Json(
        rows.into_iter()
            .map(|row| CurrentUser::from(row).into())
            .collect(),
    ))
}
