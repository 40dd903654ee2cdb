//! In-memory token buckets for login and register, with bounded memory.
//!
//! Three budgets per attempt (see [`AuthAttempt`]): the client IP, the client IP + email pair, and the email
//! alone with a much larger budget. So failures from one client slow that client down without locking the
//! account's owner out from another one, while a spread-out attack on one account still meets a limit whose
//! wait is short. Keys are fixed-size digests (an email is parsed before it becomes one), and the table holds
//! at most [`MAX_KEYS`] of them: a flood of distinct keys cannot grow the server.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

use sha2::{Digest, Sha256};

use crate::error::ServiceError;

/// About 48 bytes of key and bucket each, plus the table's own overhead: a few MiB at most.
pub const MAX_KEYS: usize = 50_000;
/// The email-only budget is this many times the per-client one.
pub const EMAIL_BUDGET_FACTOR: u32 = 10;

type Key = [u8; 16];

/// One bucket to take from: its key, how many it holds, how fast it refills.
struct Budget {
    key: Key,
    capacity: f32,
    per_second: f32,
}

impl Budget {
    fn per_minute(key: Key, capacity: f32) -> Self {
        Self {
            key,
            capacity,
            per_second: capacity / 60.0,
        }
    }
}

pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<Key, Bucket>>,
}

struct Bucket {
    tokens: f32,
    updated: Instant,
}

/// What an authentication attempt is counted against.
pub struct AuthAttempt<'a> {
    /// `login` or `register`: separate budgets.
    pub action: &'a str,
    pub client: &'a str,
    /// The parsed, normalised email; `None` when malformed (only the client is counted).
    pub email: Option<&'a str>,
}

fn key(parts: &[&str]) -> Key {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let digest = hasher.finalize();
    let mut key = [0; 16];
    key.copy_from_slice(&digest[..16]);
    key
}

/// The client part of a key: an IP address as such, anything else (an unparsable proxy header) as one shared
/// "unknown" client, so a forged header cannot mint new keys.
fn client_key(client: &str) -> String {
    client
        .parse::<IpAddr>()
        .map_or_else(|_| "unknown".to_owned(), |ip| ip.to_string())
}

impl RateLimiter {
    /// `per_minute` attempts per client (and per client + email), refilled continuously; 0 disables the limit.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one attempt from each budget of the attempt, or answers 429 with the wait in seconds.
    pub fn check_auth(&self, attempt: &AuthAttempt<'_>) -> Result<(), ServiceError> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let client = client_key(attempt.client);
        let per_minute = self.per_minute as f32;
        let mut budgets = vec![Budget::per_minute(
            key(&[attempt.action, "ip", &client]),
            per_minute,
        )];
        if let Some(email) = attempt.email {
            budgets.push(Budget::per_minute(
                key(&[attempt.action, "ip+email", &client, email]),
                per_minute,
            ));
            budgets.push(Budget::per_minute(
                key(&[attempt.action, "email", email]),
                per_minute * EMAIL_BUDGET_FACTOR as f32,
            ));
        }
        self.check(&budgets)
    }

    /// Takes one from `subject`'s budget for `action`: `capacity` at once, refilled over `window`
    /// (independent of the authentication limit's setting).
    pub fn check_budget(
        &self,
        action: &str,
        subject: &str,
        capacity: u32,
        window: std::time::Duration,
    ) -> Result<(), ServiceError> {
        self.check(&[Budget {
            key: key(&[action, subject]),
            capacity: capacity as f32,
            per_second: capacity as f32 / window.as_secs_f32(),
        }])
    }

    /// Keys currently held (for tests and benchmarks of the memory bound).
    pub fn len(&self) -> usize {
        self.buckets().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn buckets(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Bucket>> {
        self.buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes one token from each bucket, all or nothing.
    fn check(&self, budgets: &[Budget]) -> Result<(), ServiceError> {
        let now = Instant::now();
        let refill = |bucket: &Bucket, budget: &Budget| {
            (bucket.tokens + now.duration_since(bucket.updated).as_secs_f32() * budget.per_second)
                .min(budget.capacity)
        };
        let mut buckets = self.buckets();
        if buckets.len() + budgets.len() > MAX_KEYS {
            // Buckets idle for a minute or more carry little information: drop them first; if that is not
            // enough, the least recently used half goes.
            buckets.retain(|_, b| now.duration_since(b.updated).as_secs() < 60);
            if buckets.len() + budgets.len() > MAX_KEYS {
                let mut ages: Vec<Instant> = buckets.values().map(|b| b.updated).collect();
                ages.sort_unstable();
                let cutoff = ages[ages.len() / 2];
                buckets.retain(|_, b| b.updated > cutoff);
            }
        }
        let mut wait: f32 = 0.0;
        for budget in budgets {
            let tokens = buckets
                .get(&budget.key)
                .map_or(budget.capacity, |b| refill(b, budget));
            if tokens < 1.0 {
                wait = wait.max((1.0 - tokens) / budget.per_second);
            }
        }
        if wait > 0.0 {
            return Err(ServiceError::rate_limited(wait.ceil().max(1.0) as u64));
        }
        for budget in budgets {
            let tokens = buckets
                .get(&budget.key)
                .map_or(budget.capacity, |b| refill(b, budget));
            buckets.insert(
                budget.key,
                Bucket {
                    tokens: tokens - 1.0,
                    updated: now,
                },
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt<'a>(client: &'a str, email: Option<&'a str>) -> AuthAttempt<'a> {
        AuthAttempt {
            action: "login",
            client,
            email,
        }
    }

    #[test]
    fn allows_the_budget_then_refuses_with_a_wait() {
        let limiter = RateLimiter::new(3);
        for _ in 0..3 {
            assert!(limiter
                .check_auth(&attempt("10.0.0.1", Some("a@example.fr")))
                .is_ok());
        }
        let refused = limiter
            .check_auth(&attempt("10.0.0.1", Some("a@example.fr")))
            .expect_err("fourth attempt");
        assert_eq!(refused.code, jobbot_api_types::ErrorCode::RateLimited);
        assert!(refused.retry_after.is_some_and(|s| (1..=20).contains(&s)));
        assert!(
            limiter
                .check_auth(&attempt("10.0.0.2", Some("a@example.fr")))
                .is_ok(),
            "the owner, from another client, is not locked out"
        );
    }

    #[test]
    fn the_email_alone_has_a_larger_budget() {
        let limiter = RateLimiter::new(2);
        for i in 0..20 {
            let ip = format!("10.0.1.{i}");
            assert!(
                limiter.check_auth(&attempt(&ip, Some("v@example.fr"))).is_ok(),
                "attempt {i}"
            );
        }
        let refused = limiter
            .check_auth(&attempt("10.0.2.1", Some("v@example.fr")))
            .expect_err("the 21st attempt on one email");
        assert!(refused.retry_after.is_some_and(|s| s <= 3), "a short backoff");
    }

    #[test]
    fn memory_is_bounded_and_forged_clients_share_a_key() {
        let limiter = RateLimiter::new(10);
        for i in 0..(MAX_KEYS as u32 + 5_000) {
            let ip = std::net::Ipv4Addr::from(i).to_string();
            let _ = limiter.check_auth(&attempt(&ip, None));
        }
        assert!(limiter.len() <= MAX_KEYS, "{}", limiter.len());
        let forged = RateLimiter::new(10);
        for i in 0..100 {
            let _ = forged.check_auth(&attempt(&format!("garbage-{i}"), None));
        }
        assert_eq!(forged.len(), 1);
    }

    #[test]
    fn zero_disables() {
        let limiter = RateLimiter::new(0);
        for _ in 0..100 {
            assert!(limiter
                .check_auth(&attempt("10.0.0.1", Some("k@example.fr")))
                .is_ok());
        }
        assert!(limiter.is_empty());
    }
}
