//! The one error body (RFC 9457 `application/problem+json`) with JobBot's stable `code`.

use serde::{Deserialize, Serialize};

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// An error as every endpoint reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable snake_case code for programs, e.g. `email_taken`, `invalid_credentials`.
    pub code: ErrorCode,
    /// Present on validation errors (422): one entry per refused field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
}

/// Every stable `code` a problem can carry. New codes may appear in later versions: a client reads an unknown
/// one as `Unknown` (its `status` still says what kind of failure it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    InvalidJson,
    BadRequest,
    CorsRejected,
    Unauthenticated,
    InvalidCredentials,
    InvalidToken,
    TokenExpired,
    SessionRevoked,
    RefreshTokenReused,
    CsrfFailed,
    InsufficientScope,
    SessionRequired,
    Forbidden,
    Blocked,
    OriginNotAllowed,
    NotFound,
    MethodNotAllowed,
    EmailTaken,
    Conflict,
    ReplyInProgress,
    NoReplyInProgress,
    NothingToRegenerate,
    ShareRevoked,
    ConversationGone,
    ShareGone,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationFailed,
    InvalidBody,
    RateLimited,
    QuotaExceeded,
    LlmRateLimited,
    AssistantBusy,
    TooManyConnections,
    LlmRejected,
    DatabaseUnavailable,
    LlmUnavailable,
    LlmTimeout,
    StopPending,
    InternalError,
    WebsocketRequired,
    Error,
    AdminNetwork,
    AccountDisabled,
    LastAdmin,
    SelfAction,
    OtpRequired,
    InvalidOtp,
    #[serde(rename = "admin_2fa_required")]
    Admin2faRequired,
    /// Too many wrong second-factor codes or current passwords for this account, from several addresses: the
    /// budget is locked for a while (Retry-After); a recovery code still works at sign-in.
    AttemptsLocked,
    /// This instance is at its limit of concurrent file extractions (Retry-After).
    Busy,
    /// Never received: the client left while its request was being worked on (logged with status 499).
    ClientGone,
    /// Sent by nginx, not by the API: no API instance answered (all down, restarting, or too slow).
    ServiceUnavailable,
    /// Client side only (the SPA's HTTP client), never sent by the server: the request did not get through.
    NetworkError,
    /// Client side only: an answer that is not what the contract says.
    UnexpectedResponse,
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InvalidJson => "invalid_json",
            Self::BadRequest => "bad_request",
            Self::CorsRejected => "cors_rejected",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidCredentials => "invalid_credentials",
            Self::InvalidToken => "invalid_token",
            Self::TokenExpired => "token_expired",
            Self::SessionRevoked => "session_revoked",
            Self::RefreshTokenReused => "refresh_token_reused",
            Self::CsrfFailed => "csrf_failed",
            Self::InsufficientScope => "insufficient_scope",
            Self::SessionRequired => "session_required",
            Self::Forbidden => "forbidden",
            Self::Blocked => "blocked",
            Self::OriginNotAllowed => "origin_not_allowed",
            Self::NotFound => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::EmailTaken => "email_taken",
            Self::Conflict => "conflict",
            Self::ReplyInProgress => "reply_in_progress",
            Self::NoReplyInProgress => "no_reply_in_progress",
            Self::NothingToRegenerate => "nothing_to_regenerate",
            Self::ShareRevoked => "share_revoked",
            Self::ConversationGone => "conversation_gone",
            Self::ShareGone => "share_gone",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::ValidationFailed => "validation_failed",
            Self::InvalidBody => "invalid_body",
            Self::RateLimited => "rate_limited",
            Self::QuotaExceeded => "quota_exceeded",
            Self::LlmRateLimited => "llm_rate_limited",
            Self::AssistantBusy => "assistant_busy",
            Self::TooManyConnections => "too_many_connections",
            Self::LlmRejected => "llm_rejected",
            Self::DatabaseUnavailable => "database_unavailable",
            Self::LlmUnavailable => "llm_unavailable",
            Self::LlmTimeout => "llm_timeout",
            Self::StopPending => "stop_pending",
            Self::AccountDisabled => "account_disabled",
            Self::LastAdmin => "last_admin",
            Self::SelfAction => "self_action",
            Self::OtpRequired => "otp_required",
            Self::InvalidOtp => "invalid_otp",
            Self::Admin2faRequired => "admin_2fa_required",
            Self::InternalError => "internal_error",
            Self::WebsocketRequired => "websocket_required",
            Self::Error => "error",
            Self::AdminNetwork => "admin_network",
            Self::AttemptsLocked => "attempts_locked",
            Self::Busy => "busy",
            Self::ClientGone => "client_gone",
            Self::ServiceUnavailable => "service_unavailable",
            Self::NetworkError => "network_error",
            Self::UnexpectedResponse => "unexpected_response",
            Self::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why one field of a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

impl Problem {
    /// The message for `field`, if the server refused that field.
    pub fn field_error(&self, field: &str) -> Option<&FieldError> {
        self.errors.as_deref()?.iter().find(|error| error.field == field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_type_and_omits_empty_parts() {
        let problem = Problem {
            type_uri: "https://jobbot.fr/problems/email_taken".into(),
            title: "Conflict".into(),
            status: 409,
            detail: None,
            code: ErrorCode::EmailTaken,
            errors: None,
        };
        let json = serde_json::to_value(&problem).expect("serialise");
        assert_eq!(json["type"], "https://jobbot.fr/problems/email_taken");
        assert!(json.get("errors").is_none());
        assert!(json.get("detail").is_none());
        assert_eq!(json["code"], "email_taken");
    }

    #[test]
    fn codes_round_trip_and_unknown_ones_are_tolerated() {
        let code: ErrorCode = serde_json::from_str("\"share_gone\"").expect("known");
        assert_eq!((code, code.as_str()), (ErrorCode::ShareGone, "share_gone"));
        let newer: ErrorCode = serde_json::from_str("\"some_future_code\"").expect("tolerated");
        assert_eq!(newer, ErrorCode::Unknown);
    }
}
