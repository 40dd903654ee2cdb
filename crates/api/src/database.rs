//! Diesel runs on actix's blocking pool, never on an async worker: `run` is the one way there.

use actix_web::web;
use jobbot_api_types::ErrorCode;
use jobbot_db::{DbConnection, Pool};

use crate::error::ApiError;

/// Runs `f` with a pooled connection on the blocking pool; a pool that cannot give one is 503.
pub async fn run<T, F>(pool: &Pool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let waited = std::time::Instant::now();
        let conn = pool.get();
        crate::metrics::METRICS
            .db_pool_wait
            .observe(waited.elapsed().as_secs_f64());
        let mut conn = conn.map_err(|e| {
            crate::metrics::METRICS.db_pool_unavailable.inc();
            ApiError::unavailable(ErrorCode::DatabaseUnavailable, e)
        })?;
        f(&mut conn)
    })
    .await?
}
