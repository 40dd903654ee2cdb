//! Personal access tokens for third-party clients. The secret is shown once; only its hash is kept.

use actix_web::{web, HttpResponse};
use chrono::TimeDelta;
use jobbot_api_types::{CreateTokenRequest, CreatedToken, PersonalToken, Problem};
use jobbot_db::personal_tokens::{self, PersonalTokenRow};
use jobbot_domain::TokenScope;

use crate::auth::AuthUser;
use crate::body::Body;
use crate::credentials::tokens::{self, PERSONAL_TOKEN_PREFIX};
use crate::error::ApiError;
use crate::state::AppState;

const NAME_MAX_CHARS: usize = 100;
const MAX_DAYS: u32 = 365;
/// Live tokens a user may hold at once.
pub const MAX_TOKENS: usize = 50;

fn to_dto(row: PersonalTokenRow) -> PersonalToken {
    PersonalToken {
        id: row.id,
        name: row.name,
        scope: TokenScope::parse(&row.scope).unwrap_or_default(),
        prefix: row.prefix,
        created_at: row.created_at.and_utc(),
        expires_at: row.expires_at.map(|t| t.and_utc()),
        last_used_at: row.last_used_at.map(|t| t.and_utc()),
    }
}

/// The caller's live tokens, newest first, without secrets.
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "tokens",
    responses(
        (status = 200, description = "Tokens", body = Vec<PersonalToken>),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    state: web::Data<AppState>,
    auth: AuthUser,
) -> Result<web::Json<Vec<PersonalToken>>, ApiError> {
    let user_id = auth.user.id;
    let rows = state
        .db(move |conn| Ok(personal_tokens::list_for_user(conn, &user_id)?))
        .await?;
    Ok(web::Json(rows.into_iter().map(to_dto).collect()))
}

/// Creates a token; the response holds its secret, which is never shown again.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "tokens", request_body = CreateTokenRequest,
    responses(
        (status = 201, description = "Created; `secret` is shown only now", body = CreatedToken),
        (status = 403, description = "`session_required` (a personal token cannot create tokens) or `csrf_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`conflict`: 50 live tokens already (revoke one first)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    state: web::Data<AppState>,
    auth: AuthUser,
    crate::audit::Here(origin): crate::audit::Here,
    body: Body<CreateTokenRequest>,
) -> Result<HttpResponse, ApiError> {
    auth.require_session()?;
    let body = body.into_inner();
    let name = jobbot_domain::text::trim(&body.name).to_owned();
    if name.is_empty() || body.name.chars().count() > NAME_MAX_CHARS {
        return Err(ApiError::field(
            "name",
            "invalid_length",
            "Give the token a name of 1 to 100 characters.",
        ));
    }
    if body
        .expires_in_days
        .is_some_and(|days| days == 0 || days > MAX_DAYS)
    {
        return Err(ApiError::field(
            "expires_in_days",
            "out_of_range",
            "Choose from 1 to 365 days.",
        ));
    }
    let secret = format!("{PERSONAL_TOKEN_PREFIX}{}", tokens::random_token(32));
    let now = jobbot_db::now();
    let row = PersonalTokenRow {
        id: jobbot_db::new_id(),
        user_id: auth.user.id,
        name,
        scope: body.scope.as_str().to_owned(),
        token_hash: tokens::hash(&secret),
        prefix: secret.chars().take(PERSONAL_TOKEN_PREFIX.len() + 6).collect(),
        created_at: now,
        expires_at: body
            .expires_in_days
            .map(|days| now + TimeDelta::days(i64::from(days))),
        last_used_at: None,
        revoked_at: None,
    };
    let inserted = row.clone();
    let actor = row.user_id.clone();
    state
        .db(move |conn| {
            jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                // Count and insert under the user's lock, so that concurrent requests cannot pass the cap.
                jobbot_db::lock_user(conn, &inserted.user_id)?;
                let live = personal_tokens::list_for_user(conn, &inserted.user_id)?
                    .into_iter()
                    .filter(|token| token.is_active(inserted.created_at))
                    .count();
                if live >= MAX_TOKENS {
                    return Err(ApiError::new(
                        actix_web::http::StatusCode::CONFLICT,
                        jobbot_api_types::ErrorCode::Conflict,
                        "You have 50 live tokens: revoke one to create another.",
                    ));
                }
                personal_tokens::insert(conn, &inserted)?;
                crate::audit::record(
                    conn,
                    &origin,
                    crate::audit::Event {
                        actor_id: Some(&actor),
                        action: crate::audit::action::TOKEN_CREATED,
                        target: Some(("token", &inserted.id)),
                        details: serde_json::json!({"scope": inserted.scope, "name": inserted.name}),
                    },
                )?;
                Ok(())
            })
        })
        .await?;
    tracing::info!(token_id = %row.id, scope = %row.scope, "personal token created");
    Ok(HttpResponse::Created().json(CreatedToken {
        token: to_dto(row),
        secret,
    }))
}

/// Revokes one of the caller's tokens. Another user's token id is a 404.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "tokens",
    params(("id" = String, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "`not_found`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke(
    state: web::Data<AppState>,
    auth: AuthUser,
    crate::audit::Here(origin): crate::audit::Here,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    auth.require_session()?;
    let id = path.into_inner();
    let user_id = auth.user.id;
    let now = jobbot_db::now();
    let revoked = state
        .db(move |conn| {
            jobbot_db::transaction(conn, |conn| -> Result<_, ApiError> {
                let revoked = personal_tokens::revoke(conn, &user_id, &id, now)?;
                if revoked {
                    crate::audit::record(
                        conn,
                        &origin,
                        crate::audit::Event {
                            actor_id: Some(&user_id),
                            action: crate::audit::action::TOKEN_REVOKED,
                            target: Some(("token", &id)),
                            details: serde_json::json!({}),
                        },
                    )?;
                }
                Ok(revoked)
            })
        })
        .await?;
    if revoked {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::not_found())
    }
}
