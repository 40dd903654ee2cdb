//! Builds the application: state, migrations, middleware, routes, and (optionally) the SPA's files.

use jobbot_api_types::ErrorCode;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Instant;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServerHandle, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{from_fn, DefaultHeaders, Next};
use actix_web::{web, App, HttpMessage, HttpResponse, HttpServer};
use anyhow::Context;

use crate::assistant::Assistant;
use crate::cache::ReadCache;
use crate::config::Config;
use crate::credentials::jwt::JwtKeys;
use crate::credentials::password::PasswordHasher;
use crate::error::{json_error, problem_fallback, query_error, ApiError};
use crate::ratelimit::RateLimiter;
use crate::state::AppState;

pub const BODY_LIMIT: usize = 1024 * 1024;

pub struct Application {
    port: u16,
    admin_port: Option<u16>,
    server: Server,
    hub: Arc<crate::realtime::Hub>,
}

/// Ends the hub's PostgreSQL listener when the server's future ends or is dropped.
struct StopListening(Arc<crate::realtime::Hub>);

impl Drop for StopListening {
    fn drop(&mut self) {
        self.0.stop_listening();
    }
}

impl Application {
    /// Binds `config.bind` (port 0 picks a free port), migrates the database and prepares the server.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let listener =
            TcpListener::bind(config.bind).with_context(|| format!("cannot listen on {}", config.bind))?;
        let port = listener.local_addr()?.port();
        let mut config = config;
        let admin_listener = match config.admin_bind {
            Some(addr) => {
                let admin = TcpListener::bind(addr).with_context(|| format!("cannot listen on {addr}"))?;
                // Port 0 picks a free port: the gate compares with the real one.
                config.admin_bind = Some(admin.local_addr()?);
                Some(admin)
            }
            None => None,
        };
        let admin_port = config.admin_bind.map(|a| a.port());
        let gate = crate::network::AdminGate {
            admin_bind: config.admin_bind,
            admin_allow: config.admin_allow.clone(),
            trust_proxy: config.trust_proxy,
        };
        let state = prepare_state(config).await?;
        let workers = state.config.workers;
        let server_state = state.clone();
        let mut server = HttpServer::new(move || {
            let state = server_state.clone();
            let static_dir = state.config.static_dir.clone();
            let state_env = state.config.env;
            let cors = cors(&state.config.allowed_origins);
            let app = App::new()
                .app_data(web::Data::new(state))
                .app_data(web::Data::new(gate.clone()))
                .app_data(
                    web::JsonConfig::default()
                        .limit(BODY_LIMIT)
                        .error_handler(json_error),
                )
                .app_data(web::PayloadConfig::new(BODY_LIMIT))
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .wrap(from_fn(fence_changes))
                .wrap(from_fn(crate::network::admin_gate))
                .wrap(cors)
                .wrap(from_fn(problem_fallback))
                .wrap(from_fn(request_log))
                .wrap(from_fn(crate::metrics::http_metrics))
                .wrap(security_headers(state_env))
                .service(web::resource("/api/openapi.json").route(web::get().to(crate::openapi::serve)))
                .configure(crate::routes::config)
                .service(web::scope("/api").default_service(web::to(not_found)))
                .default_service(web::to(not_found));
            match static_dir {
                Some(dir) => app.app_data(web::Data::new(crate::spa::SpaDir(dir))).service(
                    web::resource("/{path:.*}").route(
                        web::route()
                            .guard(
                                actix_web::guard::Any(actix_web::guard::Get()).or(actix_web::guard::Head()),
                            )
                            .to(crate::spa::serve),
                    ),
                ),
                None => app,
            }
        })
        // Streams are many small writes (one SSE event per token): without TCP_NODELAY, Nagle's algorithm holds
        // each one back until the previous is acknowledged, which costs ~40 ms against delayed ACKs.
        .on_connect(|connection, _| {
            if let Some(socket) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
                let _ = socket.set_nodelay(true);
            }
        })
        .listen(listener)?;
        if let Some(admin) = admin_listener {
            server = server.listen(admin)?;
        }
        if let Some(workers) = workers {
            server = server.workers(workers);
        }
        let server = server.disable_signals().run();
        if let Some(days) = state.config.retention_days {
            let pool = state.pool.clone();
            actix_web::rt::spawn(async move {
                let mut daily = tokio::time::interval(std::time::Duration::from_secs(24 * 3600));
                loop {
                    daily.tick().await;
                    let pool = pool.clone();
                    let done = web::block(move || -> anyhow::Result<String> {
                        let mut conn = pool.get()?;
                        crate::retention::purge(&mut conn, days, false)
                    })
                    .await;
                    match done {
                        Ok(Ok(report)) => tracing::info!(
                            summary = report.lines().last().unwrap_or_default(),
                            "retention purge"
                        ),
                        Ok(Err(error)) => tracing::warn!(error = %error, "retention purge failed"),
                        Err(error) => tracing::warn!(error = %error, "retention purge failed"),
                    }
                }
            });
        }
        actix_web::rt::spawn(crate::alerts::daemon(
            state.pool.clone(),
            state.hub.clone(),
            state.config.alerts_every,
        ));
        let sweeper = state.clone();
        actix_web::rt::spawn(async move {
            let mut hourly = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                hourly.tick().await;
                match crate::cv::sweep(&sweeper.files, &sweeper.pool, chrono::Utc::now(), false).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(files = n, "files nothing refers to deleted"),
                    Err(error) => tracing::warn!(error = %format!("{error:#}"), "file sweep failed"),
                }
            }
        });
        if let Some(sync) = state.config.offers_sync.clone() {
            actix_web::rt::spawn(crate::offers::sync::daemon(state.pool.clone(), sync));
        }
        tracing::info!(port, database = %state.config.database_url.redacted(), "JobBot is listening");
        Ok(Self {
            port,
            admin_port,
            server,
            hub: state.hub.clone(),
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The admin listener's port, when `JOBBOT_ADMIN_BIND` is set.
    pub fn admin_port(&self) -> Option<u16> {
        self.admin_port
    }

    /// The hub of WebSocket connections (and, on PostgreSQL, of the other instances' events).
    pub fn hub(&self) -> Arc<crate::realtime::Hub> {
        Arc::clone(&self.hub)
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped; Ctrl-C or SIGTERM stop it gracefully.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let handle = self.server.handle();
        actix_web::rt::spawn(async move {
            shutdown_signal().await;
            tracing::info!("shutting down");
            handle.stop(true).await;
        });
        self.into_server().await
    }

    /// The server's future; the hub's listener thread ends with it (when it completes or is dropped).
    pub fn into_server(self) -> impl std::future::Future<Output = std::io::Result<()>> {
        let guard = StopListening(self.hub);
        let server = self.server;
        async move {
            let _guard = guard;
            server.await
        }
    }
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {},
                _ = term.recv() => {},
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Opens the pool, applies migrations, loads the JWT secret and prepares the hasher.
pub async fn prepare_state(config: Config) -> anyhow::Result<AppState> {
    let pool = jobbot_db::connect(&config.database_url, config.db_pool_size)
        .with_context(|| format!("cannot open the database at {}", config.database_url.redacted()))?;
    let migrate_pool = pool.clone();
    let applied = web::block(move || -> anyhow::Result<Vec<String>> {
        let mut conn = migrate_pool.get()?;
        jobbot_db::migrations::run_pending(&mut conn).map_err(|e| anyhow::anyhow!(e))
    })
    .await??;
    if !applied.is_empty() {
        tracing::info!(migrations = ?applied, "database migrated");
    }
    if let crate::config::JwtSecret::Generated { file } = &config.jwt_secret {
        tracing::warn!(
            file = %file.display(),
            "JOBBOT_JWT_SECRET is not set: using a generated secret kept in the data folder (set it in production)"
        );
    }
    let secret = config
        .jwt_secret
        .load()
        .context("cannot load or create the JWT secret")?;
    let assistant = Arc::new(Assistant::new(config.assistant.clone()));
    // SQLite serves one instance: every reply still `streaming` at start belonged to a process that stopped.
    // On PostgreSQL other instances may be writing: only expired leases are ended (the rest by `keep_leases`).
    let single_instance = matches!(config.database_url, jobbot_db::DatabaseUrl::Sqlite(_));
    let (sweep_pool, abandoned_after) = (pool.clone(), assistant.abandoned_after());
    let swept = web::block(move || -> anyhow::Result<usize> {
        let mut conn = sweep_pool.get()?;
        let now = jobbot_db::now();
        let alive_since = if single_instance {
            now
        } else {
            now - abandoned_after
        };
        Ok(jobbot_db::assistant::messages::fail_abandoned(
            &mut conn,
            alive_since,
            now,
        )?)
    })
    .await??;
    assistant.keep_leases(pool.clone());
    if swept > 0 {
        tracing::warn!(
            replies = swept,
            "replies interrupted by a previous stop were marked failed"
        );
    }
    tracing::info!(
        provider = assistant.provider.name(),
        model = assistant.provider.model(),
        "assistant ready"
    );
    let hub = Arc::new(crate::realtime::Hub::new());
    let stopper = Arc::clone(&assistant);
    hub.listen(
        &config.database_url,
        pool.clone(),
        crate::sharing::message_event,
        move |conversation_id| {
            let _ = stopper.stop(conversation_id);
        },
        crate::assistant::relay::on_follow(
            Arc::clone(&assistant),
            Arc::clone(&hub),
            pool.clone(),
            tokio::runtime::Handle::current(),
        ),
    );
    let cache = match &config.database_url {
        jobbot_db::DatabaseUrl::Postgres(url) if config.read_cache => {
            let url = url.clone();
            web::block(move || ReadCache::listening(url)).await?
        }
        jobbot_db::DatabaseUrl::Sqlite(_) if config.read_cache => ReadCache::local(),
        _ => ReadCache::disabled(),
    };
    let chat_writer = Arc::new(crate::chat_writer::ChatWriter::start(
        pool.clone(),
        Arc::clone(&hub),
    )?);
    let hasher = web::block(PasswordHasher::new)
        .await?
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?;
    let files = Arc::new(
        crate::files::Files::open(&config.files_url)
            .with_context(|| format!("JOBBOT_FILES_URL={}", config.files_url))?,
    );
    let skills = Arc::new(
        crate::matching::Vocabulary::load(config.skills_file.as_deref())
            .map_err(|e| anyhow::anyhow!("JOBBOT_SKILLS_FILE: {e}"))?,
    );
    // The offers' search index is built in the background; the first searches wait for it. It reads each
    // offer's terms with the match score's vocabulary (`sort=match` ranks by the same score).
    let offer_index = Arc::new(jobbot_db::offer_index::OfferIndex::with_vocabulary(Arc::clone(
        &skills,
    )));
    {
        let (index, pool) = (Arc::clone(&offer_index), pool.clone());
        actix_web::rt::spawn(async move {
            let built = web::block(move || -> anyhow::Result<usize> {
                let mut conn = pool.get()?;
                index.refresh(&mut conn)?;
                Ok(index.len())
            })
            .await;
            match built {
                Ok(Ok(offers)) => tracing::info!(offers, "offer search index built"),
                Ok(Err(error)) => {
                    tracing::warn!(error = %error, "could not build the offer search index yet")
                }
                Err(error) => tracing::warn!(error = %error, "could not build the offer search index yet"),
            }
        });
    }
    let extractor = Arc::new(crate::extraction::Extractor::new(
        config.extract_program.clone(),
        config.extract_timeout,
        config.extract_workers as usize,
    ));
    let workers = config.render_workers as usize;
    let renderer = Arc::new(jobbot_services::rendering::Renderer::start(
        workers,
        workers * jobbot_services::rendering::QUEUE_PER_WORKER,
    ));
    Ok(AppState {
        renderer,
        skills,
        extractor,
        offer_index,
        files,
        pool,
        jwt: JwtKeys::new(secret.expose()),
        hasher,
        limiter: Arc::new(RateLimiter::new(config.auth_rate_limit)),
        assistant,
        hub,
        chat_writer,
        cache,
        config: Arc::new(config),
        started_at: chrono::Utc::now(),
    })
}

fn cors(origins: &[String]) -> Cors {
    let cors = origins
        .iter()
        .fold(Cors::default(), |cors, origin| cors.allowed_origin(origin));
    cors.allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE"])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
        .allowed_header("x-csrf-token")
        .expose_headers([header::RETRY_AFTER, header::LOCATION])
        .supports_credentials()
        .max_age(3600)
}

/// The SPA's files; any other path gets `index.html` so client-side routes survive a reload.
/// What the SPA may load: its own scripts, styles and WebAssembly ('wasm-unsafe-eval' is what compiling WASM
/// needs; no inline script, no eval), its own API and WebSocket; nothing may frame it. The API's JSON gets
/// the same header, harmless there.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// No camera, microphone, location, payment or USB for the page (nginx sends the same, `nginx/snippets/`).
pub const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

/// Headers on every response: CSP, no sniffing, no framing, a same-origin referrer, no powerful features;
/// HSTS in production (where TLS ends in front of us).
fn security_headers(env: crate::config::Environment) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((
            header::HeaderName::from_static("permissions-policy"),
            PERMISSIONS_POLICY,
        ));
    if env == crate::config::Environment::Production {
        headers.add((
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        ))
    } else {
        headers
    }
}

async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        actix_web::http::StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        "No route matches this path.",
    ))
}

/// One line per request: method, path (never the query string, which may hold secrets), status, time.
async fn request_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().clone();
    let path = crate::network::routed_path(&req).to_owned();
    let request_id = request_id(req.headers());
    req.extensions_mut()
        .insert(crate::audit::RequestId(request_id.clone()));
    let mut response = next.call(req).await?;
    tracing::info!(
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        ms = started.elapsed().as_secs_f64() * 1000.0,
        request_id = %request_id,
        "request"
    );
    if let Ok(value) = header::HeaderValue::from_str(&request_id) {
        response
            .headers_mut()
            .insert(header::HeaderName::from_static(REQUEST_ID), value);
    }
    Ok(response)
}

pub const REQUEST_ID: &str = "x-request-id";

/// The request's id: the one nginx generated (`X-Request-Id`, kept when it is 8 to 64 letters, digits, `-` or
/// `_`, so that nothing else reaches the logs), else a new one. Logged with the request and returned to the
/// client, so that a user's report, nginx's log line and ours meet.
pub fn request_id(headers: &header::HeaderMap) -> String {
    let given = headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| {
            (8..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    match given {
        Some(id) => id.to_owned(),
        None => crate::credentials::tokens::random_token(16),
    }
}

/// Paths whose changes touch what the read cache holds (users, sessions, conversations, messages).
const FENCED: [&str; 4] = [
    "/api/v1/auth/",
    "/api/v1/me",
    "/api/v1/conversations",
    "/api/v1/admin/",
];
/// Of those, the ones whose changes can end a session: they also wait out the cache's lease.
const SESSION_CHANGES: [&str; 4] = [
    "/api/v1/auth/logout",
    "/api/v1/auth/refresh",
    "/api/v1/me",
    "/api/v1/admin/",
];

/// After a change on a fenced path, answer only once this instance has heard it come back, and for a change
/// that can end a session, no sooner than the read cache's lease after it (see `cache`).
pub async fn fence_changes(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let state = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .filter(|state| state.cache.is_enabled())
        .filter(|_| crate::auth::extractor::is_unsafe(req.method()))
        .filter(|_| {
            FENCED
                .iter()
                .any(|prefix| crate::network::routed_path(&req).starts_with(prefix))
        })
        .cloned();
    let session_change = SESSION_CHANGES
        .iter()
        .any(|prefix| crate::network::routed_path(&req).starts_with(prefix));
    let response = next.call(req).await?;
    if let Some(state) = state {
        // Whatever the handler changed has committed by now.
        let lease_ends = tokio::time::Instant::now() + crate::cache::LEASE;
        let (n, payload) = state.cache.next_fence();
        let sent = state
            .db(move |conn| {
                Ok(jobbot_db::notify::notify_on(
                    conn,
                    jobbot_db::notify::CACHE_CHANNEL,
                    &payload,
                )?)
            })
            .await;
        if sent.is_ok() {
            state.cache.wait_for_fence(n).await;
        }
        if session_change {
            tokio::time::sleep_until(lease_ends).await;
        }
    }
    Ok(response)
}
