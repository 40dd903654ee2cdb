//! What every handler shares: the pool, the configuration, keys, the password hasher and rate limits.

use std::sync::Arc;

use jobbot_db::{DbConnection, Pool};

use crate::assistant::Assistant;
use crate::config::Config;
use crate::credentials::jwt::JwtKeys;
use crate::credentials::password::PasswordHasher;
use crate::error::ApiError;
use crate::ratelimit::RateLimiter;

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub config: Arc<Config>,
    pub jwt: JwtKeys,
    pub hasher: PasswordHasher,
    pub limiter: Arc<RateLimiter>,
    pub assistant: Arc<Assistant>,
    pub hub: Arc<crate::realtime::Hub>,
    /// Reads uploaded files in worker processes, within budgets (`extraction`).
    pub extractor: Arc<crate::extraction::Extractor>,
    /// Uploaded files (`JOBBOT_FILES_URL`).
    pub files: Arc<crate::files::Files>,
    /// The one thread that writes chat posts, many to a transaction (`chat_writer`).
    pub chat_writer: Arc<crate::chat_writer::ChatWriter>,
    /// Sessions and first pages kept in memory (PostgreSQL only; see `cache`).
    pub cache: Arc<crate::cache::ReadCache>,
    /// The open public offers' search index, in memory (`jobbot_db::offer_index`).
    pub offer_index: Arc<jobbot_db::offer_index::OfferIndex>,
    /// The skills vocabulary of the offers' match score (built in, and `JOBBOT_SKILLS_FILE`).
    pub skills: Arc<crate::matching::Vocabulary>,
    /// The threads rendering documents (`JOBBOT_RENDER_WORKERS`), with their bounded queue.
    pub renderer: Arc<jobbot_services::rendering::Renderer>,
    /// When this instance started (`GET /api/v1/admin/system`).
    pub started_at: chrono::DateTime<chrono::Utc>,
}

impl AppState {
    /// Runs diesel code on actix's blocking pool, never on an async worker.
    pub async fn db<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        jobbot_services::database::run_as(&self.pool, f).await
    }
}
