//! The admin console's API. Every handler starts with the role guard; every change writes its audit record
//! in the same transaction. Admins see metadata, counts and actions, never contents.
//!
//! By resource: `users`, `audit`, `system`, `shares`, `stats`; here the role guard and the helpers they share.

use chrono::NaiveDateTime;
use jobbot_api_types::ErrorCode;
use jobbot_domain::Role;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::state::AppState;

mod audit;
mod shares;
mod stats;
mod system;
mod users;

pub use audit::*;
pub use shares::*;
pub use stats::*;
pub use system::*;
pub use users::*;

const REASON_MAX_CHARS: usize = 500;

/// The admin guard: the role (403 `forbidden`), a login session (403 `session_required`: a personal token,
/// even an admin's, never reaches the admin API, as it would skip the second factor), then two-factor sign-in
/// (403 `admin_2fa_required`) unless `JOBBOT_ADMIN_2FA=optional` (local development only).
async fn require_admin(state: &AppState, auth: &AuthUser) -> Result<(), ApiError> {
    auth.require_role(Role::Admin)?;
    auth.require_session()?;
    if !state.config.admin_2fa_required {
        return Ok(());
    }
    let user_id = auth.user.id.clone();
    let enrolled = state
        .db(move |conn| Ok(jobbot_db::users::find(conn, &user_id)?.is_some_and(|u| u.totp_secret.is_some())))
        .await?;
    if enrolled {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            ErrorCode::Admin2faRequired,
            "Administrators need two-factor sign-in: turn it on in your account first.",
        ))
    }
}

fn reason(raw: &str) -> Result<String, ApiError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() || trimmed.chars().count() > REASON_MAX_CHARS {
        return Err(ApiError::field(
            "reason",
            "invalid_length",
            "Give a reason of 1 to 500 characters.",
        ));
    }
    Ok(trimmed.to_owned())
}

fn parse_time(field: &str, raw: Option<&str>) -> Result<Option<NaiveDateTime>, ApiError> {
    match raw.filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(raw) => chrono::DateTime::parse_from_rfc3339(raw)
            .map(|t| Some(t.naive_utc()))
            .map_err(|_| {
                ApiError::field(
                    field,
                    "invalid_time",
                    "An RFC 3339 time, e.g. 2026-11-26T00:00:00Z.",
                )
            }),
    }
}
