//! Everything an account owns: counted (for the deletion receipt and the export), and deleted in one
//! transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{
    chat_messages, consents, conversations, llm_usage, messages, personal_tokens, sessions, share_tombstones,
    share_views, shares, users,
};
use crate::DbConnection;

/// How many rows of each kind belong to a user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Footprint {
    pub users: i64,
    pub conversations: i64,
    pub messages: i64,
    pub shares: i64,
    pub share_views: i64,
    pub sessions: i64,
    pub personal_tokens: i64,
    pub consents: i64,
    pub usage: i64,
    /// Chat messages they wrote that still carry their name.
    pub chat_messages: i64,
}

pub fn footprint(conn: &mut DbConnection, user_id: &str) -> QueryResult<Footprint> {
    Ok(Footprint {
        users: users::table
            .filter(users::id.eq(user_id))
            .count()
            .get_result(conn)?,
        conversations: conversations::table
            .filter(conversations::user_id.eq(user_id))
            .count()
            .get_result(conn)?,
        messages: messages::table
            .inner_join(conversations::table)
            .filter(conversations::user_id.eq(user_id))
            .count()
            .get_result(conn)?,
        shares: shares::table
            .filter(shares::owner_id.eq(user_id))
            .count()
            .get_result(conn)?,
        share_views: share_views::table
            .filter(share_views::viewer_id.eq(user_id))
            .count()
            .get_result(conn)?,
        sessions: sessions::table
            .filter(sessions::user_id.eq(user_id))
            .count()
            .get_result(conn)?,
        personal_tokens: personal_tokens::table
            .filter(personal_tokens::user_id.eq(user_id))
            .count()
            .get_result(conn)?,
        consents: consents::table
            .filter(consents::user_id.eq(user_id))
            .count()
            .get_result(conn)?,
        usage: llm_usage::table
            .filter(llm_usage::user_id.eq(user_id))
            .count()
            .get_result(conn)?,
        chat_messages: chat_messages::table
            .filter(chat_messages::sender_id.eq(user_id))
            .count()
            .get_result(conn)?,
    })
}

/// Deletes the account and everything it owns; returns what there was. The user's shares leave tombstones
/// (recipients get 410); the chat messages they wrote lose their text and their sender (the other
/// participant keeps the session); conversations forked by others stay theirs.
pub fn delete(conn: &mut DbConnection, user_id: &str, now: NaiveDateTime) -> QueryResult<Footprint> {
    crate::transaction(conn, |conn| {
        let before = footprint(conn, user_id)?;
        let owned: Vec<(String, String)> = shares::table
            .filter(shares::owner_id.eq(user_id))
            .select((shares::id, shares::chat_id))
            .load(conn)?;
        for (share_id, chat_id) in owned {
            diesel::insert_into(share_tombstones::table)
                .values((
                    share_tombstones::share_id.eq(share_id),
                    share_tombstones::chat_id.eq(chat_id),
                    share_tombstones::created_at.eq(now),
                ))
                .execute(conn)?;
        }
        diesel::update(chat_messages::table.filter(chat_messages::sender_id.eq(user_id)))
            .set((
                chat_messages::content.eq(""),
                chat_messages::sender_id.eq(None::<String>),
            ))
            .execute(conn)?;
        // Everything else references the user with ON DELETE CASCADE (SQLite connections enforce foreign keys).
        diesel::delete(users::table.find(user_id)).execute(conn)?;
        crate::auth_changed(conn);
        Ok(before)
    })
}

/// The chat of a share whose owner deleted their account, if that is what happened to it.
pub fn tombstone_chat(conn: &mut DbConnection, share_id: &str) -> QueryResult<Option<String>> {
    share_tombstones::table
        .find(share_id)
        .select(share_tombstones::chat_id)
        .first(conn)
        .optional()
}

/// For the export: everything of the user, by kind. Each is one query; conversations are read one by one.
pub mod export {
    use diesel::prelude::*;

    use crate::assistant::conversations::ConversationRow;
    use crate::chats::ChatMessageRow;
    use crate::consents::ConsentRow;
    use crate::personal_tokens::PersonalTokenRow;
    use crate::schema::{
        chat_members, chat_messages, conversations, llm_usage, personal_tokens, sessions, shares,
    };
    use crate::sessions::SessionRow;
    use crate::shares::ShareRow;
    use crate::usage::UsageRow;
    use crate::DbConnection;

    pub fn sessions(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<SessionRow>> {
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .order(sessions::created_at.asc())
            .select(SessionRow::as_select())
            .load(conn)
    }

    pub fn tokens(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<PersonalTokenRow>> {
        personal_tokens::table
            .filter(personal_tokens::user_id.eq(user_id))
            .order(personal_tokens::created_at.asc())
            .select(PersonalTokenRow::as_select())
            .load(conn)
    }

    pub fn consents(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<ConsentRow>> {
        crate::consents::history(conn, user_id)
    }

    pub fn conversations(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<ConversationRow>> {
        conversations::table
            .filter(conversations::user_id.eq(user_id))
            .order(conversations::created_at.asc())
            .select(ConversationRow::as_select())
            .load(conn)
    }

    pub fn chat_messages_written(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<ChatMessageRow>> {
        chat_messages::table
            .filter(chat_messages::sender_id.eq(user_id))
            .order(chat_messages::created_at.asc())
            .select(ChatMessageRow::as_select())
            .load(conn)
    }

    pub fn shares_made(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<ShareRow>> {
        crate::shares::list_for_owner(conn, user_id)
    }

    /// Shares others made into sessions the user is in.
    pub fn shares_received(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<ShareRow>> {
        shares::table
            .inner_join(chat_members::table.on(chat_members::chat_id.eq(shares::chat_id)))
            .filter(chat_members::user_id.eq(user_id))
            .filter(shares::owner_id.ne(user_id))
            .order(shares::created_at.asc())
            .select(ShareRow::as_select())
            .load(conn)
    }

    pub fn usage(conn: &mut DbConnection, user_id: &str) -> QueryResult<Vec<UsageRow>> {
        llm_usage::table
            .filter(llm_usage::user_id.eq(user_id))
            .order(llm_usage::created_at.asc())
            .select(UsageRow::as_select())
            .load(conn)
    }
}
