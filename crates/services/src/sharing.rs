//! Sharing: who may read, fork or change a shared JobBot conversation right now, and what they see.
//!
//! One rule for every way in (the share page, fork, the export, live events): a share is readable by its owner,
//! and by the other participant of its session while they are still in it, the share is neither revoked nor
//! expired, and neither of the two has blocked the other. A live share follows the conversation up to its cut
//! (`up_to_message_id`) when one was given. Also the presenters of chat messages and share cards, which the
//! routes and the real-time listener both use.

use chrono::{NaiveDateTime, TimeDelta};
use jobbot_api_types::{
    ChatMessage, ChatMessageKind, ChatSummary, LiveEvent, Participant, Redaction, ShareCard, ShareMode,
    ShareState, SharedMessage,
};
use jobbot_db::assistant::messages::{self, MessageRow};
use jobbot_db::chats::{self, ChatMessageRow, ChatRow, MemberRow};
use jobbot_db::shares::{self, ShareRow};
use jobbot_db::users::UserRow;
use jobbot_db::{DbConnection, QueryError};
use jobbot_domain::pii::{self, PiiMatch};
use jobbot_domain::MessageStatus;

use crate::realtime::Hub;

pub const DEFAULT_SHARE_DAYS: u32 = 30;
pub const MAX_SHARE_DAYS: u32 = 365;
const DELETED_USER: &str = "Utilisateur supprimé";

/// What can go wrong with a share; mapped to problems in `crate::error`.
#[derive(Debug, thiserror::Error)]
pub enum SharingError {
    /// Not the caller's to see (or no such share): 404.
    #[error("no such share")]
    NotFound,
    /// Revoked, expired, its conversation deleted, or its owner gone: 410.
    #[error("the share is gone")]
    Gone,
    /// One of the two participants blocked the other: 403.
    #[error("blocked")]
    Blocked,
    #[error("the share was revoked")]
    Revoked,
    #[error("the shared conversation no longer exists")]
    ConversationGone,
    #[error("no such message in the conversation")]
    UnknownMessage,
    #[error("a redaction does not fit its message")]
    InvalidRedaction,
    #[error("the expiry is out of range")]
    ExpiryOutOfRange,
    #[error(transparent)]
    Db(#[from] QueryError),
    #[error("a stored share does not parse: {0}")]
    Corrupt(#[from] serde_json::Error),
}

pub fn participant(user: Option<&UserRow>) -> Participant {
    match user {
        Some(user) => Participant {
            id: Some(user.id.clone()),
            display_name: user.display_name.clone(),
        },
        None => Participant {
            id: None,
            display_name: DELETED_USER.to_owned(),
        },
    }
}

pub fn state_of(row: &ShareRow, now: NaiveDateTime) -> ShareState {
    state_from(row.removed_reason.is_some(), row.revoked_at, row.expires_at, now)
}

/// A share's state from its dates: removed by an admin, revoked, expired at `now`, or active.
pub fn state_from(
    removed: bool,
    revoked_at: Option<NaiveDateTime>,
    expires_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> ShareState {
    if removed {
        ShareState::Removed
    } else if revoked_at.is_some() {
        ShareState::Revoked
    } else if expires_at.is_some_and(|at| at <= now) {
        ShareState::Expired
    } else {
        ShareState::Active
    }
}

pub fn mode_of(row: &ShareRow) -> ShareMode {
    row.share_mode()
}

pub fn card(row: &ShareRow, now: NaiveDateTime) -> ShareCard {
    ShareCard {
        id: row.id.clone(),
        chat_id: row.chat_id.clone(),
        owner_id: row.owner_id.clone(),
        title: row.title.clone(),
        mode: mode_of(row),
        message_count: row.message_count,
        state: state_of(row, now),
        updated: row.updated_at > row.created_at && row.revoked_at.is_none(),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        expires_at: row.expires_at.map(|at| at.and_utc()),
        removed_reason: row.removed_reason.clone(),
    }
}

/// A chat as its member `user_id` lists it: the other participant, the last message, the unread count.
pub fn chat_summary(
    conn: &mut DbConnection,
    user_id: &str,
    chat: ChatRow,
    me: &MemberRow,
) -> Result<ChatSummary, QueryError> {
    let now = jobbot_db::now();
    let other = chats::other_member(conn, &chat.id, user_id)?;
    let blocked = match &other {
        Some((_, user)) => chats::is_blocked(conn, user_id, &user.id)?,
        None => false,
    };
    let last_message = match chats::last_message(conn, &chat.id)? {
        Some(row) => Some(message_dto(conn, row, now)?),
        None => None,
    };
    Ok(ChatSummary {
        participant: participant(other.as_ref().map(|(_, user)| user)),
        last_message,
        unread_count: chats::unread_count(conn, me)?,
        blocked,
        updated_at: chat.updated_at.and_utc(),
        id: chat.id,
    })
}

/// A chat message as the API shows it, with its share card when it carries one.
pub fn message_dto(
    conn: &mut DbConnection,
    row: ChatMessageRow,
    now: NaiveDateTime,
) -> Result<ChatMessage, QueryError> {
    let share = match &row.share_id {
        Some(id) => match shares::find(conn, id)? {
            Some(share) => Some(card(&share, now)),
            // The owner deleted their account: the card stays, revoked and without its title.
            None => jobbot_db::accounts::tombstone_chat(conn, id)?.map(|chat_id| ShareCard {
                id: id.clone(),
                chat_id,
                owner_id: String::new(),
                title: String::new(),
                mode: ShareMode::Snapshot,
                message_count: 0,
                state: ShareState::Revoked,
                updated: false,
                created_at: row.created_at.and_utc(),
                updated_at: row.created_at.and_utc(),
                expires_at: None,
                removed_reason: None,
            }),
        },
        None => None,
    };
    Ok(ChatMessage {
        id: row.id,
        chat_id: row.chat_id,
        kind: if row.kind == "share" {
            ChatMessageKind::Share
        } else {
            ChatMessageKind::Text
        },
        // A deleted sender's words are not kept on screen.
        content: if row.sender_id.is_some() {
            row.content
        } else {
            String::new()
        },
        sender_id: row.sender_id,
        share,
        created_at: row.created_at.and_utc(),
    })
}

/// Whether either of the two users blocked the other.
pub fn blocked_between(conn: &mut DbConnection, a: &str, b: &str) -> Result<bool, QueryError> {
    Ok(chats::is_blocked(conn, a, b)? || chats::is_blocked(conn, b, a)?)
}

/// The other participant of the share's session blocked its owner, or the owner blocked them.
fn blocked_in_session(conn: &mut DbConnection, share: &ShareRow) -> Result<bool, QueryError> {
    match chats::other_member(conn, &share.chat_id, &share.owner_id)? {
        Some((_, other)) => blocked_between(conn, &share.owner_id, &other.id),
        None => Ok(false),
    }
}

/// A share the caller may act on, and whether they own it.
pub struct Access {
    pub share: ShareRow,
    pub owner: bool,
}

/// The share as `user_id` may read or fork it now: its owner until they revoke it (an expired share stays
/// theirs to see and extend); the recipient only while it is active, they are in the session, and no one
/// blocked anyone. A revoked share is gone for everyone (its card stays in the owner's list).
pub fn readable(
    conn: &mut DbConnection,
    user_id: &str,
    id: &str,
    now: NaiveDateTime,
) -> Result<Access, SharingError> {
    let Some(share) = shares::find(conn, id)? else {
        // Its owner deleted their account: gone for the other participant, unknown to anyone else.
        return match jobbot_db::accounts::tombstone_chat(conn, id)? {
            Some(chat_id) if chats::find_for_member(conn, user_id, &chat_id)?.is_some() => {
                Err(SharingError::Gone)
            }
            _ => Err(SharingError::NotFound),
        };
    };
    if share.owner_id == user_id {
        if share.revoked_at.is_some() {
            return Err(SharingError::Gone);
        }
        return Ok(Access { share, owner: true });
    }
    if chats::find_for_member(conn, user_id, &share.chat_id)?.is_none() {
        return Err(SharingError::NotFound);
    }
    if share.is_gone(now) {
        return Err(SharingError::Gone);
    }
    // An administrator disabled the owner: their shares are gone until the account is enabled again.
    if jobbot_db::users::find(conn, &share.owner_id)?.is_some_and(|owner| owner.is_disabled()) {
        return Err(SharingError::Gone);
    }
    if blocked_between(conn, user_id, &share.owner_id)? {
        return Err(SharingError::Blocked);
    }
    Ok(Access { share, owner: false })
}

/// The owner's share, for a change: not revoked, and not while a block stands between the two participants.
pub fn changeable(conn: &mut DbConnection, user_id: &str, id: &str) -> Result<ShareRow, SharingError> {
    let share = shares::find(conn, id)?
        .filter(|s| s.owner_id == user_id)
        .ok_or(SharingError::NotFound)?;
    if share.revoked_at.is_some() {
        return Err(SharingError::Revoked);
    }
    if blocked_in_session(conn, &share)? {
        return Err(SharingError::Blocked);
    }
    Ok(share)
}

/// The owner's share, to revoke (always allowed, blocked or not).
pub fn owned(conn: &mut DbConnection, user_id: &str, id: &str) -> Result<ShareRow, SharingError> {
    shares::find(conn, id)?
        .filter(|s| s.owner_id == user_id)
        .ok_or(SharingError::NotFound)
}

/// The transcript a share shows: the conversation's messages up to `up_to`, with the redactions applied.
pub fn transcript(
    conn: &mut DbConnection,
    conversation_id: &str,
    up_to: Option<&str>,
    redactions: &[Redaction],
) -> Result<Vec<SharedMessage>, SharingError> {
    let mut rows: Vec<MessageRow> = messages::page(conn, conversation_id, None, 10_000)?;
    if let Some(up_to) = up_to {
        let position = rows
            .iter()
            .position(|m| m.id == up_to)
            .ok_or(SharingError::UnknownMessage)?;
        rows.truncate(position + 1);
    }
    let mut shared = Vec::new();
    for row in rows
        .into_iter()
        .filter(|m| !m.content.is_empty() && m.message_status() != MessageStatus::Streaming)
    {
        let matches: Vec<PiiMatch> = redactions
            .iter()
            .filter(|r| r.message_id == row.id)
            .map(|r| PiiMatch {
                kind: r.kind,
                start: r.start,
                end: r.end,
            })
            .collect();
        for m in &matches {
            if m.start >= m.end
                || m.end > row.content.len()
                || !row.content.is_char_boundary(m.start)
                || !row.content.is_char_boundary(m.end)
            {
                return Err(SharingError::InvalidRedaction);
            }
        }
        shared.push(SharedMessage {
            role: row.role.clone(),
            content: pii::redact(&row.content, &matches),
            created_at: row.created_at.and_utc(),
        });
    }
    Ok(shared)
}

/// What the share shows now: a snapshot its frozen transcript; a live share the conversation as it is, up to
/// its cut (the frozen transcript if the cut message or the conversation has gone since).
pub fn current_transcript(
    conn: &mut DbConnection,
    share: &ShareRow,
) -> Result<Vec<SharedMessage>, SharingError> {
    if let (ShareMode::Live, Some(conversation_id)) = (mode_of(share), &share.conversation_id) {
        let redactions: Vec<Redaction> = serde_json::from_str(&share.redactions)?;
        match transcript(
            conn,
            conversation_id,
            share.up_to_message_id.as_deref(),
            &redactions,
        ) {
            Err(SharingError::UnknownMessage | SharingError::InvalidRedaction) => {}
            other => return other,
        }
    }
    Ok(serde_json::from_str(&share.snapshot)?)
}

/// The conversation's title with every likely piece of personal data redacted. Titles default to the first
/// question, which the preview does not show as such: nothing personal may ride along in the card.
pub fn safe_title(title: &str) -> String {
    pii::redact(title, &pii::detect(title))
}

pub fn expiry(days: Option<u32>, now: NaiveDateTime) -> Result<NaiveDateTime, SharingError> {
    let days = days.unwrap_or(DEFAULT_SHARE_DAYS);
    if days == 0 || days > MAX_SHARE_DAYS {
        return Err(SharingError::ExpiryOutOfRange);
    }
    Ok(now + TimeDelta::days(i64::from(days)))
}

/// A share received, as the recipient's export holds it: the transcript only while they may read it, else its
/// tombstone (title, dates, state).
pub struct Received {
    pub share: ShareRow,
    pub state: ShareState,
    pub transcript: Option<Vec<SharedMessage>>,
}

pub fn received(
    conn: &mut DbConnection,
    user_id: &str,
    now: NaiveDateTime,
) -> Result<Vec<Received>, SharingError> {
    let mut list = Vec::new();
    for share in jobbot_db::accounts::export::shares_received(conn, user_id)? {
        let transcript = match readable(conn, user_id, &share.id, now) {
            Ok(access) => Some(current_transcript(conn, &access.share)?),
            Err(SharingError::NotFound | SharingError::Gone | SharingError::Blocked) => None,
            Err(other) => return Err(other),
        };
        list.push(Received {
            state: state_of(&share, now),
            share,
            transcript,
        });
    }
    Ok(list)
}

/// A chat message as its live event, read back from the database (for events too large for NOTIFY).
pub fn message_event(conn: &mut DbConnection, chat_id: &str, message_id: &str) -> Option<String> {
    let row = chats::find_message(conn, chat_id, message_id).ok()??;
    let message = message_dto(conn, row, jobbot_db::now()).ok()?;
    serde_json::to_string(&LiveEvent::ChatMessage(message)).ok()
}

/// Tells the session's participants that a share is revoked (their cards turn "revoked").
pub fn announce_revoked(conn: &mut DbConnection, hub: &Hub, share_id: &str) -> Result<(), QueryError> {
    if let Some(share) = shares::find(conn, share_id)? {
        let members = chats::active_member_ids(conn, &share.chat_id)?;
        hub.publish(
            conn,
            &members,
            &LiveEvent::ShareRevoked(card(&share, jobbot_db::now())),
            None,
        );
    }
    Ok(())
}

/// The session if `user_id` is in it; anyone else gets 404.
pub fn member(
    conn: &mut DbConnection,
    user_id: &str,
    chat_id: &str,
) -> Result<(chats::ChatRow, chats::MemberRow), SharingError> {
    chats::find_for_member(conn, user_id, chat_id)?.ok_or(SharingError::NotFound)
}

/// A share may be posted only while no block stands between the two participants: neither could read it.
pub fn ensure_may_share(conn: &mut DbConnection, chat_id: &str, user_id: &str) -> Result<(), SharingError> {
    if let Some((_, other)) = chats::other_member(conn, chat_id, user_id)? {
        if blocked_between(conn, user_id, &other.id)? {
            return Err(SharingError::Blocked);
        }
    }
    Ok(())
}
