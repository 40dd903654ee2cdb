//! Every JSON body the API accepts or returns, plus the RFC 9457 problem body.
//!
//! The SPA deserialises exactly these types, so a contract change breaks its build, not its users.

mod admin;
mod applications;
mod assistant;
mod auth;
mod chats;
mod offers;
mod privacy;
mod problem;
mod profile;
mod whole;

pub use admin::*;
pub use applications::*;
pub use assistant::*;
pub use auth::*;
pub use chats::*;
pub use offers::*;
pub use privacy::*;
pub use problem::{ErrorCode, FieldError, Problem, PROBLEM_CONTENT_TYPE};
pub use profile::*;

/// Health and readiness answers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthStatus {
    /// `ok`, or `unavailable` when a dependency is down.
    pub status: String,
}
