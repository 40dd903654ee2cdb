//! The `jobbot` command line: `serve` (default), `migrate`, `purge`, `healthcheck`, `user create`, `backup`.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use jobbot_db::users::{self, UserRow};
use jobbot_domain::{DisplayName, Email, Password, Role};

use jobbot_api::config::Config;
use jobbot_api::startup::Application;

#[derive(Debug, Parser)]
#[command(
    name = "jobbot",
    version,
    about = "JobBot: the career assistant API and web app"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API (and the SPA when JOBBOT_STATIC_DIR is set). The default.
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Delete what the retention settings say is too old: conversations without activity for
    /// JOBBOT_RETENTION_DAYS and expired shares (when it is set), and audit records older than
    /// JOBBOT_AUDIT_RETENTION_DAYS (default 365).
    Purge {
        /// Only print what would be deleted.
        #[arg(long)]
        dry_run: bool,
    },
    /// Exit 0 when this machine's JobBot answers `GET /healthz` with 200 (the images' HEALTHCHECK: no curl
    /// needed). Asks the port of JOBBOT_BIND on the loopback address.
    Healthcheck,
    /// Read an uploaded file from standard input, within memory and CPU limits, and answer in JSON on
    /// standard output: the server's extraction worker (`extract pdf`).
    #[command(hide = true)]
    Extract { kind: String },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        action: UserCommand,
    },
    /// Job offers.
    Offers {
        #[command(subcommand)]
        action: OffersCommand,
    },
    /// Back up, verify, restore and prune the database (backups in JOBBOT_BACKUP_DIR, default data/backups).
    Backup {
        #[command(subcommand)]
        action: BackupCommand,
    },
}

#[derive(Debug, Subcommand)]
enum OffersCommand {
    /// Loads offers from a file in France Travail's JSON shape (a search answer `{"resultats": [...]}` or an
    /// array of its offers). Idempotent: an offer already loaded (same France Travail id) is updated only
    /// when it changed.
    Import { file: std::path::PathBuf },
    /// Runs the France Travail sync once (JOBBOT_OFFERS_SYNC, FRANCE_TRAVAIL_CLIENT_ID and _SECRET), as
    /// `jobbot serve` does every JOBBOT_OFFERS_SYNC_EVERY_MINUTES.
    Sync,
}

#[derive(Debug, Subcommand)]
enum BackupCommand {
    /// A consistent backup of the whole database while it serves: PostgreSQL with pg_dump, SQLite with its
    /// online copy; compressed, with a manifest (row counts, size, SHA-256).
    Create,
    /// The backups, oldest first, with their age and verification.
    List,
    /// Checks a backup (the newest without ID): its checksum, then a restore into a scratch database, the
    /// migrations, and the row counts against its manifest. Exit status 1 when it fails.
    Verify {
        id: Option<String>,
        /// The newest backup (the default when no ID is given).
        #[arg(long, conflicts_with = "id")]
        latest: bool,
    },
    /// Restores a backup into the database at --to (an empty one, unless --force).
    Restore {
        id: String,
        /// sqlite://PATH or postgres://… (defaults to nothing: say where).
        #[arg(long)]
        to: String,
        /// Replace the target's data when it is not empty.
        #[arg(long)]
        force: bool,
    },
    /// The quarterly restore drill, end to end: the newest backup restored into a scratch database, migrated
    /// and counted, with a report (the data loss window if disaster struck now, the time the restore took).
    Drill,
    /// Every day at JOBBOT_BACKUP_AT (HH:MM, Europe/Paris, default 02:30): a backup, the prune, and a
    /// verification of the newest when none succeeded in a week. One at a time across hosts (a PostgreSQL
    /// advisory lock); a backup made by another daemon in the last 12 hours is not repeated.
    Daemon {
        /// One cycle now, then exit.
        #[arg(long)]
        once: bool,
    },
    /// Deletes the backups older than JOBBOT_BACKUP_RETENTION_DAYS (default 30), never the newest verified one
    /// nor the newest one.
    Prune {
        #[arg(long)]
        dry_run: bool,
        /// Prune as if it were this time (RFC 3339): for tests.
        #[arg(long, hide = true)]
        now: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from stdin or --password-file.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "candidate", value_parser = ["candidate", "recruiter", "admin"])]
        role: String,
        /// Defaults to the part of the email before the @.
        #[arg(long)]
        display_name: Option<String>,
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Before the configuration: a health probe needs no secret and must stay cheap.
    if matches!(cli.command, Some(Command::Healthcheck)) {
        return healthcheck();
    }
    // The extraction worker needs no configuration either (it is started with an empty environment).
    if let Some(Command::Extract { kind }) = &cli.command {
        return jobbot_api::extraction::worker(kind);
    }
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("jobbot: configuration error: {error}");
            return ExitCode::from(2);
        }
    };
    jobbot_api::telemetry::init();
    let result = actix_web::rt::System::new().block_on(run(cli, config));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("jobbot: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn healthcheck() -> ExitCode {
    use std::io::Write;
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
    use std::time::Duration;

    let bind = std::env::var("JOBBOT_BIND").unwrap_or_else(|_| jobbot_api::config::DEFAULT_BIND.to_owned());
    let Ok(mut addr) = bind.trim().parse::<SocketAddr>() else {
        eprintln!("jobbot healthcheck: JOBBOT_BIND is not an address: {bind}");
        return ExitCode::from(2);
    };
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr.ip() {
            IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(_) => IpAddr::V6(Ipv6Addr::LOCALHOST),
        });
    }
    let answer = (|| -> std::io::Result<String> {
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))?;
        stream.set_read_timeout(Some(Duration::from_secs(3)))?;
        stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")?;
        let mut head = [0u8; 64];
        let read = stream.read(&mut head)?;
        Ok(String::from_utf8_lossy(&head[..read]).into_owned())
    })();
    match answer {
        Ok(head) if head.starts_with("HTTP/1.1 200") || head.starts_with("HTTP/1.0 200") => ExitCode::SUCCESS,
        Ok(head) => {
            eprintln!(
                "jobbot healthcheck: {addr} answered {:?}",
                head.lines().next().unwrap_or_default()
            );
            ExitCode::FAILURE
        }
        Err(error) => {
            eprintln!("jobbot healthcheck: {addr}: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, config: Config) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Healthcheck | Command::Extract { .. } => {
            unreachable!("answered before the configuration is read")
        }
        Command::Serve => Application::build(config)
            .await?
            .run_until_stopped()
            .await
            .map_err(Into::into),
        Command::Migrate => {
            let pool = jobbot_db::connect(&config.database_url, 1)?;
            let mut conn = pool.get()?;
            let applied = jobbot_db::migrations::run_pending(&mut conn).map_err(|e| anyhow::anyhow!(e))?;
            println!(
                "{} migration(s) applied to {}",
                applied.len(),
                config.database_url.redacted()
            );
            Ok(())
        }
        Command::Offers {
            action: OffersCommand::Import { file },
        } => {
            let bytes =
                std::fs::read(&file).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let offers = jobbot_api::offers::france_travail::parse_file(&bytes)
                .map_err(|e| anyhow::anyhow!("{} is not France Travail offers JSON: {e}", file.display()))?;
            let pool = jobbot_db::connect(&config.database_url, 1)?;
            let mut conn = pool.get()?;
            jobbot_db::migrations::run_pending(&mut conn).map_err(|e| anyhow::anyhow!(e))?;
            let now = jobbot_db::now();
            let rows: Vec<_> = offers.into_iter().map(|o| o.into_row(now)).collect();
            let done = jobbot_db::offers::upsert_by_source(&mut conn, &rows)?;
            println!(
                "{} offer(s) read: {} new, {} updated, {} unchanged",
                rows.len(),
                done.inserted,
                done.updated,
                done.unchanged
            );
            Ok(())
        }
        Command::Offers {
            action: OffersCommand::Sync,
        } => {
            let Some(sync) = config.offers_sync.clone() else {
                anyhow::bail!(
                    "set JOBBOT_OFFERS_SYNC (France Travail searches, e.g. departement=69&codeROME=M1805)"
                );
            };
            let pool = jobbot_db::connect(&config.database_url, 2)?;
            {
                let mut conn = pool.get()?;
                jobbot_db::migrations::run_pending(&mut conn).map_err(|e| anyhow::anyhow!(e))?;
            }
            match jobbot_api::offers::sync::run_once(&pool, &sync).await? {
                Some(r) => println!(
                    "{} offer(s) read in {} request(s): {} new, {} updated, {} unchanged",
                    r.read, r.requests, r.inserted, r.updated, r.unchanged
                ),
                None => println!("another instance is syncing: nothing done"),
            }
            Ok(())
        }
        Command::Purge { dry_run } => {
            let pool = jobbot_db::connect(&config.database_url, 1)?;
            let mut conn = pool.get()?;
            jobbot_db::migrations::run_pending(&mut conn).map_err(|e| anyhow::anyhow!(e))?;
            match config.retention_days {
                Some(days) => print!("{}", jobbot_api::retention::purge(&mut conn, days, dry_run)?),
                None => println!("conversations and shares kept: set JOBBOT_RETENTION_DAYS to purge them"),
            }
            let days = config.audit_retention_days;
            let before = jobbot_db::now() - chrono::TimeDelta::days(i64::from(days));
            if dry_run {
                let n = jobbot_db::audit::count_before(&mut conn, before)?;
                println!("would delete {n} audit record(s) older than {days} days");
            } else {
                let n = jobbot_db::audit::purge(&mut conn, before)?;
                println!("deleted {n} audit record(s) older than {days} days");
            }
            let read_before = jobbot_db::now() - chrono::TimeDelta::days(jobbot_api::alerts::READ_KEPT_DAYS);
            let n = jobbot_db::saved_searches::purge_read(&mut conn, read_before, dry_run)?;
            let verb = if dry_run { "would delete" } else { "deleted" };
            println!(
                "{verb} {n} notification(s) read over {} days ago",
                jobbot_api::alerts::READ_KEPT_DAYS
            );
            drop(conn);
            let files = jobbot_api::files::Files::open(&config.files_url)?;
            let n = jobbot_api::cv::sweep(&files, &pool, chrono::Utc::now(), dry_run).await?;
            let verb = if dry_run { "would delete" } else { "deleted" };
            println!("{verb} {n} file(s) no CV refers to");
            Ok(())
        }
        Command::Backup { action } => backup_command(&config, action).await,
        Command::User {
            action:
                UserCommand::Create {
                    email,
                    role,
                    display_name,
                    password_file,
                },
        } => create_user(config, &email, &role, display_name.as_deref(), password_file),
    }
}

async fn backup_command(config: &Config, action: BackupCommand) -> anyhow::Result<()> {
    use jobbot_api::backup;
    let dir = &config.backup_dir;
    let now = chrono::Utc::now();
    let keys = backup::Keys::from_env();
    let offsite = backup::Offsite::from_env(config.env == jobbot_api::config::Environment::Production)?;
    let files = jobbot_api::files::Files::open(&config.files_url)?;
    match action {
        BackupCommand::Create => {
            let manifest =
                backup::create_everywhere(&config.database_url, dir, &keys, &offsite, &files).await?;
            let rows: i64 = manifest.tables.values().sum();
            println!(
                "backup {} of {}: {} bytes, {} tables, {rows} rows, SHA-256 {}",
                manifest.id,
                config.database_url.redacted(),
                manifest.size_bytes,
                manifest.tables.len(),
                manifest.sha256
            );
        }
        BackupCommand::List => {
            let all = backup::list(dir)?;
            if all.is_empty() {
                println!("no backup in {}", dir.display());
            }
            for found in &all {
                println!("{}", backup::describe(found, now));
            }
            for target in &offsite.targets {
                let copies = target.list().await?;
                println!("{}: {} backup(s)", target.url, copies.len());
                for manifest in copies {
                    let age = now - manifest.created_at;
                    println!(
                        "  {}  {} d  {} bytes",
                        manifest.id,
                        age.num_days(),
                        manifest.size_bytes
                    );
                }
            }
        }
        BackupCommand::Verify { id, latest: _ } => {
            let found = backup::find(dir, id.as_deref())?;
            let verification = backup::verify_and_record(&config.database_url, &found, &keys)?;
            if !verification.ok {
                anyhow::bail!(
                    "backup {} failed verification: {}",
                    found.manifest.id,
                    verification.detail
                );
            }
            println!("backup {} verified: {}", found.manifest.id, verification.detail);
        }
        BackupCommand::Restore { id, to, force } => {
            let found = backup::find(dir, Some(&id))?;
            let target = jobbot_db::DatabaseUrl::parse(&to).map_err(|e| anyhow::anyhow!("--to: {e}"))?;
            let restored = backup::restore(&found, &target, force, &keys)?;
            let written = backup::restore_files(&found, &files, &keys).await?;
            println!("{written} file(s) put back into {}", files.url);
            let rows: i64 = restored.values().sum();
            println!(
                "restored backup {} into {}: {} tables, {rows} rows",
                found.manifest.id,
                target.redacted(),
                restored.len()
            );
            for (table, count) in &restored {
                println!("  {table}: {count}");
            }
        }
        BackupCommand::Drill => {
            let found = backup::find(dir, None)?;
            let timer = std::time::Instant::now();
            let verification = backup::verify_and_record(&config.database_url, &found, &keys)?;
            let took = timer.elapsed();
            let rows: i64 = found.manifest.tables.values().sum();
            let age = now - found.manifest.created_at;
            println!("Restore drill, {}", now.format("%Y-%m-%d %H:%M UTC"));
            println!("  database             {}", config.database_url.redacted());
            println!(
                "  backup               {} ({})",
                found.manifest.id,
                found.folder.display()
            );
            println!(
                "  size                 {} bytes, {} tables, {rows} rows",
                found.manifest.size_bytes,
                found.manifest.tables.len()
            );
            println!(
                "  data loss window     {} h {} min (the newest backup's age: what a disaster now would lose)",
                age.num_hours(),
                age.num_minutes() % 60
            );
            println!(
                "  restore, migrate and count into a scratch database: {:.1} s",
                took.as_secs_f64()
            );
            println!(
                "  result               {}: {}",
                if verification.ok { "OK" } else { "FAILED" },
                verification.detail
            );
            if !verification.ok {
                anyhow::bail!("the restore drill failed");
            }
        }
        BackupCommand::Daemon { once } => {
            let raw = std::env::var("JOBBOT_BACKUP_AT").unwrap_or_else(|_| "02:30".to_owned());
            let at = backup::parse_time_of_day(&raw).ok_or_else(|| {
                anyhow::anyhow!("JOBBOT_BACKUP_AT: expected HH:MM (Europe/Paris), got {raw:?}")
            })?;
            loop {
                if !once {
                    let next = backup::next_run(chrono::Utc::now(), at);
                    println!("jobbot backup daemon: next run at {next} ({raw} Europe/Paris)");
                    // By the minute, so that a clock change or a suspended host does not skip a day.
                    while chrono::Utc::now() < next {
                        std::thread::sleep(std::time::Duration::from_secs(30));
                    }
                }
                match backup::cycle(
                    &config.database_url,
                    dir,
                    config.backup_retention_days,
                    &keys,
                    &offsite,
                    &files,
                )
                .await
                {
                    Ok(done) => println!("jobbot backup daemon: {done}"),
                    Err(error) if once => return Err(error),
                    Err(error) => eprintln!("jobbot backup daemon: {error:#}"),
                }
                if once {
                    break;
                }
            }
        }
        BackupCommand::Prune { dry_run, now: at } => {
            let now = match at {
                Some(raw) => chrono::DateTime::parse_from_rfc3339(&raw)
                    .map_err(|e| anyhow::anyhow!("--now: {e}"))?
                    .with_timezone(&chrono::Utc),
                None => now,
            };
            let pruned = backup::prune_everywhere(
                &config.database_url,
                dir,
                config.backup_retention_days,
                &offsite,
                now,
                dry_run,
            )
            .await?;
            let verb = if dry_run { "would delete" } else { "deleted" };
            for (place, deleted) in pruned {
                let days = if place == dir.display().to_string() {
                    config.backup_retention_days
                } else {
                    offsite.retention_days
                };
                println!(
                    "{place}: {verb} {} backup(s) older than {days} days{}",
                    deleted.len(),
                    if deleted.is_empty() {
                        String::new()
                    } else {
                        format!(": {}", deleted.join(", "))
                    }
                );
            }
        }
    }
    Ok(())
}

fn create_user(
    config: Config,
    email: &str,
    role: &str,
    display_name: Option<&str>,
    password_file: Option<PathBuf>,
) -> anyhow::Result<()> {
    let email = Email::parse(email).map_err(|e| anyhow::anyhow!("--email: {e}"))?;
    let role = Role::parse(role).context("--role: expected candidate, recruiter or admin")?;
    let name = display_name.unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("admin"));
    let name = DisplayName::parse(name).map_err(|e| anyhow::anyhow!("--display-name: {e}"))?;
    let raw = match password_file {
        Some(path) => {
            std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?
        }
        None => {
            let mut input = String::new();
            std::io::stdin()
                .read_to_string(&mut input)
                .context("cannot read the password from stdin")?;
            input
        }
    };
    let password = raw.lines().next().unwrap_or_default();
    let password = Password::parse(password).map_err(|e| anyhow::anyhow!("password: {e}"))?;

    let pool = jobbot_db::connect(&config.database_url, 1)?;
    let mut conn = pool.get()?;
    jobbot_db::migrations::run_pending(&mut conn).map_err(|e| anyhow::anyhow!(e))?;
    // Created by an administrator: the user accepts the terms at first login in the SPA.
    let row = UserRow::new(
        email.as_str(),
        jobbot_api::credentials::password::hash_blocking(password.expose())
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))?,
        name.into_inner(),
        role.as_str(),
        "fr",
    );
    users::insert(&mut conn, &row).map_err(|e| {
        if jobbot_db::is_unique_violation(&e) {
            anyhow::anyhow!("an account already uses {}", email)
        } else {
            anyhow::anyhow!(e)
        }
    })?;
    println!("created {} account {} ({})", role, email, row.id);
    Ok(())
}
