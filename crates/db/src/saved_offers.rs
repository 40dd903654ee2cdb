//! The offers candidates save (bookmarks), with when they saved them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::offers::OfferRow;
use crate::schema::{job_offers, saved_offers};
use crate::DbConnection;

/// Saves an offer for a user (saving it twice changes nothing).
pub fn save(conn: &mut DbConnection, user_id: &str, offer_id: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(saved_offers::table)
        .values((
            saved_offers::user_id.eq(user_id),
            saved_offers::offer_id.eq(offer_id),
            saved_offers::created_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
        .or_else(|e| {
            if crate::is_unique_violation(&e) {
                Ok(())
            } else {
                Err(e)
            }
        })
}

/// Whether there was something to remove.
pub fn unsave(conn: &mut DbConnection, user_id: &str, offer_id: &str) -> QueryResult<bool> {
    diesel::delete(saved_offers::table.find((user_id, offer_id)))
        .execute(conn)
        .map(|n| n > 0)
}

/// A user's saved offers with when they saved them, the latest first.
pub fn saved(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<(OfferRow, NaiveDateTime)>> {
    saved_offers::table
        .inner_join(job_offers::table)
        .filter(saved_offers::user_id.eq(user_id))
        .order((saved_offers::created_at.desc(), job_offers::id.desc()))
        .select((OfferRow::as_select(), saved_offers::created_at))
        .load(conn)
}

/// Which of `offer_ids` the user saved.
pub fn saved_among(conn: &mut DbConnection, user_id: &str, offer_ids: &[String]) -> QueryResult<Vec<String>> {
    saved_offers::table
        .filter(saved_offers::user_id.eq(user_id))
        .filter(saved_offers::offer_id.eq_any(offer_ids))
        .select(saved_offers::offer_id)
        .load(conn)
}
