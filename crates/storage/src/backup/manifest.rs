//! A backup on disk: its folder's names, its manifest and last verification, listing and finding backups,
//! how one is described, and local retention.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use chrono::{DateTime, TimeDelta, Utc};
use jobbot_db::{backup as db, DatabaseUrl};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::dump::connect;

pub(super) const MANIFEST: &str = "manifest.json";

pub(super) const VERIFICATION: &str = "verification.json";

pub(super) const PG_FILE: &str = "database.pgdump";

pub(super) const SQLITE_FILE: &str = "database.sqlite3.gz";

pub(super) const FILES_ARCHIVE: &str = "files.zip";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub id: String,
    pub created_at: DateTime<Utc>,
    /// `postgres` or `sqlite`.
    pub backend: String,
    /// The newest migration applied to the database backed up.
    pub schema_version: String,
    pub jobbot_version: String,
    /// The data file, in the backup's folder.
    pub file: String,
    pub size_bytes: u64,
    pub sha256: String,
    /// Rows per table at the moment of the backup.
    pub tables: BTreeMap<String, i64>,
    /// The age recipient the data file is encrypted to (`JOBBOT_BACKUP_AGE_RECIPIENT`), if it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted_to: Option<String>,
    /// The uploaded files, when they were copied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<FilesManifest>,
}

/// A backup's copy of the file store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FilesManifest {
    /// In the backup's folder: `files.zip` (or `files.zip.age`).
    pub file: String,
    pub count: usize,
    pub size_bytes: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verification {
    pub verified_at: DateTime<Utc>,
    pub ok: bool,
    pub detail: String,
}

/// A backup found on disk.
#[derive(Debug, Clone)]
pub struct Local {
    pub manifest: Manifest,
    pub verification: Option<Verification>,
    pub folder: PathBuf,
}

pub(super) fn sha256_of(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut file = std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        size += read as u64;
        hasher.update(&buffer[..read]);
    }
    let digest = hasher.finalize();
    Ok((size, digest.iter().map(|b| format!("{b:02x}")).collect()))
}

pub(super) fn write_json(path: &Path, value: &impl Serialize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    let mut file = std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

pub(super) fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> anyhow::Result<T> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid", path.display()))
}

/// Whether a name a manifest gives (its id, its data file, its files archive) is a plain file name inside the
/// backup's own folder: no separator, no `.` or `..`, nothing absolute. A manifest is read from a folder or a
/// store that may not be ours alone: a path in it must never lead a restore elsewhere.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && !name.starts_with('~')
        && !std::path::Path::new(name).is_absolute()
}

impl Manifest {
    /// Every name in the manifest is a plain file name ([`is_plain_name`]).
    pub fn names_are_plain(&self) -> bool {
        is_plain_name(&self.id)
            && is_plain_name(&self.file)
            && self.files.as_ref().is_none_or(|files| is_plain_name(&files.file))
    }
}

/// The complete backups in `dir`, oldest first. A manifest naming a file outside its folder is not a backup.
pub fn list(dir: &Path) -> anyhow::Result<Vec<Local>> {
    let mut found = Vec::new();
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(found),
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", dir.display())),
    };
    for entry in entries {
        let folder = entry?.path();
        let name = folder.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if !folder.is_dir() || name.ends_with(".partial") || name.starts_with('.') {
            continue;
        }
        let Ok(manifest) = read_json::<Manifest>(&folder.join(MANIFEST)) else {
            continue;
        };
        if !manifest.names_are_plain() {
            tracing::warn!(folder = %folder.display(), "a backup manifest names a path, not a file: ignored");
            continue;
        }
        let verification = read_json::<Verification>(&folder.join(VERIFICATION)).ok();
        found.push(Local {
            manifest,
            verification,
            folder,
        });
    }
    found.sort_by_key(|b| b.manifest.created_at);
    Ok(found)
}

/// The backup named `id`, or the newest one.
pub fn find(dir: &Path, id: Option<&str>) -> anyhow::Result<Local> {
    let all = list(dir)?;
    match id {
        Some(id) => all
            .into_iter()
            .find(|b| b.manifest.id == id)
            .ok_or_else(|| anyhow!("no backup {id} in {}", dir.display())),
        None => all
            .into_iter()
            .next_back()
            .ok_or_else(|| anyhow!("no backup in {}", dir.display())),
    }
}

/// Deletes the backups older than `retention_days` at `now`, except the newest verified one and the newest
/// one; returns what it deleted (or would, with `dry_run`).
pub fn prune(
    dir: &Path,
    retention_days: u32,
    now: DateTime<Utc>,
    dry_run: bool,
) -> anyhow::Result<Vec<String>> {
    let all = list(dir)?;
    let newest = all.last().map(|b| b.manifest.id.clone());
    let newest_verified = all
        .iter()
        .rev()
        .find(|b| b.verification.as_ref().is_some_and(|v| v.ok))
        .map(|b| b.manifest.id.clone());
    let limit = now - TimeDelta::days(i64::from(retention_days));
    let mut deleted = Vec::new();
    for backup in all {
        let id = backup.manifest.id.clone();
        let keep = backup.manifest.created_at >= limit
            || Some(&id) == newest.as_ref()
            || Some(&id) == newest_verified.as_ref();
        if keep {
            continue;
        }
        if !dry_run {
            std::fs::remove_dir_all(&backup.folder)
                .with_context(|| format!("cannot delete {}", backup.folder.display()))?;
        }
        deleted.push(id);
    }
    Ok(deleted)
}

/// How `list` shows a backup.
pub fn describe(backup: &Local, now: DateTime<Utc>) -> String {
    let age = now - backup.manifest.created_at;
    let age = if age.num_days() > 0 {
        format!("{} d", age.num_days())
    } else {
        format!("{} h", age.num_hours())
    };
    let verified = match &backup.verification {
        Some(v) if v.ok => format!("verified {}", v.verified_at.format("%Y-%m-%d %H:%M")),
        Some(v) => format!(
            "FAILED verification {}: {}",
            v.verified_at.format("%Y-%m-%d %H:%M"),
            v.detail
        ),
        None => "not verified".to_owned(),
    };
    let rows: i64 = backup.manifest.tables.values().sum();
    let sealed = if backup.manifest.encrypted_to.is_some() {
        "  encrypted"
    } else {
        ""
    };
    format!(
        "{}  {:<8} {:>7}  {:>12} bytes  {rows} rows  {verified}{sealed}",
        backup.manifest.id, backup.manifest.backend, age, backup.manifest.size_bytes
    )
}

/// Records a run in the database backed up (what the admin page, `/metrics` and the alerts read). A database
/// that cannot take it (down, or older than this binary's migrations) gets a warning, not a failure.
pub fn record(
    url: &DatabaseUrl,
    kind: &str,
    backup_id: Option<&str>,
    started_at: DateTime<Utc>,
    size_bytes: Option<u64>,
    targets: &[String],
    error: Option<String>,
) {
    let run = db::RunRow {
        id: uuid::Uuid::now_v7().to_string(),
        kind: kind.to_owned(),
        backup_id: backup_id.map(str::to_owned),
        started_at: started_at.naive_utc(),
        finished_at: jobbot_db::now(),
        size_bytes: size_bytes.and_then(|n| i64::try_from(n).ok()),
        targets: serde_json::to_string(targets).unwrap_or_else(|_| "[]".into()),
        outcome: if error.is_some() { "failed" } else { "ok" }.to_owned(),
        error,
    };
    let recorded = connect(url).and_then(|mut conn| Ok(db::record_run(&mut conn, &run)?));
    if let Err(error) = recorded {
        eprintln!("jobbot backup: the run could not be recorded in the database: {error:#}");
    }
}
