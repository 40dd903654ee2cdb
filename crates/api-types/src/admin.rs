//! The admin console's bodies: metadata, counts and actions, never the contents of conversations, chat
//! messages or shares.

use chrono::{DateTime, Utc};
use jobbot_domain::{Locale, Role};

use crate::{ShareMode, ShareState};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// An account as admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminUser {
    pub id: String,
    pub email: String,
    pub display_name: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "candidate"))]
    pub role: Role,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "fr"))]
    pub locale: Locale,
    pub created_at: DateTime<Utc>,
    /// The newest login or session refresh.
    pub last_active_at: Option<DateTime<Utc>>,
    /// Set while the account is disabled.
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_reason: Option<String>,
    pub conversations: i64,
    pub chats: i64,
    pub shares: i64,
    /// Prompt and completion tokens since the first of this month (UTC).
    pub tokens_this_month: i64,
}

/// A page of accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminUserPage {
    pub items: Vec<AdminUser>,
    /// How many accounts match the filters in all.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// What an admin changes on an account; the reason is required and kept in the audit log.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminUserChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// 1 to 500 characters.
    pub reason: String,
}

/// A reason, required for an admin's destructive action (1 to 500 characters).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminReason {
    pub reason: String,
}

/// What `POST /api/v1/admin/users/{id}/logout` ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminLogoutReport {
    pub sessions: i64,
    pub personal_tokens: i64,
}

/// One record of the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuditEntry {
    pub id: String,
    pub at: DateTime<Utc>,
    /// Who did it; `null` for an anonymous attempt (a failed login).
    pub actor_id: Option<String>,
    /// e.g. `admin.user_disabled`, `auth.login_failures`, `token.created` (docs/ADMIN.md lists them).
    pub action: String,
    /// `user`, `share`, `token` or `session`.
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub client_ip: Option<String>,
    pub request_id: Option<String>,
    /// Metadata: a reason, what changed, a deletion receipt. Never contents.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// The running system, as `GET /api/v1/admin/system` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminSystem {
    /// JobBot's version (the `jobbot` binary's).
    pub version: String,
    /// When this instance started.
    pub started_at: DateTime<Utc>,
    pub uptime_seconds: i64,
    pub database: AdminDatabase,
    pub assistant: AdminAssistant,
    /// WebSockets open on this instance.
    pub websockets: i64,
    /// Assistant replies being written by this instance.
    pub replies_running: i64,
    /// What `jobbot backup` last did (its runs are recorded in the database).
    pub backup: AdminBackupStatus,
}

/// The last successful backup and verification, and the last failed run (`jobbot backup`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminBackupStatus {
    /// `null` when no backup ever succeeded.
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_backup_id: Option<String>,
    pub last_size_bytes: Option<i64>,
    /// Where the last successful backup went (the local folder first).
    pub last_targets: Vec<String>,
    /// The last successful verification (a restore into a scratch database).
    pub last_verified_at: Option<DateTime<Utc>>,
    /// The last failed run (`create`, `verify` or `prune`) and its error.
    pub last_failure_at: Option<DateTime<Utc>>,
    pub last_failure_kind: Option<String>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminDatabase {
    /// `postgres` or `sqlite`.
    pub backend: String,
    /// Where it is: the SQLite file's path, or the PostgreSQL host, port and database (never the password).
    /// Admins only: `GET /api/v1/privacy` tells everyone the kind of hosting and the country, not this.
    pub location: String,
    pub size_bytes: i64,
    /// Versions of the applied migrations, oldest first.
    pub migrations: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminAssistant {
    pub provider: String,
    pub model: String,
    pub offline: bool,
    /// The newest reply that failed (any instance): when, and its error code.
    pub last_failure: Option<AdminReplyFailure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminReplyFailure {
    pub at: DateTime<Utc>,
    pub provider: Option<String>,
    pub model: Option<String>,
    /// e.g. `llm_unavailable`, `llm_timeout`, `llm_rate_limited`.
    pub error_code: Option<String>,
}

/// A share as moderation sees it: who, to whom, how, its state and views — never its title or transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminShare {
    pub id: String,
    pub chat_id: String,
    pub owner_id: String,
    pub owner_email: Option<String>,
    pub recipient_id: Option<String>,
    pub recipient_email: Option<String>,
    pub mode: ShareMode,
    pub state: ShareState,
    pub message_count: i64,
    pub views: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub removed_reason: Option<String>,
}

/// A page of shares, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminSharePage {
    pub items: Vec<AdminShare>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// `GET /api/v1/admin/stats`: series aligned with `buckets` (the first day of each day or week, UTC).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AdminStats {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// `day` or `week` (weeks start on Monday).
    pub interval: String,
    /// `YYYY-MM-DD`, one per day or week; every series below has one value per bucket.
    pub buckets: Vec<String>,
    pub signups: Vec<i64>,
    /// Distinct users who asked the assistant or posted a chat message.
    pub active_users: Vec<i64>,
    pub conversations: Vec<i64>,
    pub shares_created: Vec<i64>,
    pub share_views: Vec<i64>,
    pub chat_messages: Vec<i64>,
    pub replies: Vec<StatsReplies>,
    pub tokens: Vec<StatsTokens>,
    /// Failed replies by error code.
    pub errors: Vec<StatsErrors>,
    /// Users' ratings of the assistant's replies, by the day they were given (never their comments).
    pub ratings: Vec<StatsRatings>,
    pub totals: StatsTotals,
}

/// Assistant replies of one provider, model and outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatsReplies {
    pub provider: Option<String>,
    pub model: Option<String>,
    /// `done`, `stopped` or `failed`.
    pub outcome: String,
    pub counts: Vec<i64>,
}

/// Tokens of one provider and model, and their estimated cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatsTokens {
    pub provider: String,
    pub model: String,
    pub prompt: Vec<i64>,
    pub completion: Vec<i64>,
    /// Euros, from `JOBBOT_LLM_PRICES`; `null` when the model has no price (the offline coach costs 0).
    pub cost_eur: Option<Vec<f64>>,
}

/// Ratings of one provider and model's replies, thumbs up or down.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatsRatings {
    pub provider: Option<String>,
    pub model: Option<String>,
    /// `up` or `down`.
    pub rating: String,
    pub counts: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatsErrors {
    pub code: String,
    pub counts: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatsTotals {
    pub signups: i64,
    pub replies: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// Of the models that have a price.
    pub cost_eur: f64,
    /// Models used in the period without a price in `JOBBOT_LLM_PRICES`.
    pub unpriced_models: Vec<String>,
    /// Job offers now (not over the period): public and private ones, open and closed, and how many times
    /// candidates saved one.
    pub open_offers: i64,
    pub closed_offers: i64,
    pub saved_offers: i64,
    /// Applications candidates track now (counts only).
    pub applications: i64,
    /// Candidates with a profile, with a CV; saved searches, and those with alerts on (counts only).
    pub profiles: i64,
    pub cvs: i64,
    pub saved_searches: i64,
    pub alerting_searches: i64,
    /// Ratings given in the period: thumbs up, thumbs down.
    pub ratings_up: i64,
    pub ratings_down: i64,
}
