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
    pub code: String,
    /// Present on validation errors (422): one entry per refused field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldError>>,
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
            code: "email_taken".into(),
            errors: None,
        };
        let json = serde_json::to_value(&problem).expect("serialise");
        assert_eq!(json["type"], "https://jobbot.fr/problems/email_taken");
        assert!(json.get("errors").is_none());
        assert!(json.get("detail").is_none());
    }
}
