//! Configuration from the environment (and an optional `.env`), checked once at start.
//!
//! Every secret may also come from `NAME_FILE`, a path to read it from. A bad value stops startup with
//! one line naming the variable.

//! By concern: `env` (reading variables, the error), `secrets` (the JWT key, the database password), `network`
//! (addresses, admin networks, origins), `assistant` (provider, models, limits), `offers_sync` (France Travail).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use jobbot_db::DatabaseUrl;

mod assistant;
mod env;
mod network;
mod offers_sync;
mod secrets;
#[cfg(test)]
mod tests;

pub use assistant::{AssistantConfig, ModelChoice};
pub use env::ConfigError;
pub use offers_sync::{OffersSyncConfig, FRANCE_TRAVAIL_API_URL, FRANCE_TRAVAIL_TOKEN_URL};
pub use secrets::{JwtSecret, Secret};

use env::{err, parse_bool, parse_number};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/jobbot.sqlite3";
pub const DEFAULT_BIND: &str = "127.0.0.1:8000";
pub const DEFAULT_ALLOWED_ORIGINS: &str = "http://localhost:3000,http://127.0.0.1:3000";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub env: Environment,
    pub database_url: DatabaseUrl,
    pub bind: SocketAddr,
    pub allowed_origins: Vec<String>,
    pub jwt_secret: JwtSecret,
    pub static_dir: Option<PathBuf>,
    pub data_dir: PathBuf,
    /// Attempts per minute allowed on login and register, per client IP and per email; 0 disables.
    pub auth_rate_limit: u32,
    /// Take the client IP from `X-Forwarded-For` (only behind a trusted reverse proxy such as our nginx).
    pub trust_proxy: bool,
    /// A second listener for `/api/v1/admin/*` and `/metrics` (which the main one then refuses with 404).
    pub admin_bind: Option<SocketAddr>,
    /// The networks the admin routes answer to (empty: any, behind the admin role).
    pub admin_allow: Vec<crate::net::Cidr>,
    pub cookie_secure: bool,
    pub db_pool_size: u32,
    /// Keep checked login sessions and conversations' first pages in memory (PostgreSQL only; see `cache`).
    /// On by default (`JOBBOT_READ_CACHE`).
    pub read_cache: bool,
    pub workers: Option<usize>,
    pub assistant: AssistantConfig,
    /// Conversations without activity for this many days, and expired shares, are deleted by `jobbot purge`
    /// (and daily by the server). `None`: kept until the user deletes them.
    pub retention_days: Option<u32>,
    /// Audit log records older than this many days are deleted by `jobbot purge` (the only deletion the
    /// log allows). `JOBBOT_AUDIT_RETENTION_DAYS`, default 365.
    pub audit_retention_days: u32,
    /// Where `jobbot backup` keeps its backups (`JOBBOT_BACKUP_DIR`, default `<data dir>/backups`).
    pub backup_dir: PathBuf,
    /// Local backups older than this many days are deleted by `jobbot backup prune`, never the newest
    /// verified one (`JOBBOT_BACKUP_RETENTION_DAYS`, default 30).
    pub backup_retention_days: u32,
    /// Euros per million prompt and completion tokens, per model (`JOBBOT_LLM_PRICES`,
    /// `model=prompt:completion;…`): the admin statistics' estimated cost. A model without a price has none.
    pub llm_prices: std::collections::HashMap<String, (f64, f64)>,
    /// Admin endpoints answer only admins who have two-factor sign-in on (`JOBBOT_ADMIN_2FA`, `required` by
    /// default; `optional` for local development, refused with `JOBBOT_ENV=production`).
    pub admin_2fa_required: bool,
    /// The France Travail connector, when `JOBBOT_OFFERS_SYNC` names searches.
    pub offers_sync: Option<OffersSyncConfig>,
    /// Days after sending an application before JobBot suggests a follow-up (`JOBBOT_FOLLOW_UP_DAYS`, 7)…
    pub follow_up_days: u32,
    /// …and before it suggests marking it "sans réponse" (`JOBBOT_NO_RESPONSE_DAYS`, 21).
    pub no_response_days: u32,
    /// Between two checks of the saved searches' alerts (`JOBBOT_ALERTS_EVERY_SECONDS`, 300).
    pub alerts_every: Duration,
    /// Where uploaded files (CVs) live (`JOBBOT_FILES_URL`: `s3://…`, `azure://…` or a folder, by default
    /// `<data dir>/files`).
    pub files_url: String,
    /// Skills added to the built-in vocabulary of the offers' match score (`JOBBOT_SKILLS_FILE`: a file in the
    /// format of `crates/matching/data/skills.txt`); a file that cannot be read, or gives a way of writing to
    /// two skills, stops the start.
    pub skills_file: Option<PathBuf>,
    /// The program whose `extract` command reads uploaded files (`JOBBOT_EXTRACT_PROGRAM`, by default this
    /// very `jobbot` binary; the API tests point it at the built binary).
    pub extract_program: PathBuf,
    /// The wall-clock budget of one extraction (`JOBBOT_EXTRACT_TIMEOUT_MS`, 5000).
    pub extract_timeout: Duration,
    /// Extractions at once on this instance (`JOBBOT_EXTRACT_WORKERS`, 2); beyond, 503 `busy`.
    pub extract_workers: u32,
    /// Threads rendering documents (CVs as PDF or DOCX) on this instance (`JOBBOT_RENDER_WORKERS`, 2); four
    /// renders a thread may wait, beyond which 503 `busy`.
    pub render_workers: u32,
}

impl Config {
    /// Reads the process environment (after loading `.env` if present).
    pub fn from_env() -> Result<Self, ConfigError> {
        let _ = dotenvy::dotenv();
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Builds the configuration from any variable source (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let env = match get("JOBBOT_ENV").as_deref() {
            None | Some("development") | Some("dev") | Some("test") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                return Err(err(
                    "JOBBOT_ENV",
                    format!("unknown environment {other:?} (expected development or production)"),
                ))
            }
        };

        let database_url = secrets::database_url(&lookup)?;
        let bind = network::address(&get, "JOBBOT_BIND", DEFAULT_BIND, "127.0.0.1:8000")?
            .ok_or_else(|| err("JOBBOT_BIND", "is empty"))?;
        let admin_bind = network::address(&get, "JOBBOT_ADMIN_BIND", "", "0.0.0.0:8001")?;
        let admin_allow = network::admin_allow(&get)?;
        let origins_raw = get("JOBBOT_ALLOWED_ORIGINS").unwrap_or_else(|| DEFAULT_ALLOWED_ORIGINS.to_owned());
        let allowed_origins = network::parse_origins(&origins_raw)?;

        let data_dir = PathBuf::from(get("JOBBOT_DATA_DIR").unwrap_or_else(|| "data".to_owned()));
        let jwt_secret = secrets::jwt_secret(&lookup, env, &data_dir)?;

        let static_dir = get("JOBBOT_STATIC_DIR").map(PathBuf::from);
        if let Some(dir) = &static_dir {
            if !dir.join("index.html").is_file() {
                return Err(err(
                    "JOBBOT_STATIC_DIR",
                    format!("{} has no index.html (build the SPA first)", dir.display()),
                ));
            }
        }

        let auth_rate_limit = parse_number(&get, "JOBBOT_AUTH_RATE_LIMIT", 10, 0, 100_000)?;
        let trust_proxy = parse_bool(&get, "JOBBOT_TRUST_PROXY", false)?;
        let cookie_secure = parse_bool(&get, "JOBBOT_COOKIE_SECURE", env == Environment::Production)?;
        let db_pool_size = parse_number(&get, "JOBBOT_DB_POOL_SIZE", 10, 1, 1_000)?;
        let read_cache = parse_bool(&get, "JOBBOT_READ_CACHE", true)?;
        let workers = match get("JOBBOT_WORKERS") {
            None => None,
            Some(_) => Some(parse_number(&get, "JOBBOT_WORKERS", 1, 1, 256)? as usize),
        };
        let assistant = assistant::assistant_config(&lookup, &get)?;
        let retention_days = match get("JOBBOT_RETENTION_DAYS") {
            None => None,
            Some(_) => Some(parse_number(&get, "JOBBOT_RETENTION_DAYS", 365, 1, 36_500)?),
        };
        let audit_retention_days = parse_number(&get, "JOBBOT_AUDIT_RETENTION_DAYS", 365, 1, 36_500)?;
        let admin_2fa_required = match get("JOBBOT_ADMIN_2FA").as_deref() {
            None | Some("required") => true,
            Some("optional") if env == Environment::Production => {
                return Err(err(
                    "JOBBOT_ADMIN_2FA",
                    "`optional` is for local development: admins need two-factor sign-in in production",
                ))
            }
            Some("optional") => false,
            Some(other) => {
                return Err(err(
                    "JOBBOT_ADMIN_2FA",
                    format!("unknown value {other:?} (expected required or optional)"),
                ))
            }
        };
        let offers_sync = offers_sync::offers_sync_config(&lookup, &get)?;
        let follow_up_days = parse_number(&get, "JOBBOT_FOLLOW_UP_DAYS", 7, 1, 365)?;
        let no_response_days = parse_number(&get, "JOBBOT_NO_RESPONSE_DAYS", 21, 1, 365)?;
        let skills_file = get("JOBBOT_SKILLS_FILE")
            .filter(|v| !v.trim().is_empty())
            .map(PathBuf::from);
        let files_url = get("JOBBOT_FILES_URL")
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| data_dir.join("files").to_string_lossy().into_owned());
        let alerts_every = Duration::from_secs(u64::from(parse_number(
            &get,
            "JOBBOT_ALERTS_EVERY_SECONDS",
            300,
            1,
            86_400,
        )?));
        let extract_program = match get("JOBBOT_EXTRACT_PROGRAM").filter(|v| !v.trim().is_empty()) {
            Some(path) => PathBuf::from(path),
            None => std::env::current_exe().unwrap_or_else(|_| PathBuf::from("jobbot")),
        };
        let extract_timeout = Duration::from_millis(u64::from(parse_number(
            &get,
            "JOBBOT_EXTRACT_TIMEOUT_MS",
            5_000,
            100,
            120_000,
        )?));
        let extract_workers = parse_number(&get, "JOBBOT_EXTRACT_WORKERS", 2, 1, 64)?;
        let render_workers = parse_number(&get, "JOBBOT_RENDER_WORKERS", 2, 1, 64)?;
        let mut llm_prices =
            assistant::parse_prices(get("JOBBOT_LLM_PRICES").as_deref().unwrap_or_default())?;
        // The prices given with the models users may pick; `JOBBOT_LLM_PRICES` wins where both name a model.
        for choice in &assistant.models {
            if let Some(price) = choice.price {
                llm_prices.entry(choice.id.clone()).or_insert(price);
            }
        }
        let backup_dir = get("JOBBOT_BACKUP_DIR")
            .filter(|v| !v.trim().is_empty())
            .map_or_else(|| data_dir.join("backups"), PathBuf::from);
        let backup_retention_days = parse_number(&get, "JOBBOT_BACKUP_RETENTION_DAYS", 30, 1, 36_500)?;
        Ok(Self {
            extract_program,
            extract_timeout,
            extract_workers,
            render_workers,
            follow_up_days,
            no_response_days,
            alerts_every,
            files_url,
            skills_file,
            offers_sync,
            backup_dir,
            backup_retention_days,
            retention_days,
            audit_retention_days,
            llm_prices,
            admin_2fa_required,
            assistant,
            env,
            database_url,
            bind,
            allowed_origins,
            jwt_secret,
            static_dir,
            data_dir,
            auth_rate_limit,
            trust_proxy,
            admin_bind,
            admin_allow,
            cookie_secure,
            db_pool_size,
            read_cache,
            workers,
        })
    }
}
