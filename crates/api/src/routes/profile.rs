//! `/api/v1/me/profile`: the candidate's structured profile, read and replaced whole (the rules are in
//! `crate::profile`).

use actix_web::web;
use jobbot_api_types::{Problem, Profile, ProfileDocument};
use jobbot_db::profiles;

use crate::auth::AuthUser;
use crate::body::Body;
use crate::error::ApiError;
use crate::profile::{load, validate};
use crate::state::AppState;

/// The caller's profile (empty, `updated_at: null`, before the first save).
#[utoipa::path(get, path = "/api/v1/me/profile", tag = "profile",
    responses(
        (status = 200, description = "The profile", body = ProfileDocument),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(state: web::Data<AppState>, auth: AuthUser) -> Result<web::Json<ProfileDocument>, ApiError> {
    let user_id = auth.user.id;
    let document = state.db(move |conn| Ok(load(conn, &user_id)?)).await?;
    Ok(web::Json(document))
}

/// Replaces the caller's profile with the one given (fields left out are emptied).
#[utoipa::path(put, path = "/api/v1/me/profile", tag = "profile", request_body = Profile,
    responses(
        (status = 200, description = "The profile as saved", body = ProfileDocument),
        (status = 422, description = "`validation_failed`: each field at fault, lists with the item's index (`experiences[0].title`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put(
    state: web::Data<AppState>,
    auth: AuthUser,
    body: Body<Profile>,
) -> Result<web::Json<ProfileDocument>, ApiError> {
    let profile = validate(body.into_inner()).map_err(ApiError::validation)?;
    let data = serde_json::to_string(&profile).map_err(ApiError::internal)?;
    let user_id = auth.user.id;
    let now = jobbot_db::now();
    state
        .db(move |conn| Ok(profiles::put(conn, &user_id, &data, now)?))
        .await?;
    Ok(web::Json(ProfileDocument {
        profile,
        updated_at: Some(now.and_utc()),
    }))
}
