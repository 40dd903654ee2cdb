//! `jobbot backup`: consistent backups of the whole database, each with a manifest; verification by a real
//! restore into a scratch database; restore; local retention.
//!
//! A backup is a folder `JOBBOT_BACKUP_DIR/<id>/` (written as `<id>.partial/` and renamed when complete):
//! `manifest.json` (time, backend, schema version, row count per table, file size, SHA-256) and the data —
//! PostgreSQL: `database.pgdump` (`pg_dump` custom format, compressed) of a snapshot whose row counts the
//! manifest gives; SQLite: `database.sqlite3.gz`, SQLite's online copy (`VACUUM INTO`) gzipped.
//! `verification.json` records the last verification. The uploaded files (CVs) follow in `files.zip` (every
//! file of the store, keys as names; encrypted like the data file), copied after the database: a file is
//! deleted from the store only an hour after nothing refers to it, so every file the database copy refers to is
//! still there, and verification checks that each one is in the archive.
//!
//! By step: `dump` writes a backup, `manifest` is a backup on disk (listing, description, local retention),
//! `crypto` encrypts its files, `verify` restores it into a scratch database and compares, `offsite` copies it
//! to object stores, `schedule` says when the service runs; this file runs a whole cycle everywhere.

use std::path::Path;

use anyhow::{anyhow, bail};
use chrono::{DateTime, TimeDelta, Utc};
use jobbot_db::{backup as db, DatabaseUrl};

mod crypto;
mod dump;
mod manifest;
pub mod offsite;
mod schedule;
mod verify;

pub use crypto::Keys;
use dump::connect;
pub use dump::{add_files, create};
pub use manifest::{
    describe, find, is_plain_name, list, prune, record, FilesManifest, Local, Manifest, Verification,
};
pub use schedule::{next_run, paris_offset, parse_time_of_day};
pub use verify::{restore, restore_files, verify, verify_and_record};

/// Where backups go besides `JOBBOT_BACKUP_DIR`, and how they must be kept there.
pub struct Offsite {
    pub targets: Vec<offsite::Target>,
    /// `JOBBOT_BACKUP_OFFSITE_RETENTION_DAYS`, default 60.
    pub retention_days: u32,
    /// `JOBBOT_ENV=production`: copies leaving the server must be encrypted.
    pub production: bool,
}

impl Offsite {
    pub fn from_env(production: bool) -> anyhow::Result<Self> {
        let retention_days = match std::env::var("JOBBOT_BACKUP_OFFSITE_RETENTION_DAYS") {
            Ok(raw) => raw
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|d| (1..=36_500).contains(d))
                .ok_or_else(|| {
                    anyhow!("JOBBOT_BACKUP_OFFSITE_RETENTION_DAYS: a number of days, 1 to 36500")
                })?,
            Err(_) => 60,
        };
        Ok(Self {
            targets: offsite::targets_from_env()?,
            retention_days,
            production,
        })
    }
}

/// A backup in `dir`, copied to every target and checked there; the run recorded (where it went, and the
/// first error). The local backup stays even when a copy fails; the run is then recorded as failed.
pub async fn create_everywhere(
    url: &DatabaseUrl,
    dir: &Path,
    keys: &Keys,
    offsite: &Offsite,
    files: &crate::files::Files,
) -> anyhow::Result<Manifest> {
    let started = Utc::now();
    if offsite.production && !offsite.targets.is_empty() && keys.recipient.is_none() {
        let error = "copies leave the server (JOBBOT_BACKUP_TARGETS): in production they must be encrypted; \
                     set JOBBOT_BACKUP_AGE_RECIPIENT";
        record(url, "create", None, started, None, &[], Some(error.to_owned()));
        bail!(error);
    }
    let made = match create(url, dir, keys) {
        Ok(manifest) => match find(dir, Some(&manifest.id)) {
            Ok(local) => add_files(&local, files, keys).await,
            Err(error) => Err(error),
        },
        Err(error) => Err(error),
    };
    let mut went = vec![dir.display().to_string()];
    let mut errors = Vec::new();
    if let Ok(manifest) = &made {
        let local = find(dir, Some(&manifest.id))?;
        for target in &offsite.targets {
            match target.upload(&local).await {
                Ok(()) => went.push(target.url.clone()),
                Err(error) => errors.push(format!("{error:#}")),
            }
        }
    }
    let (id, size) = made
        .as_ref()
        .map_or((None, None), |m| (Some(m.id.clone()), Some(m.size_bytes)));
    let error = match &made {
        Err(error) => Some(format!("{error:#}")),
        Ok(_) if !errors.is_empty() => Some(errors.join("; ")),
        Ok(_) => None,
    };
    record(url, "create", id.as_deref(), started, size, &went, error.clone());
    let manifest = made?;
    if let Some(error) = error {
        bail!(
            "backup {} made here but not copied everywhere: {error}",
            manifest.id
        );
    }
    Ok(manifest)
}

/// The local prune and every target's; the run recorded. Returns what went, per place.
pub async fn prune_everywhere(
    url: &DatabaseUrl,
    dir: &Path,
    retention_days: u32,
    offsite: &Offsite,
    now: DateTime<Utc>,
    dry_run: bool,
) -> anyhow::Result<Vec<(String, Vec<String>)>> {
    let mut pruned = vec![(
        dir.display().to_string(),
        prune(dir, retention_days, now, dry_run),
    )];
    if !dry_run {
        for target in &offsite.targets {
            pruned.push((
                target.url.clone(),
                target.prune(offsite.retention_days, now).await,
            ));
        }
    }
    let error: Vec<String> = pruned
        .iter()
        .filter_map(|(place, result)| result.as_ref().err().map(|e| format!("{place}: {e:#}")))
        .collect();
    if !dry_run {
        let places: Vec<String> = pruned.iter().map(|(place, _)| place.clone()).collect();
        let error = (!error.is_empty()).then(|| error.join("; "));
        record(url, "prune", None, now, None, &places, error);
    }
    pruned
        .into_iter()
        .map(|(place, result)| result.map(|ids| (place, ids)))
        .collect()
}

/// One daemon cycle: with the lock (one backup at a time across hosts), a backup unless one succeeded in the
/// last 12 hours, the prune, and a verification of the newest when none succeeded in 7 days. Returns what it
/// did, for the log.
pub async fn cycle(
    url: &DatabaseUrl,
    dir: &Path,
    retention_days: u32,
    keys: &Keys,
    offsite: &Offsite,
    files: &crate::files::Files,
) -> anyhow::Result<String> {
    let mut lock = connect(url)?;
    if !db::try_lock(&mut lock)? {
        return Ok("another backup daemon holds the lock: nothing to do".into());
    }
    let status = db::status(&mut lock)?;
    let now = Utc::now();
    let recent = |run: &Option<db::RunRow>, hours: i64| {
        run.as_ref()
            .is_some_and(|r| now - r.finished_at.and_utc() < TimeDelta::hours(hours))
    };
    let mut done = Vec::new();
    if recent(&status.last_backup, 12) {
        done.push("a backup succeeded in the last 12 hours: none made".to_owned());
    } else {
        let manifest = create_everywhere(url, dir, keys, offsite, files).await?;
        done.push(format!("backup {}", manifest.id));
    }
    let pruned = prune_everywhere(url, dir, retention_days, offsite, Utc::now(), false).await?;
    let count: usize = pruned.iter().map(|(_, ids)| ids.len()).sum();
    done.push(format!("pruned {count}"));
    if !recent(&status.last_verification, 7 * 24) {
        let newest = find(dir, None)?;
        let verification = verify_and_record(url, &newest, keys)?;
        done.push(format!(
            "verification of {}: {}",
            newest.manifest.id,
            if verification.ok { "ok" } else { "FAILED" }
        ));
    }
    drop(lock);
    Ok(done.join("; "))
}
