//! Encryption of a backup's data files with age (X25519): the recipient new backups are encrypted to, the
//! identity verify and restore read them with.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};

/// Encryption of the data files (age, X25519): the recipient new backups are encrypted to, and the identity
/// (secret key) that verify and restore read them with.
#[derive(Clone, Default)]
pub struct Keys {
    pub recipient: Option<String>,
    pub identity_file: Option<PathBuf>,
}

impl Keys {
    /// From `JOBBOT_BACKUP_AGE_RECIPIENT` and `JOBBOT_BACKUP_AGE_IDENTITY_FILE`.
    pub fn from_env() -> Self {
        let get = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        Self {
            recipient: get("JOBBOT_BACKUP_AGE_RECIPIENT").map(|v| v.trim().to_owned()),
            identity_file: get("JOBBOT_BACKUP_AGE_IDENTITY_FILE").map(PathBuf::from),
        }
    }
}

/// Encrypts `plain` into `encrypted` for `recipient` (`age1…`), streaming.
pub(super) fn encrypt(plain: &Path, encrypted: &Path, recipient: &str) -> anyhow::Result<()> {
    let recipient: age::x25519::Recipient = recipient
        .parse()
        .map_err(|e| anyhow!("JOBBOT_BACKUP_AGE_RECIPIENT is not an age X25519 recipient (age1…): {e}"))?;
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
        .map_err(|e| anyhow!("age: {e}"))?;
    let output = std::fs::File::create(encrypted)?;
    let mut writer = encryptor.wrap_output(output)?;
    std::io::copy(&mut std::fs::File::open(plain)?, &mut writer)?;
    writer.finish()?.sync_all()?;
    Ok(())
}

/// Decrypts `encrypted` into `plain` with the identity in `keys`.
pub(super) fn decrypt(encrypted: &Path, plain: &Path, keys: &Keys, recipient: &str) -> anyhow::Result<()> {
    let file = keys.identity_file.as_ref().ok_or_else(|| {
        anyhow!("the backup is encrypted to {recipient}: set JOBBOT_BACKUP_AGE_IDENTITY_FILE to its identity file")
    })?;
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let identity: age::x25519::Identity = text
        .lines()
        .map(str::trim)
        .find(|line| line.starts_with("AGE-SECRET-KEY-"))
        .ok_or_else(|| anyhow!("{} holds no age identity (AGE-SECRET-KEY-…)", file.display()))?
        .parse()
        .map_err(|e| anyhow!("{}: {e}", file.display()))?;
    let decryptor = age::Decryptor::new(std::io::BufReader::new(std::fs::File::open(encrypted)?))
        .map_err(|e| anyhow!("not an age file: {e}"))?;
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| anyhow!("cannot decrypt with {}: {e}", file.display()))?;
    let mut output = std::fs::File::create(plain)?;
    std::io::copy(&mut reader, &mut output).context("the encrypted data is damaged")?;
    output.sync_all()?;
    Ok(())
}
