//! The client's address and connection as a request shows them, and the admin gate: where the admin routes answer.
//!
//! With `JOBBOT_ADMIN_BIND`, `/api/v1/admin/*` and `/metrics` answer only on that second listener (404 on the
//! main one, and the admin listener answers nothing else); with `JOBBOT_ADMIN_ALLOW`, only to clients in those
//! ranges (403 `admin_network`), behind nginx's own `allow`/`deny`: defence in depth.

use std::net::IpAddr;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::web;
use jobbot_api_types::ErrorCode;
pub use jobbot_services::net::{Cidr, Connection};

use crate::error::ApiError;

/// The client's IP: the socket peer, or, when `JOBBOT_TRUST_PROXY` is on, the right-most address of
/// `X-Forwarded-For` — the one our proxy added (nginx replaces the header with the address it saw; a proxy
/// that appends puts its own view last, after whatever the client sent). It must be an IP address: anything
/// else is ignored and the socket peer is used, so no forged text reaches the audit log or a rate-limit key.
pub fn client_ip(req: &actix_web::HttpRequest, trust_proxy: bool) -> String {
    if trust_proxy {
        if let Some(ip) = forwarded_for(req.headers()) {
            return ip.to_string();
        }
    }
    req.peer_addr()
        .map(|addr| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

/// The last address of the last `X-Forwarded-For` header, when it is an IP address (`[v6]:port` and
/// `v4:port` spellings accepted).
fn forwarded_for(headers: &actix_web::http::header::HeaderMap) -> Option<IpAddr> {
    let last = headers
        .get_all("x-forwarded-for")
        .last()?
        .to_str()
        .ok()?
        .rsplit(',')
        .next()?
        .trim();
    last.parse::<IpAddr>()
        .ok()
        .or_else(|| last.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
}

/// What the admin gate needs, registered as app data by `startup`.
#[derive(Debug, Clone)]
pub struct AdminGate {
    pub admin_bind: Option<std::net::SocketAddr>,
    pub admin_allow: Vec<Cidr>,
    pub trust_proxy: bool,
}

/// The path as the router matches it: percent-encoded characters decoded (all but `%`, `/` and `+`), exactly
/// as actix-web decodes it before routing. Every decision about a path (the admin gate, the read cache's
/// fence, the request log) reads this one, never the raw `req.path()`: `/api/v1/%61dmin/users` is routed to
/// the admin API, so it must be gated as the admin API.
pub fn routed_path(req: &ServiceRequest) -> &str {
    req.match_info().as_str()
}

/// `/api/v1/admin/*` and `/metrics`, given the routed path ([`routed_path`]).
pub fn is_admin_path(path: &str) -> bool {
    path == "/metrics" || path == "/api/v1/admin" || path.starts_with("/api/v1/admin/")
}

/// Keeps admin routes on the admin listener and to the allowed networks (see the module's text).
pub async fn admin_gate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let Some(config) = req.app_data::<web::Data<AdminGate>>().cloned() else {
        return Ok(next.call(req).await?.map_into_left_body());
    };
    let admin = is_admin_path(routed_path(&req));
    if let Some(admin_bind) = config.admin_bind {
        let on_admin_listener = req.app_config().local_addr().port() == admin_bind.port();
        if admin != on_admin_listener {
            return Ok(refuse(req, ApiError::not_found()));
        }
    }
    if admin && !config.admin_allow.is_empty() {
        let client = client_ip(req.request(), config.trust_proxy);
        let allowed = client
            .parse::<IpAddr>()
            .is_ok_and(|ip| config.admin_allow.iter().any(|range| range.contains(ip)));
        if !allowed {
            tracing::warn!(
                path = routed_path(&req),
                "admin route refused outside the allowed networks"
            );
            let refused = ApiError::forbidden(
                ErrorCode::AdminNetwork,
                "The admin routes answer only to the administrators' networks.",
            );
            return Ok(refuse(req, refused));
        }
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// The request's connection (none for a request that did not come over TCP).
pub fn connection(req: &actix_web::HttpRequest) -> Option<Connection> {
    Some(Connection {
        local_port: req.app_config().local_addr().port(),
        peer: req.peer_addr()?,
    })
}

fn refuse<B>(req: ServiceRequest, error: ApiError) -> ServiceResponse<EitherBody<B>> {
    use actix_web::ResponseError;
    req.into_response(error.error_response()).map_into_right_body()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn admin_paths() {
        assert!(is_admin_path("/api/v1/admin/users") && is_admin_path("/metrics"));
        assert!(!is_admin_path("/api/v1/administrators") && !is_admin_path("/api/v1/me"));
    }
}
