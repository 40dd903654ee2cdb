//! Two-factor sign-in (TOTP, RFC 6238) for the caller: set up (a secret, its link and QR code), confirm with
//! a code (ten recovery codes, shown once), turn off with the password and a code. Managing it needs a
//! login session, not a personal token.

use actix_web::{web, HttpResponse};
use jobbot_api_types::{
    DisableTwoFactorRequest, EnableTwoFactorRequest, ErrorCode, Problem, TwoFactorEnabled, TwoFactorSetup,
    TwoFactorStatus,
};
use jobbot_db::auth_failures::Kind;
use jobbot_db::users;
use serde_json::json;

use crate::audit::{self, action, Event, Here};
use crate::auth::second_factor;
use crate::auth::AuthUser;
use crate::body::Body;
use crate::credentials::totp;
use crate::error::ApiError;
use crate::state::AppState;

fn conflict(detail: &str) -> ApiError {
    ApiError::new(actix_web::http::StatusCode::CONFLICT, ErrorCode::Conflict, detail)
}

fn invalid_code() -> ApiError {
    ApiError::field("code", "invalid_otp", "This code is wrong or was already used.")
}

/// Whether two-factor sign-in is on, and how many recovery codes are left.
#[utoipa::path(get, path = "/api/v1/me/2fa", tag = "account",
    responses((status = 200, description = "The status", body = TwoFactorStatus)))]
pub async fn status(
    state: web::Data<AppState>,
    auth: AuthUser,
) -> Result<web::Json<TwoFactorStatus>, ApiError> {
    let user_id = auth.user.id;
    let (user, left) = state
        .db(move |conn| {
            let user = users::find(conn, &user_id)?.ok_or_else(ApiError::not_found)?;
            let left = jobbot_db::two_factor::recovery_codes_left(conn, &user_id)?;
            Ok((user, left))
        })
        .await?;
    Ok(web::Json(TwoFactorStatus {
        enabled: user.totp_secret.is_some(),
        enabled_at: user.totp_enabled_at.map(|t| t.and_utc()),
        recovery_codes_left: if user.totp_secret.is_some() { left } else { 0 },
    }))
}

/// Starts setting up: a new secret, kept aside until a code confirms it.
#[utoipa::path(post, path = "/api/v1/me/2fa/setup", tag = "account",
    responses(
        (status = 200, description = "The secret, its link and QR code", body = TwoFactorSetup),
        (status = 403, description = "`session_required`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`conflict`: already on (turn it off first)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn setup(
    state: web::Data<AppState>,
    auth: AuthUser,
) -> Result<web::Json<TwoFactorSetup>, ApiError> {
    auth.require_session()?;
    let secret = totp::new_secret();
    let encoded = totp::base32(&secret);
    let user_id = auth.user.id.clone();
    let pending = encoded.clone();
    state
        .db(move |conn| {
            let user = users::find(conn, &user_id)?.ok_or_else(ApiError::not_found)?;
            if user.totp_secret.is_some() {
                return Err(conflict("Two-factor sign-in is already on: turn it off first."));
            }
            jobbot_db::two_factor::set_pending(conn, &user_id, &pending)?;
            Ok(())
        })
        .await?;
    let otpauth_uri = totp::otpauth_uri(&secret, &auth.user.email);
    let qr_svg = qrcode::QrCode::new(otpauth_uri.as_bytes())
        .map_err(ApiError::internal)?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build();
    Ok(web::Json(TwoFactorSetup {
        secret: encoded,
        otpauth_uri,
        qr_svg,
    }))
}

/// Confirms the secret being set up with a code from the app: two-factor sign-in is on, and ten recovery
/// codes are returned (only their hashes are kept).
#[utoipa::path(post, path = "/api/v1/me/2fa/enable", tag = "account", request_body = EnableTwoFactorRequest,
    responses(
        (status = 200, description = "On; the recovery codes, shown once", body = TwoFactorEnabled),
        (status = 403, description = "`session_required`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`conflict`: nothing being set up, or already on", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: the password (`password`: `incorrect`) or the code (`invalid_otp`) is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited` or `attempts_locked`: too many wrong passwords, with Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn enable(
    state: web::Data<AppState>,
    auth: AuthUser,
    Here(origin): Here,
    body: Body<EnableTwoFactorRequest>,
) -> Result<web::Json<TwoFactorEnabled>, ApiError> {
    auth.require_session()?;
    let EnableTwoFactorRequest { code, password } = body.into_inner();
    // A stolen session must not be able to enrol its own authenticator and lock the owner out.
    crate::attempts::confirm_password(
        &state.pool,
        &state.hasher,
        &auth.user.id,
        &origin,
        password,
        "password",
    )
    .await?;
    let user_id = auth.user.id.clone();
    let codes = second_factor::new_recovery_codes();
    let hashes: Vec<String> = codes.iter().map(|c| second_factor::recovery_hash(c)).collect();
    state
        .db(move |conn| {
            jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                let user = users::find(conn, &user_id)?.ok_or_else(ApiError::not_found)?;
                let pending = match (&user.totp_secret, &user.totp_pending) {
                    (None, Some(pending)) => pending.clone(),
                    _ => {
                        return Err(conflict(
                            "Nothing is being set up: start with POST /api/v1/me/2fa/setup.",
                        ))
                    }
                };
                let secret = totp::base32_decode(&pending)
                    .ok_or_else(|| ApiError::internal("a stored secret is not base32"))?;
                let now = jobbot_db::now();
                let unix = u64::try_from(now.and_utc().timestamp()).unwrap_or_default();
                let step = totp::verify(&secret, &code, unix, None).ok_or_else(invalid_code)?;
                jobbot_db::two_factor::enable(conn, &user_id, &pending, step as i64, &hashes, now)?;
                audit::record(
                    conn,
                    &origin,
                    Event {
                        actor_id: Some(&user_id),
                        action: action::TWO_FACTOR_ENABLED,
                        target: Some(("user", &user_id)),
                        details: json!({"password_confirmed": true}),
                    },
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(web::Json(TwoFactorEnabled {
        recovery_codes: codes,
    }))
}

/// Turns two-factor sign-in off: the password and a code (or a recovery code) are required.
#[utoipa::path(delete, path = "/api/v1/me/2fa", tag = "account", request_body = DisableTwoFactorRequest,
    responses(
        (status = 204, description = "Off"),
        (status = 403, description = "`session_required`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`conflict`: it is not on", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`: wrong password (`incorrect`) or code (`invalid_otp`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited` or `attempts_locked`: too many wrong passwords or codes, with Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn disable(
    state: web::Data<AppState>,
    auth: AuthUser,
    Here(origin): Here,
    body: Body<DisableTwoFactorRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_session()?;
    let DisableTwoFactorRequest { password, code } = body.into_inner();
    let user_id = auth.user.id.clone();
    let user = state
        .db(move |conn| Ok(users::find(conn, &user_id)?))
        .await?
        .ok_or_else(ApiError::not_found)?;
    if user.totp_secret.is_none() {
        return Err(conflict("Two-factor sign-in is not on."));
    }
    crate::attempts::confirm_password(
        &state.pool,
        &state.hasher,
        &user.id,
        &origin,
        password,
        "password",
    )
    .await?;
    let recovery = second_factor::looks_like_recovery_code(&code);
    crate::attempts::spend(&state.pool, &user.id, Kind::Otp, &origin, recovery).await?;
    state
        .db(move |conn| {
            jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                let now = jobbot_db::now();
                second_factor::check(conn, &user, &code, now)?.ok_or_else(invalid_code)?;
                jobbot_db::two_factor::disable(conn, &user.id, now)?;
                jobbot_db::auth_failures::clear(conn, &user.id, Kind::Otp)?;
                audit::record(
                    conn,
                    &origin,
                    Event {
                        actor_id: Some(&user.id),
                        action: action::TWO_FACTOR_DISABLED,
                        target: Some(("user", &user.id)),
                        details: json!({}),
                    },
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
