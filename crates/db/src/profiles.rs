//! The `profiles` table: each user's structured profile, as the JSON document the API validated.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::profiles;
use crate::DbConnection;

/// The user's profile document and when it changed, if they ever saved one.
pub fn get(conn: &mut DbConnection, user_id: &str) -> QueryResult<Option<(String, NaiveDateTime)>> {
    profiles::table
        .find(user_id)
        .select((profiles::data, profiles::updated_at))
        .first(conn)
        .optional()
}

/// Replaces the user's profile (created on the first save; two first saves at once: the later one wins).
pub fn put(conn: &mut DbConnection, user_id: &str, data: &str, now: NaiveDateTime) -> QueryResult<()> {
    let update = |conn: &mut DbConnection| {
        diesel::update(profiles::table.find(user_id))
            .set((profiles::data.eq(data), profiles::updated_at.eq(now)))
            .execute(conn)
    };
    if update(conn)? > 0 {
        return Ok(());
    }
    let inserted = diesel::insert_into(profiles::table)
        .values((
            profiles::user_id.eq(user_id),
            profiles::data.eq(data),
            profiles::updated_at.eq(now),
        ))
        .execute(conn);
    match inserted {
        Err(e) if crate::is_unique_violation(&e) => update(conn).map(|_| ()),
        other => other.map(|_| ()),
    }
}

/// How many users saved a profile (admin statistics: counts only).
pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    profiles::table.count().get_result(conn)
}
