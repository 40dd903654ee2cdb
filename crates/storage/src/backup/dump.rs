//! Writing a backup: the database copied consistently (`pg_dump` of a snapshot, SQLite's online copy), its row
//! counts, then the file store archived beside it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context};
use chrono::Utc;
use jobbot_db::{backup as db, DatabaseUrl};

use super::crypto::{decrypt, encrypt, Keys};
use super::manifest::{
    sha256_of, write_json, FilesManifest, Local, Manifest, FILES_ARCHIVE, MANIFEST, PG_FILE, SQLITE_FILE,
};

pub(super) fn connect(url: &DatabaseUrl) -> anyhow::Result<jobbot_db::PooledConnection> {
    let pool = jobbot_db::connect(url, 1).with_context(|| format!("cannot connect to {}", url.redacted()))?;
    pool.get()
        .with_context(|| format!("cannot connect to {}", url.redacted()))
}

/// A command-line PostgreSQL tool with the URL's password in its environment, not its arguments.
pub(super) fn pg_tool(tool: &str, url: &str) -> (Command, String) {
    let (plain, password) = jobbot_db::without_password(url);
    let mut command = Command::new(tool);
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    (command, plain)
}

pub(super) fn run(mut command: Command, what: &str) -> anyhow::Result<()> {
    let output = command
        .output()
        .with_context(|| format!("cannot run {what} (Debian: apt-get install postgresql-client)"))?;
    if !output.status.success() {
        bail!(
            "{what} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

/// `pg_dump --version`'s major version.
pub(super) fn pg_dump_major() -> anyhow::Result<i64> {
    let output = Command::new("pg_dump")
        .arg("--version")
        .output()
        .context("cannot run pg_dump (Debian: apt-get install postgresql-client)")?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_whitespace()
        .find_map(|word| word.split('.').next().and_then(|major| major.parse().ok()))
        .ok_or_else(|| anyhow!("cannot read pg_dump's version from {text:?}"))
}

/// Makes a backup of `url` in `dir`, its data encrypted when `keys` has a recipient.
pub fn create(url: &DatabaseUrl, dir: &Path, keys: &Keys) -> anyhow::Result<Manifest> {
    let now = Utc::now();
    let id = now.format("%Y%m%dT%H%M%S%3fZ").to_string();
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let partial = dir.join(format!("{id}.partial"));
    std::fs::create_dir(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
    let made = (|| -> anyhow::Result<Manifest> {
        let (file, tables, schema) = match url {
            DatabaseUrl::Postgres(raw) => {
                let mut conn = connect(url)?;
                let server = db::server_major_version(&mut conn)?;
                let client = pg_dump_major()?;
                if client < server {
                    bail!(
                        "pg_dump {client} cannot back up a PostgreSQL {server} server: install \
                         postgresql-client-{server} (pg_dump must be at least as recent as the server)"
                    );
                }
                let snapshot = db::begin_snapshot(&mut conn)?;
                let tables = db::row_counts(&mut conn)?;
                let schema = db::schema_version(&mut conn)?;
                let (mut dump, plain) = pg_tool("pg_dump", raw);
                dump.arg("--format=custom")
                    .arg(format!("--snapshot={snapshot}"))
                    .arg("--no-owner")
                    .arg("--no-privileges")
                    .arg(format!("--file={}", partial.join(PG_FILE).display()))
                    .arg(format!("--dbname={plain}"));
                run(dump, "pg_dump")?;
                db::end_snapshot(&mut conn)?;
                (PG_FILE, tables, schema)
            }
            DatabaseUrl::Sqlite(_) => {
                let copy = partial.join("copy.sqlite3");
                {
                    let mut conn = connect(url)?;
                    db::sqlite_copy_into(&mut conn, &copy)?;
                }
                // The copy is the backup: its counts are the manifest's.
                let (tables, schema) = {
                    let mut conn = connect(&DatabaseUrl::Sqlite(copy.clone()))?;
                    (db::row_counts(&mut conn)?, db::schema_version(&mut conn)?)
                };
                let mut input = std::fs::File::open(&copy)?;
                let output = std::fs::File::create(partial.join(SQLITE_FILE))?;
                let mut gzip = flate2::write::GzEncoder::new(output, flate2::Compression::default());
                std::io::copy(&mut input, &mut gzip)?;
                gzip.finish()?.sync_all()?;
                std::fs::remove_file(&copy)?;
                (SQLITE_FILE, tables, schema)
            }
        };
        let file = match &keys.recipient {
            Some(recipient) => {
                let sealed = format!("{file}.age");
                encrypt(&partial.join(file), &partial.join(&sealed), recipient)?;
                std::fs::remove_file(partial.join(file))?;
                sealed
            }
            None => file.to_owned(),
        };
        let (size_bytes, sha256) = sha256_of(&partial.join(&file))?;
        let manifest = Manifest {
            id: id.clone(),
            created_at: now,
            backend: url.backend().to_string(),
            schema_version: schema,
            jobbot_version: env!("CARGO_PKG_VERSION").to_owned(),
            file,
            size_bytes,
            sha256,
            tables,
            encrypted_to: keys.recipient.clone(),
            files: None,
        };
        write_json(&partial.join(MANIFEST), &manifest)?;
        Ok(manifest)
    })();
    match made {
        Ok(manifest) => {
            std::fs::rename(&partial, dir.join(&id))?;
            Ok(manifest)
        }
        Err(error) => {
            let _ = std::fs::remove_dir_all(&partial);
            Err(error)
        }
    }
}

/// Copies every file of the store into the backup (after its database: see the module's note) and records
/// it in the manifest.
pub async fn add_files(backup: &Local, files: &crate::files::Files, keys: &Keys) -> anyhow::Result<Manifest> {
    use zip::write::SimpleFileOptions;
    let stored = files.list("cv/").await?;
    let plain = backup.folder.join(FILES_ARCHIVE);
    let mut count = 0;
    {
        let output = std::fs::File::create(&plain)?;
        let mut zip = zip::ZipWriter::new(output);
        // PDFs are compressed already.
        let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for file in &stored {
            // Deleted since it was listed: nothing refers to it any more.
            let Some(bytes) = files.get(&file.key).await? else {
                continue;
            };
            zip.start_file(file.key.as_str(), options)?;
            zip.write_all(&bytes)?;
            count += 1;
        }
        zip.finish()?.sync_all()?;
    }
    let file = match &keys.recipient {
        Some(recipient) => {
            let sealed = format!("{FILES_ARCHIVE}.age");
            encrypt(&plain, &backup.folder.join(&sealed), recipient)?;
            std::fs::remove_file(&plain)?;
            sealed
        }
        None => FILES_ARCHIVE.to_owned(),
    };
    let (size_bytes, sha256) = sha256_of(&backup.folder.join(&file))?;
    let mut manifest = backup.manifest.clone();
    manifest.files = Some(FilesManifest {
        file,
        count,
        size_bytes,
        sha256,
    });
    let temporary = backup.folder.join(format!("{MANIFEST}.tmp"));
    write_json(&temporary, &manifest)?;
    std::fs::rename(&temporary, backup.folder.join(MANIFEST))?;
    Ok(manifest)
}

/// The files archive as a plain zip: the file itself, or a scratch copy decrypted from it (returned second,
/// for the caller to remove).
pub(super) fn plain_files_archive(
    backup: &Local,
    files: &FilesManifest,
    keys: &Keys,
) -> anyhow::Result<(PathBuf, Option<PathBuf>)> {
    let path = backup.folder.join(&files.file);
    match &backup.manifest.encrypted_to {
        Some(recipient) if files.file.ends_with(".age") => {
            let scratch =
                std::env::temp_dir().join(format!("jobbot-files-{}.zip", uuid::Uuid::now_v7().simple()));
            decrypt(&path, &scratch, keys, recipient)?;
            Ok((scratch.clone(), Some(scratch)))
        }
        _ => Ok((path, None)),
    }
}

/// The names in the backup's files archive (decrypted to a scratch file when it is encrypted).
pub(super) fn archived_files(
    backup: &Local,
    files: &FilesManifest,
    keys: &Keys,
) -> anyhow::Result<Vec<String>> {
    let path = backup.folder.join(&files.file);
    let (size, sha256) = sha256_of(&path)?;
    if size != files.size_bytes || sha256 != files.sha256 {
        bail!("{} is not the file the manifest describes", files.file);
    }
    let (plain, scratch) = plain_files_archive(backup, files, keys)?;
    let names = (|| -> anyhow::Result<Vec<String>> {
        let archive = zip::ZipArchive::new(std::fs::File::open(&plain)?)?;
        let names: Result<Vec<String>, _> = archive.file_names().map(|n| n.map(|n| n.into_owned())).collect();
        Ok(names?)
    })();
    if let Some(scratch) = scratch {
        let _ = std::fs::remove_file(scratch);
    }
    names
}
