//! Chat sessions between users, and JobBot conversations shared into them.

use crate::offers::UnreadNotifications;
use chrono::{DateTime, Utc};
use jobbot_domain::pii::PiiKind;
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OpenChatRequest {
    pub participant_email: String,
}

/// The other person in a session. `id` is absent once their account is deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Participant {
    pub id: Option<String>,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChatSummary {
    pub id: String,
    pub participant: Participant,
    pub last_message: Option<ChatMessage>,
    pub unread_count: i64,
    /// True when the caller has blocked the other participant.
    pub blocked: bool,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChatMessageKind {
    Text,
    Share,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChatMessage {
    pub id: String,
    pub chat_id: String,
    /// Absent once the sender's account is deleted.
    pub sender_id: Option<String>,
    pub kind: ChatMessageKind,
    pub content: String,
    /// For `share` messages: the card.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<ShareCard>,
    pub created_at: DateTime<Utc>,
}

/// `before` / `after`: a message id to page from; `limit` 1–200 (default 50). Oldest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ChatMessageQuery {
    pub before: Option<String>,
    pub after: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChatMessagePage {
    pub items: Vec<ChatMessage>,
    pub has_more: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PostChatMessageRequest {
    /// 1 to 4,000 characters.
    pub content: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MarkReadRequest {
    pub message_id: String,
}

pub use jobbot_domain::ShareMode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ShareState {
    Active,
    Revoked,
    Expired,
    /// Removed by an administrator (moderation); `removed_reason` says why.
    Removed,
}

/// One piece of personal data to hide in the shared copy: bytes `start..end` of a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Redaction {
    pub message_id: String,
    #[serde(deserialize_with = "crate::whole::usize")]
    pub start: usize,
    #[serde(deserialize_with = "crate::whole::usize")]
    pub end: usize,
    /// `email`, `phone`, `social_security_number`, `birth_date` or `postal_address`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "phone"))]
    pub kind: PiiKind,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateShareRequest {
    pub conversation_id: String,
    pub mode: ShareMode,
    /// Snapshot up to this message (inclusive); default: all of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to_message_id: Option<String>,
    /// 1 to 365; default 30.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::whole::option_u32"
    )]
    pub expires_in_days: Option<u32>,
    #[serde(default)]
    pub redactions: Vec<Redaction>,
}

/// Changes to a share (owner only). `resnapshot: true` freezes the transcript again as it is now.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateShareRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<ShareMode>,
    #[serde(default)]
    pub resnapshot: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to_message_id: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::whole::option_u32"
    )]
    pub expires_in_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redactions: Option<Vec<Redaction>>,
}

/// What the chat shows of a share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ShareCard {
    pub id: String,
    pub chat_id: String,
    pub owner_id: String,
    pub title: String,
    pub mode: ShareMode,
    pub message_count: i64,
    pub state: ShareState,
    /// True once the owner has re-snapshotted or changed it.
    pub updated: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Why an administrator removed it (state `removed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SharedMessage {
    /// `user` or `assistant`.
    pub role: String,
    pub content: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ShareView {
    pub viewer: String,
    pub viewed_at: DateTime<Utc>,
}

/// The read-only transcript; `views` only for the owner.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ShareTranscript {
    pub share: ShareCard,
    pub messages: Vec<SharedMessage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub views: Option<Vec<ShareView>>,
}

/// One of my shares, for reviewing and revoking them in one place.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MyShare {
    pub share: ShareCard,
    pub participant: Participant,
    pub views: Vec<ShareView>,
}

/// WebSocket `chat.read`: a participant read everything up to a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChatReadEvent {
    pub chat_id: String,
    pub user_id: String,
    pub message_id: String,
    pub read_at: DateTime<Utc>,
}

/// What `/api/v1/ws` sends: `{"type": "chat.message", "data": {…}}`, the data being the REST API's JSON.
/// `resync` (no data to speak of) tells a client it missed events and should catch up through REST.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(tag = "type", content = "data")]
pub enum LiveEvent {
    #[serde(rename = "chat.message")]
    ChatMessage(ChatMessage),
    #[serde(rename = "chat.read")]
    ChatRead(ChatReadEvent),
    #[serde(rename = "share.created")]
    ShareCreated(ChatMessage),
    #[serde(rename = "share.updated")]
    ShareUpdated(ShareCard),
    #[serde(rename = "share.revoked")]
    ShareRevoked(ShareCard),
    #[serde(rename = "resync")]
    Resync(Resync),
    /// Some of this user's sessions were ended by someone else (an admin's logout, a disabled account): the
    /// sockets of the ended ones close right after it; a client checks its own session.
    #[serde(rename = "session.ended")]
    SessionEnded(Resync),
    /// The user's unread notifications changed (a saved search's alert, or read elsewhere); sent on connect too
    /// when some are unread.
    #[serde(rename = "notifications")]
    Notifications(UnreadNotifications),
    /// The assistant started a reply in one of the user's conversations (asked from another tab or device):
    /// `GET /api/v1/conversations/{id}/stream` follows it.
    #[serde(rename = "conversation.reply")]
    ConversationReply(ReplyStarted),
}

/// The data of a `conversation.reply` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReplyStarted {
    pub conversation_id: String,
    /// The reply being written.
    pub message_id: String,
}

/// The (empty) data of a `resync` event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Resync {}

impl LiveEvent {
    /// The type tag, as the wire names it (for logs).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ChatMessage(_) => "chat.message",
            Self::ChatRead(_) => "chat.read",
            Self::ShareCreated(_) => "share.created",
            Self::ShareUpdated(_) => "share.updated",
            Self::ShareRevoked(_) => "share.revoked",
            Self::Resync(_) => "resync",
            Self::SessionEnded(_) => "session.ended",
            Self::Notifications(_) => "notifications",
            Self::ConversationReply(_) => "conversation.reply",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_events_keep_their_wire_shape() {
        let resync = serde_json::to_value(LiveEvent::Resync(Resync {})).expect("json");
        assert_eq!(resync, serde_json::json!({"type": "resync", "data": {}}));
        let read: LiveEvent = serde_json::from_value(serde_json::json!({"type": "chat.read", "data": {
            "chat_id": "c", "user_id": "u", "message_id": "m", "read_at": "2026-01-01T00:00:00Z"}}))
        .expect("parse");
        assert_eq!(read.kind(), "chat.read");
    }
}
