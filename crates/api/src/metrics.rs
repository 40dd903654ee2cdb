//! Every request counted and timed by its route template, into the process's registry
//! (`jobbot_services::metrics`, served at `GET /metrics`).

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
pub use jobbot_services::metrics::*;

/// Counts and times every request by its route template.
pub async fn http_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let metrics = &*METRICS;
    let started = std::time::Instant::now();
    let method = req.method().as_str().to_owned();
    metrics.http_in_flight.inc();
    let response = next.call(req).await;
    metrics.http_in_flight.dec();
    let response = response?;
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    metrics
        .http_requests
        .get_or_create(&HttpLabels {
            route: route.clone(),
            method: method.clone(),
            status: response.status().as_u16(),
        })
        .inc();
    metrics
        .http_duration
        .get_or_create(&RouteLabels { route, method })
        .observe(started.elapsed().as_secs_f64());
    Ok(response)
}
