//! Reading a backup back: a real restore into a scratch database, row counts and files compared with the
//! manifest, the result recorded; and restoring one for real.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use chrono::Utc;
use jobbot_db::{backup as db, DatabaseUrl};

use super::crypto::{decrypt, Keys};
use super::dump::{archived_files, connect, pg_tool, plain_files_archive, run};
use super::manifest::{record, sha256_of, write_json, Local, Manifest, Verification, VERIFICATION};

/// diesel's own table: a newer binary's migrations add rows to it, nothing else.
pub(super) const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

/// Every CV file the restored database refers to must be in the backup's files archive.
pub(super) fn check_files(
    backup: &Local,
    conn: &mut jobbot_db::DbConnection,
    keys: &Keys,
) -> Result<String, String> {
    let referenced = jobbot_db::cvs::keys(conn).map_err(|e| e.to_string())?;
    let Some(files) = &backup.manifest.files else {
        if referenced.is_empty() {
            return Ok(String::new());
        }
        return Err(format!(
            "its database refers to {} CV file(s) but the backup holds no files",
            referenced.len()
        ));
    };
    let names: std::collections::HashSet<String> = archived_files(backup, files, keys)
        .map_err(|e| format!("the files archive: {e:#}"))?
        .into_iter()
        .collect();
    if names.len() != files.count {
        return Err(format!(
            "the files archive holds {} file(s), the manifest says {}",
            names.len(),
            files.count
        ));
    }
    let missing = referenced.iter().filter(|k| !names.contains(*k)).count();
    if missing > 0 {
        return Err(format!(
            "{missing} CV file(s) the database refers to are not in the files archive"
        ));
    }
    Ok(format!(", {} file(s) checked", names.len()))
}

/// Puts the backup's files back into the store (those it lacks); returns how many were written.
pub async fn restore_files(
    backup: &Local,
    files: &crate::files::Files,
    keys: &Keys,
) -> anyhow::Result<usize> {
    let Some(manifest) = &backup.manifest.files else {
        return Ok(0);
    };
    let (plain, scratch) = plain_files_archive(backup, manifest, keys)?;
    let result = async {
        let mut archive = zip::ZipArchive::new(std::fs::File::open(&plain)?)?;
        let mut written = 0;
        for index in 0..archive.len() {
            let (key, bytes) = {
                let mut entry = archive.by_index(index)?;
                let mut bytes = Vec::new();
                entry.read_to_end(&mut bytes)?;
                (entry.name()?.into_owned(), bytes)
            };
            // JobBot's own keys only: nothing in an archive becomes a path elsewhere.
            if !key.starts_with("cv/") || key.contains("..") {
                continue;
            }
            if files.get(&key).await?.is_none() {
                files.put(&key, bytes).await?;
                written += 1;
            }
        }
        anyhow::Ok(written)
    }
    .await;
    if let Some(scratch) = scratch {
        let _ = std::fs::remove_file(scratch);
    }
    result
}

/// The data file matches its manifest's size and SHA-256.
pub(super) fn check_file(backup: &Local) -> anyhow::Result<PathBuf> {
    let path = backup.folder.join(&backup.manifest.file);
    let (size, sha256) = sha256_of(&path)?;
    if size != backup.manifest.size_bytes || sha256 != backup.manifest.sha256 {
        bail!(
            "backup {}: {} does not match its manifest ({size} bytes, SHA-256 {sha256}; expected {} bytes, {}): \
             the file is corrupted or truncated",
            backup.manifest.id,
            backup.manifest.file,
            backup.manifest.size_bytes,
            backup.manifest.sha256
        );
    }
    Ok(path)
}

/// Loads the backup's data into `target`, which must be empty (a missing SQLite file is); an encrypted file
/// is decrypted first, into a temporary file removed after.
pub(super) fn load(backup: &Local, file: &Path, target: &DatabaseUrl, keys: &Keys) -> anyhow::Result<()> {
    let Some(recipient) = &backup.manifest.encrypted_to else {
        return load_plain(backup, file, target);
    };
    let plain = std::env::temp_dir().join(format!("jobbot-restore-{}", uuid::Uuid::now_v7().simple()));
    let loaded = decrypt(file, &plain, keys, recipient).and_then(|()| load_plain(backup, &plain, target));
    let _ = std::fs::remove_file(&plain);
    loaded
}

pub(super) fn load_plain(backup: &Local, file: &Path, target: &DatabaseUrl) -> anyhow::Result<()> {
    match (backup.manifest.backend.as_str(), target) {
        ("postgres", DatabaseUrl::Postgres(raw)) => {
            let (mut restore, plain) = pg_tool("pg_restore", raw);
            restore
                .arg("--no-owner")
                .arg("--no-privileges")
                .arg("--exit-on-error")
                .arg(format!("--dbname={plain}"))
                .arg(file);
            run(restore, "pg_restore")
        }
        ("sqlite", DatabaseUrl::Sqlite(path)) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)?;
            }
            let temporary = path.with_extension("restoring");
            let unpacked = (|| -> anyhow::Result<()> {
                let mut gunzip = flate2::read::GzDecoder::new(std::fs::File::open(file)?);
                let mut output = std::fs::File::create(&temporary)?;
                std::io::copy(&mut gunzip, &mut output).context("the compressed data is damaged")?;
                output.sync_all()?;
                Ok(())
            })();
            if let Err(error) = unpacked {
                let _ = std::fs::remove_file(&temporary);
                return Err(error);
            }
            std::fs::rename(&temporary, path)?;
            Ok(())
        }
        (backend, _) => bail!(
            "backup {} is a {backend} backup: restore it into a {backend} database",
            backup.manifest.id
        ),
    }
}

/// Whether the restored counts are the manifest's (a newer binary's migrations may add to diesel's own table).
pub(super) fn compare(manifest: &Manifest, restored: &BTreeMap<String, i64>) -> Result<(), String> {
    let mut differences = Vec::new();
    for (table, expected) in &manifest.tables {
        let got = restored.get(table).copied();
        let fine = got == Some(*expected) || (table == MIGRATIONS_TABLE && got >= Some(*expected));
        if !fine {
            differences.push(format!(
                "{table}: {} rows instead of {expected}",
                got.map_or_else(|| "no table, so no".to_owned(), |n| n.to_string())
            ));
        }
    }
    if differences.is_empty() {
        Ok(())
    } else {
        Err(differences.join("; "))
    }
}

/// Restores the backup into a scratch database, applies the migrations and compares the row counts with the
/// manifest; records and returns the result. `scratch_server` is a PostgreSQL URL whose user may create
/// databases (a PostgreSQL backup); the scratch database is dropped afterwards.
pub fn verify(backup: &Local, scratch_server: Option<&str>, keys: &Keys) -> anyhow::Result<Verification> {
    let outcome = (|| -> Result<String, String> {
        let file = check_file(backup).map_err(|e| format!("{e:#}"))?;
        let checked = |target: &DatabaseUrl| -> Result<String, String> {
            load(backup, &file, target, keys).map_err(|e| format!("the restore failed: {e:#}"))?;
            let mut conn = connect(target).map_err(|e| format!("{e:#}"))?;
            let applied = jobbot_db::migrations::run_pending(&mut conn)
                .map_err(|e| format!("migrations failed: {e}"))?;
            let restored = db::row_counts(&mut conn).map_err(|e| e.to_string())?;
            compare(&backup.manifest, &restored).map_err(|e| format!("row counts differ: {e}"))?;
            let files = check_files(backup, &mut conn, keys)?;
            let rows: i64 = restored.values().sum();
            Ok(format!(
                "restored {} tables and {rows} rows, {} migration(s) applied after{files}",
                restored.len(),
                applied.len()
            ))
        };
        let scratch_name = format!("jobbot_verify_{}", uuid::Uuid::now_v7().simple());
        match backup.manifest.backend.as_str() {
            "postgres" => {
                let server = scratch_server.ok_or("no PostgreSQL server to restore into")?;
                let server_url = DatabaseUrl::parse(server).map_err(|e| e.to_string())?;
                let mut admin = connect(&server_url).map_err(|e| format!("{e:#}"))?;
                db::create_or_drop_database(&mut admin, &scratch_name, true).map_err(|e| {
                    format!("cannot create a scratch database ({e}): its user needs CREATEDB")
                })?;
                let target = DatabaseUrl::Postgres(jobbot_db::with_database_name(server, &scratch_name));
                let result = checked(&target);
                let _ = db::create_or_drop_database(&mut admin, &scratch_name, false);
                result
            }
            _ => {
                let path = std::env::temp_dir().join(format!("{scratch_name}.sqlite3"));
                let result = checked(&DatabaseUrl::Sqlite(path.clone()));
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
                result
            }
        }
    })();
    let verification = match outcome {
        Ok(detail) => Verification {
            verified_at: Utc::now(),
            ok: true,
            detail,
        },
        Err(detail) => Verification {
            verified_at: Utc::now(),
            ok: false,
            detail,
        },
    };
    write_json(&backup.folder.join(VERIFICATION), &verification)?;
    Ok(verification)
}

/// Restores the backup into `target`; a target that is not empty needs `force` (it is emptied first).
/// Returns the restored row counts.
pub fn restore(
    backup: &Local,
    target: &DatabaseUrl,
    force: bool,
    keys: &Keys,
) -> anyhow::Result<BTreeMap<String, i64>> {
    let file = check_file(backup)?;
    let empty = match target {
        DatabaseUrl::Sqlite(path) => !path.exists() || db::is_empty(&mut *connect(target)?)?,
        DatabaseUrl::Postgres(_) => db::is_empty(&mut *connect(target)?)?,
    };
    if !empty {
        if !force {
            bail!(
                "{} is not empty: restoring would replace its data; add --force to do so",
                target.redacted()
            );
        }
        match target {
            DatabaseUrl::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let file = PathBuf::from(format!("{}{suffix}", path.display()));
                    if file.exists() {
                        std::fs::remove_file(&file)
                            .with_context(|| format!("cannot remove {}", file.display()))?;
                    }
                }
            }
            DatabaseUrl::Postgres(_) => db::reset_schema(&mut *connect(target)?)?,
        }
    } else if let DatabaseUrl::Sqlite(path) = target {
        // An empty file left by a connection: replaced.
        let _ = std::fs::remove_file(path);
    }
    load(backup, &file, target, keys)?;
    let restored = db::row_counts(&mut *connect(target)?)?;
    Ok(restored)
}

/// [`verify`] with the database's own server for the scratch database, the run recorded.
pub fn verify_and_record(url: &DatabaseUrl, backup: &Local, keys: &Keys) -> anyhow::Result<Verification> {
    let started = Utc::now();
    let scratch = match url {
        DatabaseUrl::Postgres(raw) => Some(raw.as_str()),
        DatabaseUrl::Sqlite(_) => None,
    };
    let verification = verify(backup, scratch, keys)?;
    record(
        url,
        "verify",
        Some(&backup.manifest.id),
        started,
        Some(backup.manifest.size_bytes),
        &[backup.folder.display().to_string()],
        (!verification.ok).then(|| verification.detail.clone()),
    );
    Ok(verification)
}
