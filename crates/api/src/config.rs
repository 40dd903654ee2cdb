//! Configuration from the environment (and an optional `.env`), checked once at start.
//!
//! Every secret may also come from `NAME_FILE`, a path to read it from. A bad value stops startup with
//! one line naming the variable.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jobbot_db::DatabaseUrl;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/jobbot.sqlite3";
pub const DEFAULT_BIND: &str = "127.0.0.1:8000";
pub const DEFAULT_ALLOWED_ORIGINS: &str = "http://localhost:3000,http://127.0.0.1:3000";
const MIN_SECRET_BYTES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

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
    pub admin_allow: Vec<crate::network::Cidr>,
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
    /// The program whose `extract` command reads uploaded files (`JOBBOT_EXTRACT_PROGRAM`, by default this
    /// very `jobbot` binary; the API tests point it at the built binary).
    pub extract_program: PathBuf,
    /// The wall-clock budget of one extraction (`JOBBOT_EXTRACT_TIMEOUT_MS`, 5000).
    pub extract_timeout: Duration,
    /// Extractions at once on this instance (`JOBBOT_EXTRACT_WORKERS`, 2); beyond, 503 `busy`.
    pub extract_workers: u32,
}

pub const FRANCE_TRAVAIL_TOKEN_URL: &str =
    "https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=%2Fpartenaire";
pub const FRANCE_TRAVAIL_API_URL: &str = "https://api.francetravail.io/partenaire/offresdemploi/v2";

/// France Travail's "Offres d'emploi v2" connector (`crate::offers::sync`).
#[derive(Debug, Clone)]
pub struct OffersSyncConfig {
    pub client_id: String,
    pub client_secret: String,
    /// Each search's France Travail query parameters, e.g. `departement=69&codeROME=M1805`.
    pub searches: Vec<String>,
    /// Between two runs (`JOBBOT_OFFERS_SYNC_EVERY_MINUTES`, default 60).
    pub every: Duration,
    /// `FRANCE_TRAVAIL_TOKEN_URL` and `FRANCE_TRAVAIL_API_URL` (France Travail's by default).
    pub token_url: String,
    pub api_url: String,
}

impl OffersSyncConfig {
    /// `JOBBOT_OFFERS_SYNC`: searches separated by `;`, each France Travail query parameters
    /// (`departement=69&codeROME=M1805;departement=75`).
    pub fn parse_searches(raw: &str) -> Vec<String> {
        raw.split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.trim_start_matches('?').to_owned())
            .collect()
    }
}

fn offers_sync_config(
    lookup: &impl Fn(&str) -> Option<String>,
    get: &impl Fn(&str) -> Option<String>,
) -> Result<Option<OffersSyncConfig>, ConfigError> {
    let searches = OffersSyncConfig::parse_searches(&get("JOBBOT_OFFERS_SYNC").unwrap_or_default());
    if searches.is_empty() {
        return Ok(None);
    }
    if let Some(bad) = searches.iter().find(|s| s.contains(char::is_whitespace)) {
        return Err(err(
            "JOBBOT_OFFERS_SYNC",
            format!("{bad:?} has spaces: give query parameters, e.g. departement=69&codeROME=M1805"),
        ));
    }
    let client_id = get("FRANCE_TRAVAIL_CLIENT_ID")
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| err("FRANCE_TRAVAIL_CLIENT_ID", "needed by JOBBOT_OFFERS_SYNC"))?;
    let client_secret = optional_secret(lookup, "FRANCE_TRAVAIL_CLIENT_SECRET")?.ok_or_else(|| {
        err(
            "FRANCE_TRAVAIL_CLIENT_SECRET",
            "needed by JOBBOT_OFFERS_SYNC (or _FILE)",
        )
    })?;
    let minutes = parse_number(get, "JOBBOT_OFFERS_SYNC_EVERY_MINUTES", 60, 1, 1440)?;
    Ok(Some(OffersSyncConfig {
        client_id: client_id.trim().to_owned(),
        client_secret,
        searches,
        every: Duration::from_secs(u64::from(minutes) * 60),
        token_url: get("FRANCE_TRAVAIL_TOKEN_URL").unwrap_or_else(|| FRANCE_TRAVAIL_TOKEN_URL.to_owned()),
        api_url: get("FRANCE_TRAVAIL_API_URL")
            .unwrap_or_else(|| FRANCE_TRAVAIL_API_URL.to_owned())
            .trim_end_matches('/')
            .to_owned(),
    }))
}

/// The assistant: which provider answers, and the limits around it.
#[derive(Debug, Clone)]
pub struct AssistantConfig {
    pub provider: jobbot_llm::ProviderConfig,
    /// A reply that sends no first token within this time fails.
    pub first_token_timeout: Duration,
    /// A started reply that goes silent this long fails, keeping what was written.
    pub idle_timeout: Duration,
    /// How much conversation history (in characters) is sent with each question; oldest turns go first.
    pub context_chars: usize,
    /// Prompt + completion tokens a user may spend per UTC day; `None` is unlimited.
    pub daily_token_quota: Option<i64>,
    /// A reply whose instance has not renewed its lease for this long was interrupted (a crash, a kill, a lost
    /// machine): another instance, or the next start, ends it as `failed` / `interrupted`.
    pub reply_lease: Duration,
    /// Replies this instance writes at once; past it, 503 `assistant_busy`.
    pub max_replies: usize,
    /// Replies one user may have running at once; past it, 429 `assistant_busy`.
    pub max_replies_per_user: usize,
    /// The models users may pick for a conversation (`JOBBOT_LLM_MODELS`), the provider's default model first.
    pub models: Vec<ModelChoice>,
    /// The model that writes the reply when the chosen one still answers 429 or 5xx after the retries
    /// (`JOBBOT_LLM_FALLBACK_MODEL`); never for the offline coach.
    pub fallback_model: Option<String>,
}

/// A model users may pick.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelChoice {
    /// As the provider names it (`mistral-large-latest`, `mistralai/mistral-small-3.2-24b-instruct:free`).
    pub id: String,
    /// As users read it (`Mistral Large`).
    pub name: String,
    /// Euros per million prompt and completion tokens, for the admin statistics' cost.
    pub price: Option<(f64, f64)>,
}

impl AssistantConfig {
    /// The operator's default model: the provider's (`MISTRAL_MODEL`, `OPENROUTER_MODEL`, `OPENAI_MODEL`).
    pub fn default_model(&self) -> &str {
        &self.provider.model
    }

    /// The model a conversation uses: its own while the operator still offers it, else the default.
    pub fn model_for<'a>(&'a self, chosen: Option<&'a str>) -> &'a str {
        chosen
            .filter(|id| self.models.iter().any(|m| m.id == *id))
            .unwrap_or(self.default_model())
    }

    /// Whether users may pick `id`.
    pub fn offers(&self, id: &str) -> bool {
        self.models.iter().any(|m| m.id == id)
    }
}

/// Where the JWT secret came from: configured, or generated and kept in the data folder (development only).
#[derive(Debug, Clone)]
pub enum JwtSecret {
    Configured(Secret),
    Generated { file: PathBuf },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: String,
    pub message: String,
}

fn err(var: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var: var.to_owned(),
        message: message.into(),
    }
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

        let database_url =
            secret_value(&lookup, "DATABASE_URL")?.unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        let database_url = match secret_value(&lookup, "DATABASE_PASSWORD")? {
            Some(password) => with_password(&database_url, &password)?,
            None => database_url,
        };
        let database_url =
            DatabaseUrl::parse(&database_url).map_err(|e| err("DATABASE_URL", e.to_string()))?;

        let bind_raw = get("JOBBOT_BIND").unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let bind = bind_raw.parse::<SocketAddr>().map_err(|_| {
            err(
                "JOBBOT_BIND",
                format!("invalid address {bind_raw:?} (expected host:port, e.g. 127.0.0.1:8000)"),
            )
        })?;

        let admin_bind = match get("JOBBOT_ADMIN_BIND").filter(|v| !v.trim().is_empty()) {
            None => None,
            Some(raw) => Some(raw.trim().parse::<SocketAddr>().map_err(|_| {
                err(
                    "JOBBOT_ADMIN_BIND",
                    format!("invalid address {raw:?} (expected host:port, e.g. 0.0.0.0:8001)"),
                )
            })?),
        };
        let admin_allow = get("JOBBOT_ADMIN_ALLOW")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|range| !range.is_empty())
            .map(|range| {
                crate::network::Cidr::parse(range).ok_or_else(|| {
                    err(
                        "JOBBOT_ADMIN_ALLOW",
                        format!("invalid range {range:?} (expected CIDRs like 10.0.0.0/8,2001:db8::/32)"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;

        let origins_raw = get("JOBBOT_ALLOWED_ORIGINS").unwrap_or_else(|| DEFAULT_ALLOWED_ORIGINS.to_owned());
        let allowed_origins = parse_origins(&origins_raw)?;

        let data_dir = PathBuf::from(get("JOBBOT_DATA_DIR").unwrap_or_else(|| "data".to_owned()));

        let jwt_secret = match secret_value(&lookup, "JOBBOT_JWT_SECRET")? {
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
        };

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
        let assistant = assistant_config(&lookup, &get)?;
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
        let offers_sync = offers_sync_config(&lookup, &get)?;
        let follow_up_days = parse_number(&get, "JOBBOT_FOLLOW_UP_DAYS", 7, 1, 365)?;
        let no_response_days = parse_number(&get, "JOBBOT_NO_RESPONSE_DAYS", 21, 1, 365)?;
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
        let mut llm_prices = parse_prices(get("JOBBOT_LLM_PRICES").as_deref().unwrap_or_default())?;
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
            follow_up_days,
            no_response_days,
            alerts_every,
            files_url,
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

fn assistant_config(
    lookup: &impl Fn(&str) -> Option<String>,
    get: &impl Fn(&str) -> Option<String>,
) -> Result<AssistantConfig, ConfigError> {
    use jobbot_llm::ProviderKind;
    // Optional keys: an empty secret file means "no key" (compose mounts one file per secret, used or not).
    let mistral_key = optional_secret(lookup, "MISTRAL_API_KEY")?;
    let openrouter_key = optional_secret(lookup, "OPENROUTER_API_KEY")?;
    let openai_key = optional_secret(lookup, "OPENAI_API_KEY")?;
    let kind = match get("JOBBOT_LLM_PROVIDER") {
        Some(raw) => ProviderKind::parse(&raw).ok_or_else(|| {
            err(
                "JOBBOT_LLM_PROVIDER",
                format!("unknown provider {raw:?} (expected mistral, openrouter, openai or offline)"),
            )
        })?,
        None if mistral_key.is_some() => ProviderKind::Mistral,
        None if openrouter_key.is_some() => ProviderKind::OpenRouter,
        None => ProviderKind::Offline,
    };
    let (prefix, api_key) = match kind {
        ProviderKind::Mistral => ("MISTRAL", mistral_key),
        ProviderKind::OpenRouter => ("OPENROUTER", openrouter_key),
        ProviderKind::OpenAi => ("OPENAI", openai_key),
        ProviderKind::Offline => ("", None),
    };
    if matches!(kind, ProviderKind::Mistral | ProviderKind::OpenRouter) && api_key.is_none() {
        let var = format!("{prefix}_API_KEY");
        return Err(err(
            &var,
            format!("is required when JOBBOT_LLM_PROVIDER={}", kind.as_str()),
        ));
    }
    let base_url = match kind {
        ProviderKind::Offline => String::new(),
        _ => {
            let var = format!("{prefix}_BASE_URL");
            let url = get(&var).unwrap_or_else(|| kind.default_base_url().to_owned());
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(err(
                    &var,
                    format!("invalid URL {url:?} (expected http:// or https://)"),
                ));
            }
            url
        }
    };
    let model = match kind {
        ProviderKind::Offline => kind.default_model().to_owned(),
        _ => get(&format!("{prefix}_MODEL")).unwrap_or_else(|| kind.default_model().to_owned()),
    };
    let seconds = |name: &str, default: f64| -> Result<Duration, ConfigError> {
        match get(name) {
            None => Ok(Duration::from_secs_f64(default)),
            Some(raw) => raw
                .parse::<f64>()
                .ok()
                .filter(|s| s.is_finite() && *s > 0.0 && *s <= 3600.0)
                .map(Duration::from_secs_f64)
                .ok_or_else(|| {
                    err(
                        name,
                        format!("invalid value {raw:?} (expected seconds, e.g. 30 or 0.5)"),
                    )
                }),
        }
    };
    let daily_token_quota = match get("JOBBOT_DAILY_TOKEN_QUOTA") {
        None => None,
        Some(raw) => Some(raw.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
            err(
                "JOBBOT_DAILY_TOKEN_QUOTA",
                format!("invalid value {raw:?} (expected a positive number of tokens)"),
            )
        })?),
    };
    let (models, fallback_model) = match kind {
        // The offline coach has one "model", its guides.
        ProviderKind::Offline => (
            vec![ModelChoice {
                id: model.clone(),
                name: "JobBot (guides hors ligne)".to_owned(),
                price: None,
            }],
            None,
        ),
        _ => (
            parse_models(get("JOBBOT_LLM_MODELS").as_deref().unwrap_or_default(), &model)?,
            match get("JOBBOT_LLM_FALLBACK_MODEL") {
                None => None,
                Some(raw) if valid_model_id(raw.trim()) => Some(raw.trim().to_owned()),
                Some(raw) => {
                    return Err(err(
                        "JOBBOT_LLM_FALLBACK_MODEL",
                        format!("invalid model id {raw:?} (1 to 200 characters, no spaces)"),
                    ))
                }
            },
        ),
    };
    Ok(AssistantConfig {
        models,
        fallback_model,
        provider: jobbot_llm::ProviderConfig {
            kind,
            base_url,
            api_key,
            model,
            max_retry_wait: seconds("JOBBOT_LLM_MAX_RETRY_WAIT", 10.0)?,
            app_url: get("JOBBOT_PUBLIC_URL").unwrap_or_else(|| "http://localhost:3000".to_owned()),
        },
        first_token_timeout: seconds("JOBBOT_LLM_FIRST_TOKEN_TIMEOUT", 60.0)?,
        idle_timeout: seconds("JOBBOT_LLM_IDLE_TIMEOUT", 30.0)?,
        context_chars: parse_number(get, "JOBBOT_LLM_CONTEXT_CHARS", 24_000, 1_000, 1_000_000)? as usize,
        daily_token_quota,
        reply_lease: Duration::from_secs(u64::from(parse_number(get, "JOBBOT_REPLY_LEASE", 20, 2, 3_600)?)),
        max_replies: parse_number(get, "JOBBOT_MAX_REPLIES", 500, 1, 100_000)? as usize,
        max_replies_per_user: parse_number(get, "JOBBOT_MAX_REPLIES_PER_USER", 3, 1, 100_000)? as usize,
    })
}

/// `postgres://user@host/db` with `password` put in (percent-encoded), replacing any already there: the password
/// can then live in a secret file (`DATABASE_PASSWORD_FILE`) while the rest of the URL stays plain configuration.
fn with_password(url: &str, password: &str) -> Result<String, ConfigError> {
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

/// Like [`secret_value`], for a secret that may be absent: an empty `NAME_FILE` is the same as none.
fn optional_secret(
    lookup: &impl Fn(&str) -> Option<String>,
    name: &str,
) -> Result<Option<String>, ConfigError> {
    let file_var = format!("{name}_FILE");
    let empty_file = lookup(name).filter(|v| !v.trim().is_empty()).is_none()
        && lookup(&file_var)
            .filter(|path| !path.trim().is_empty())
            .and_then(|path| std::fs::read_to_string(path.trim()).ok())
            .is_some_and(|contents| contents.trim().is_empty());
    if empty_file {
        return Ok(None);
    }
    secret_value(lookup, name)
}

/// `NAME`, else the contents of the file named by `NAME_FILE` (one trailing newline removed).
fn secret_value(lookup: &impl Fn(&str) -> Option<String>, name: &str) -> Result<Option<String>, ConfigError> {
    if let Some(value) = lookup(name).filter(|v| !v.trim().is_empty()) {
        return Ok(Some(value.trim().to_owned()));
    }
    let file_var = format!("{name}_FILE");
    let Some(path) = lookup(&file_var).filter(|v| !v.trim().is_empty()) else {
        return Ok(None);
    };
    let contents = std::fs::read_to_string(path.trim())
        .map_err(|e| err(&file_var, format!("cannot read {}: {e}", path.trim())))?;
    let value = contents.trim_end_matches(['\n', '\r']).to_owned();
    if value.is_empty() {
        return Err(err(&file_var, format!("{} is empty", path.trim())));
    }
    Ok(Some(value))
}

fn parse_origins(raw: &str) -> Result<Vec<String>, ConfigError> {
    let mut origins = Vec::new();
    for origin in raw.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        let valid_scheme = origin.starts_with("http://") || origin.starts_with("https://");
        let host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or_default();
        if !valid_scheme || host.is_empty() || host.contains('/') {
            return Err(err(
                "JOBBOT_ALLOWED_ORIGINS",
                format!("invalid origin {origin:?} (expected scheme://host[:port], comma-separated)"),
            ));
        }
        origins.push(origin.to_owned());
    }
    Ok(origins)
}

/// A provider's model id: 1 to 200 characters without spaces or the list's separators (`:` and `/` are
/// allowed: OpenRouter's ids have them).
fn valid_model_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().count() <= 200
        && !id
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, ';' | '=' | '|'))
}

/// `mistral-small-latest=Mistral Small|0.1:0.3;mistral-large-latest=Mistral Large|2:6;open-mistral-nemo`: the
/// models users may pick, each `id`, `id=Display name` or `id=Display name|prompt:completion` (euros per
/// million tokens). The default model comes first, listed or not (named by its id when not).
fn parse_models(raw: &str, default: &str) -> Result<Vec<ModelChoice>, ConfigError> {
    const VAR: &str = "JOBBOT_LLM_MODELS";
    let mut models: Vec<ModelChoice> = Vec::new();
    for entry in raw.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let (id, rest) = entry.split_once('=').unwrap_or((entry, ""));
        let (name, price) = rest.split_once('|').unwrap_or((rest, ""));
        let (id, name, price) = (id.trim(), name.trim(), price.trim());
        let bad = |why: &str| {
            err(
                VAR,
                format!("`{entry}`: {why} (expected `id=Display name|prompt:completion;…`, e.g. mistral-large-latest=Mistral Large|2:6)"),
            )
        };
        if !valid_model_id(id) {
            return Err(bad(
                "the model id is empty, longer than 200 characters or has spaces",
            ));
        }
        if name.chars().count() > 80 || name.chars().any(char::is_control) {
            return Err(bad("the display name has more than 80 characters"));
        }
        let price = if price.is_empty() {
            None
        } else {
            let parsed = price.split_once(':').and_then(|(prompt, completion)| {
                let prompt: f64 = prompt.trim().parse().ok()?;
                let completion: f64 = completion.trim().parse().ok()?;
                let valid = |p: f64| p.is_finite() && p >= 0.0;
                (valid(prompt) && valid(completion)).then_some((prompt, completion))
            });
            Some(
                parsed
                    .ok_or_else(|| bad("the price is not `prompt:completion` in euros per million tokens"))?,
            )
        };
        if models.iter().any(|m| m.id == id) {
            return Err(bad("the model is listed twice"));
        }
        models.push(ModelChoice {
            id: id.to_owned(),
            name: if name.is_empty() {
                id.to_owned()
            } else {
                name.to_owned()
            },
            price,
        });
    }
    match models.iter().position(|m| m.id == default) {
        Some(0) => {}
        Some(at) => {
            let first = models.remove(at);
            models.insert(0, first);
        }
        None => models.insert(
            0,
            ModelChoice {
                id: default.to_owned(),
                name: default.to_owned(),
                price: None,
            },
        ),
    }
    Ok(models)
}

/// `mistral-small-latest=0.1:0.3;gpt-4o-mini=0.14:0.55`: euros per million prompt:completion tokens.
fn parse_prices(raw: &str) -> Result<std::collections::HashMap<String, (f64, f64)>, ConfigError> {
    const VAR: &str = "JOBBOT_LLM_PRICES";
    let mut prices = std::collections::HashMap::new();
    for entry in raw.split(';').map(str::trim).filter(|e| !e.is_empty()) {
        let parsed = entry.split_once('=').and_then(|(model, pair)| {
            let (prompt, completion) = pair.split_once(':')?;
            let prompt: f64 = prompt.trim().parse().ok()?;
            let completion: f64 = completion.trim().parse().ok()?;
            let valid = |p: f64| p.is_finite() && p >= 0.0;
            (!model.trim().is_empty() && valid(prompt) && valid(completion))
                .then(|| (model.trim().to_owned(), (prompt, completion)))
        });
        let Some((model, price)) = parsed else {
            return Err(err(
                VAR,
                format!("`{entry}` is not `model=prompt:completion` (euros per million tokens, e.g. mistral-small-latest=0.1:0.3)"),
            ));
        };
        prices.insert(model, price);
    }
    Ok(prices)
}

fn parse_number(
    get: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: u32,
    min: u32,
    max: u32,
) -> Result<u32, ConfigError> {
    match get(name) {
        None => Ok(default),
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| {
                err(
                    name,
                    format!("invalid value {raw:?} (expected a whole number from {min} to {max})"),
                )
            }),
    }
}

fn parse_bool(get: &impl Fn(&str) -> Option<String>, name: &str, default: bool) -> Result<bool, ConfigError> {
    match get(name).as_deref() {
        None => Ok(default),
        Some("1" | "true" | "yes" | "on") => Ok(true),
        Some("0" | "false" | "no" | "off") => Ok(false),
        Some(other) => Err(err(
            name,
            format!("invalid value {other:?} (expected true or false)"),
        )),
    }
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn the_france_travail_sync_needs_its_credentials() {
        assert!(config(&[]).expect("defaults").offers_sync.is_none());
        let missing = config(&[("JOBBOT_OFFERS_SYNC", "departement=69")]).expect_err("no credentials");
        assert_eq!(missing.var, "FRANCE_TRAVAIL_CLIENT_ID");
        let spaced = config(&[("JOBBOT_OFFERS_SYNC", "departement = 69")]).expect_err("spaces");
        assert_eq!(spaced.var, "JOBBOT_OFFERS_SYNC");
        let sync = config(&[
            (
                "JOBBOT_OFFERS_SYNC",
                " departement=69&codeROME=M1805 ; ?departement=75;; ",
            ),
            ("FRANCE_TRAVAIL_CLIENT_ID", "id"),
            ("FRANCE_TRAVAIL_CLIENT_SECRET", "secret"),
            ("JOBBOT_OFFERS_SYNC_EVERY_MINUTES", "30"),
        ])
        .expect("valid")
        .offers_sync
        .expect("sync on");
        assert_eq!(sync.searches, ["departement=69&codeROME=M1805", "departement=75"]);
        assert_eq!(sync.every, Duration::from_secs(1800));
        assert_eq!(sync.api_url, FRANCE_TRAVAIL_API_URL);
    }

    #[test]
    fn defaults_are_a_local_sqlite_app() {
        let config = config(&[]).expect("defaults are valid");
        assert_eq!(
            config.database_url,
            DatabaseUrl::Sqlite("data/jobbot.sqlite3".into())
        );
        assert_eq!(config.bind.to_string(), "127.0.0.1:8000");
        assert_eq!(
            config.allowed_origins,
            vec!["http://localhost:3000", "http://127.0.0.1:3000"]
        );
        assert!(matches!(config.jwt_secret, JwtSecret::Generated { .. }));
        assert_eq!(config.auth_rate_limit, 10);
        assert!(!config.cookie_secure);
    }

    #[test]
    fn admins_need_two_factor_sign_in_except_in_local_development() {
        assert!(config(&[]).expect("defaults").admin_2fa_required);
        assert!(
            !config(&[("JOBBOT_ADMIN_2FA", "optional")])
                .expect("dev")
                .admin_2fa_required
        );
        let production = config(&[
            ("JOBBOT_ENV", "production"),
            ("JOBBOT_ADMIN_2FA", "optional"),
            ("JOBBOT_JWT_SECRET", "a-production-secret-of-32-bytes-or-more!"),
        ]);
        assert_eq!(
            production.err().map(|e| e.var),
            Some("JOBBOT_ADMIN_2FA".to_owned())
        );
        assert_eq!(
            config(&[("JOBBOT_ADMIN_2FA", "maybe")]).err().map(|e| e.var),
            Some("JOBBOT_ADMIN_2FA".to_owned())
        );
    }

    #[test]
    fn llm_prices_are_parsed_or_refused_by_name() {
        let config =
            config(&[("JOBBOT_LLM_PRICES", " mistral-small-latest=0.1:0.3 ; big=2:6;")]).expect("valid");
        assert_eq!(config.llm_prices.get("mistral-small-latest"), Some(&(0.1, 0.3)));
        assert_eq!(config.llm_prices.get("big"), Some(&(2.0, 6.0)));
        for bad in ["model", "model=1", "=1:2", "m=a:b", "m=-1:2", "m=1:inf"] {
            assert_eq!(
                super::tests::config(&[("JOBBOT_LLM_PRICES", bad)])
                    .err()
                    .map(|e| e.var),
                Some("JOBBOT_LLM_PRICES".to_owned()),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_models_users_may_pick_start_with_the_default() {
        let keyed = |extra: &[(&'static str, &'static str)]| {
            let mut vars = vec![("MISTRAL_API_KEY", "k")];
            vars.extend_from_slice(extra);
            config(&vars)
        };
        let plain = keyed(&[]).expect("valid");
        assert_eq!(plain.assistant.models.len(), 1);
        assert_eq!(plain.assistant.models[0].id, "mistral-small-latest");
        assert_eq!(plain.assistant.fallback_model, None);

        let listed = keyed(&[
            (
                "JOBBOT_LLM_MODELS",
                "mistral-large-latest=Mistral Large|2:6 ; open-mistral-nemo ; mistral-small-latest=Mistral Small|0.1:0.3;",
            ),
            ("JOBBOT_LLM_FALLBACK_MODEL", "open-mistral-nemo"),
            ("JOBBOT_LLM_PRICES", "mistral-large-latest=3:9"),
        ])
        .expect("valid");
        let ids: Vec<&str> = listed.assistant.models.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "mistral-small-latest",
                "mistral-large-latest",
                "open-mistral-nemo"
            ]
        );
        assert_eq!(listed.assistant.models[1].name, "Mistral Large");
        assert_eq!(listed.assistant.models[2].name, "open-mistral-nemo");
        assert_eq!(
            listed.assistant.fallback_model.as_deref(),
            Some("open-mistral-nemo")
        );
        assert_eq!(listed.llm_prices.get("mistral-small-latest"), Some(&(0.1, 0.3)));
        assert_eq!(
            listed.llm_prices.get("mistral-large-latest"),
            Some(&(3.0, 9.0)),
            "JOBBOT_LLM_PRICES wins"
        );
        assert_eq!(
            listed.assistant.model_for(Some("open-mistral-nemo")),
            "open-mistral-nemo"
        );
        assert_eq!(
            listed.assistant.model_for(Some("withdrawn")),
            "mistral-small-latest",
            "a model no longer offered falls back to the default"
        );

        let openrouter = config(&[
            ("OPENROUTER_API_KEY", "k"),
            (
                "JOBBOT_LLM_MODELS",
                "meta-llama/llama-3.3-70b-instruct:free=Llama 3.3 (gratuit)|0:0",
            ),
        ])
        .expect("OpenRouter ids keep their / and :");
        assert_eq!(
            openrouter.assistant.models[1].id,
            "meta-llama/llama-3.3-70b-instruct:free"
        );

        for bad in [
            "=Name",
            "a b=Name",
            "m=Name|1",
            "m=Name|x:1",
            "m;m",
            "m=Name|-1:2",
        ] {
            assert_eq!(
                keyed(&[("JOBBOT_LLM_MODELS", bad)]).err().map(|e| e.var),
                Some("JOBBOT_LLM_MODELS".to_owned()),
                "{bad}"
            );
        }
        assert_eq!(
            keyed(&[("JOBBOT_LLM_FALLBACK_MODEL", "two words")])
                .err()
                .map(|e| e.var),
            Some("JOBBOT_LLM_FALLBACK_MODEL".to_owned())
        );
        let offline = config(&[
            ("JOBBOT_LLM_MODELS", "big"),
            ("JOBBOT_LLM_FALLBACK_MODEL", "small"),
        ])
        .expect("offline ignores them");
        assert_eq!(offline.assistant.models.len(), 1);
        assert_eq!(offline.assistant.fallback_model, None);
    }

    #[test]
    fn bad_values_name_their_variable() {
        assert_eq!(
            config(&[("JOBBOT_BIND", "nope")]).err().map(|e| e.var),
            Some("JOBBOT_BIND".to_owned())
        );
        assert_eq!(
            config(&[("JOBBOT_ADMIN_BIND", "8001")]).err().map(|e| e.var),
            Some("JOBBOT_ADMIN_BIND".to_owned())
        );
        assert_eq!(
            config(&[("JOBBOT_ADMIN_ALLOW", "10.0.0.0/8,office")])
                .err()
                .map(|e| e.var),
            Some("JOBBOT_ADMIN_ALLOW".to_owned())
        );
        let admin = config(&[
            ("JOBBOT_ADMIN_BIND", "0.0.0.0:8001"),
            ("JOBBOT_ADMIN_ALLOW", " 10.0.0.0/8 , ::1 "),
        ]);
        assert_eq!(
            admin.map(|c| (c.admin_bind.map(|a| a.port()), c.admin_allow.len())),
            Ok((Some(8001), 2))
        );
        assert_eq!(
            config(&[("DATABASE_URL", "mysql://x")]).err().map(|e| e.var),
            Some("DATABASE_URL".to_owned())
        );
        assert_eq!(
            config(&[("JOBBOT_ALLOWED_ORIGINS", "localhost:3000")])
                .err()
                .map(|e| e.var),
            Some("JOBBOT_ALLOWED_ORIGINS".to_owned())
        );
        assert_eq!(
            config(&[("JOBBOT_AUTH_RATE_LIMIT", "-1")]).err().map(|e| e.var),
            Some("JOBBOT_AUTH_RATE_LIMIT".to_owned())
        );
    }

    #[test]
    fn production_requires_a_long_secret() {
        let missing = config(&[("JOBBOT_ENV", "production")]).err().map(|e| e.var);
        assert_eq!(missing, Some("JOBBOT_JWT_SECRET".to_owned()));
        let short = config(&[("JOBBOT_ENV", "production"), ("JOBBOT_JWT_SECRET", "short")])
            .err()
            .map(|e| e.var);
        assert_eq!(short, Some("JOBBOT_JWT_SECRET".to_owned()));
        let ok = config(&[
            ("JOBBOT_ENV", "production"),
            ("JOBBOT_JWT_SECRET", &"k".repeat(32)),
        ])
        .expect("valid");
        assert!(ok.cookie_secure);
    }

    #[test]
    fn the_database_password_can_come_from_its_own_file() {
        assert_eq!(
            with_password("postgres://jobbot@db:5432/jobbot?sslmode=disable", "p@ss w:rd/é").expect("valid"),
            "postgres://jobbot:p%40ss%20w%3Ard%2F%C3%A9@db:5432/jobbot?sslmode=disable"
        );
        assert_eq!(
            with_password("postgresql://u:old@h/d", "new").expect("valid"),
            "postgresql://u:new@h/d"
        );
        assert!(with_password("sqlite://data/x.sqlite3", "p").is_err());
        assert!(with_password("postgres://db/jobbot", "p").is_err());
        let dir = std::env::temp_dir().join(format!("jobbot-config-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("db_password");
        std::fs::write(&file, "s3cret\n").expect("write");
        let config = config(&[
            ("DATABASE_URL", "postgres://jobbot@db/jobbot"),
            ("DATABASE_PASSWORD_FILE", file.to_str().expect("utf-8")),
        ])
        .expect("valid");
        match config.database_url {
            DatabaseUrl::Postgres(url) => assert_eq!(url, "postgres://jobbot:s3cret@db/jobbot"),
            other => panic!("expected PostgreSQL, got {other:?}"),
        }
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn secrets_can_come_from_files() {
        let dir = std::env::temp_dir().join(format!("jobbot-config-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("secret");
        std::fs::write(&file, format!("{}\n", "s".repeat(40))).expect("write");
        let config = config(&[("JOBBOT_JWT_SECRET_FILE", file.to_str().expect("utf-8"))]).expect("valid");
        match config.jwt_secret {
            JwtSecret::Configured(secret) => assert_eq!(secret.expose(), "s".repeat(40).as_bytes()),
            other => panic!("expected a configured secret, got {other:?}"),
        }
        // An empty key file: no key, so the offline coach; an empty JWT secret file is an error.
        let empty = dir.join("empty");
        std::fs::write(&empty, "\n").expect("write");
        let keyless =
            self::config(&[("MISTRAL_API_KEY_FILE", empty.to_str().expect("utf-8"))]).expect("valid");
        assert_eq!(keyless.assistant.provider.kind, jobbot_llm::ProviderKind::Offline);
        let no_secret = self::config(&[("JOBBOT_JWT_SECRET_FILE", empty.to_str().expect("utf-8"))])
            .err()
            .map(|e| e.var);
        assert_eq!(no_secret, Some("JOBBOT_JWT_SECRET_FILE".to_owned()));
        let missing = self::config(&[("JOBBOT_JWT_SECRET_FILE", "/nonexistent/jobbot")])
            .err()
            .map(|e| e.var);
        assert_eq!(missing, Some("JOBBOT_JWT_SECRET_FILE".to_owned()));
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn the_provider_follows_the_keys_that_are_set() {
        use jobbot_llm::ProviderKind;
        assert_eq!(
            config(&[]).expect("valid").assistant.provider.kind,
            ProviderKind::Offline
        );
        let mistral = config(&[("MISTRAL_API_KEY", "k1"), ("OPENROUTER_API_KEY", "k2")]).expect("valid");
        assert_eq!(mistral.assistant.provider.kind, ProviderKind::Mistral);
        assert_eq!(mistral.assistant.provider.base_url, "https://api.mistral.ai/v1");
        assert_eq!(mistral.assistant.provider.model, "mistral-small-latest");
        assert!(
            !format!("{:?}", mistral.assistant).contains("k1"),
            "the key never shows in Debug"
        );
        let openrouter = config(&[("OPENROUTER_API_KEY", "k2")]).expect("valid");
        assert_eq!(openrouter.assistant.provider.kind, ProviderKind::OpenRouter);
        assert_eq!(
            openrouter.assistant.provider.base_url,
            "https://openrouter.ai/api/v1"
        );
        let forced = config(&[("JOBBOT_LLM_PROVIDER", "offline"), ("MISTRAL_API_KEY", "k1")]).expect("valid");
        assert_eq!(forced.assistant.provider.kind, ProviderKind::Offline);
        let ollama = config(&[
            ("JOBBOT_LLM_PROVIDER", "openai"),
            ("OPENAI_BASE_URL", "http://gpu:11434/v1"),
            ("OPENAI_MODEL", "qwen"),
        ])
        .expect("valid");
        assert_eq!(
            (
                ollama.assistant.provider.base_url.as_str(),
                ollama.assistant.provider.model.as_str()
            ),
            ("http://gpu:11434/v1", "qwen")
        );
        assert_eq!(
            config(&[("JOBBOT_LLM_PROVIDER", "mistral")]).err().map(|e| e.var),
            Some("MISTRAL_API_KEY".to_owned())
        );
        assert_eq!(
            config(&[("JOBBOT_LLM_PROVIDER", "gpt")]).err().map(|e| e.var),
            Some("JOBBOT_LLM_PROVIDER".to_owned())
        );
        assert_eq!(
            config(&[("JOBBOT_DAILY_TOKEN_QUOTA", "0")]).err().map(|e| e.var),
            Some("JOBBOT_DAILY_TOKEN_QUOTA".to_owned())
        );
        assert_eq!(
            config(&[("JOBBOT_LLM_IDLE_TIMEOUT", "soon")])
                .err()
                .map(|e| e.var),
            Some("JOBBOT_LLM_IDLE_TIMEOUT".to_owned())
        );
    }

    #[test]
    fn generated_secret_is_kept_between_starts() {
        let dir = std::env::temp_dir().join(format!("jobbot-secret-{}", uuid::Uuid::now_v7()));
        let source = JwtSecret::Generated {
            file: dir.join("jwt-secret"),
        };
        let first = source.load().expect("generate");
        let second = source.load().expect("reload");
        assert_eq!(first, second);
        assert!(first.expose().len() >= 32);
        std::fs::remove_dir_all(dir).ok();
    }
}
