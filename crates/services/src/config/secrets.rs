//! Secrets that are more than a value read: the JWT signing key (configured, or generated and kept in the data
//! folder in development) and the database password put into the database URL.

use std::path::{Path, PathBuf};

use jobbot_db::DatabaseUrl;

use super::env::{err, secret_value, ConfigError};
use super::{Environment, DEFAULT_DATABASE_URL};

const MIN_SECRET_BYTES: usize = 32;

/// A secret value: its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Where the JWT secret came from: configured, or generated and kept in the data folder (development only).
#[derive(Debug, Clone)]
pub enum JwtSecret {
    Configured(Secret),
    Generated { file: PathBuf },
}

impl JwtSecret {
    /// The secret bytes; a generated one is read from, or first written to, its file (mode 0600).
    pub fn load(&self) -> std::io::Result<Secret> {
        match self {
            JwtSecret::Configured(secret) => Ok(secret.clone()),
            JwtSecret::Generated { file } => load_or_create_secret(file),
        }
    }
}

fn load_or_create_secret(file: &Path) -> std::io::Result<Secret> {
    if let Ok(existing) = std::fs::read_to_string(file) {
        let existing = existing.trim();
        if existing.len() >= MIN_SECRET_BYTES {
            return Ok(Secret(existing.as_bytes().to_vec()));
        }
    }
    if let Some(parent) = file.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let secret = crate::credentials::tokens::random_token(48);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    use std::io::Write;
    options.open(file)?.write_all(secret.as_bytes())?;
    Ok(Secret(secret.into_bytes()))
}

/// `postgres://user@host/db` with `password` put in (percent-encoded), replacing any already there: the password
/// can then live in a secret file (`DATABASE_PASSWORD_FILE`) while the rest of the URL stays plain configuration.
pub(super) fn with_password(url: &str, password: &str) -> Result<String, ConfigError> {
    let invalid = |message: &str| err("DATABASE_PASSWORD", message);
    let (scheme, rest) = url
        .split_once("://")
        .filter(|(scheme, _)| matches!(*scheme, "postgres" | "postgresql"))
        .ok_or_else(|| invalid("is only for postgres:// URLs"))?;
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let (userinfo, host) = authority
        .rsplit_once('@')
        .ok_or_else(|| invalid("needs a user in DATABASE_URL (postgres://user@host/db)"))?;
    let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
    let mut encoded = String::with_capacity(password.len() * 3);
    for byte in password.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    Ok(format!("{scheme}://{user}:{encoded}@{host}{tail}"))
}

/// `DATABASE_URL` (or `_FILE`), with `DATABASE_PASSWORD` (or `_FILE`) put in when given.
pub(super) fn database_url(lookup: &impl Fn(&str) -> Option<String>) -> Result<DatabaseUrl, ConfigError> {
    let database_url =
        secret_value(lookup, "DATABASE_URL")?.unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
    let database_url = match secret_value(lookup, "DATABASE_PASSWORD")? {
        Some(password) => with_password(&database_url, &password)?,
        None => database_url,
    };
    DatabaseUrl::parse(&database_url).map_err(|e| err("DATABASE_URL", e.to_string()))
}

/// `JOBBOT_JWT_SECRET` (or `_FILE`), 32 bytes or more; in development, when unset, one generated and kept in the
/// data folder. Required in production.
pub(super) fn jwt_secret(
    lookup: &impl Fn(&str) -> Option<String>,
    env: Environment,
    data_dir: &Path,
) -> Result<JwtSecret, ConfigError> {
    Ok(match secret_value(lookup, "JOBBOT_JWT_SECRET")? {
        Some(secret) if secret.len() >= MIN_SECRET_BYTES => {
            JwtSecret::Configured(Secret(secret.into_bytes()))
        }
        Some(_) if env == Environment::Development => {
            return Err(err(
                "JOBBOT_JWT_SECRET",
                "must be at least 32 bytes; unset it to generate one",
            ))
        }
        Some(_) => {
            return Err(err(
                "JOBBOT_JWT_SECRET",
                "must be at least 32 bytes in production",
            ))
        }
        None if env == Environment::Production => {
            return Err(err(
                "JOBBOT_JWT_SECRET",
                "is required when JOBBOT_ENV=production (32 bytes or more)",
            ))
        }
        None => JwtSecret::Generated {
            file: data_dir.join("jwt-secret"),
        },
    })
}
