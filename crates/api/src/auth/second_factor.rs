//! The second factor: a code from the authenticator app (TOTP, each accepted once) or a recovery code
//! (each usable once). Used by login and by turning two-factor sign-in off.

use jobbot_db::users::UserRow;
use jobbot_db::DbConnection;

use crate::credentials::{tokens, totp};

/// What the code was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accepted {
    App,
    RecoveryCode,
}

/// A recovery code as stored: lowercase letters and digits, without the dash.
pub fn recovery_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    tokens::hash(&normal)
}

/// Ten new recovery codes, `xxxxx-xxxxx` (base32 letters and digits, 50 bits each).
pub fn new_recovery_codes() -> Vec<String> {
    (0..10)
        .map(|_| {
            let text = totp::base32(&totp::new_secret()).to_ascii_lowercase();
            format!("{}-{}", &text[..5], &text[5..10])
        })
        .collect()
}

/// Whether `code` is written as a recovery code rather than as the app's six digits.
pub fn looks_like_recovery_code(code: &str) -> bool {
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    !(digits.len() == totp::DIGITS as usize && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks `code` for `user` (who has two-factor sign-in on) and spends it; `None` when it is wrong, already
/// used, or the user has no secret.
pub fn check(
    conn: &mut DbConnection,
    user: &UserRow,
    code: &str,
    now: chrono::NaiveDateTime,
) -> Result<Option<Accepted>, jobbot_db::QueryError> {
    let Some(secret) = user.totp_secret.as_deref().and_then(totp::base32_decode) else {
        return Ok(None);
    };
    let digits: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == totp::DIGITS as usize && digits.bytes().all(|b| b.is_ascii_digit()) {
        let unix = u64::try_from(now.and_utc().timestamp()).unwrap_or_default();
        let last = user.totp_last_step.and_then(|s| u64::try_from(s).ok());
        return Ok(match totp::verify(&secret, &digits, unix, last) {
            // Recorded only if no other request used this step first.
            Some(step) => {
                jobbot_db::two_factor::use_step(conn, &user.id, step as i64)?.then_some(Accepted::App)
            }
            None => None,
        });
    }
    let spent = jobbot_db::two_factor::use_recovery_code(conn, &user.id, &recovery_hash(code), now)?;
    Ok(spent.then_some(Accepted::RecoveryCode))
}
