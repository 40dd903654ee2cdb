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

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context};
use chrono::{DateTime, TimeDelta, Utc};
use jobbot_db::{backup as db, DatabaseUrl};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub mod offsite;

const MANIFEST: &str = "manifest.json";
const VERIFICATION: &str = "verification.json";
const PG_FILE: &str = "database.pgdump";
const SQLITE_FILE: &str = "database.sqlite3.gz";
const FILES_ARCHIVE: &str = "files.zip";
/// diesel's own table: a newer binary's migrations add rows to it, nothing else.
const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

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
fn encrypt(plain: &Path, encrypted: &Path, recipient: &str) -> anyhow::Result<()> {
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
fn decrypt(encrypted: &Path, plain: &Path, keys: &Keys, recipient: &str) -> anyhow::Result<()> {
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

fn connect(url: &DatabaseUrl) -> anyhow::Result<jobbot_db::PooledConnection> {
    let pool = jobbot_db::connect(url, 1).with_context(|| format!("cannot connect to {}", url.redacted()))?;
    pool.get()
        .with_context(|| format!("cannot connect to {}", url.redacted()))
}

fn sha256_of(path: &Path) -> anyhow::Result<(u64, String)> {
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

/// A command-line PostgreSQL tool with the URL's password in its environment, not its arguments.
fn pg_tool(tool: &str, url: &str) -> (Command, String) {
    let (plain, password) = jobbot_db::without_password(url);
    let mut command = Command::new(tool);
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    (command, plain)
}

fn run(mut command: Command, what: &str) -> anyhow::Result<()> {
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
fn pg_dump_major() -> anyhow::Result<i64> {
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
fn plain_files_archive(
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
fn archived_files(backup: &Local, files: &FilesManifest, keys: &Keys) -> anyhow::Result<Vec<String>> {
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

/// Every CV file the restored database refers to must be in the backup's files archive.
fn check_files(backup: &Local, conn: &mut jobbot_db::DbConnection, keys: &Keys) -> Result<String, String> {
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

fn write_json(path: &Path, value: &impl Serialize) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    let mut file = std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> anyhow::Result<T> {
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

/// The data file matches its manifest's size and SHA-256.
fn check_file(backup: &Local) -> anyhow::Result<PathBuf> {
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
fn load(backup: &Local, file: &Path, target: &DatabaseUrl, keys: &Keys) -> anyhow::Result<()> {
    let Some(recipient) = &backup.manifest.encrypted_to else {
        return load_plain(backup, file, target);
    };
    let plain = std::env::temp_dir().join(format!("jobbot-restore-{}", uuid::Uuid::now_v7().simple()));
    let loaded = decrypt(file, &plain, keys, recipient).and_then(|()| load_plain(backup, &plain, target));
    let _ = std::fs::remove_file(&plain);
    loaded
}

fn load_plain(backup: &Local, file: &Path, target: &DatabaseUrl) -> anyhow::Result<()> {
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
fn compare(manifest: &Manifest, restored: &BTreeMap<String, i64>) -> Result<(), String> {
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

/// France's offset from UTC at `at`: +2 h from the last Sunday of March 01:00 UTC to the last Sunday of
/// October 01:00 UTC (the EU rule), +1 h otherwise. Enough to schedule in Europe/Paris without a time zone
/// database.
pub fn paris_offset(at: DateTime<Utc>) -> TimeDelta {
    use chrono::{Datelike, NaiveDate, Weekday};
    let last_sunday = |month: u32| -> Option<DateTime<Utc>> {
        let first_of_next = NaiveDate::from_ymd_opt(at.year(), month + 1, 1)?;
        let mut day = first_of_next.pred_opt()?;
        while day.weekday() != Weekday::Sun {
            day = day.pred_opt()?;
        }
        Some(day.and_hms_opt(1, 0, 0)?.and_utc())
    };
    match (last_sunday(3), last_sunday(10)) {
        (Some(start), Some(end)) if at >= start && at < end => TimeDelta::hours(2),
        _ => TimeDelta::hours(1),
    }
}

/// `HH:MM`, a time of day in Europe/Paris (`JOBBOT_BACKUP_AT`).
pub fn parse_time_of_day(raw: &str) -> Option<chrono::NaiveTime> {
    chrono::NaiveTime::parse_from_str(raw.trim(), "%H:%M").ok()
}

/// The first moment after `now` at which Paris' clocks show `at`.
pub fn next_run(now: DateTime<Utc>, at: chrono::NaiveTime) -> DateTime<Utc> {
    let paris_day = (now + paris_offset(now)).date_naive();
    for days in 0..3 {
        let Some(day) = paris_day.checked_add_days(chrono::Days::new(days)) else {
            break;
        };
        let local = day.and_time(at);
        // The offset of that moment (guessed from the offset an hour either side of a change is the same).
        let guess = local.and_utc() - TimeDelta::hours(1);
        let candidate = local.and_utc() - paris_offset(guess);
        if candidate > now {
            return candidate;
        }
    }
    now + TimeDelta::days(1)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(raw: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(raw)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn paris_time_follows_summer_time() {
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(paris_offset(utc("2026-01-15T12:00:00Z")), TimeDelta::hours(1));
        assert_eq!(paris_offset(utc("2026-03-29T00:59:00Z")), TimeDelta::hours(1));
        assert_eq!(paris_offset(utc("2026-03-29T01:00:00Z")), TimeDelta::hours(2));
        assert_eq!(paris_offset(utc("2026-07-14T12:00:00Z")), TimeDelta::hours(2));
        assert_eq!(paris_offset(utc("2026-10-25T00:59:00Z")), TimeDelta::hours(2));
        assert_eq!(paris_offset(utc("2026-10-25T01:00:00Z")), TimeDelta::hours(1));
    }

    #[test]
    fn the_next_run_is_at_paris_time() {
        let at = parse_time_of_day("02:30").expect("time");
        // Winter: 02:30 in Paris is 01:30 UTC; summer: 00:30 UTC.
        assert_eq!(
            next_run(utc("2026-11-26T05:00:00Z"), at),
            utc("2026-11-27T01:30:00Z")
        );
        assert_eq!(
            next_run(utc("2026-11-26T01:00:00Z"), at),
            utc("2026-11-26T01:30:00Z")
        );
        assert_eq!(
            next_run(utc("2026-07-01T00:00:00Z"), at),
            utc("2026-07-01T00:30:00Z")
        );
        assert_eq!(
            next_run(utc("2026-07-01T00:31:00Z"), at),
            utc("2026-07-02T00:30:00Z")
        );
        // Across the change of 25 October: 02:30 on the 26th is winter time.
        assert_eq!(
            next_run(utc("2026-10-25T12:00:00Z"), at),
            utc("2026-10-26T01:30:00Z")
        );
        assert_eq!(parse_time_of_day("25:00"), None);
    }
}
