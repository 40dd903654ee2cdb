//! In-memory token buckets keyed by client IP or email, for login and register.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use crate::error::ApiError;

pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

struct Bucket {
    tokens: f64,
    updated: Instant,
}

const MAX_KEYS: usize = 50_000;

impl RateLimiter {
    /// `per_minute` attempts per key, refilled continuously; 0 disables the limit.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one attempt from each key's bucket, or answers 429 with the wait in seconds.
    pub fn check(&self, keys: &[String]) -> Result<(), ApiError> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_second = capacity / 60.0;
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() > MAX_KEYS {
            buckets.retain(|_, b| {
                b.tokens + now.duration_since(b.updated).as_secs_f64() * per_second < capacity
            });
        }
        let mut wait: f64 = 0.0;
        for key in keys {
            let bucket = buckets.entry(key.clone()).or_insert(Bucket {
                tokens: capacity,
                updated: now,
            });
            bucket.tokens =
                (bucket.tokens + now.duration_since(bucket.updated).as_secs_f64() * per_second).min(capacity);
            bucket.updated = now;
            if bucket.tokens >= 1.0 {
                bucket.tokens -= 1.0;
            } else {
                wait = wait.max((1.0 - bucket.tokens) / per_second);
            }
        }
        if wait > 0.0 {
            Err(ApiError::rate_limited(wait.ceil().max(1.0) as u64))
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_budget_then_refuses_with_a_wait() {
        let limiter = RateLimiter::new(3);
        let keys = vec!["ip:1".to_owned()];
        for _ in 0..3 {
            assert!(limiter.check(&keys).is_ok());
        }
        let refused = limiter.check(&keys).expect_err("fourth attempt");
        assert_eq!(refused.code, "rate_limited");
        assert!(refused.retry_after.is_some_and(|s| (1..=20).contains(&s)));
        assert!(
            limiter.check(&["ip:2".to_owned()]).is_ok(),
            "other keys are independent"
        );
    }

    #[test]
    fn zero_disables() {
        let limiter = RateLimiter::new(0);
        for _ in 0..100 {
            assert!(limiter.check(&["k".to_owned()]).is_ok());
        }
    }
}
