//! Two-factor sign-in's storage: the TOTP secret on the user's row, and single-use recovery codes (hashed).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{recovery_codes, users};
use crate::DbConnection;

/// Keeps a new secret aside until the user confirms it with a code.
pub fn set_pending(conn: &mut DbConnection, user_id: &str, secret: &str) -> QueryResult<usize> {
    diesel::update(users::table.find(user_id))
        .set(users::totp_pending.eq(secret))
        .execute(conn)
}

/// Turns the confirmed secret on, with `step` as its last used step and the recovery codes' hashes.
pub fn enable(
    conn: &mut DbConnection,
    user_id: &str,
    secret: &str,
    step: i64,
    code_hashes: &[String],
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::totp_secret.eq(secret),
            users::totp_pending.eq(None::<String>),
            users::totp_enabled_at.eq(now),
            users::totp_last_step.eq(step),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    crate::auth_changed(conn);
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id))).execute(conn)?;
    for hash in code_hashes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::id.eq(crate::new_id()),
                recovery_codes::user_id.eq(user_id),
                recovery_codes::code_hash.eq(hash),
                recovery_codes::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn disable(conn: &mut DbConnection, user_id: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.find(user_id))
        .set((
            users::totp_secret.eq(None::<String>),
            users::totp_pending.eq(None::<String>),
            users::totp_enabled_at.eq(None::<NaiveDateTime>),
            users::totp_last_step.eq(None::<i64>),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    crate::auth_changed(conn);
    diesel::delete(recovery_codes::table.filter(recovery_codes::user_id.eq(user_id))).execute(conn)?;
    Ok(())
}

/// Records the step of an accepted code, if it is later than the last one (two requests with the same code
/// cannot both pass): whether it was recorded.
pub fn use_step(conn: &mut DbConnection, user_id: &str, step: i64) -> QueryResult<bool> {
    let n = diesel::update(
        users::table
            .find(user_id)
            .filter(users::totp_last_step.is_null().or(users::totp_last_step.lt(step))),
    )
    .set(users::totp_last_step.eq(step))
    .execute(conn)?;
    Ok(n > 0)
}

/// Spends a recovery code: whether an unused one with this hash existed.
pub fn use_recovery_code(
    conn: &mut DbConnection,
    user_id: &str,
    code_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::user_id.eq(user_id))
            .filter(recovery_codes::code_hash.eq(code_hash))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(now))
    .execute(conn)?;
    Ok(n > 0)
}

pub fn recovery_codes_left(conn: &mut DbConnection, user_id: &str) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::user_id.eq(user_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}
