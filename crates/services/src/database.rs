//! Diesel runs on the runtime's blocking pool, never on an async worker: `run` is the one way there.

use jobbot_api_types::ErrorCode;
use jobbot_db::{DbConnection, Pool};

use crate::error::ServiceError;

/// Runs `f` with a pooled connection on the blocking pool; a pool that cannot give one is 503.
pub async fn run<T, F>(pool: &Pool, f: F) -> Result<T, ServiceError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ServiceError> + Send + 'static,
    T: Send + 'static,
{
    run_as(pool, f).await
}

/// [`run`] for a caller whose own error type a service error converts into (the server's `ApiError`).
pub async fn run_as<T, E, F>(pool: &Pool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<ServiceError> + Send + 'static,
{
    let pool = pool.clone();
    tokio::task::spawn_blocking(move || {
        let waited = std::time::Instant::now();
        let conn = pool.get();
        crate::metrics::METRICS
            .db_pool_wait
            .observe(waited.elapsed().as_secs_f64());
        let mut conn = conn.map_err(|e| {
            crate::metrics::METRICS.db_pool_unavailable.inc();
            E::from(ServiceError::unavailable(ErrorCode::DatabaseUnavailable, e))
        })?;
        f(&mut conn)
    })
    .await
    .map_err(|e| E::from(ServiceError::from(e)))?
}
