//! Account values: email, display name, role, locale and token scope.

use crate::Invalid;

/// A trimmed, lower-cased email address with one `@`, a non-empty local part and a dotted domain.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let email = crate::text::trim(raw).to_lowercase();
        let invalid = Invalid {
            code: "invalid_email",
            message: "Enter a valid email address, like name@example.com.",
            message_fr: "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
        };
        if email.is_empty()
            || raw.chars().count() > Self::MAX_LEN
            || email.chars().count() > Self::MAX_LEN
            || email.chars().any(crate::text::is_space)
        {
            return Err(invalid);
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(invalid);
        };
        let domain_ok = domain.contains('.')
            && !domain.contains('@')
            && domain
                .split('.')
                .all(|label| !label.is_empty() && !label.starts_with('-'));
        if local.is_empty() || !domain_ok {
            return Err(invalid);
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `j***@example.com`: enough to recognise an account in a log line without exposing the address.
    pub fn masked(&self) -> String {
        match self.0.split_once('@') {
            Some((local, domain)) => {
                let first: String = local.chars().take(1).collect();
                format!("{first}***@{domain}")
            }
            None => "***".to_owned(),
        }
    }
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A display name: trimmed, 1 to 80 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let name = crate::text::trim(raw);
        if name.is_empty() {
            return Err(Invalid {
                code: "required",
                message: "Enter a name.",
                message_fr: "Saisissez un nom.",
            });
        }
        if raw.chars().count() > Self::MAX_CHARS {
            return Err(Invalid {
                code: "too_long",
                message: "The name must be at most 80 characters.",
                message_fr: "Le nom doit faire au plus 80 caractères.",
            });
        }
        if raw.chars().any(char::is_control) {
            return Err(Invalid {
                code: "invalid_characters",
                message: "The name contains invalid characters.",
                message_fr: "Le nom contient des caractères non valides.",
            });
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

text_enum! {
    /// Who wrote a message of a conversation with the assistant.
    MessageRole { User => "user", Assistant => "assistant" } default User
}

text_enum! {
    /// Where a message stands: `streaming` while the assistant writes it, then how it ended.
    MessageStatus { Complete => "complete", Streaming => "streaming", Stopped => "stopped", Failed => "failed" } default Complete
}

text_enum! {
    /// How a shared conversation follows its source: `snapshot` is frozen, `live` follows it (up to its cut).
    ShareMode { Snapshot => "snapshot", Live => "live" } default Snapshot
}

text_enum! {
    /// What an account may do.
    Role { Candidate => "candidate", Recruiter => "recruiter", Admin => "admin" } default Candidate
}

text_enum! {
    /// The interface language: French first.
    Locale { Fr => "fr", En => "en" } default Fr
}

text_enum! {
    /// What a personal access token may do: `read` allows only safe methods.
    TokenScope { Read => "read", Write => "write" } default Read
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_is_trimmed_and_lowercased() {
        let email = Email::parse("  Marie.Curie@Example.FR ").expect("valid");
        assert_eq!(email.as_str(), "marie.curie@example.fr");
        assert_eq!(email.masked(), "m***@example.fr");
    }

    #[test]
    fn bad_emails_are_refused() {
        for raw in [
            "",
            "plain",
            "@example.fr",
            "a@b",
            "a@@b.fr",
            "a b@c.fr",
            "a@.fr",
            "a@b..fr",
        ] {
            assert_eq!(
                Email::parse(raw).map_err(|e| e.code),
                Err("invalid_email"),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn display_name_rules() {
        assert_eq!(DisplayName::parse("  Zoé  ").expect("valid").as_str(), "Zoé");
        assert_eq!(DisplayName::parse("   ").map_err(|e| e.code), Err("required"));
        assert_eq!(
            DisplayName::parse(&"é".repeat(81)).map_err(|e| e.code),
            Err("too_long")
        );
        assert!(DisplayName::parse(&"é".repeat(80)).is_ok());
        assert_eq!(
            DisplayName::parse("a\u{0}b").map_err(|e| e.code),
            Err("invalid_characters")
        );
    }

    #[test]
    fn enums_round_trip_their_text() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(*role));
        }
        assert_eq!(Locale::parse("de"), None);
        assert_eq!(Role::default(), Role::Candidate);
        assert_eq!(Locale::default(), Locale::Fr);
    }
}
