//! `AuthUser`: a handler that takes one cannot forget to authenticate.
//!
//! Accepted credentials, in order: `Authorization: Bearer <access JWT>` or `Bearer jbt_…` (personal token),
//! then the `jobbot_access` cookie. Cookie requests with an unsafe method must echo the CSRF cookie in
//! `X-CSRF-Token`; read-scoped personal tokens may only use safe methods.

use actix_web::dev::Payload;
use actix_web::http::{header, Method};
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use jobbot_api_types::ErrorCode;
use jobbot_db::users::UserRow;
use jobbot_db::{personal_tokens, sessions};
use jobbot_domain::{Locale, Role, TokenScope};

use super::{ACCESS_COOKIE, CSRF_COOKIE, CSRF_HEADER};
use crate::credentials::jwt::JwtError;
use crate::credentials::tokens::{self, PERSONAL_TOKEN_PREFIX};
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthMethod {
    Bearer,
    Cookie,
    PersonalToken { scope: TokenScope },
}

/// The account behind a request, as stored.
pub type CurrentUser = jobbot_api_types::User;

/// The account of a stored row.
pub fn current_user(row: UserRow) -> CurrentUser {
    CurrentUser {
        role: Role::parse(&row.role).unwrap_or_default(),
        locale: Locale::parse(&row.locale).unwrap_or_default(),
        created_at: row.created_at.and_utc(),
        id: row.id,
        email: row.email,
        display_name: row.display_name,
    }
}

#[derive(Debug, Clone)]
pub struct AuthUser {
    pub user: CurrentUser,
    /// The login session, when authenticated by a session token or cookie.
    pub session_id: Option<String>,
    /// The personal token, when authenticated by one.
    pub token_id: Option<String>,
    pub method: AuthMethod,
}

impl AuthUser {
    /// The role guard: 403 `forbidden` unless the caller has `role`.
    pub fn require_role(&self, role: Role) -> Result<(), ApiError> {
        if self.user.role == role {
            Ok(())
        } else {
            Err(ApiError::forbidden(
                ErrorCode::Forbidden,
                "Your account does not have access to this resource.",
            ))
        }
    }

    /// Account management (password, tokens) needs a real login, not a personal token.
    pub fn require_session(&self) -> Result<&str, ApiError> {
        self.session_id.as_deref().ok_or_else(|| {
            ApiError::forbidden(
                ErrorCode::SessionRequired,
                "Log in to do this; personal tokens cannot manage the account.",
            )
        })
    }
}

enum Credential {
    Jwt(String, AuthMethod),
    PersonalToken(String),
}

fn read_credential(req: &HttpRequest) -> Result<Credential, ApiError> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let value = value.to_str().unwrap_or_default().trim();
        let token = match value.split_once(' ') {
            Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
                token.trim()
            }
            _ => {
                return Err(ApiError::unauthorized(
                    ErrorCode::InvalidToken,
                    "Use `Authorization: Bearer <token>`.",
                ))
            }
        };
        return Ok(if token.starts_with(PERSONAL_TOKEN_PREFIX) {
            Credential::PersonalToken(token.to_owned())
        } else {
            Credential::Jwt(token.to_owned(), AuthMethod::Bearer)
        });
    }
    match req.cookie(ACCESS_COOKIE) {
        Some(cookie) if !cookie.value().is_empty() => {
            Ok(Credential::Jwt(cookie.value().to_owned(), AuthMethod::Cookie))
        }
        _ => Err(ApiError::unauthorized(
            ErrorCode::Unauthenticated,
            "Log in to continue.",
        )),
    }
}

pub fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The double-submit check: the `X-CSRF-Token` header must equal the readable CSRF cookie.
pub fn csrf_matches(req: &HttpRequest) -> bool {
    let header = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let cookie = req.cookie(CSRF_COOKIE);
    let cookie = cookie.as_ref().map(|c| c.value()).unwrap_or_default();
    !cookie.is_empty() && tokens::constant_time_eq(header.as_bytes(), cookie.as_bytes())
}

/// A disabled account's credentials: refused, whatever they are.
pub fn account_disabled() -> ApiError {
    ApiError::unauthorized(
        ErrorCode::AccountDisabled,
        "This account was disabled by an administrator.",
    )
}

pub fn csrf_failed() -> ApiError {
    ApiError::forbidden(ErrorCode::CsrfFailed, "Missing or wrong X-CSRF-Token header.")
}

impl FromRequest for AuthUser {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let credential = read_credential(req);
        let unsafe_method = is_unsafe(req.method());
        let csrf_ok = csrf_matches(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("AppState is not registered"))?;
            authenticate(&state, credential?, unsafe_method, csrf_ok).await
        })
    }
}

/// A token given another way than the `Authorization` header (e.g. `?access_token=` on a WebSocket
/// handshake), checked like a Bearer token on a safe request.
pub async fn authenticate_token(state: &AppState, token: &str) -> Result<AuthUser, ApiError> {
    let credential = if token.starts_with(PERSONAL_TOKEN_PREFIX) {
        Credential::PersonalToken(token.to_owned())
    } else {
        Credential::Jwt(token.to_owned(), AuthMethod::Bearer)
    };
    authenticate(state, credential, false, true).await
}

async fn authenticate(
    state: &AppState,
    credential: Credential,
    unsafe_method: bool,
    csrf_ok: bool,
) -> Result<AuthUser, ApiError> {
    let auth = match credential {
        Credential::Jwt(token, method) => {
            let claims = state.jwt.verify(&token).map_err(|e| match e {
                JwtError::Expired => ApiError::unauthorized(
                    ErrorCode::TokenExpired,
                    "The access token has expired; refresh it.",
                ),
                JwtError::Invalid => {
                    ApiError::unauthorized(ErrorCode::InvalidToken, "The access token is not valid.")
                }
            })?;
            let now = jobbot_db::now();
            let ticket = match state.cache.session(&claims.sid, &claims.sub, now) {
                Ok(user) => {
                    return check_method(
                        AuthUser {
                            user,
                            session_id: Some(claims.sid),
                            token_id: None,
                            method,
                        },
                        unsafe_method,
                        csrf_ok,
                    )
                }
                Err(ticket) => ticket,
            };
            let sid = claims.sid.clone();
            let found = state
                .db(move |conn| Ok(sessions::find_with_user(conn, &sid)?))
                .await?;
            match found {
                Some((_, user)) if user.is_disabled() => return Err(account_disabled()),
                Some((session, user)) if session.is_active(now) && session.user_id == claims.sub => {
                    let user = current_user(user);
                    state
                        .cache
                        .store_session(ticket, &session.id, user.clone(), session.expires_at);
                    AuthUser {
                        user,
                        session_id: Some(session.id),
                        token_id: None,
                        method,
                    }
                }
                _ => {
                    return Err(ApiError::unauthorized(
                        ErrorCode::SessionRevoked,
                        "This session has ended; log in again.",
                    ))
                }
            }
        }
        Credential::PersonalToken(secret) => {
            let hash = tokens::hash(&secret);
            let now = jobbot_db::now();
            let found = state
                .db(move |conn| Ok(personal_tokens::authenticate(conn, &hash, now)?))
                .await?;
            match found {
                Some((_, user)) if user.is_disabled() => return Err(account_disabled()),
                Some((token, user)) if token.is_active(now) => AuthUser {
                    user: current_user(user),
                    session_id: None,
                    token_id: Some(token.id.clone()),
                    method: AuthMethod::PersonalToken {
                        scope: TokenScope::parse(&token.scope).unwrap_or_default(),
                    },
                },
                _ => {
                    return Err(ApiError::unauthorized(
                        ErrorCode::InvalidToken,
                        "This personal token is not valid.",
                    ))
                }
            }
        }
    };
    check_method(auth, unsafe_method, csrf_ok)
}

/// What the credential may do: cookies need the CSRF header on unsafe methods, read tokens only read.
fn check_method(auth: AuthUser, unsafe_method: bool, csrf_ok: bool) -> Result<AuthUser, ApiError> {
    if unsafe_method {
        match auth.method {
            AuthMethod::Cookie if !csrf_ok => return Err(csrf_failed()),
            AuthMethod::PersonalToken {
                scope: TokenScope::Read,
            } => {
                return Err(ApiError::forbidden(
                    ErrorCode::InsufficientScope,
                    "This token is read-only.",
                ))
            }
            _ => {}
        }
    }
    Ok(auth)
}
