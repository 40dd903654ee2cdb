//! The caller's own account: read, edit, change password.

use actix_web::{web, HttpResponse};
use jobbot_api_types::ErrorCode;
use jobbot_api_types::{ChangePasswordRequest, Problem, UpdateMeRequest, User};
use jobbot_db::{sessions, users};
use jobbot_domain::{DisplayName, Password};

use crate::auth::{current_user, AuthUser};
use crate::body::Body;
use crate::error::{field_error, ApiError};
use crate::state::AppState;

/// The logged-in user.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses(
        (status = 200, description = "The caller", body = User),
        (status = 401, description = "`unauthenticated`, `invalid_token`, `token_expired` or `session_revoked`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_me(auth: AuthUser) -> web::Json<User> {
    web::Json(auth.user)
}

/// Changes the display name, the interface language and/or the login email (which needs a login session and
/// the current password, like a password change).
#[utoipa::path(patch, path = "/api/v1/me", tag = "account", request_body = UpdateMeRequest,
    responses(
        (status = 200, description = "The updated user", body = User),
        (status = 403, description = "`csrf_failed`, `insufficient_scope`, or `session_required` (an email change with a personal token)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`email_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (`current_password`: `required` or `incorrect` for an email change)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited` or `attempts_locked`: too many wrong current passwords, with Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_me(
    state: web::Data<AppState>,
    auth: AuthUser,
    crate::audit::Here(origin): crate::audit::Here,
    body: Body<UpdateMeRequest>,
) -> Result<web::Json<User>, ApiError> {
    let body = body.into_inner();
    let name = match body.display_name.as_deref().map(DisplayName::parse).transpose() {
        Ok(name) => name,
        Err(invalid) => return Err(ApiError::validation(vec![field_error("display_name", invalid)])),
    };
    let email = match body.email.as_deref().map(jobbot_domain::Email::parse).transpose() {
        Ok(email) => email,
        Err(invalid) => return Err(ApiError::validation(vec![field_error("email", invalid)])),
    };
    // The login email is an account's key: changing it is as sensitive as changing the password.
    let email = email.filter(|new| new.as_str() != auth.user.email);
    if email.is_some() {
        auth.require_session()?;
        let Some(current_password) = body.current_password.clone().filter(|p| !p.is_empty()) else {
            return Err(ApiError::field(
                "current_password",
                "required",
                "Enter your current password to change your email.",
            ));
        };
        confirm_current(&state, &auth, &origin, current_password).await?;
    }
    let user_id = auth.user.id;
    let updated = state
        .db(move |conn| {
            let changes = users::UserChanges {
                display_name: name.as_ref().map(DisplayName::as_str),
                email: email.as_ref().map(jobbot_domain::Email::as_str),
                locale: body.locale.map(|l| l.as_str()),
                updated_at: Some(jobbot_db::now()),
                ..Default::default()
            };
            users::update(conn, &user_id, &changes).map_err(|e| {
                if jobbot_db::is_unique_violation(&e) {
                    ApiError::new(
                        actix_web::http::StatusCode::CONFLICT,
                        ErrorCode::EmailTaken,
                        "An account already uses this email.",
                    )
                } else {
                    e.into()
                }
            })
        })
        .await?;
    Ok(web::Json(current_user(updated)))
}

/// Changes the password (the current one is required) and ends every other session.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "account", request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed; every other session and every personal token revoked"),
        (status = 429, description = "`rate_limited` (this address) or `attempts_locked` (this account): too many wrong current passwords, with Retry-After", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed` or `session_required`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: wrong current password or a weak new one", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change_password(
    state: web::Data<AppState>,
    auth: AuthUser,
    crate::audit::Here(origin): crate::audit::Here,
    body: Body<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let session_id = auth.require_session()?.to_owned();
    let ChangePasswordRequest {
        current_password,
        new_password,
    } = body.into_inner();
    let new_password = Password::parse(&new_password)
        .map_err(|invalid| ApiError::validation(vec![field_error("new_password", invalid)]))?;
    confirm_current(&state, &auth, &origin, current_password).await?;
    let hash = state.hasher.hash(new_password.expose().to_owned()).await?;
    let user_id = auth.user.id.clone();
    let revoked = state
        .db(move |conn| {
            let now = jobbot_db::now();
            let changes = users::UserChanges {
                password_hash: Some(&hash),
                updated_at: Some(now),
                ..Default::default()
            };
            jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                users::update(conn, &user_id, &changes)?;
                let sessions = sessions::revoke_all_for_user_except(conn, &user_id, Some(&session_id), now)?;
                // A personal token is a password of its own: whoever changes theirs (perhaps because it leaked)
                // wants every way in that was made with the old one closed.
                let tokens = jobbot_db::personal_tokens::revoke_all_for_user(conn, &user_id, now)?;
                Ok((sessions, tokens))
            })
        })
        .await?;
    let (revoked, tokens) = revoked;
    tracing::info!(user_id = %auth.user.id, revoked_sessions = revoked, revoked_tokens = tokens, "password changed");
    Ok(HttpResponse::NoContent().finish())
}

/// Deletes the account and everything it owns, in one transaction (the password is required).
#[utoipa::path(delete, path = "/api/v1/me", tag = "privacy", request_body = jobbot_api_types::DeleteAccountRequest,
    responses(
        (status = 200, description = "Deleted; the receipt says what went", body = jobbot_api_types::DeletionReceipt),
        (status = 403, description = "`session_required` or `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: wrong password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited` or `attempts_locked`: too many wrong passwords, with Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete_me(
    state: web::Data<AppState>,
    auth: AuthUser,
    crate::audit::Here(origin): crate::audit::Here,
    body: Body<jobbot_api_types::DeleteAccountRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_session()?;
    let user_id = auth.user.id.clone();
    crate::attempts::confirm_password(
        &state.pool,
        &state.hasher,
        &user_id,
        &origin,
        body.into_inner().password,
        "password",
    )
    .await?;
    let now = jobbot_db::now();
    let gone = state
        .db(move |conn| {
            jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                let gone = jobbot_db::accounts::delete(conn, &user_id, now)?;
                crate::audit::record(
                    conn,
                    &origin,
                    crate::audit::Event {
                        actor_id: Some(&user_id),
                        action: crate::audit::action::ACCOUNT_DELETED,
                        target: Some(("user", &user_id)),
                        details: serde_json::json!({"receipt": crate::erasure::receipt(&gone, now)}),
                    },
                )?;
                Ok(gone)
            })
        })
        .await?;
    tracing::info!(user_id = %auth.user.id, "account deleted");
    let receipt = crate::erasure::receipt(&gone, now);
    let mut response = HttpResponse::Ok();
    for (name, path) in [
        (crate::auth::ACCESS_COOKIE, "/api"),
        (crate::auth::REFRESH_COOKIE, "/api/v1/auth"),
        (crate::auth::CSRF_COOKIE, "/"),
    ] {
        let mut cookie = actix_web::cookie::Cookie::build(name, "").path(path).finish();
        cookie.make_removal();
        response.cookie(cookie);
    }
    Ok(response.json(receipt))
}

/// The caller's `current_password`, checked against its wrong-attempt budget.
async fn confirm_current(
    state: &AppState,
    auth: &AuthUser,
    origin: &jobbot_services::audit::Origin,
    current_password: String,
) -> Result<(), ApiError> {
    Ok(crate::attempts::confirm_password(
        &state.pool,
        &state.hasher,
        &auth.user.id,
        origin,
        current_password,
        "current_password",
    )
    .await?)
}
