//! The shares of JobBot conversations into chats: made, read (each view recorded), changed, revoked, continued
//! as one's own conversation, and the owner's list. Who may do what is `crate::sharing`'s; the members of the
//! chat hear of each change live.

use chrono::TimeDelta;
use jobbot_api_types::{
    ChatMessage, Conversation, CreateShareRequest, LiveEvent, MyShare, Redaction, ShareCard, ShareTranscript,
    ShareView, UpdateShareRequest,
};
use jobbot_db::assistant::conversations::{self, ConversationRow};
use jobbot_db::assistant::messages::{self, MessageRow};
use jobbot_db::chats::{self, ChatMessageRow};
use jobbot_db::shares::{self, ShareRow};
use jobbot_db::DbConnection;
use jobbot_domain::{MessageRole, MessageStatus};

use crate::error::ServiceError;
use crate::realtime::Hub;
use crate::sharing::{self, card, participant};

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, ServiceError> {
    serde_json::to_string(value).map_err(ServiceError::internal)
}

/// Shares one of `user_id`'s conversations into a chat they are in, and posts its card there.
pub fn create(
    conn: &mut DbConnection,
    hub: &Hub,
    user_id: &str,
    chat_id: &str,
    request: &CreateShareRequest,
) -> Result<ChatMessage, ServiceError> {
    let (user_id, chat_id) = (user_id.to_owned(), chat_id.to_owned());
    sharing::member(conn, &user_id, &chat_id)?;
    sharing::ensure_may_share(conn, &chat_id, &user_id)?;
    let conversation: ConversationRow =
        conversations::find_for_user(conn, &user_id, &request.conversation_id)?
            .ok_or_else(ServiceError::not_found)?;
    let now = jobbot_db::now();
    let expires_at = sharing::expiry(request.expires_in_days, now)?;
    let snapshot = sharing::transcript(
        conn,
        &conversation.id,
        request.up_to_message_id.as_deref(),
        &request.redactions,
    )?;
    let share = ShareRow {
        id: jobbot_db::new_id(),
        chat_id: chat_id.clone(),
        owner_id: user_id.clone(),
        conversation_id: Some(conversation.id.clone()),
        mode: request.mode.as_str().into(),
        title: sharing::safe_title(&conversation.title),
        up_to_message_id: request.up_to_message_id.clone(),
        message_count: snapshot.len() as i64,
        snapshot: to_json(&snapshot)?,
        redactions: to_json(&request.redactions)?,
        expires_at: Some(expires_at),
        revoked_at: None,
        created_at: now,
        updated_at: now,
        removed_reason: None,
    };
    let row = ChatMessageRow {
        id: jobbot_db::new_id(),
        chat_id: chat_id.clone(),
        sender_id: Some(user_id.clone()),
        kind: "share".into(),
        content: share.title.clone(),
        share_id: Some(share.id.clone()),
        created_at: now,
    };
    jobbot_db::transaction(conn, |conn| {
        shares::insert(conn, &share)?;
        chats::insert_message(conn, &row)?;
        chats::mark_read(conn, &chat_id, &user_id, now)
    })?;
    let message = sharing::message_dto(conn, row, now)?;
    let members = chats::active_member_ids(conn, &chat_id)?;
    hub.publish(conn, &members, &LiveEvent::ShareCreated(message.clone()), None);
    Ok(message)
}

/// The read-only transcript; a view by the recipient is recorded, the owner also gets the views.
pub fn read(conn: &mut DbConnection, user_id: &str, id: &str) -> Result<ShareTranscript, ServiceError> {
    let now = jobbot_db::now();
    let sharing::Access { share, owner } = sharing::readable(conn, user_id, id, now)?;
    let messages = sharing::current_transcript(conn, &share)?;
    let views = if owner {
        Some(view_list(conn, &share.id)?)
    } else {
        shares::record_view(conn, &share.id, user_id, now)?;
        None
    };
    Ok(ShareTranscript {
        share: card(&share, now),
        messages,
        views,
    })
}

fn view_list(conn: &mut DbConnection, share_id: &str) -> Result<Vec<ShareView>, ServiceError> {
    Ok(shares::views(conn, share_id)?
        .into_iter()
        .map(|(viewer, at)| ShareView {
            viewer,
            viewed_at: at.and_utc(),
        })
        .collect())
}

/// Re-snapshots, switches the mode, changes the expiry or the redactions (the owner only).
pub fn change(
    conn: &mut DbConnection,
    hub: &Hub,
    user_id: &str,
    id: &str,
    changes: &UpdateShareRequest,
) -> Result<ShareCard, ServiceError> {
    let mut share = sharing::changeable(conn, user_id, id)?;
    let now = jobbot_db::now();
    if let Some(mode) = changes.mode {
        share.mode = mode.as_str().into();
    }
    if changes.expires_in_days.is_some() {
        share.expires_at = Some(sharing::expiry(changes.expires_in_days, now)?);
    }
    if let Some(redactions) = &changes.redactions {
        share.redactions = to_json(redactions)?;
    }
    if changes.up_to_message_id.is_some() {
        share.up_to_message_id = changes.up_to_message_id.clone();
    }
    if changes.resnapshot || changes.redactions.is_some() || changes.up_to_message_id.is_some() {
        let conversation_id = share
            .conversation_id
            .clone()
            .ok_or(sharing::SharingError::ConversationGone)?;
        let redactions: Vec<Redaction> =
            serde_json::from_str(&share.redactions).map_err(ServiceError::internal)?;
        let snapshot = sharing::transcript(
            conn,
            &conversation_id,
            share.up_to_message_id.as_deref(),
            &redactions,
        )?;
        share.message_count = snapshot.len() as i64;
        share.snapshot = to_json(&snapshot)?;
    }
    share.updated_at = now;
    shares::update(conn, &share)?;
    let updated = card(&share, now);
    let members = chats::active_member_ids(conn, &share.chat_id)?;
    hub.publish(conn, &members, &LiveEvent::ShareUpdated(updated.clone()), None);
    Ok(updated)
}

/// Revokes a share (the owner only): it is gone for everyone from now on.
pub fn revoke(conn: &mut DbConnection, hub: &Hub, user_id: &str, id: &str) -> Result<(), ServiceError> {
    sharing::owned(conn, user_id, id)?;
    shares::revoke(conn, id, jobbot_db::now())?;
    Ok(sharing::announce_revoked(conn, hub, id)?)
}

/// "Continue as my own conversation": a new conversation of `user_id`'s, seeded with the transcript, answered
/// by `default_model`.
pub fn fork(
    conn: &mut DbConnection,
    user_id: &str,
    id: &str,
    default_model: String,
) -> Result<Conversation, ServiceError> {
    let user_id = user_id.to_owned();
    let now = jobbot_db::now();
    let share = sharing::readable(conn, &user_id, id, now)?.share;
    let transcript = sharing::current_transcript(conn, &share)?;
    let conversation = ConversationRow {
        id: jobbot_db::new_id(),
        user_id: user_id.clone(),
        title: share.title.clone(),
        title_is_auto: false,
        created_at: now,
        updated_at: now,
        // The sharer's offer and application stay theirs: a copy is about nothing of the recipient's.
        offer_id: None,
        application_id: None,
        context_excluded: String::new(),
        model: None,
    };
    jobbot_db::transaction(conn, |conn| {
        conversations::insert(conn, &conversation)?;
        // One line, each message after the one before.
        let mut previous: Option<String> = None;
        for (offset, message) in transcript.iter().enumerate() {
            let at = now + TimeDelta::microseconds(offset as i64);
            let mut row = MessageRow::new(
                &conversation.id,
                MessageRole::parse(&message.role).unwrap_or(MessageRole::Assistant),
                &message.content,
                MessageStatus::Complete,
                at,
            );
            row.parent_id = previous.replace(row.id.clone());
            messages::insert(conn, &row)?;
        }
        Ok::<_, ServiceError>(())
    })?;
    Ok(Conversation {
        id: conversation.id,
        title: conversation.title,
        created_at: conversation.created_at.and_utc(),
        updated_at: conversation.updated_at.and_utc(),
        offer_id: None,
        application_id: None,
        context_excluded: Vec::new(),
        model: default_model,
    })
}

/// Everything `user_id` has shared, with state, expiry and views.
pub fn mine(conn: &mut DbConnection, user_id: &str) -> Result<Vec<MyShare>, ServiceError> {
    let now = jobbot_db::now();
    shares::list_for_owner(conn, user_id)?
        .into_iter()
        .map(|share| {
            let other = chats::other_member(conn, &share.chat_id, user_id)?;
            Ok(MyShare {
                participant: participant(other.as_ref().map(|(_, user)| user)),
                views: view_list(conn, &share.id)?,
                share: card(&share, now),
            })
        })
        .collect::<Result<Vec<_>, ServiceError>>()
}
