//! The one error policy. Every failure leaves as RFC 9457 `application/problem+json` with a stable `code`.
//!
//! - Expected outcomes (bad input, wrong password, missing row) are built with the constructors below and
//!   carry their own status and code.
//! - Diesel: `NotFound` → 404 `not_found`, unique violation → 409 `conflict`, pool/connection → 503
//!   `database_unavailable`; anything else is unexpected.
//! - Unexpected failures become 500 `internal_error`: the cause chain is logged, the body says nothing more.
//! - Responses produced by actix itself (unknown route, wrong method, oversized body…) are rewritten into the
//!   same shape by [`problem_fallback`].

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{BlockingError, JsonPayloadError, QueryPayloadError};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use jobbot_api_types::{ErrorCode, FieldError, Problem, PROBLEM_CONTENT_TYPE};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub detail: Option<String>,
    pub errors: Option<Vec<FieldError>>,
    pub retry_after: Option<u64>,
    /// Logged for 5xx, never sent.
    pub source: Option<BoxError>,
}

impl ApiError {
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

impl std::fmt::Display for ApiError {
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

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        if self.status.is_server_error() {
            tracing::error!(status = self.status.as_u16(), code = %self.code, error = %self, "request failed");
        }
        let mut response = HttpResponse::build(self.status);
        response.content_type(PROBLEM_CONTENT_TYPE);
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"jobbot\""));
        }
        response.json(self.problem())
    }
}

impl From<jobbot_db::QueryError> for ApiError {
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

impl From<jobbot_db::DbError> for ApiError {
    fn from(error: jobbot_db::DbError) -> Self {
        Self::unavailable(ErrorCode::DatabaseUnavailable, error)
    }
}

impl From<BlockingError> for ApiError {
    fn from(error: BlockingError) -> Self {
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

/// Maps JSON body errors to problems: wrong content type 415, too large 413, bad syntax 400, wrong shape 422.
pub fn json_error(error: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let api_error = match &error {
        JsonPayloadError::ContentType => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "Send the body as application/json.",
        ),
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::PayloadTooLarge,
            "The body is larger than this endpoint accepts (1 MiB; 8 KiB for authentication).",
        ),
        JsonPayloadError::Deserialize(e) if e.is_data() => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidBody,
            format!("The body does not match: {e}"),
        ),
        JsonPayloadError::Deserialize(e) => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidJson,
            format!("The body is not valid JSON: {e}"),
        ),
        _ => ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::InvalidBody,
            "The body could not be read.",
        ),
    };
    api_error.into()
}

/// A query string that does not match its operation's parameters (an unknown name, a number that is not one):
/// 400 `bad_request` naming what is wrong. Every query type denies unknown fields, so a typo (`?ofer_id=`) is
/// refused instead of silently ignored.
pub fn query_error(error: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let detail = match &error {
        QueryPayloadError::Deserialize(e) => format!("The query string does not match this operation: {e}."),
        _ => "The query string could not be read.".to_owned(),
    };
    ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, detail).into()
}

/// Rewrites any error response that is not already problem+json (actix's own 404, 405, 413…) into one,
/// keeping its headers (CORS, Allow, Retry-After).
pub async fn problem_fallback(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, BoxBody>>, actix_web::Error> {
    let (http_req, response) = match next.call(req).await {
        Ok(res) if !needs_rewrite(res.status(), res.headers()) => return Ok(res.map_into_left_body()),
        Ok(res) => res.into_parts(),
        // Errors raised by middleware (CORS) come back as `Err`; as an `ApiError` they render as problems.
        Err(error) => {
            let status = error.as_response_error().status_code();
            let (code, detail) = describe(status, Some(&error));
            return Err(ApiError::new(status, code, detail).into());
        }
    };
    let status = response.status();
    let (code, detail) = describe(status, response.error());
    let mut rebuilt = HttpResponse::build(status);
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            rebuilt.append_header((name.clone(), value.clone()));
        }
    }
    let body =
        rebuilt
            .content_type(PROBLEM_CONTENT_TYPE)
            .json(problem(status, code, Some(detail.into()), None));
    Ok(ServiceResponse::new(http_req, body).map_into_right_body())
}

/// The code and wording for an error response that actix (or a middleware such as CORS) produced.
fn describe(status: StatusCode, error: Option<&actix_web::Error>) -> (ErrorCode, &'static str) {
    if error.is_some_and(|e| e.as_error::<actix_cors::CorsError>().is_some()) {
        return (
            ErrorCode::CorsRejected,
            "This origin or request is not allowed by the CORS policy.",
        );
    }
    match status {
        StatusCode::NOT_FOUND => (ErrorCode::NotFound, "No route matches this path."),
        StatusCode::METHOD_NOT_ALLOWED => (
            ErrorCode::MethodNotAllowed,
            "This method is not allowed on this path.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            ErrorCode::PayloadTooLarge,
            "The body is larger than this endpoint accepts (1 MiB; 8 KiB for authentication).",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            ErrorCode::UnsupportedMediaType,
            "Send the body as application/json.",
        ),
        StatusCode::BAD_REQUEST => (ErrorCode::BadRequest, "The request is malformed."),
        s if s.is_server_error() => (ErrorCode::InternalError, "An unexpected error occurred."),
        _ => (ErrorCode::Error, "The request failed."),
    }
}

fn needs_rewrite(status: StatusCode, headers: &header::HeaderMap) -> bool {
    if !(status.is_client_error() || status.is_server_error()) {
        return false;
    }
    let is_problem = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_CONTENT_TYPE));
    !is_problem
}

impl From<crate::sharing::SharingError> for ApiError {
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
