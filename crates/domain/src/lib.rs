//! JobBot's domain types: values that can only hold valid data ("parse, don't validate").
//!
//! No IO lives here, so the API and the SPA share the same rules.

mod account;
pub mod legal;
#[cfg(feature = "markdown")]
pub mod markdown;
mod password;
pub mod pii;
pub mod sse;
pub mod text;

pub use account::{DisplayName, Email, Locale, MessageRole, MessageStatus, Role, ShareMode, TokenScope};
pub use password::{common_passwords, Password, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS};

/// Why a value was refused: a stable snake_case code plus English and French explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Invalid {
    pub code: &'static str,
    pub message: &'static str,
    pub message_fr: &'static str,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.message)
    }
}

impl std::error::Error for Invalid {}
