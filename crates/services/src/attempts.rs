//! Budgets for guesses that a rate limit per address does not stop: second-factor codes (the password is known,
//! the code is guessed from many addresses) and the current password asked again of a signed-in user (a
//! stolen session guessing it). Kept in the database (`auth_failures`), so they hold across addresses,
//! instances and restarts.
//!
//! Each attempt is counted before it is checked (one transaction under the user's row lock, so concurrent
//! guesses cannot slip through together) and forgotten when it succeeds. Within [`WINDOW`]:
//! - one client address may fail [`PER_CLIENT`] times, then waits (429 `rate_limited`);
//! - the account may fail [`PER_ACCOUNT`] times in all, then that kind of attempt is locked for everyone
//!   until the window frees up (429 `attempts_locked`) and the lock is written to the audit log (with the
//!   address whose failure locked it). As [`PER_CLIENT`] is below [`PER_ACCOUNT`], one client's failures
//!   alone never lock the owner out on another; and a recovery code (50 bits, not guessable) still signs in
//!   while the codes are locked.

use chrono::TimeDelta;
use http::StatusCode;
use jobbot_api_types::ErrorCode;
use jobbot_db::auth_failures::{self, Kind};
use jobbot_db::Pool;

use crate::audit::{self, Origin};
use crate::credentials::password::PasswordHasher;
use crate::database;
use crate::error::ServiceError;

/// How long a failure counts.
pub const WINDOW: TimeDelta = TimeDelta::minutes(15);
/// Failures one client address may make within the window.
pub const PER_CLIENT: i64 = 5;
/// Failures the account may take within the window, from every address together.
pub const PER_ACCOUNT: i64 = 10;

fn wait_seconds(oldest: Option<chrono::NaiveDateTime>, now: chrono::NaiveDateTime) -> u64 {
    oldest
        .map(|oldest| (oldest + WINDOW - now).num_seconds().max(1))
        .unwrap_or(1) as u64
}

/// Counts one attempt of `kind` for `user_id` from `origin`'s address, or refuses it with 429 when a budget is
/// spent. `recovery` (a recovery code at sign-in) is held only to the client's budget.
pub async fn spend(
    pool: &Pool,
    user_id: &str,
    kind: Kind,
    origin: &Origin,
    recovery: bool,
) -> Result<(), ServiceError> {
    let (user_id, origin) = (user_id.to_owned(), origin.clone());
    let client = origin
        .client_ip
        .as_deref()
        .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
    database::run(pool, move |conn| {
        jobbot_db::transaction(conn, |conn| -> Result<(), ServiceError> {
            jobbot_db::lock_user(conn, &user_id)?;
            let now = jobbot_db::now();
            let counts = auth_failures::counts(conn, &user_id, kind, &client, now - WINDOW)?;
            if counts.client >= PER_CLIENT {
                return Err(ServiceError::rate_limited(wait_seconds(
                    counts.oldest_from_client,
                    now,
                )));
            }
            if counts.account >= PER_ACCOUNT && !recovery {
                return Err(locked(kind, wait_seconds(counts.oldest, now)));
            }
            auth_failures::record(conn, &user_id, kind, &client, now, now - WINDOW)?;
            if counts.account + 1 == PER_ACCOUNT {
                tracing::warn!(user_id = %user_id, kind = kind.as_str(), "attempts locked for this account");
                audit::record(
                    conn,
                    &origin,
                    audit::Event {
                        actor_id: None,
                        action: match kind {
                            Kind::Otp => audit::action::SECOND_FACTOR_LOCKED,
                            Kind::Password => audit::action::PASSWORD_LOCKED,
                        },
                        target: Some(("user", &user_id)),
                        details: serde_json::json!({
                            "failures": PER_ACCOUNT,
                            "minutes": WINDOW.num_minutes(),
                        }),
                    },
                )?;
            }
            Ok(())
        })
    })
    .await
}

fn locked(kind: Kind, retry_after: u64) -> ServiceError {
    let detail = match kind {
        Kind::Otp => {
            "Too many wrong codes for this account: codes from the app are refused for a while. \
             A recovery code still works."
        }
        Kind::Password => "Too many wrong passwords for this account: try again later.",
    };
    let mut error = ServiceError::new(StatusCode::TOO_MANY_REQUESTS, ErrorCode::AttemptsLocked, detail);
    error.retry_after = Some(retry_after);
    error
}

/// The attempt succeeded: the account's failures of that kind are forgotten.
pub async fn succeeded(pool: &Pool, user_id: &str, kind: Kind) -> Result<(), ServiceError> {
    let user_id = user_id.to_owned();
    database::run(pool, move |conn| {
        auth_failures::clear(conn, &user_id, kind)?;
        Ok(())
    })
    .await
}

/// Checks the caller's current password before a sensitive change, within the password budget: 422
/// `incorrect` on `field` when it is wrong, 429 once the budget is spent.
pub async fn confirm_password(
    pool: &Pool,
    hasher: &PasswordHasher,
    user_id: &str,
    origin: &Origin,
    password: String,
    field: &str,
) -> Result<(), ServiceError> {
    spend(pool, user_id, Kind::Password, origin, false).await?;
    let id = user_id.to_owned();
    let stored = database::run(pool, move |conn| Ok(jobbot_db::users::find(conn, &id)?))
        .await?
        .ok_or_else(ServiceError::not_found)?;
    if hasher.verify(password, Some(stored.password_hash)).await? {
        return succeeded(pool, user_id, Kind::Password).await;
    }
    let message = if field == "password" {
        "The password is wrong."
    } else {
        "The current password is wrong."
    };
    Err(ServiceError::field(field, "incorrect", message))
}
