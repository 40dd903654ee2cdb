//! JobBot's domain types: values that can only hold valid data ("parse, don't validate").
//!
//! No IO lives here, so the API and the SPA share the same rules.

/// A closed set of values stored and sent as snake_case text (`as_str`/`parse`, serde, OpenAPI).
macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? } default $default:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(
                #[doc = $text]
                $variant,
            )+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                match raw {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

mod account;
pub mod builds;
pub mod legal;
#[cfg(feature = "markdown")]
pub mod markdown;
mod offer;
mod password;
pub mod pii;
#[cfg(feature = "search")]
pub mod search;
pub mod sse;
pub mod text;

pub use account::{DisplayName, Email, Locale, MessageRole, MessageStatus, Role, ShareMode, TokenScope};
pub use offer::{ApplicationStatus, ContractType, OfferSource, OfferState, Remote, WorkingTime};
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
