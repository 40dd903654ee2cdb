//! One-to-one chat sessions, their members, messages, read marks and blocks.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::{blocks, chat_members, chat_messages, chats, users};
use crate::users::UserRow;
use crate::DbConnection;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = chats)]
pub struct ChatRow {
    pub id: String,
    pub pair_key: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = chat_members)]
pub struct MemberRow {
    pub chat_id: String,
    pub user_id: String,
    pub joined_at: NaiveDateTime,
    pub left_at: Option<NaiveDateTime>,
    pub last_read_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = chat_messages)]
pub struct ChatMessageRow {
    pub id: String,
    pub chat_id: String,
    pub sender_id: Option<String>,
    pub kind: String,
    pub content: String,
    pub share_id: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The key that makes a pair's session unique, whoever opens it.
pub fn pair_key(a: &str, b: &str) -> String {
    if a <= b {
        format!("{a}:{b}")
    } else {
        format!("{b}:{a}")
    }
}

/// The pair's session, creating it (or re-joining a member who left) as needed. Returns it and whether it
/// is new.
pub fn open(
    conn: &mut DbConnection,
    user: &str,
    other: &str,
    now: NaiveDateTime,
) -> QueryResult<(ChatRow, bool)> {
    crate::transaction(conn, |conn| {
        let key = pair_key(user, other);
        if let Some(chat) = chats::table
            .filter(chats::pair_key.eq(&key))
            .select(ChatRow::as_select())
            .first(conn)
            .optional()?
        {
            diesel::update(chat_members::table.find((&chat.id, user)))
                .set(chat_members::left_at.eq(None::<NaiveDateTime>))
                .execute(conn)?;
            return Ok((chat, false));
        }
        let chat = ChatRow {
            id: crate::new_id(),
            pair_key: key,
            created_at: now,
            updated_at: now,
        };
        diesel::insert_into(chats::table).values(&chat).execute(conn)?;
        for member in [user, other] {
            let row = MemberRow {
                chat_id: chat.id.clone(),
                user_id: member.to_owned(),
                joined_at: now,
                left_at: None,
                last_read_at: None,
            };
            diesel::insert_into(chat_members::table)
                .values(&row)
                .execute(conn)?;
        }
        Ok((chat, true))
    })
}

/// The session if `user_id` is a current member: anyone else gets `None` (the API answers 404).
pub fn find_for_member(
    conn: &mut DbConnection,
    user_id: &str,
    chat_id: &str,
) -> QueryResult<Option<(ChatRow, MemberRow)>> {
    chats::table
        .inner_join(chat_members::table)
        .filter(chats::id.eq(chat_id))
        .filter(chat_members::user_id.eq(user_id))
        .filter(chat_members::left_at.is_null())
        .select((ChatRow::as_select(), MemberRow::as_select()))
        .first(conn)
        .optional()
}

/// The other participant, with their account (`None` if it was deleted).
pub fn other_member(
    conn: &mut DbConnection,
    chat_id: &str,
    user_id: &str,
) -> QueryResult<Option<(MemberRow, UserRow)>> {
    chat_members::table
        .inner_join(users::table)
        .filter(chat_members::chat_id.eq(chat_id))
        .filter(chat_members::user_id.ne(user_id))
        .select((MemberRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()
}

/// The user's current sessions, newest activity first.
pub fn list_for_user(
    conn: &mut DbConnection,
    user_id: &str,
    limit: i64,
) -> QueryResult<Vec<(ChatRow, MemberRow)>> {
    chats::table
        .inner_join(chat_members::table)
        .filter(chat_members::user_id.eq(user_id))
        .filter(chat_members::left_at.is_null())
        .order((chats::updated_at.desc(), chats::id.desc()))
        .limit(limit)
        .select((ChatRow::as_select(), MemberRow::as_select()))
        .load(conn)
}

pub fn insert_message(conn: &mut DbConnection, message: &ChatMessageRow) -> QueryResult<()> {
    crate::transaction(conn, |conn| insert_message_in(conn, message))
}

/// `insert_message` inside a transaction the caller holds.
pub fn insert_message_in(conn: &mut DbConnection, message: &ChatMessageRow) -> QueryResult<()> {
    diesel::insert_into(chat_messages::table)
        .values(message)
        .execute(conn)?;
    diesel::update(chats::table.find(&message.chat_id))
        .set(chats::updated_at.eq(message.created_at))
        .execute(conn)?;
    Ok(())
}

/// Everything posting a message must know about a chat, in one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostAudience {
    /// The poster is a member who has not left.
    pub is_member: bool,
    /// Another member (present or gone) blocks the poster.
    pub blocked: bool,
    /// The members who have not left: who receives the message live.
    pub active: Vec<String>,
}

pub fn post_audience(conn: &mut DbConnection, chat_id: &str, user_id: &str) -> QueryResult<PostAudience> {
    let rows: Vec<(String, Option<NaiveDateTime>, Option<String>)> = chat_members::table
        .left_join(
            blocks::table.on(blocks::blocker_id
                .eq(chat_members::user_id)
                .and(blocks::blocked_id.eq(user_id))),
        )
        .filter(chat_members::chat_id.eq(chat_id))
        .select((
            chat_members::user_id,
            chat_members::left_at,
            blocks::blocker_id.nullable(),
        ))
        .load(conn)?;
    Ok(PostAudience {
        is_member: rows.iter().any(|(id, left, _)| id == user_id && left.is_none()),
        blocked: rows
            .iter()
            .any(|(id, _, blocker)| id != user_id && blocker.is_some()),
        active: rows
            .into_iter()
            .filter(|(_, left, _)| left.is_none())
            .map(|(id, _, _)| id)
            .collect(),
    })
}

/// [`post_audience`] for many `(chat id, poster id)` pairs in two queries (the chat writer's batch), in order.
pub fn post_audiences(conn: &mut DbConnection, posts: &[(&str, &str)]) -> QueryResult<Vec<PostAudience>> {
    use std::collections::{BTreeSet, HashMap, HashSet};
    let chat_ids: BTreeSet<&str> = posts.iter().map(|(chat, _)| *chat).collect();
    let posters: BTreeSet<&str> = posts.iter().map(|(_, poster)| *poster).collect();
    let mut members: HashMap<String, Vec<(String, Option<NaiveDateTime>)>> = HashMap::new();
    let rows: Vec<(String, String, Option<NaiveDateTime>)> = chat_members::table
        .filter(chat_members::chat_id.eq_any(chat_ids))
        .select((
            chat_members::chat_id,
            chat_members::user_id,
            chat_members::left_at,
        ))
        .load(conn)?;
    for (chat_id, user_id, left_at) in rows {
        members.entry(chat_id).or_default().push((user_id, left_at));
    }
    let blocking: HashSet<(String, String)> = blocks::table
        .filter(blocks::blocked_id.eq_any(posters))
        .select((blocks::blocker_id, blocks::blocked_id))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(posts
        .iter()
        .map(|(chat_id, poster)| {
            let rows = members.get(*chat_id).map(Vec::as_slice).unwrap_or_default();
            PostAudience {
                is_member: rows.iter().any(|(id, left)| id == poster && left.is_none()),
                blocked: rows
                    .iter()
                    .any(|(id, _)| id != poster && blocking.contains(&(id.clone(), (*poster).to_owned()))),
                active: rows
                    .iter()
                    .filter(|(_, left)| left.is_none())
                    .map(|(id, _)| id.clone())
                    .collect(),
            }
        })
        .collect())
}

/// Stores text messages (the chat writer's batch): the rows, each chat's activity time and each sender's
/// read mark (their own message is read). Inside the caller's transaction. On PostgreSQL three statements
/// whatever the number of messages; on SQLite (in-process, no round trips) one statement each.
pub fn insert_messages(conn: &mut DbConnection, rows: &[ChatMessageRow]) -> QueryResult<()> {
    use std::collections::BTreeMap;
    // The latest time per chat, and per (chat, sender).
    let mut chats_at: BTreeMap<&str, NaiveDateTime> = BTreeMap::new();
    let mut read_at: BTreeMap<(&str, &str), NaiveDateTime> = BTreeMap::new();
    for row in rows {
        let at = chats_at.entry(&row.chat_id).or_insert(row.created_at);
        *at = (*at).max(row.created_at);
        if let Some(sender) = &row.sender_id {
            let at = read_at.entry((&row.chat_id, sender)).or_insert(row.created_at);
            *at = (*at).max(row.created_at);
        }
    }
    match conn {
        DbConnection::Pg(pg) => {
            use diesel::sql_types::{Array, Text, Timestamp};
            diesel::insert_into(chat_messages::table)
                .values(rows)
                .execute(pg)?;
            let (ids, times): (Vec<&str>, Vec<NaiveDateTime>) = chats_at.into_iter().unzip();
            diesel::sql_query(
                "UPDATE chats SET updated_at = v.at FROM unnest($1, $2) AS v(id, at) \
                 WHERE chats.id = v.id AND chats.updated_at < v.at",
            )
            .bind::<Array<Text>, _>(ids)
            .bind::<Array<Timestamp>, _>(times)
            .execute(pg)?;
            let mut chat_ids = Vec::new();
            let mut user_ids = Vec::new();
            let mut times = Vec::new();
            for ((chat_id, user_id), at) in read_at {
                chat_ids.push(chat_id);
                user_ids.push(user_id);
                times.push(at);
            }
            diesel::sql_query(
                "UPDATE chat_members SET last_read_at = v.at FROM unnest($1, $2, $3) AS v(chat_id, user_id, at) \
                 WHERE chat_members.chat_id = v.chat_id AND chat_members.user_id = v.user_id \
                 AND (chat_members.last_read_at IS NULL OR chat_members.last_read_at < v.at)",
            )
            .bind::<Array<Text>, _>(chat_ids)
            .bind::<Array<Text>, _>(user_ids)
            .bind::<Array<Timestamp>, _>(times)
            .execute(pg)?;
            Ok(())
        }
        DbConnection::Sqlite(_) => {
            for row in rows {
                diesel::insert_into(chat_messages::table)
                    .values(row)
                    .execute(conn)?;
            }
            for (chat_id, at) in chats_at {
                diesel::update(chats::table.find(chat_id).filter(chats::updated_at.lt(at)))
                    .set(chats::updated_at.eq(at))
                    .execute(conn)?;
            }
            for ((chat_id, user_id), at) in read_at {
                mark_read(conn, chat_id, user_id, at)?;
            }
            Ok(())
        }
    }
}

pub fn find_message(conn: &mut DbConnection, chat_id: &str, id: &str) -> QueryResult<Option<ChatMessageRow>> {
    chat_messages::table
        .filter(chat_messages::chat_id.eq(chat_id))
        .filter(chat_messages::id.eq(id))
        .select(ChatMessageRow::as_select())
        .first(conn)
        .optional()
}

/// Where a page starts or ends: a message's time and id.
pub type Cursor = (NaiveDateTime, String);

/// A page of messages, oldest first: the latest `limit` before `before`, or the first `limit` after `after`.
pub fn messages(
    conn: &mut DbConnection,
    chat_id: &str,
    before: Option<&Cursor>,
    after: Option<&Cursor>,
    limit: i64,
) -> QueryResult<Vec<ChatMessageRow>> {
    let mut query = chat_messages::table
        .filter(chat_messages::chat_id.eq(chat_id))
        .into_boxed();
    if let Some((at, id)) = before {
        query = query.filter(
            chat_messages::created_at.lt(*at).or(chat_messages::created_at
                .eq(*at)
                .and(chat_messages::id.lt(id.clone()))),
        );
    }
    if let Some((at, id)) = after {
        query = query.filter(
            chat_messages::created_at.gt(*at).or(chat_messages::created_at
                .eq(*at)
                .and(chat_messages::id.gt(id.clone()))),
        );
        return query
            .order((chat_messages::created_at.asc(), chat_messages::id.asc()))
            .limit(limit)
            .select(ChatMessageRow::as_select())
            .load(conn);
    }
    let mut newest_first: Vec<ChatMessageRow> = query
        .order((chat_messages::created_at.desc(), chat_messages::id.desc()))
        .limit(limit)
        .select(ChatMessageRow::as_select())
        .load(conn)?;
    newest_first.reverse();
    Ok(newest_first)
}

pub fn last_message(conn: &mut DbConnection, chat_id: &str) -> QueryResult<Option<ChatMessageRow>> {
    Ok(messages(conn, chat_id, None, None, 1)?.pop())
}

/// Messages from others that `member` has not read.
pub fn unread_count(conn: &mut DbConnection, member: &MemberRow) -> QueryResult<i64> {
    let mut query = chat_messages::table
        .filter(chat_messages::chat_id.eq(&member.chat_id))
        .filter(
            chat_messages::sender_id
                .is_null()
                .or(chat_messages::sender_id.ne(member.user_id.clone())),
        )
        .into_boxed();
    if let Some(read) = member.last_read_at {
        query = query.filter(chat_messages::created_at.gt(read));
    }
    query.count().get_result(conn)
}

/// Marks everything up to `at` as read (never moves the mark back).
pub fn mark_read(
    conn: &mut DbConnection,
    chat_id: &str,
    user_id: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        chat_members::table.find((chat_id, user_id)).filter(
            chat_members::last_read_at
                .is_null()
                .or(chat_members::last_read_at.lt(at)),
        ),
    )
    .set(chat_members::last_read_at.eq(at))
    .execute(conn)
    .map(|_| ())
}

pub fn leave(conn: &mut DbConnection, chat_id: &str, user_id: &str, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(chat_members::table.find((chat_id, user_id)))
        .set(chat_members::left_at.eq(now))
        .execute(conn)
        .map(|_| ())
}

pub fn block(conn: &mut DbConnection, blocker: &str, blocked: &str, now: NaiveDateTime) -> QueryResult<()> {
    let exists = blocks::table
        .find((blocker, blocked))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if !exists {
        diesel::insert_into(blocks::table)
            .values((
                blocks::blocker_id.eq(blocker),
                blocks::blocked_id.eq(blocked),
                blocks::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn unblock(conn: &mut DbConnection, blocker: &str, blocked: &str) -> QueryResult<()> {
    diesel::delete(blocks::table.find((blocker, blocked)))
        .execute(conn)
        .map(|_| ())
}

/// Whether `blocker` has blocked `blocked`.
pub fn is_blocked(conn: &mut DbConnection, blocker: &str, blocked: &str) -> QueryResult<bool> {
    Ok(blocks::table
        .find((blocker, blocked))
        .count()
        .get_result::<i64>(conn)?
        > 0)
}

/// The ids of the session's current members (those who have not left).
pub fn active_member_ids(conn: &mut DbConnection, chat_id: &str) -> QueryResult<Vec<String>> {
    chat_members::table
        .filter(chat_members::chat_id.eq(chat_id))
        .filter(chat_members::left_at.is_null())
        .select(chat_members::user_id)
        .load(conn)
}
