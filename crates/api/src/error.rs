//! The one error policy. Every failure leaves as RFC 9457 `application/problem+json` with a stable `code`.
//!
//! - A service's failure ([`ServiceError`]: status, code, detail, field errors, the logged cause) becomes an
//!   answer here and nowhere else: [`ApiError`]'s `ResponseError` (5xx logged with their cause chain; the body
//!   says nothing more).
//! - Responses produced by actix itself (unknown route, wrong method, oversized body…) are rewritten into the
//!   same shape by [`problem_fallback`].

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::{BlockingError, JsonPayloadError, QueryPayloadError};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use jobbot_api_types::{ErrorCode, FieldError, PROBLEM_CONTENT_TYPE};

pub use jobbot_services::error::{field_error, llm_status_and_code, problem, BoxError, ServiceError};

/// A handler's failure: a [`ServiceError`], answered as problem+json. The constructors are the service
/// error's, so a handler reads the same as a service.
#[derive(Debug)]
pub struct ApiError(pub ServiceError);

impl std::ops::Deref for ApiError {
    type Target = ServiceError;

    fn deref(&self) -> &ServiceError {
        &self.0
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, detail: impl Into<String>) -> Self {
        Self(ServiceError::new(status, code, detail))
    }

    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self(ServiceError::validation(errors))
    }

    pub fn field(field: &str, code: &str, message: &str) -> Self {
        Self(ServiceError::field(field, code, message))
    }

    pub fn unknown_in_query(field: &str, code: &str, message: &str) -> Self {
        Self(ServiceError::unknown_in_query(field, code, message))
    }

    pub fn unauthorized(code: ErrorCode, detail: &str) -> Self {
        Self(ServiceError::unauthorized(code, detail))
    }

    pub fn forbidden(code: ErrorCode, detail: &str) -> Self {
        Self(ServiceError::forbidden(code, detail))
    }

    pub fn not_found() -> Self {
        Self(ServiceError::not_found())
    }

    pub fn rate_limited(retry_after: u64) -> Self {
        Self(ServiceError::rate_limited(retry_after))
    }

    pub fn unavailable(code: ErrorCode, source: impl Into<BoxError>) -> Self {
        Self(ServiceError::unavailable(code, source))
    }

    pub fn internal(source: impl Into<BoxError>) -> Self {
        Self(ServiceError::internal(source))
    }

    /// The same error with a `Retry-After` of `seconds`.
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.0.retry_after = Some(seconds);
        self
    }
}

/// Whatever a service error comes from (a query, the pool, a share's refusal) a handler's `?` takes.
macro_rules! from_service_error {
    ($($from:ty),*) => {$(
        impl From<$from> for ApiError {
            fn from(error: $from) -> Self {
                Self(error.into())
            }
        }
    )*};
}
from_service_error!(
    ServiceError,
    jobbot_db::QueryError,
    jobbot_db::DbError,
    jobbot_services::sharing::SharingError
);

impl From<BlockingError> for ApiError {
    fn from(error: BlockingError) -> Self {
        Self::internal(error)
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
