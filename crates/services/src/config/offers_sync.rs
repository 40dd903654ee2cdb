//! France Travail's "Offres d'emploi v2" connector: the searches to sync, the credentials and the pace.

use std::time::Duration;

use super::env::{err, optional_secret, parse_number, ConfigError};

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

pub(super) fn offers_sync_config(
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
