//! The `auth_failures` table: wrong second-factor codes and wrong current passwords, kept for a window. The
//! per-account budgets read it, so they hold across client addresses, instances and restarts (an in-memory
//! bucket would give each instance its own budget).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::auth_failures;
use crate::DbConnection;

/// What failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A code from the authenticator app or a recovery code.
    Otp,
    /// The current password, asked again by a signed-in user.
    Password,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Otp => "otp",
            Kind::Password => "password",
        }
    }
}

/// The failures of `user_id` for `kind` since `since`: in all, and from `client`, with the oldest one's time
/// (when the window starts to free up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub account: i64,
    pub client: i64,
    pub oldest: Option<NaiveDateTime>,
    pub oldest_from_client: Option<NaiveDateTime>,
}

pub fn counts(
    conn: &mut DbConnection,
    user_id: &str,
    kind: Kind,
    client: &str,
    since: NaiveDateTime,
) -> QueryResult<Counts> {
    let rows: Vec<(String, NaiveDateTime)> = auth_failures::table
        .filter(auth_failures::user_id.eq(user_id))
        .filter(auth_failures::kind.eq(kind.as_str()))
        .filter(auth_failures::created_at.gt(since))
        .select((auth_failures::client, auth_failures::created_at))
        .load(conn)?;
    let from_client: Vec<NaiveDateTime> = rows
        .iter()
        .filter(|(c, _)| c == client)
        .map(|(_, at)| *at)
        .collect();
    Ok(Counts {
        account: rows.len() as i64,
        client: from_client.len() as i64,
        oldest: rows.iter().map(|(_, at)| *at).min(),
        oldest_from_client: from_client.into_iter().min(),
    })
}

/// Records one failure, and forgets this user's failures older than `forget_before`.
pub fn record(
    conn: &mut DbConnection,
    user_id: &str,
    kind: Kind,
    client: &str,
    now: NaiveDateTime,
    forget_before: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(
        auth_failures::table
            .filter(auth_failures::user_id.eq(user_id))
            .filter(auth_failures::created_at.le(forget_before)),
    )
    .execute(conn)?;
    diesel::insert_into(auth_failures::table)
        .values((
            auth_failures::id.eq(crate::new_id()),
            auth_failures::user_id.eq(user_id),
            auth_failures::kind.eq(kind.as_str()),
            auth_failures::client.eq(client),
            auth_failures::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A success: the user's failures of that kind are forgotten.
pub fn clear(conn: &mut DbConnection, user_id: &str, kind: Kind) -> QueryResult<usize> {
    diesel::delete(
        auth_failures::table
            .filter(auth_failures::user_id.eq(user_id))
            .filter(auth_failures::kind.eq(kind.as_str())),
    )
    .execute(conn)
}
