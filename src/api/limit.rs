//! Per-token rate limit: a token bucket per token id, in memory (each server process counts
//! its own requests). A bucket holds one second's worth of requests and refills at the
//! configured rate, so a token may send up to twice the rate in its first second, then the
//! rate; beyond that the answer is 429 with the seconds to wait in `Retry-After`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Bucket {
    tokens: f64,
    at: Instant,
}

pub struct Limiter {
    /// Requests per second per token; 0 turns the limit off.
    rate: u32,
    buckets: Mutex<HashMap<i64, Bucket>>,
}

/// Buckets kept before idle ones are dropped (a full bucket carries no state worth keeping).
const PRUNE_ABOVE: usize = 10_000;

impl Limiter {
    pub fn new(rate: u32) -> Limiter {
        Limiter {
            rate,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Takes one request from `token`'s bucket at `now`: Ok, or Err with the whole seconds to
    /// wait before the next one is allowed (at least 1).
    pub fn take(&self, token: i64, now: Instant) -> Result<(), u64> {
        if self.rate == 0 {
            return Ok(());
        }
        let rate = f64::from(self.rate);
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > PRUNE_ABOVE {
            let idle = Duration::from_secs(1);
            buckets.retain(|_, b| now.saturating_duration_since(b.at) < idle);
        }
        let bucket = buckets.entry(token).or_insert(Bucket {
            tokens: rate,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(rate);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / rate;
            Err((wait.ceil() as u64).max(1))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_rate_then_refuses_until_it_refills() {
        let limiter = Limiter::new(5);
        let t0 = Instant::now();
        for _ in 0..5 {
            assert_eq!(limiter.take(1, t0), Ok(()));
        }
        assert_eq!(limiter.take(1, t0), Err(1));
        // Another token has its own bucket.
        assert_eq!(limiter.take(2, t0), Ok(()));
        // A fifth of a second later one more request is allowed, and only one.
        let later = t0 + Duration::from_millis(200);
        assert_eq!(limiter.take(1, later), Ok(()));
        assert_eq!(limiter.take(1, later), Err(1));
        // A full second refills the bucket, never beyond its size.
        let much_later = t0 + Duration::from_secs(10);
        for _ in 0..5 {
            assert_eq!(limiter.take(1, much_later), Ok(()));
        }
        assert!(limiter.take(1, much_later).is_err());
    }

    #[test]
    fn a_zero_rate_never_limits() {
        let limiter = Limiter::new(0);
        let now = Instant::now();
        assert!((0..1000).all(|_| limiter.take(1, now).is_ok()));
    }
}
