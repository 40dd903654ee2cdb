//! Register, log in, refresh and log out.
//!
//! Login returns the tokens in the body (API clients) and also sets cookies for the SPA: the access and
//! refresh tokens HttpOnly + SameSite=Strict, and a readable CSRF token to echo in `X-CSRF-Token`.

use actix_web::cookie::{time::Duration as CookieDuration, Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::TimeDelta;
use jobbot_api_types::ErrorCode;
use jobbot_api_types::{
    FieldError, LoginRequest, Problem, RefreshRequest, RegisterRequest, TokenResponse, User,
};
use jobbot_db::auth_failures::Kind;
use jobbot_db::sessions::{self, Rotation, SessionRow};
use jobbot_db::users::{self, UserRow};
use jobbot_domain::{DisplayName, Email, Password, Role};
use serde::de::DeserializeOwned;

use crate::auth::extractor::{csrf_failed, csrf_matches};
use crate::auth::{
    current_user, CurrentUser, ACCESS_COOKIE, ACCESS_TTL_SECONDS, CSRF_COOKIE, REFRESH_COOKIE,
    SESSION_TTL_DAYS,
};
use crate::body::Body;
use crate::credentials::jwt::Claims;
use crate::credentials::tokens;
use crate::error::{field_error, ApiError};
use crate::network::client_ip;
use crate::ratelimit::AuthAttempt;
use crate::state::AppState;

/// The largest body the authentication endpoints read.
pub const BODY_LIMIT: usize = 8 * 1024;

/// Creates an account. The email is trimmed, lower-cased and unique.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created", body = User),
        (status = 409, description = "`email_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` with field errors", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, with Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn register(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Body<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let mut errors = Vec::new();
    let email = Email::parse(&body.email)
        .map_err(|e| errors.push(field_error("email", e)))
        .ok();
    let ip = client_ip(&req, state.config.trust_proxy);
    state.limiter.check_auth(&AuthAttempt {
        action: "register",
        client: &ip,
        email: email.as_ref().map(Email::as_str),
    })?;

    let password = Password::parse(&body.password)
        .map_err(|e| errors.push(field_error("password", e)))
        .ok();
    let name = DisplayName::parse(&body.display_name)
        .map_err(|e| errors.push(field_error("display_name", e)))
        .ok();
    if !body.accept_terms {
        errors.push(FieldError {
            field: "accept_terms".into(),
            code: "required".into(),
            message: "Accept the terms of use to create an account.".into(),
        });
    }
    let (Some(email), Some(password), Some(name), true) = (email, password, name, body.accept_terms) else {
        return Err(ApiError::validation(errors));
    };

    let password_hash = state.hasher.hash(password.expose().to_owned()).await?;
    let mut row = UserRow::new(
        email.as_str(),
        password_hash,
        name.into_inner(),
        Role::Candidate.as_str(),
        body.locale.unwrap_or_default().as_str(),
    );
    row.terms_version = Some(jobbot_domain::legal::TERMS_VERSION.to_owned());
    row.terms_accepted_at = Some(row.created_at);
    let inserted = row.clone();
    state
        .db(move |conn| {
            users::insert(conn, &inserted).map_err(|e| {
                if jobbot_db::is_unique_violation(&e) {
                    ApiError::new(
                        StatusCode::CONFLICT,
                        ErrorCode::EmailTaken,
                        "An account already uses this email.",
                    )
                } else {
                    e.into()
                }
            })
        })
        .await?;
    tracing::info!(user_id = %row.id, email = %email.masked(), "account created");
    let user: User = current_user(row);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, "/api/v1/me"))
        .json(user))
}

/// Logs in. Unknown email and wrong password give the same answer in the same time.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in; also sets the `jobbot_access`, `jobbot_refresh` and `jobbot_csrf` cookies", body = TokenResponse),
        (status = 401, description = "`invalid_credentials`; with two-factor sign-in on, `otp_required` (no `otp`) or `invalid_otp` (wrong or already used)", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`account_disabled`: an administrator disabled the account (said only after the right password)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "`rate_limited`, with Retry-After; `attempts_locked` when too many wrong second-factor codes came for this account from several addresses (a recovery code still works)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Body<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let LoginRequest { email, password, otp } = body.into_inner();
    // A malformed email never becomes a rate-limit key (only the client is counted) and gets the same answer
    // as a wrong password.
    let email = Email::parse(&email).ok();
    let ip = client_ip(&req, state.config.trust_proxy);
    if let Err(limited) = state.limiter.check_auth(&AuthAttempt {
        action: "login",
        client: &ip,
        email: email.as_ref().map(Email::as_str),
    }) {
        audit_login_failures(&state, &req, &ip, email.as_ref()).await;
        return Err(limited.into());
    }

    let user = match email {
        Some(email) => {
            state
                .db(move |conn| Ok(users::find_by_email(conn, email.as_str())?))
                .await?
        }
        None => None,
    };
    let verified = state
        .hasher
        .verify(password, user.as_ref().map(|u| u.password_hash.clone()))
        .await?;
    let Some(user) = user.filter(|_| verified) else {
        tracing::info!("login refused");
        return Err(ApiError::unauthorized(
            ErrorCode::InvalidCredentials,
            "Wrong email or password.",
        ));
    };
    // Told only to whoever knows the password.
    if user.is_disabled() {
        tracing::info!(user_id = %user.id, "login refused: account disabled");
        return Err(ApiError::forbidden(
            ErrorCode::AccountDisabled,
            "This account was disabled by an administrator.",
        ));
    }
    // Two-factor sign-in: the second factor is asked only of whoever knows the password, and counts
    // against the same rate limit (each attempt above took from it).
    if user.totp_secret.is_some() {
        let Some(code) = otp.filter(|code| !code.trim().is_empty()) else {
            return Err(ApiError::unauthorized(
                ErrorCode::OtpRequired,
                "Enter the code from your authenticator app (or a recovery code).",
            ));
        };
        let origin = crate::audit::origin(&req);
        // Counted against the account's second-factor budget before it is checked (see `jobbot_services::attempts`).
        let recovery = crate::auth::second_factor::looks_like_recovery_code(&code);
        crate::attempts::spend(&state.pool, &user.id, Kind::Otp, &origin, recovery).await?;
        let checked = user.clone();
        let accepted = state
            .db(move |conn| {
                let accepted = crate::auth::second_factor::check(conn, &checked, &code, jobbot_db::now())?;
                if accepted == Some(crate::auth::second_factor::Accepted::RecoveryCode) {
                    let left = jobbot_db::two_factor::recovery_codes_left(conn, &checked.id)?;
                    crate::audit::record(
                        conn,
                        &origin,
                        crate::audit::Event {
                            actor_id: Some(&checked.id),
                            action: crate::audit::action::RECOVERY_CODE_USED,
                            target: Some(("user", &checked.id)),
                            details: serde_json::json!({ "left": left }),
                        },
                    )?;
                }
                Ok(accepted)
            })
            .await?;
        if accepted.is_none() {
            tracing::info!(user_id = %user.id, "login refused: wrong second factor");
            return Err(ApiError::unauthorized(
                ErrorCode::InvalidOtp,
                "This code is wrong or was already used.",
            ));
        }
        crate::attempts::succeeded(&state.pool, &user.id, Kind::Otp).await?;
    }

    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|ua| ua.chars().take(255).collect::<String>());
    let now = jobbot_db::now();
    let session = SessionRow {
        id: jobbot_db::new_id(),
        user_id: user.id.clone(),
        user_agent,
        created_at: now,
        last_seen_at: now,
        expires_at: now + TimeDelta::days(SESSION_TTL_DAYS),
        revoked_at: None,
    };
    let refresh_token = tokens::random_token(32);
    let refresh_hash = tokens::hash(&refresh_token);
    let created = session.clone();
    state
        .db(move |conn| Ok(sessions::create(conn, &created, &refresh_hash)?))
        .await?;
    tracing::info!(user_id = %user.id, session_id = %session.id, "logged in");
    session_response(&state, current_user(user), &session, refresh_token)
}

/// Failed logins over the limit go to the audit log: once a minute per client and email, so an attacker
/// cannot flood it. The target is the account when the email is one.
async fn audit_login_failures(state: &AppState, req: &HttpRequest, ip: &str, email: Option<&Email>) {
    let subject = format!("{ip}|{}", email.map(Email::as_str).unwrap_or_default());
    if state
        .limiter
        .check_budget(
            "audit-login-failures",
            &subject,
            1,
            std::time::Duration::from_secs(60),
        )
        .is_err()
    {
        return;
    }
    let origin = crate::audit::origin(req);
    let email = email.map(|e| e.as_str().to_owned());
    let written = state
        .db(move |conn| {
            let target = match &email {
                Some(email) => users::find_by_email(conn, email)?.map(|user| user.id),
                None => None,
            };
            crate::audit::record_or_log(
                conn,
                &origin,
                crate::audit::Event {
                    actor_id: None,
                    action: crate::audit::action::LOGIN_FAILURES,
                    target: target.as_deref().map(|id| ("user", id)),
                    details: serde_json::json!({"limited": true, "known_account": target.is_some()}),
                },
            );
            Ok(())
        })
        .await;
    if let Err(error) = written {
        tracing::warn!(code = %error.code, "could not audit failed logins");
    }
}

/// Exchanges a refresh token for new tokens. The old refresh token dies; presenting it again later
/// revokes the whole session (token theft detection).
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens (and cookies)", body = TokenResponse),
        (status = 401, description = "`invalid_token`, `refresh_token_reused` or `session_revoked`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed` (cookie without X-CSRF-Token)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn refresh(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let request: RefreshRequest = optional_json(&body)?;
    let presented = refresh_token_from(&req, request.refresh_token)?;
    let new_token = tokens::random_token(32);
    let (presented_hash, new_hash) = (tokens::hash(&presented), tokens::hash(&new_token));
    let now = jobbot_db::now();
    let outcome = state
        .db(move |conn| {
            let rotation = sessions::rotate_refresh(conn, &presented_hash, &new_hash, now)?;
            let user = match &rotation {
                Rotation::Rotated { session } => users::find(conn, &session.user_id)?,
                _ => None,
            };
            Ok((rotation, user))
        })
        .await?;
    match outcome {
        (Rotation::Rotated { .. }, Some(user)) if user.is_disabled() => {
            Err(crate::auth::extractor::account_disabled())
        }
        (Rotation::Rotated { session }, Some(user)) => {
            session_response(&state, current_user(user), &session, new_token)
        }
        (Rotation::Reused, _) => {
            tracing::warn!("refresh token reused: session revoked");
            let origin = crate::audit::origin(&req);
            state
                .db(move |conn| {
                    crate::audit::record_or_log(
                        conn,
                        &origin,
                        crate::audit::Event {
                            actor_id: None,
                            action: crate::audit::action::REFRESH_REUSED,
                            target: None,
                            details: serde_json::json!({}),
                        },
                    );
                    Ok(())
                })
                .await?;
            Err(ApiError::unauthorized(
                ErrorCode::RefreshTokenReused,
                "This refresh token was already used; the session is revoked.",
            ))
        }
        _ => Err(ApiError::unauthorized(
            ErrorCode::InvalidToken,
            "The refresh token is not valid.",
        )),
    }
}

/// Ends the session named by the refresh token (body or cookie) or by the Bearer access token.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", request_body = RefreshRequest,
    responses(
        (status = 204, description = "Session revoked; cookies cleared"),
        (status = 401, description = "`unauthenticated` or `invalid_token`", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`csrf_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let request: RefreshRequest = optional_json(&body)?;
    let bearer_sid = bearer_session(&state, &req);
    let session_id = match (request.refresh_token, bearer_sid) {
        (None, Some(sid)) if req.cookie(REFRESH_COOKIE).is_none() => sid,
        (token, _) => {
            let token = refresh_token_from(&req, token)?;
            let hash = tokens::hash(&token);
            let session = state
                .db(move |conn| Ok(sessions::find_by_refresh(conn, &hash)?))
                .await?;
            session
                .ok_or_else(|| {
                    ApiError::unauthorized(ErrorCode::InvalidToken, "The refresh token is not valid.")
                })?
                .id
        }
    };
    let now = jobbot_db::now();
    let revoked_id = session_id.clone();
    state
        .db(move |conn| Ok(sessions::revoke(conn, &revoked_id, now)?))
        .await?;
    tracing::info!(session_id = %session_id, "logged out");
    let mut response = HttpResponse::NoContent();
    for (name, path) in [
        (ACCESS_COOKIE, "/api"),
        (REFRESH_COOKIE, "/api/v1/auth"),
        (CSRF_COOKIE, "/"),
    ] {
        let mut cookie = Cookie::build(name, "").path(path).finish();
        cookie.make_removal();
        response.cookie(cookie);
    }
    Ok(response.finish())
}

/// The session id of a valid `Authorization: Bearer <access JWT>`, if any.
fn bearer_session(state: &AppState, req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    state.jwt.verify(token.trim()).ok().map(|claims| claims.sid)
}

/// The refresh token from the body, else from the cookie (which then needs the CSRF header).
fn refresh_token_from(req: &HttpRequest, from_body: Option<String>) -> Result<String, ApiError> {
    if let Some(token) = from_body.filter(|t| !t.is_empty()) {
        return Ok(token);
    }
    let cookie = req
        .cookie(REFRESH_COOKIE)
        .filter(|c| !c.value().is_empty())
        .ok_or_else(|| ApiError::unauthorized(ErrorCode::Unauthenticated, "No refresh token was sent."))?;
    if !csrf_matches(req) {
        return Err(csrf_failed());
    }
    Ok(cookie.value().to_owned())
}

/// An empty body means "no fields"; anything else must be valid JSON of the expected shape.
fn optional_json<T: DeserializeOwned + Default>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidJson,
            format!("The body is not valid JSON: {e}"),
        )
    })?;
    crate::body::from_object(value)
}

fn session_response(
    state: &AppState,
    user: CurrentUser,
    session: &SessionRow,
    refresh_token: String,
) -> Result<HttpResponse, ApiError> {
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        sub: user.id.clone(),
        role: user.role.as_str().to_owned(),
        sid: session.id.clone(),
        iat: now,
        exp: now + ACCESS_TTL_SECONDS,
    };
    let access_token = state.jwt.issue(&claims).map_err(ApiError::internal)?;
    let secure = state.config.cookie_secure;
    let session_seconds = (session.expires_at.and_utc().timestamp() - now).max(0);
    let cookie = |name: &'static str, value: String, path: &'static str, max_age: i64, http_only: bool| {
        Cookie::build(name, value)
            .path(path)
            .http_only(http_only)
            .secure(secure)
            .same_site(SameSite::Strict)
            .max_age(CookieDuration::seconds(max_age))
            .finish()
    };
    let body = TokenResponse {
        access_token: access_token.clone(),
        refresh_token: refresh_token.clone(),
        token_type: "Bearer".into(),
        expires_in: ACCESS_TTL_SECONDS,
        user,
    };
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .cookie(cookie(
            ACCESS_COOKIE,
            access_token,
            "/api",
            ACCESS_TTL_SECONDS,
            true,
        ))
        .cookie(cookie(
            REFRESH_COOKIE,
            refresh_token,
            "/api/v1/auth",
            session_seconds,
            true,
        ))
        .cookie(cookie(
            CSRF_COOKIE,
            tokens::random_token(32),
            "/",
            session_seconds,
            false,
        ))
        .json(body))
}
