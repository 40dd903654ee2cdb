//! The password policy: 8 to 128 characters, and not one of the passwords attackers try first.

use crate::Invalid;

pub const PASSWORD_MIN_CHARS: usize = 8;
pub const PASSWORD_MAX_CHARS: usize = 128;

/// Passwords of 8+ characters that appear at the top of public breach lists (English and French),
/// compared case-insensitively.
const COMMON: &str = include_str!("common-passwords.txt");

/// A password that satisfies the policy. Its `Debug` never prints the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let chars = raw.chars().count();
        if chars < PASSWORD_MIN_CHARS {
            return Err(Invalid {
                code: "too_short",
                message: "The password must be at least 8 characters.",
                message_fr: "Le mot de passe doit contenir au moins 8 caractères.",
            });
        }
        if chars > PASSWORD_MAX_CHARS {
            return Err(Invalid {
                code: "too_long",
                message: "The password must be at most 128 characters.",
                message_fr: "Le mot de passe doit contenir au plus 128 caractères.",
            });
        }
        if is_common(raw) {
            return Err(Invalid {
                code: "too_common",
                message: "This password is too common; choose another one.",
                message_fr: "Ce mot de passe est trop courant ; choisissez-en un autre.",
            });
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

/// The passwords refused as too common (compared trimmed and lower-cased).
pub fn common_passwords() -> impl Iterator<Item = &'static str> {
    COMMON.lines().map(str::trim).filter(|p| !p.is_empty())
}

fn is_common(raw: &str) -> bool {
    let lowered = raw.trim().to_lowercase();
    COMMON
        .lines()
        .map(str::trim)
        .any(|common| !common.is_empty() && common == lowered)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_bounds_count_characters() {
        assert_eq!(Password::parse("Ab1!xyz").map_err(|e| e.code), Err("too_short"));
        assert!(Password::parse("éléphant-bleu").is_ok());
        assert!(Password::parse(&"x7".repeat(64)).is_ok());
        assert_eq!(
            Password::parse(&"x7".repeat(65)).map_err(|e| e.code),
            Err("too_long")
        );
    }

    #[test]
    fn common_passwords_are_refused_in_any_case() {
        for raw in [
            "password",
            "PASSWORD1",
            "12345678",
            "motdepasse",
            "Azertyuiop",
            "soleil123",
        ] {
            assert_eq!(
                Password::parse(raw).map_err(|e| e.code),
                Err("too_common"),
                "{raw}"
            );
        }
    }

    #[test]
    fn debug_hides_the_secret() {
        let password = Password::parse("correct horse battery").expect("valid");
        assert!(!format!("{password:?}").contains("horse"));
    }
}
