//! A service's failure: the status it ends in, a stable `code`, what the caller may read and, for 5xx, the cause
//! that is logged and never sent. The server crate turns it into RFC 9457 `application/problem+json`, once
//! (`crates/api/src/error.rs`).
//!
//! - Expected outcomes (bad input, wrong password, missing row) are built with the constructors below and
//!   carry their own status and code.
//! - Diesel: `NotFound` → 404 `not_found`, unique violation → 409 `conflict`, pool/connection → 503
//!   `database_unavailable`; anything else is unexpected.
//! - Unexpected failures become 500 `internal_error`: the cause chain is logged, the body says nothing more.

pub use http::StatusCode;
use jobbot_api_types::{ErrorCode, FieldError, Problem};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug)]
pub struct ServiceError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub detail: Option<String>,
    pub errors: Option<Vec<FieldError>>,
    pub retry_after: Option<u64>,
    /// Logged for 5xx, never sent.
    pub source: Option<BoxError>,
}

impl ServiceError {
    pub fn new(status: StatusCode, code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: Some(detail.into()),
            errors: None,
            retry_after: None,
            source: None,
        }
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self {
            errors: Some(errors),
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::ValidationFailed,
                "Some fields are invalid.",
            )
        }
    }

    pub fn field(field: &str, code: &str, message: &str) -> Self {
        Self::validation(vec![FieldError {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }])
    }

    /// 404 for a query parameter naming something that is not there (`?after=` an unknown message): the
    /// resource the whole URI names does not exist; `errors` says which parameter.
    pub fn unknown_in_query(field: &str, code: &str, message: &str) -> Self {
        Self {
            errors: Some(vec![FieldError {
                field: field.into(),
                code: code.into(),
                message: message.into(),
            }]),
            ..Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
        }
    }

    pub fn unauthorized(code: ErrorCode, detail: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, detail)
    }

    pub fn forbidden(code: ErrorCode, detail: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, code, detail)
    }

    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "The resource does not exist.",
        )
    }

    pub fn rate_limited(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                ErrorCode::RateLimited,
                "Too many attempts; try again later.",
            )
        }
    }

    /// 503, with a `Retry-After` of a few seconds: the dependency (database, AI provider) may come back.
    pub fn unavailable(code: ErrorCode, source: impl Into<BoxError>) -> Self {
        Self {
            source: Some(source.into()),
            retry_after: Some(5),
            ..Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                code,
                "The service is temporarily unavailable.",
            )
        }
    }

    pub fn internal(source: impl Into<BoxError>) -> Self {
        Self {
            source: Some(source.into()),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::InternalError,
                "An unexpected error occurred.",
            )
        }
    }

    pub fn problem(&self) -> Problem {
        problem(self.status, self.code, self.detail.clone(), self.errors.clone())
    }
}

impl std::fmt::Display for ServiceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.code)?;
        let mut source = self
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static));
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl From<jobbot_db::QueryError> for ServiceError {
    fn from(error: jobbot_db::QueryError) -> Self {
        use jobbot_db::QueryError as E;
        match error {
            E::NotFound => Self::not_found(),
            ref e if jobbot_db::is_unique_violation(e) => Self::new(
                StatusCode::CONFLICT,
                ErrorCode::Conflict,
                "The resource already exists.",
            ),
            ref e if jobbot_db::is_connection_error(e) => {
                Self::unavailable(ErrorCode::DatabaseUnavailable, error)
            }
            other => Self::internal(other),
        }
    }
}

impl From<jobbot_db::DbError> for ServiceError {
    fn from(error: jobbot_db::DbError) -> Self {
        Self::unavailable(ErrorCode::DatabaseUnavailable, error)
    }
}

impl From<tokio::task::JoinError> for ServiceError {
    fn from(error: tokio::task::JoinError) -> Self {
        Self::internal(error)
    }
}

/// How a provider's failure ends a request: its status and stable code (`jobbot-llm` knows no HTTP).
pub fn llm_status_and_code(error: &jobbot_llm::LlmError) -> (StatusCode, ErrorCode) {
    use jobbot_llm::LlmError as E;
    match error {
        E::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::LlmRateLimited),
        E::FirstTokenTimeout | E::Stalled => (StatusCode::GATEWAY_TIMEOUT, ErrorCode::LlmTimeout),
        E::Rejected(_) => (StatusCode::BAD_GATEWAY, ErrorCode::LlmRejected),
        E::Unauthorized(_) | E::Unavailable(_) | E::Stream(_) => {
            (StatusCode::SERVICE_UNAVAILABLE, ErrorCode::LlmUnavailable)
        }
    }
}

/// A field's error from a domain type's refusal.
pub fn field_error(field: &str, invalid: jobbot_domain::Invalid) -> FieldError {
    FieldError {
        field: field.into(),
        code: invalid.code.into(),
        message: invalid.message.into(),
    }
}

pub fn problem(
    status: StatusCode,
    code: ErrorCode,
    detail: Option<String>,
    errors: Option<Vec<FieldError>>,
) -> Problem {
    Problem {
        type_uri: format!("urn:jobbot:problem:{code}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        code,
        errors,
    }
}

impl From<crate::sharing::SharingError> for ServiceError {
    fn from(error: crate::sharing::SharingError) -> Self {
        use crate::sharing::SharingError as E;
        match error {
            E::NotFound => Self::not_found(),
            E::Gone => Self::new(
                StatusCode::GONE,
                ErrorCode::ShareGone,
                "This share was revoked or has expired.",
            ),
            E::Blocked => Self::forbidden(
                ErrorCode::Blocked,
                "A block stands between you and this person: no messages or shares.",
            ),
            E::Revoked => Self::new(
                StatusCode::CONFLICT,
                ErrorCode::ShareRevoked,
                "A revoked share cannot change.",
            ),
            E::ConversationGone => Self::new(
                StatusCode::CONFLICT,
                ErrorCode::ConversationGone,
                "The shared conversation no longer exists.",
            ),
            E::UnknownMessage => Self::field(
                "up_to_message_id",
                "unknown_message",
                "No message with this id in the conversation.",
            ),
            E::InvalidRedaction => Self::field(
                "redactions",
                "invalid_redaction",
                "A redaction does not fit its message.",
            ),
            E::ExpiryOutOfRange => {
                Self::field("expires_in_days", "out_of_range", "Choose from 1 to 365 days.")
            }
            E::Db(error) => error.into(),
            E::Corrupt(error) => Self::internal(error),
        }
    }
}
