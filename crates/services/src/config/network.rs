//! Where the server listens and whom it answers: the main and admin addresses, the networks allowed on the
//! admin routes, and the browser origins allowed by CORS.

use std::net::SocketAddr;

use crate::net::Cidr;

use super::env::{err, ConfigError};

/// `name` as `host:port`, or `default` when unset (`None` when that is empty too); `example` is shown in the error.
pub(super) fn address(
    get: &impl Fn(&str) -> Option<String>,
    name: &str,
    default: &str,
    example: &str,
) -> Result<Option<SocketAddr>, ConfigError> {
    let raw = get(name).unwrap_or_else(|| default.to_owned());
    if raw.trim().is_empty() {
        return Ok(None);
    }
    raw.trim().parse::<SocketAddr>().map(Some).map_err(|_| {
        err(
            name,
            format!("invalid address {raw:?} (expected host:port, e.g. {example})"),
        )
    })
}

/// `JOBBOT_ADMIN_ALLOW`: the networks the admin routes answer to, comma-separated CIDRs (none: any).
pub(super) fn admin_allow(get: &impl Fn(&str) -> Option<String>) -> Result<Vec<Cidr>, ConfigError> {
    get("JOBBOT_ADMIN_ALLOW")
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|range| !range.is_empty())
        .map(|range| {
            Cidr::parse(range).ok_or_else(|| {
                err(
                    "JOBBOT_ADMIN_ALLOW",
                    format!("invalid range {range:?} (expected CIDRs like 10.0.0.0/8,2001:db8::/32)"),
                )
            })
        })
        .collect()
}

/// `JOBBOT_ALLOWED_ORIGINS`: `scheme://host[:port]`, comma-separated.
pub(super) fn parse_origins(raw: &str) -> Result<Vec<String>, ConfigError> {
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
