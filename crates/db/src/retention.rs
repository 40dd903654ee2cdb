//! Retention: what `jobbot purge` deletes once `JOBBOT_RETENTION_DAYS` is set — conversations without
//! activity since the cutoff (their shares are revoked with them) and shares that have expired (they leave a
//! tombstone, so recipients still get 410).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{conversations, share_tombstones, shares};
use crate::DbConnection;

/// What a purge deletes: ids and dates only (titles may hold personal data).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub conversations: Vec<(String, NaiveDateTime)>,
    pub expired_shares: Vec<(String, NaiveDateTime)>,
}

pub fn plan(
    conn: &mut DbConnection,
    inactive_before: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<Plan> {
    let conversations = conversations::table
        .filter(conversations::updated_at.lt(inactive_before))
        .order(conversations::updated_at.asc())
        .select((conversations::id, conversations::updated_at))
        .load(conn)?;
    let expired_shares: Vec<(String, Option<NaiveDateTime>)> = shares::table
        .filter(shares::expires_at.le(now))
        .order(shares::expires_at.asc())
        .select((shares::id, shares::expires_at))
        .load(conn)?;
    Ok(Plan {
        conversations,
        expired_shares: expired_shares
            .into_iter()
            .filter_map(|(id, at)| at.map(|at| (id, at)))
            .collect(),
    })
}

/// Deletes exactly what the plan lists, in one transaction.
pub fn apply(conn: &mut DbConnection, plan: &Plan, now: NaiveDateTime) -> QueryResult<()> {
    crate::transaction(conn, |conn| {
        for (id, _) in &plan.conversations {
            crate::assistant::conversations::delete(conn, id)?;
        }
        for (id, _) in &plan.expired_shares {
            if let Some(chat_id) = shares::table
                .find(id)
                .select(shares::chat_id)
                .first::<String>(conn)
                .optional()?
            {
                diesel::insert_into(share_tombstones::table)
                    .values((
                        share_tombstones::share_id.eq(id),
                        share_tombstones::chat_id.eq(chat_id),
                        share_tombstones::created_at.eq(now),
                    ))
                    .execute(conn)?;
                diesel::delete(shares::table.find(id)).execute(conn)?;
            }
        }
        Ok(())
    })
}
