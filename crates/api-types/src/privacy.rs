//! Consent records and the "where does my data go" facts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// A consent choice. Strictly necessary cookies need none and are always on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConsentChoice {
    pub policy_version: String,
    pub preferences: bool,
    pub measurement: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConsentRecord {
    pub policy_version: String,
    pub preferences: bool,
    pub measurement: bool,
    pub recorded_at: DateTime<Utc>,
}

/// The current choice (the newest record) and the whole history, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ConsentState {
    pub current: Option<ConsentRecord>,
    pub history: Vec<ConsentRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DataStore {
    /// `sqlite` or `postgresql`.
    pub kind: String,
    /// Where it is kept, in words: the kind of hosting and the country (never a path, a host name or a
    /// database name; admins see those on the system page).
    pub location: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AssistantRecipient {
    /// `mistral`, `openrouter`, `openai` or `offline`.
    pub provider: String,
    pub model: String,
    /// The host questions are sent to; absent for the offline coach (nothing leaves the server).
    pub host: Option<String>,
    /// Whether that provider processes data in the European Union (`null`: unknown, e.g. a self-hosted server).
    pub in_eu: Option<bool>,
    /// What is sent, in words.
    pub sends: String,
}

/// The live configuration, as it concerns the user's data.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PrivacyFacts {
    pub database: DataStore,
    pub assistant: AssistantRecipient,
    /// Inactive conversations and expired shares are deleted after this many days; `null`: kept until deleted.
    pub retention_days: Option<u32>,
    pub privacy_policy_version: String,
    pub terms_version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeleteAccountRequest {
    pub password: String,
}

/// What was deleted with the account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeletionReceipt {
    pub deleted_at: DateTime<Utc>,
    pub conversations: i64,
    pub messages: i64,
    /// Revoked: their recipients now get 410.
    pub shares: i64,
    pub share_views: i64,
    pub sessions: i64,
    pub personal_tokens: i64,
    pub consent_records: i64,
    pub usage_records: i64,
    /// Chat messages whose text was removed; they show as "Utilisateur supprimé".
    pub chat_messages_anonymised: i64,
}
