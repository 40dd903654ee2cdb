//! The France Travail connector: "Offres d'emploi v2" with OAuth2 client credentials, the searches the
//! operator configures (`JOBBOT_OFFERS_SYNC`), paged with `range` / `Content-Range`, incremental (offers
//! created since the last successful run, with an hour of overlap), retried on 429 (after `Retry-After`) and
//! 5xx, and paced (at most [`REQUESTS_PER_SECOND`]). One instance syncs at a time (a PostgreSQL advisory lock).

use std::time::Duration;

use chrono::{NaiveDateTime, TimeDelta};
use serde::Deserialize;

use super::france_travail::{FtOffer, SearchAnswer};

/// France Travail allows 10 calls a second per application; JobBot stays under it.
pub const REQUESTS_PER_SECOND: u32 = 8;
/// Offers per page (France Travail's maximum).
const PAGE: usize = 150;
/// France Travail refuses a `range` starting after this.
const LAST_START: usize = 3000;
/// The first run looks back this far.
const FIRST_LOOKBACK_DAYS: i64 = 31;
const ATTEMPTS: u32 = 4;

pub use crate::config::OffersSyncConfig as SyncConfig;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("France Travail refused the client credentials ({0})")]
    Credentials(String),
    #[error("France Travail answered {status} for {what}")]
    Status { status: u16, what: String },
    #[error("France Travail is unreachable: {0}")]
    Network(#[from] reqwest::Error),
    #[error("France Travail's answer is not the documented JSON: {0}")]
    Format(String),
    #[error("database: {0}")]
    Database(String),
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    pub requests: usize,
    pub read: usize,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
}

pub struct Client {
    config: SyncConfig,
    http: reqwest::Client,
    token: Option<String>,
    requests: usize,
    last_request: Option<std::time::Instant>,
}

/// "offres 0-149/1234" → (149, 1234).
fn content_range(value: &str) -> Option<(usize, usize)> {
    let (_, range) = value.trim().split_once(' ')?;
    let (span, total) = range.split_once('/')?;
    let (_, last) = span.split_once('-')?;
    Some((last.trim().parse().ok()?, total.trim().parse().ok()?))
}

fn retry_after(response: &reqwest::Response) -> Duration {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(Duration::from_secs(1), |s| Duration::from_secs(s.min(60)))
}

impl Client {
    pub fn new(config: SyncConfig) -> Self {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap_or_default();
        Self {
            config,
            http,
            token: None,
            requests: 0,
            last_request: None,
        }
    }

    /// Waits so that requests stay under [`REQUESTS_PER_SECOND`].
    async fn pace(&mut self) {
        let gap = Duration::from_secs(1) / REQUESTS_PER_SECOND;
        if let Some(last) = self.last_request {
            let since = last.elapsed();
            if since < gap {
                tokio::time::sleep(gap - since).await;
            }
        }
        self.last_request = Some(std::time::Instant::now());
        self.requests += 1;
    }

    async fn token(&mut self) -> Result<String, SyncError> {
        if let Some(token) = &self.token {
            return Ok(token.clone());
        }
        self.pace().await;
        let response = self
            .http
            .post(&self.config.token_url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", self.config.client_id.as_str()),
                ("client_secret", self.config.client_secret.as_str()),
                ("scope", "api_offresdemploiv2 o2dsoffre"),
            ])
            .send()
            .await?;
        if !response.status().is_success() {
            return Err(SyncError::Credentials(response.status().as_u16().to_string()));
        }
        let answer: TokenAnswer = response
            .json()
            .await
            .map_err(|e| SyncError::Format(e.to_string()))?;
        tracing::debug!(expires_in = answer.expires_in, "France Travail token obtained");
        self.token = Some(answer.access_token.clone());
        Ok(answer.access_token)
    }

    /// One page of a search: its offers and whether more follow.
    async fn page(
        &mut self,
        search: &str,
        from: NaiveDateTime,
        to: NaiveDateTime,
        start: usize,
    ) -> Result<(Vec<FtOffer>, bool), SyncError> {
        let format = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
        let mut url = format!("{}/offres/search?", self.config.api_url);
        if !search.is_empty() {
            url.push_str(search);
            url.push('&');
        }
        url.push_str(&format!(
            "range={start}-{}&minCreationDate={}&maxCreationDate={}",
            start + PAGE - 1,
            format(from),
            format(to)
        ));
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let token = self.token().await?;
            self.pace().await;
            let response = self.http.get(&url).bearer_auth(&token).send().await;
            let response = match response {
                Ok(response) => response,
                Err(error) if attempt < ATTEMPTS => {
                    tracing::warn!(error = %error, attempt, "France Travail unreachable, retrying");
                    tokio::time::sleep(Duration::from_millis(200 * 2u64.pow(attempt))).await;
                    continue;
                }
                Err(error) => return Err(error.into()),
            };
            let status = response.status().as_u16();
            match status {
                // 204: nothing matches.
                204 => return Ok((Vec::new(), false)),
                200 | 206 => {
                    let range = response
                        .headers()
                        .get(reqwest::header::CONTENT_RANGE)
                        .and_then(|v| v.to_str().ok())
                        .and_then(content_range);
                    let answer: SearchAnswer = response
                        .json()
                        .await
                        .map_err(|e| SyncError::Format(e.to_string()))?;
                    let more = match range {
                        Some((last, total)) => last + 1 < total && last < LAST_START,
                        None => false,
                    };
                    return Ok((answer.resultats, more));
                }
                401 if !refreshed => {
                    // The token expired during the run: one new token, then the same request again.
                    refreshed = true;
                    self.token = None;
                    attempt -= 1;
                }
                429 | 500..=599 if attempt < ATTEMPTS => {
                    let wait = if status == 429 {
                        retry_after(&response)
                    } else {
                        Duration::from_millis(200 * 2u64.pow(attempt))
                    };
                    tracing::warn!(
                        status,
                        attempt,
                        wait_ms = wait.as_millis() as u64,
                        "France Travail asked to wait"
                    );
                    tokio::time::sleep(wait).await;
                }
                _ => {
                    return Err(SyncError::Status {
                        status,
                        what: format!("the search {search:?}"),
                    })
                }
            }
        }
    }

    /// Every offer created in `from..to` for each configured search.
    pub async fn fetch(&mut self, from: NaiveDateTime, to: NaiveDateTime) -> Result<Vec<FtOffer>, SyncError> {
        let mut all = Vec::new();
        let searches = self.config.searches.clone();
        for search in &searches {
            let mut start = 0;
            loop {
                let (offers, more) = self.page(search, from, to, start).await?;
                all.extend(offers);
                if !more {
                    break;
                }
                start += PAGE;
            }
        }
        Ok(all)
    }

    pub fn requests(&self) -> usize {
        self.requests
    }
}

/// One run: fetches what was created since the last successful run (an hour of overlap; a month the first
/// time) and stores it. Returns `None` when another instance holds the sync lock.
pub async fn run_once(pool: &jobbot_db::Pool, config: &SyncConfig) -> Result<Option<SyncReport>, SyncError> {
    let db = |e: &dyn std::fmt::Display| SyncError::Database(e.to_string());
    // The lock lives as long as this connection: kept for the whole run.
    let pool_for_lock = pool.clone();
    let lock = tokio::task::spawn_blocking(move || -> Result<_, String> {
        let mut conn = pool_for_lock.get().map_err(|e| e.to_string())?;
        let locked = jobbot_db::try_advisory_lock(&mut conn, jobbot_db::OFFERS_SYNC_LOCK)
            .map_err(|e| e.to_string())?;
        let since = jobbot_db::offers::last_sync(&mut conn).map_err(|e| e.to_string())?;
        Ok((conn, locked, since))
    })
    .await
    .map_err(|e| db(&e))?
    .map_err(|e| db(&e))?;
    let (lock_conn, locked, since) = lock;
    if !locked {
        return Ok(None);
    }
    let started = jobbot_db::now();
    let from = since.map_or(started - TimeDelta::days(FIRST_LOOKBACK_DAYS), |t| {
        t - TimeDelta::hours(1)
    });
    let mut client = Client::new(config.clone());
    let offers = client.fetch(from, started).await;
    let pool = pool.clone();
    let report = tokio::task::spawn_blocking(move || -> Result<SyncReport, String> {
        let mut lock_conn = lock_conn;
        let result = (|| {
            let offers = offers.map_err(|e| e.to_string())?;
            let rows: Vec<_> = offers.into_iter().map(|o| o.into_row(started)).collect();
            let mut conn = pool.get().map_err(|e| e.to_string())?;
            let done = jobbot_db::offers::upsert_by_source(&mut conn, &rows).map_err(|e| e.to_string())?;
            jobbot_db::offers::record_sync(&mut conn, started).map_err(|e| e.to_string())?;
            Ok(SyncReport {
                requests: 0,
                read: rows.len(),
                inserted: done.inserted,
                updated: done.updated,
                unchanged: done.unchanged,
            })
        })();
        let _ = jobbot_db::advisory_unlock(&mut lock_conn, jobbot_db::OFFERS_SYNC_LOCK);
        result
    })
    .await
    .map_err(|e| db(&e))?;
    match report {
        Ok(mut report) => {
            report.requests = client.requests();
            Ok(Some(report))
        }
        Err(error) => Err(SyncError::Database(error)),
    }
}

/// Runs [`run_once`] every `config.every`, for ever (the first run at start).
pub async fn daemon(pool: jobbot_db::Pool, config: SyncConfig) {
    let mut every = tokio::time::interval(config.every);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match run_once(&pool, &config).await {
            Ok(Some(report)) => tracing::info!(
                read = report.read,
                inserted = report.inserted,
                updated = report.updated,
                requests = report.requests,
                "France Travail offers synced"
            ),
            Ok(None) => tracing::debug!("another instance is syncing France Travail offers"),
            Err(error) => tracing::warn!(error = %error, "France Travail sync failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_ranges_and_searches() {
        assert_eq!(content_range("offres 0-149/1234"), Some((149, 1234)));
        assert_eq!(content_range("offres 150-299/300"), Some((299, 300)));
        assert_eq!(content_range("nonsense"), None);
    }
}
