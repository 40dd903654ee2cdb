//! `jobbot backup` on both backends, through the real binary: a backup taken while the server serves,
//! verified by a restore; everything dropped, restored, and a user logs in and reads their conversation;
//! a non-empty target refused without --force; a corrupted and a truncated backup fail verification with a
//! clear message; retention keeps exactly the right backups.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{db_url, login_at, login_with, new_conversation, start_process, PASSWORD};

fn jobbot(database_url: &str, backups: &Path, args: &[&str]) -> Output {
    jobbot_with(database_url, backups, args, &[])
}

fn jobbot_with(database_url: &str, backups: &Path, args: &[&str], extra: &[(&str, &str)]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_jobbot"))
        .args(args)
        .envs(extra.iter().copied())
        .env("DATABASE_URL", database_url)
        .env("JOBBOT_BACKUP_DIR", backups)
        .env("JOBBOT_JWT_SECRET", crate::helpers::TEST_JWT_SECRET)
        .env("JOBBOT_DATA_DIR", std::env::temp_dir())
        .env("RUST_LOG", "warn")
        .output()
        .expect("run jobbot")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn ok(output: Output) -> String {
    let all = text(&output);
    assert!(output.status.success(), "jobbot failed: {all}");
    all
}

fn manifests(backups: &Path) -> Vec<(std::path::PathBuf, Value)> {
    let mut found: Vec<_> = std::fs::read_dir(backups)
        .expect("backups")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("manifest.json").is_file())
        .map(|p| {
            let manifest: Value =
                serde_json::from_str(&std::fs::read_to_string(p.join("manifest.json")).expect("read"))
                    .expect("json");
            (p, manifest)
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

async fn backup_restore_round_trip(backend: jobbot_db::Backend) {
    let db = jobbot_db::testing::TestDatabase::new(backend);
    let url = db_url(&db);
    let backups = tempdir("jobbot-backups");
    let server = start_process(&url, &[], Stdio::null()).await;
    let user = login_at(&server.base, "backup@example.fr").await;
    let client = crate::helpers::client();
    let conversation = new_conversation(&client, &server.base, &user.access_token).await;
    let asked = client
        .post(format!(
            "{}/api/v1/conversations/{conversation}/messages",
            server.base
        ))
        .bearer_auth(&user.access_token)
        .json(&json!({"content": "Comment négocier mon salaire ?"}))
        .send()
        .await
        .expect("ask");
    assert_eq!(asked.status(), StatusCode::CREATED);
    let _ = asked.text().await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Taken while the server serves.
    let created = ok(jobbot(&url, &backups, &["backup", "create"]));
    assert!(created.contains("backup "), "{created}");
    let (folder, manifest) = manifests(&backups).pop().expect("a backup");
    let id = manifest["id"].as_str().expect("id").to_owned();
    assert_eq!(
        manifest["backend"],
        if backend == jobbot_db::Backend::Postgres {
            "postgres"
        } else {
            "sqlite"
        }
    );
    assert_eq!(manifest["tables"]["users"], 1);
    assert_eq!(manifest["tables"]["messages"], 2, "the question and its answer");
    let verified = ok(jobbot(&url, &backups, &["backup", "verify", "--latest"]));
    assert!(verified.contains(&format!("backup {id} verified")), "{verified}");
    assert!(ok(jobbot(&url, &backups, &["backup", "list"])).contains("verified"));
    let drill = ok(jobbot(&url, &backups, &["backup", "drill"]));
    assert!(
        drill.contains("data loss window") && drill.contains("result               OK"),
        "{drill}"
    );
    // Both runs are recorded in the database, which every instance's /metrics reads.
    {
        let pool = jobbot_db::connect(&db.url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        let status = jobbot_db::backup::status(&mut conn).expect("status");
        let last = status.last_backup.expect("a recorded backup");
        assert_eq!(last.backup_id.as_deref(), Some(id.as_str()));
        assert_eq!(last.size_bytes, manifest["size_bytes"].as_i64());
        assert!(status.last_verification.is_some() && status.last_failure.is_none());
    }
    let metrics = client
        .get(format!("{}/metrics", server.base))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    let gauge = |name: &str| {
        metrics
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{name} ")))
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or_else(|| panic!("{name} missing:\n{metrics}"))
    };
    let now = chrono::Utc::now().timestamp();
    assert!((now - gauge("jobbot_backup_last_success_timestamp_seconds")).abs() < 120);
    assert!((now - gauge("jobbot_backup_last_verification_timestamp_seconds")).abs() < 120);
    assert_eq!(
        gauge("jobbot_backup_last_size_bytes"),
        manifest["size_bytes"].as_i64().unwrap_or(-1)
    );
    drop(server);

    // Everything dropped, then restored.
    match backend {
        jobbot_db::Backend::Sqlite => {
            let path = url.trim_start_matches("sqlite://");
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{path}{suffix}"));
            }
        }
        jobbot_db::Backend::Postgres => {
            let pool = jobbot_db::connect(&db.url, 1).expect("pool");
            let mut conn = pool.get().expect("conn");
            jobbot_db::backup::reset_schema(&mut conn).expect("drop everything");
        }
    }
    let restored = ok(jobbot(&url, &backups, &["backup", "restore", &id, "--to", &url]));
    assert!(
        restored.contains("users: 1") && restored.contains("messages: 2"),
        "{restored}"
    );
    {
        let pool = jobbot_db::connect(&db.url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        let counts = jobbot_db::backup::row_counts(&mut conn).expect("counts");
        let expected: std::collections::BTreeMap<String, i64> =
            serde_json::from_value(manifest["tables"].clone()).expect("tables");
        assert_eq!(counts, expected, "identical row counts");
    }
    let server = start_process(&url, &[], Stdio::null()).await;
    let login = login_with(&server.base, "backup@example.fr", PASSWORD).await;
    let token = login["access_token"]
        .as_str()
        .expect("the user logs in again")
        .to_owned();
    let page: Value = client
        .get(format!(
            "{}/api/v1/conversations/{conversation}/messages",
            server.base
        ))
        .bearer_auth(&token)
        .send()
        .await
        .expect("read")
        .json()
        .await
        .expect("json");
    assert_eq!(page["items"][0]["content"], "Comment négocier mon salaire ?");
    drop(server);

    // A database with data is not replaced without --force.
    let refused = jobbot(&url, &backups, &["backup", "restore", &id, "--to", &url]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("not empty"), "{}", text(&refused));
    ok(jobbot(
        &url,
        &backups,
        &["backup", "restore", &id, "--to", &url, "--force"],
    ));

    // A corrupted file fails on its checksum; a truncated one whose manifest was made to match fails on the
    // restore itself.
    let data = folder.join(manifest["file"].as_str().expect("file"));
    let mut bytes = std::fs::read(&data).expect("data");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&data, &bytes).expect("corrupt");
    let failed = jobbot(&url, &backups, &["backup", "verify", &id]);
    assert!(!failed.status.success());
    assert!(
        text(&failed).contains("corrupted or truncated"),
        "{}",
        text(&failed)
    );
    assert!(ok(jobbot(&url, &backups, &["backup", "list"])).contains("FAILED verification"));
    {
        let pool = jobbot_db::connect(&db.url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        let failure = jobbot_db::backup::status(&mut conn)
            .expect("status")
            .last_failure
            .expect("the failed verification is recorded");
        assert_eq!(failure.kind, "verify");
        assert!(failure
            .error
            .is_some_and(|e| e.contains("corrupted or truncated")));
    }
    bytes[middle] ^= 0xff;
    bytes.truncate(bytes.len() * 2 / 3);
    std::fs::write(&data, &bytes).expect("truncate");
    let mut forged = manifest.clone();
    forged["size_bytes"] = json!(bytes.len());
    forged["sha256"] = json!(sha256_hex(&bytes));
    std::fs::write(folder.join("manifest.json"), forged.to_string()).expect("forge");
    let failed = jobbot(&url, &backups, &["backup", "verify", &id]);
    assert!(!failed.status.success());
    assert!(text(&failed).contains("the restore failed"), "{}", text(&failed));
    let _ = std::fs::remove_dir_all(&backups);
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn tempdir(prefix: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[actix_rt::test]
async fn backup_restore_round_trip_on_sqlite() {
    backup_restore_round_trip(jobbot_db::Backend::Sqlite).await;
}

#[actix_rt::test]
async fn backup_restore_round_trip_on_postgres() {
    backup_restore_round_trip(jobbot_db::Backend::Postgres).await;
}

/// Retention: older than JOBBOT_BACKUP_RETENTION_DAYS goes, except the newest verified and the newest.
#[actix_rt::test]
async fn prune_keeps_the_newest_verified_and_the_recent() {
    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Sqlite);
    let url = db_url(&db);
    {
        let pool = jobbot_db::connect(&db.url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        jobbot_db::migrations::run_pending(&mut conn).expect("migrate");
    }
    let backups = tempdir("jobbot-prune");
    for _ in 0..4 {
        ok(jobbot(&url, &backups, &["backup", "create"]));
        std::thread::sleep(Duration::from_millis(5));
    }
    let all = manifests(&backups);
    assert_eq!(all.len(), 4);
    // Ages 50, 40, 35 and 1 days; the 40-day one is verified.
    let now = chrono::Utc::now();
    let mut ids = Vec::new();
    for ((folder, mut manifest), days) in all.into_iter().zip([50, 40, 35, 1]) {
        manifest["created_at"] = json!((now - chrono::TimeDelta::days(days)).to_rfc3339());
        std::fs::write(folder.join("manifest.json"), manifest.to_string()).expect("age");
        ids.push(manifest["id"].as_str().expect("id").to_owned());
    }
    ok(jobbot(&url, &backups, &["backup", "verify", &ids[1]]));
    let dry = ok(jobbot(&url, &backups, &["backup", "prune", "--dry-run"]));
    assert!(dry.contains("would delete 2 backup(s)"), "{dry}");
    assert_eq!(manifests(&backups).len(), 4, "a dry run deletes nothing");
    let pruned = ok(jobbot(&url, &backups, &["backup", "prune"]));
    assert!(pruned.contains(&ids[0]) && pruned.contains(&ids[2]), "{pruned}");
    let left: Vec<String> = manifests(&backups)
        .into_iter()
        .map(|(_, m)| m["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(left, vec![ids[1].clone(), ids[3].clone()]);
    let _ = std::fs::remove_dir_all(&backups);
}

/// Two daemons (two API hosts) at the same minute: one backup, never two at once; a later cycle does not
/// repeat a recent backup; the first cycle also verifies (none verified yet).
#[actix_rt::test]
async fn two_daemons_make_one_backup() {
    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Postgres);
    let url = db_url(&db);
    {
        let pool = jobbot_db::connect(&db.url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        jobbot_db::migrations::run_pending(&mut conn).expect("migrate");
    }
    let backups = tempdir("jobbot-daemons");
    let daemon = || {
        let (url, backups) = (url.clone(), backups.clone());
        std::thread::spawn(move || jobbot(&url, &backups, &["backup", "daemon", "--once"]))
    };
    let (first, second) = (daemon(), daemon());
    let outputs = [first.join().expect("first"), second.join().expect("second")];
    for output in &outputs {
        assert!(output.status.success(), "{}", text(output));
    }
    assert_eq!(
        manifests(&backups).len(),
        1,
        "one backup: {}",
        outputs.iter().map(text).collect::<String>()
    );
    let said: String = outputs.iter().map(text).collect();
    assert!(
        said.contains("holds the lock") || said.contains("in the last 12 hours"),
        "the other daemon stood aside: {said}"
    );
    assert!(said.contains("verification of"), "{said}");
    let again = ok(jobbot(&url, &backups, &["backup", "daemon", "--once"]));
    assert!(again.contains("in the last 12 hours"), "{again}");
    assert_eq!(manifests(&backups).len(), 1);
    let _ = std::fs::remove_dir_all(&backups);
}

/// JOBBOT_BACKUP_AGE_RECIPIENT: the data file is an age file (nothing readable without the identity);
/// verify and restore need JOBBOT_BACKUP_AGE_IDENTITY_FILE, and say so without it.
#[actix_rt::test]
async fn backups_encrypted_to_an_age_recipient() {
    use age::secrecy::ExposeSecret;
    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Sqlite);
    let url = db_url(&db);
    {
        let pool = jobbot_db::connect(&db.url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        jobbot_db::migrations::run_pending(&mut conn).expect("migrate");
    }
    let backups = tempdir("jobbot-age");
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let identity_file = backups.join("identity.txt");
    std::fs::write(
        &identity_file,
        format!("{}\n", identity.to_string().expose_secret()),
    )
    .expect("identity");
    let store = backups.join("store");
    let sealed = [("JOBBOT_BACKUP_AGE_RECIPIENT", recipient.as_str())];
    ok(jobbot_with(&url, &store, &["backup", "create"], &sealed));
    let (folder, manifest) = manifests(&store).pop().expect("a backup");
    assert_eq!(manifest["encrypted_to"], json!(recipient));
    assert_eq!(manifest["file"], "database.sqlite3.gz.age");
    let data = std::fs::read(folder.join("database.sqlite3.gz.age")).expect("data");
    assert!(data.starts_with(b"age-encryption.org/v1"), "an age file");
    assert!(!folder.join("database.sqlite3.gz").exists(), "no plaintext left");
    assert!(ok(jobbot(&url, &store, &["backup", "list"])).contains("encrypted"));

    let refused = jobbot(&url, &store, &["backup", "verify"]);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("JOBBOT_BACKUP_AGE_IDENTITY_FILE"),
        "{}",
        text(&refused)
    );
    let key = identity_file.to_string_lossy().into_owned();
    let keyed = [("JOBBOT_BACKUP_AGE_IDENTITY_FILE", key.as_str())];
    ok(jobbot_with(&url, &store, &["backup", "verify"], &keyed));
    let target = format!("sqlite://{}", backups.join("restored.sqlite3").display());
    let id = manifest["id"].as_str().expect("id");
    let restored = ok(jobbot_with(
        &url,
        &store,
        &["backup", "restore", id, "--to", &target],
        &keyed,
    ));
    assert!(restored.contains("__diesel_schema_migrations"), "{restored}");
    // Another identity cannot read it.
    let other = age::x25519::Identity::generate();
    let other_file = backups.join("other.txt");
    std::fs::write(&other_file, other.to_string().expose_secret()).expect("identity");
    let other_key = other_file.to_string_lossy().into_owned();
    let wrong = jobbot_with(
        &url,
        &store,
        &["backup", "verify"],
        &[("JOBBOT_BACKUP_AGE_IDENTITY_FILE", other_key.as_str())],
    );
    assert!(!wrong.status.success());
    assert!(text(&wrong).contains("cannot decrypt"), "{}", text(&wrong));
    let _ = std::fs::remove_dir_all(&backups);
}

/// The credentials and endpoints that point object_store at moto (S3) and Azurite.
pub(crate) fn emulator_env<'a>(s3: &'a str, azurite: &'a str) -> [(&'static str, &'a str); 6] {
    [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
        ("AWS_ENDPOINT", s3),
        ("AZURE_STORAGE_USE_EMULATOR", "true"),
        ("AZURITE_BLOB_STORAGE_URL", azurite),
    ]
}

/// Creates an Azurite container with a SharedKey-signed request (object_store does not make containers).
pub(crate) async fn create_azurite_container(endpoint: &str, container: &str) {
    use base64::Engine;
    const ACCOUNT: &str = "devstoreaccount1";
    // Azurite's well-known development key (public, the same for everyone).
    const KEY: &str =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    let date = chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let version = "2021-08-06";
    let to_sign = format!(
        "PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:{date}\nx-ms-version:{version}\n/{ACCOUNT}/{ACCOUNT}/{container}\nrestype:container"
    );
    let key = base64::engine::general_purpose::STANDARD
        .decode(KEY)
        .expect("key");
    let mac = ring::hmac::sign(
        &ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key),
        to_sign.as_bytes(),
    );
    let signature = base64::engine::general_purpose::STANDARD.encode(mac.as_ref());
    let created = crate::helpers::client()
        .put(format!("{endpoint}/{ACCOUNT}/{container}?restype=container"))
        .header("x-ms-date", date)
        .header("x-ms-version", version)
        .header("Content-Length", "0")
        .header("Authorization", format!("SharedKey {ACCOUNT}:{signature}"))
        .send()
        .await
        .expect("create the container");
    assert_eq!(
        created.status(),
        StatusCode::CREATED,
        "{}",
        created.text().await.unwrap_or_default()
    );
}

/// JOBBOT_BACKUP_TARGETS against real local servers (moto's S3 and Azurite, started by
/// scripts/object-stores.sh in `make test`): each backup is copied and checked, `list` shows the copies, and
/// prune with an injected clock keeps exactly the right ones (local: 30 days; off-site: 60; never the newest).
#[actix_rt::test]
async fn backups_go_to_s3_and_azure() {
    let Some((s3, azurite)) = crate::helpers::object_stores() else {
        return;
    };
    let db = jobbot_db::testing::TestDatabase::new(jobbot_db::Backend::Sqlite);
    let url = db_url(&db);
    {
        let pool = jobbot_db::connect(&db.url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        jobbot_db::migrations::run_pending(&mut conn).expect("migrate");
    }
    let name = format!("jobbot-{}", &uuid::Uuid::now_v7().simple().to_string()[20..]);
    let made = crate::helpers::client()
        .put(format!("{s3}/{name}"))
        .send()
        .await
        .expect("bucket");
    assert!(made.status().is_success(), "the bucket: {}", made.status());
    create_azurite_container(&azurite, &name).await;
    let targets = format!("s3://{name}/nightly,azure://{name}/nightly");
    let mut env = vec![("JOBBOT_BACKUP_TARGETS", targets.as_str())];
    env.extend(emulator_env(&s3, &azurite));
    let backups = tempdir("jobbot-offsite");
    ok(jobbot_with(&url, &backups, &["backup", "create"], &env));
    std::thread::sleep(Duration::from_millis(5));
    ok(jobbot_with(&url, &backups, &["backup", "create"], &env));
    let ids: Vec<String> = manifests(&backups)
        .into_iter()
        .map(|(_, m)| m["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(ids.len(), 2);
    let listed = ok(jobbot_with(&url, &backups, &["backup", "list"], &env));
    for target in [format!("s3://{name}/nightly"), format!("azure://{name}/nightly")] {
        assert!(listed.contains(&format!("{target}: 2 backup(s)")), "{listed}");
    }
    // The run says where the backup went.
    {
        let pool = jobbot_db::connect(&db.url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        let last = jobbot_db::backup::status(&mut conn)
            .expect("status")
            .last_backup
            .expect("recorded");
        assert!(
            last.targets.contains("s3://") && last.targets.contains("azure://"),
            "{}",
            last.targets
        );
    }

    // 45 days on: the older one goes here (30 days), stays off site (60); 61 days on, it goes everywhere; the
    // newest stays whatever its age.
    let created = chrono::Utc::now();
    let at = |days: i64| (created + chrono::TimeDelta::days(days)).to_rfc3339();
    let pruned = ok(jobbot_with(
        &url,
        &backups,
        &["backup", "prune", "--now", &at(45)],
        &env,
    ));
    assert!(
        pruned.contains(&format!(": deleted 1 backup(s) older than 30 days: {}", ids[0])),
        "{pruned}"
    );
    assert!(
        pruned.contains("nightly: deleted 0 backup(s) older than 60 days"),
        "{pruned}"
    );
    let listed = ok(jobbot_with(&url, &backups, &["backup", "list"], &env));
    assert!(
        listed.contains(&format!("s3://{name}/nightly: 2 backup(s)")),
        "{listed}"
    );
    let pruned = ok(jobbot_with(
        &url,
        &backups,
        &["backup", "prune", "--now", &at(61)],
        &env,
    ));
    assert_eq!(
        pruned.matches(&format!("older than 60 days: {}", ids[0])).count(),
        2,
        "{pruned}"
    );
    let listed = ok(jobbot_with(&url, &backups, &["backup", "list"], &env));
    for target in [format!("s3://{name}/nightly"), format!("azure://{name}/nightly")] {
        assert!(listed.contains(&format!("{target}: 1 backup(s)")), "{listed}");
        assert!(listed.contains(&ids[1]), "{listed}");
    }

    // In production, copies leaving the server must be encrypted.
    let mut production = env.to_vec();
    production.push(("JOBBOT_ENV", "production"));
    production.push(("JOBBOT_ALLOWED_ORIGINS", "https://jobbot.example"));
    let refused = jobbot_with(&url, &backups, &["backup", "create"], &production);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("JOBBOT_BACKUP_AGE_RECIPIENT"),
        "{}",
        text(&refused)
    );
    let _ = std::fs::remove_dir_all(&backups);
}

/// The uploaded files are in the backup: `files.zip` holds every CV file, verification checks that each file
/// the database refers to is there (and fails when one is not), and a restore puts them back into the store.
#[actix_rt::test]
async fn cv_files_are_backed_up_checked_and_restored() {
    let app = crate::helpers::spawn_app(jobbot_db::Backend::Sqlite).await;
    let url = db_url(&app.db);
    let nora = app.user("nora@example.fr").await;
    let cv = crate::cv::pdf(&[&["Nora Benali", "Électricienne du bâtiment"]], true);
    let uploaded = app
        .client
        .put(app.url("/api/v1/me/cv"))
        .bearer_auth(&nora.access_token)
        .header("Content-Type", "application/pdf")
        .body(cv.clone())
        .send()
        .await
        .expect("upload");
    assert_eq!(uploaded.status(), StatusCode::OK);
    let store = app.data_dir.join("files");
    let store_url = store.to_string_lossy().into_owned();
    let files = [("JOBBOT_FILES_URL", store_url.as_str())];
    let backups = tempdir("jobbot-files-backup");
    ok(jobbot_with(&url, &backups, &["backup", "create"], &files));
    let (folder, manifest) = manifests(&backups).pop().expect("a backup");
    assert_eq!(manifest["files"]["file"], "files.zip");
    assert_eq!(manifest["files"]["count"], 1);
    assert!(folder.join("files.zip").is_file());
    let verified = ok(jobbot_with(&url, &backups, &["backup", "verify"], &files));
    assert!(verified.contains("1 file(s) checked"), "{verified}");

    // Restored elsewhere: the database and its files, byte for byte.
    let id = manifest["id"].as_str().expect("id");
    let elsewhere = tempdir("jobbot-files-restored");
    let target = format!("sqlite://{}", elsewhere.join("restored.sqlite3").display());
    let other_store = elsewhere.join("files").to_string_lossy().into_owned();
    let restored = ok(jobbot_with(
        &url,
        &backups,
        &["backup", "restore", id, "--to", &target],
        &[("JOBBOT_FILES_URL", other_store.as_str())],
    ));
    assert!(restored.contains("1 file(s) put back"), "{restored}");
    let folder_of = |root: &Path| root.join("cv").join(&nora.id);
    let names: Vec<_> = std::fs::read_dir(folder_of(&elsewhere.join("files")))
        .expect("restored files")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(names.len(), 1);
    assert_eq!(std::fs::read(names[0].path()).expect("read"), cv);

    // A file lost from the store before a backup: that backup fails verification, naming what is missing.
    for entry in std::fs::read_dir(folder_of(&store))
        .expect("files")
        .filter_map(Result::ok)
    {
        std::fs::remove_file(entry.path()).expect("remove");
    }
    std::thread::sleep(Duration::from_millis(5));
    ok(jobbot_with(&url, &backups, &["backup", "create"], &files));
    let failed = jobbot_with(&url, &backups, &["backup", "verify"], &files);
    assert!(!failed.status.success());
    assert!(
        text(&failed).contains("1 CV file(s) the database refers to are not in the files archive"),
        "{}",
        text(&failed)
    );
    let _ = std::fs::remove_dir_all(&backups);
    let _ = std::fs::remove_dir_all(&elsewhere);
}

/// Issue 27: `jobbot backup restore` trusted the file path written in a backup's manifest. A copied backup
/// whose manifest points outside its folder (`../<another backup>/<its file>`) is not a backup: not listed,
/// not restorable, and the database is left as it was.
async fn a_manifest_naming_a_path_is_refused(backend: jobbot_db::Backend) {
    let db = jobbot_db::testing::TestDatabase::new(backend);
    let url = db_url(&db);
    let backups = tempdir("jobbot-backups-paths");
    ok(jobbot(&url, &backups, &["migrate"]));
    ok(jobbot(&url, &backups, &["backup", "create"]));
    let (folder, manifest) = manifests(&backups).pop().expect("a backup");
    let file = manifest["file"].as_str().expect("file").to_owned();
    let original = folder
        .file_name()
        .and_then(|n| n.to_str())
        .expect("name")
        .to_owned();
    let forged_id = "forged-backup";
    let forged = backups.join(forged_id);
    std::fs::create_dir_all(&forged).expect("folder");
    for (name, path) in [
        ("the other backup's file", format!("../{original}/{file}")),
        (
            "an absolute path",
            folder.join(&file).to_string_lossy().into_owned(),
        ),
    ] {
        let mut changed = manifest.clone();
        changed["id"] = json!(forged_id);
        changed["file"] = json!(path);
        std::fs::write(forged.join("manifest.json"), changed.to_string()).expect("manifest");
        let listing = jobbot(&url, &backups, &["backup", "list"]);
        assert!(listing.status.success(), "{}", text(&listing));
        let listed = String::from_utf8_lossy(&listing.stdout);
        assert!(!listed.contains(forged_id), "{name}: listed: {listed}");
        let refused = jobbot(
            &url,
            &backups,
            &["backup", "restore", forged_id, "--to", &url, "--force"],
        );
        assert!(!refused.status.success(), "{name}: restored from {path}");
        assert!(text(&refused).contains("no backup"), "{name}: {}", text(&refused));
    }
}

#[actix_rt::test]
async fn a_manifest_naming_a_path_is_refused_on_sqlite() {
    a_manifest_naming_a_path_is_refused(jobbot_db::Backend::Sqlite).await;
}

#[actix_rt::test]
async fn a_manifest_naming_a_path_is_refused_on_postgres() {
    a_manifest_naming_a_path_is_refused(jobbot_db::Backend::Postgres).await;
}
