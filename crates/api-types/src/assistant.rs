//! JobBot conversations with the assistant, their messages, and the streaming events.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Conversation {
    pub id: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
    /// Time of the last message: lists are sorted on it, newest first.
    pub updated_at: DateTime<Utc>,
    /// The offer it is about, while that exists: its text goes with each question.
    pub offer_id: Option<String>,
    /// The application it is about, while that exists: its state goes with each question.
    pub application_id: Option<String>,
    /// The parts of the workspace the candidate left out of what the AI provider is sent.
    #[serde(default)]
    pub context_excluded: Vec<ContextPart>,
    /// The model that answers its next questions: the one picked, while the operator still offers it, else the
    /// default (see `GET /api/v1/assistant`).
    #[serde(default)]
    pub model: String,
}

/// A part of the candidate's workspace that goes with each question of a grounded conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContextPart {
    /// The offer's text (title, company, contract, place, salary, description).
    Offer,
    /// The application's state (status and its history, contact, next action, notes).
    Application,
    /// The candidate's profile (headline, jobs and places looked for, skills, experience, education, languages).
    Profile,
    /// The text of the candidate's CV (as extracted from their PDF, or as they corrected it).
    Cv,
}

impl ContextPart {
    pub const ALL: [ContextPart; 4] = [
        ContextPart::Offer,
        ContextPart::Application,
        ContextPart::Profile,
        ContextPart::Cv,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContextPart::Offer => "offer",
            ContextPart::Application => "application",
            ContextPart::Profile => "profile",
            ContextPart::Cv => "cv",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == raw)
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreateConversationRequest {
    /// 1 to 200 characters; by default the first question becomes the title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// An offer the caller can see: its text grounds the answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<String>,
    /// One of the caller's applications: its state grounds the answers, and its offer's text too when
    /// `offer_id` is not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_id: Option<String>,
    /// Parts to leave out of what the AI provider is sent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context_excluded: Vec<ContextPart>,
    /// One of the models `GET /api/v1/assistant` lists (422 `invalid_choice` otherwise); by default the
    /// operator's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// Changes: only the fields given change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UpdateConversationRequest {
    /// 1 to 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The parts to leave out from now on (`[]`: send them all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_excluded: Option<Vec<ContextPart>>,
    /// The model for the next questions: one of those `GET /api/v1/assistant` lists (422 `invalid_choice`
    /// otherwise). A reply being written keeps the model it started with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Shows the branch through this message (one of a message's `siblings`): its ancestors, itself, and
    /// after it the newest answer at each step. 404 if it is not in the conversation; 409
    /// `reply_in_progress` while a reply is being written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_message_id: Option<String>,
}

/// What a grounded conversation sends the AI provider with each question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CoachContext {
    /// Each part the conversation is about, with the exact text sent for it.
    pub parts: Vec<CoachContextPart>,
    /// The system message exactly as the AI provider receives it: JobBot's instructions, then the parts
    /// included.
    pub system_prompt: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CoachContextPart {
    pub part: ContextPart,
    /// The heading it has in the system message.
    pub title: String,
    pub text: String,
    /// `false` when the candidate left it out.
    pub included: bool,
}

/// `GET /api/v1/assistant/context`: what a conversation about this offer and/or application would send.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ContextQuery {
    pub offer_id: Option<String>,
    pub application_id: Option<String>,
    /// Parts to leave out, comma-separated: `offer`, `application`, `profile`.
    pub exclude: Option<String>,
}

/// `?q=` searches titles and message text (case-insensitive); `limit` 1–100 (default 20), `offset`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct ConversationQuery {
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConversationPage {
    pub items: Vec<Conversation>,
    /// The `offset` of the next page, when there is one.
    pub next_offset: Option<i64>,
}

/// Messages oldest first; `after` (a message id) continues from a message, `limit` 1–200 (default 100).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct MessageQuery {
    pub after: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MessagePage {
    pub items: Vec<Message>,
    pub has_more: bool,
}

pub use jobbot_domain::{MessageRole, MessageStatus};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TokenUsage {
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Message {
    pub id: String,
    pub role: MessageRole,
    pub content: String,
    pub status: MessageStatus,
    pub created_at: DateTime<Utc>,
    /// Assistant messages: `mistral`, `openrouter`, `openai` or `offline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<TokenUsage>,
    /// Milliseconds from the request to the end of the reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<i64>,
    /// Why a `failed` reply failed (`llm_unavailable`, `llm_timeout`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The caller's rating of this reply (assistant messages, in the conversation's own pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feedback: Option<Feedback>,
    /// The model chosen for this reply when it kept failing (rate limits, unavailable) and the operator's
    /// fallback model, `model`, wrote the reply instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_from: Option<String>,
    /// The message it follows (absent for the conversation's first question).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_id: Option<String>,
    /// When the message has siblings (edits of a question, regenerated replies): their ids and its own,
    /// oldest first; its position in it is the one shown. Absent when it has none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub siblings: Vec<String>,
}

/// A thumbs up or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub enum Rating {
    Up,
    Down,
}

impl Rating {
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Up => "up",
            Rating::Down => "down",
        }
    }

    pub fn parse(text: &str) -> Option<Rating> {
        match text {
            "up" => Some(Rating::Up),
            "down" => Some(Rating::Down),
            _ => None,
        }
    }
}

/// The conversation owner's rating of one of the assistant's replies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Feedback {
    pub rating: Rating,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// When this rating was given.
    pub updated_at: DateTime<Utc>,
}

/// `PUT /api/v1/conversations/{id}/messages/{message_id}/feedback`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FeedbackRequest {
    pub rating: Rating,
    /// Up to 2,000 characters; absent or blank: no comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SendMessageRequest {
    /// 1 to 8,000 characters.
    pub content: String,
    /// Where the question goes: absent, after the last message shown (the active path); a reply's id, after
    /// that reply (editing the question that followed it makes a sibling of it); `null`, as a new first
    /// question (editing the first one). The question and its answer become the active path.
    #[serde(
        default,
        deserialize_with = "explicit",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable = true))]
    pub parent_id: Option<Option<String>>,
}

/// `Some(None)` for an explicit `null`, where a missing field stays `None` (through `#[serde(default)]`).
fn explicit<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The answer to a message sent without `Accept: text/event-stream`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Exchange {
    pub user_message: Message,
    pub assistant_message: Message,
}

/// SSE `event: delta`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeltaEvent {
    pub text: String,
}

/// SSE `event: done`, and the answer to `POST …/stop`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DoneEvent {
    pub message: Message,
}

/// Which assistant answers: the SPA labels the offline mode.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssistantInfo {
    pub provider: String,
    /// The operator's default model: new conversations use it unless they pick another.
    pub model: String,
    pub offline: bool,
    /// Daily token quota per user, if any.
    pub daily_token_quota: Option<i64>,
    /// The models a conversation may use, the default first.
    #[serde(default)]
    pub models: Vec<AssistantModel>,
    /// The model that writes a reply when the chosen one keeps failing (rate limits, unavailable), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_model: Option<String>,
}

/// A model users may pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssistantModel {
    /// What conversations name it by (`model`).
    pub id: String,
    /// What users read.
    pub name: String,
}
