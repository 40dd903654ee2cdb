//! A candidate's applications: where each stands, its history, and what to do next.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

pub use jobbot_domain::ApplicationStatus;

/// What JobBot suggests doing about an application now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Reminder {
    /// The next action's day has come.
    ActionDue,
    /// Sent a while ago without news: time for a follow-up (relance).
    FollowUp,
    /// Long without an answer: mark it `no_response` (sans réponse)?
    MarkNoResponse,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Application {
    pub id: String,
    /// The offer on JobBot, while it exists (`null` for a job found outside JobBot).
    pub offer_id: Option<String>,
    pub title: String,
    pub company: Option<String>,
    pub status: ApplicationStatus,
    pub contact: Option<String>,
    pub notes: Option<String>,
    pub next_action: Option<String>,
    pub next_action_due: Option<NaiveDate>,
    pub status_changed_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub reminder: Option<Reminder>,
}

/// One change of status (`from` is `null` for the first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatusChange {
    pub from: Option<ApplicationStatus>,
    pub to: ApplicationStatus,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApplicationDetail {
    #[serde(flatten)]
    pub application: Application,
    /// Every status it went through, oldest first.
    pub history: Vec<StatusChange>,
    /// What the candidate keeps with it (cover letters, follow-up emails…), oldest first.
    #[serde(default)]
    pub documents: Vec<ApplicationDocument>,
}

/// What a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Lettre de motivation.
    CoverLetter,
    /// Relance: a follow-up email.
    FollowUp,
    /// A CV adapted to the offer.
    Cv,
    /// Notes to prepare an interview.
    InterviewNotes,
    #[default]
    Other,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 5] = [
        DocumentKind::CoverLetter,
        DocumentKind::FollowUp,
        DocumentKind::Cv,
        DocumentKind::InterviewNotes,
        DocumentKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::CoverLetter => "cover_letter",
            DocumentKind::FollowUp => "follow_up",
            DocumentKind::Cv => "cv",
            DocumentKind::InterviewNotes => "interview_notes",
            DocumentKind::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == raw)
    }
}

/// A document kept with an application, in Markdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApplicationDocument {
    pub id: String,
    pub kind: DocumentKind,
    pub title: String,
    /// Markdown.
    pub content: String,
    /// The coach's reply it was saved from, while that exists.
    pub message_id: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A new document: written (`content`) or saved from one of the coach's replies in the caller's
/// conversations (`message_id`; its text is copied).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewDocument {
    /// `other` by default.
    pub kind: Option<DocumentKind>,
    /// 1 to 200 characters.
    pub title: String,
    /// Required without `message_id`; up to 50,000 characters.
    pub content: Option<String>,
    pub message_id: Option<String>,
}

/// Changes: only the fields given change.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DocumentUpdate {
    pub kind: Option<DocumentKind>,
    pub title: Option<String>,
    pub content: Option<String>,
}

/// `GET …/documents/{document_id}/download`: `md` (the default) or `txt`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct DownloadQuery {
    pub format: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct StatusCount {
    pub status: ApplicationStatus,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApplicationList {
    pub items: Vec<Application>,
    /// Every status, in the board's order, with how many applications have it.
    pub counts: Vec<StatusCount>,
    /// Of the applications sent, the share that got an answer (interview, offer, accepted or rejected);
    /// `null` before any was sent.
    pub response_rate: Option<f64>,
}

/// A new application: for an offer (`offer_id`; its title and company are copied) or free-form (`title`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NewApplication {
    pub offer_id: Option<String>,
    /// Required without `offer_id`, 1 to 200 characters.
    pub title: Option<String>,
    pub company: Option<String>,
    /// `to_send` by default.
    pub status: Option<ApplicationStatus>,
    pub contact: Option<String>,
    pub notes: Option<String>,
    pub next_action: Option<String>,
    /// `YYYY-MM-DD`.
    pub next_action_due: Option<String>,
}

/// Changes: only the fields given change; an empty text clears an optional one, and so does an empty
/// `next_action_due`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ApplicationUpdate {
    pub status: Option<ApplicationStatus>,
    pub title: Option<String>,
    pub company: Option<String>,
    pub contact: Option<String>,
    pub notes: Option<String>,
    pub next_action: Option<String>,
    /// `YYYY-MM-DD`, or `""` to clear it.
    pub next_action_due: Option<String>,
}
