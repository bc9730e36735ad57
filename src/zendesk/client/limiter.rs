//! Staying inside an account's Zendesk rate limit, before Zendesk has to say 429.
//!
//! Each account gets its own GCRA limiter (governor) sized by the policy's
//! `rate_limit_per_minute`, or by the lowest Zendesk plan limit (Team: 200 requests a minute)
//! when the policy does not say. Zendesk also reports what is left of the minute in headers,
//! spelt several ways in real answers (`X-Rate-Limit-Remaining`, `ratelimit-remaining`,
//! `rate-limit-remaining`; reference/zendesk-api.md §4): when little is left, requests pause
//! until the window resets, so other integrations on the account keep working too.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::header::HeaderMap;

/// The lowest per-minute limit of any Zendesk plan (Team), used when nothing else is known.
pub const DEFAULT_PER_MINUTE: u32 = 200;

/// One account's limiter.
#[derive(Debug)]
pub struct AccountLimiter {
    limiter: DefaultDirectRateLimiter,
    pause_until: Mutex<Option<Instant>>,
}

impl AccountLimiter {
    /// A limiter allowing `per_minute` requests a minute (bursts up to a tenth of that).
    pub fn new(per_minute: u32) -> Self {
        let per_minute = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        let burst = NonZeroU32::new((per_minute.get() / 10).max(5)).unwrap_or(NonZeroU32::MIN);
        Self {
            limiter: RateLimiter::direct_with_clock(
                Quota::per_minute(per_minute).allow_burst(burst),
                shared_clock(),
            ),
            pause_until: Mutex::new(None),
        }
    }

    /// Waits until a request may be sent.
    pub async fn ready(&self) {
        let pause = self.pause_until.lock().ok().and_then(|p| *p);
        if let Some(until) = pause {
            tokio::time::sleep_until(until.into()).await;
        }
        self.limiter.until_ready().await;
    }

    /// Reads the rate-limit headers of an answer and pauses further requests when the
    /// account's minute is nearly used up.
    pub fn observe(&self, headers: &HeaderMap) {
        let Some(remaining) = header_number(
            headers,
            &[
                "x-rate-limit-remaining",
                "ratelimit-remaining",
                "rate-limit-remaining",
            ],
        ) else {
            return;
        };
        let limit = header_number(headers, &["x-rate-limit", "ratelimit-limit", "rate-limit"])
            .unwrap_or(DEFAULT_PER_MINUTE as u64);
        // Keep a reserve of 5% of the limit (at least 2 requests) for everything else.
        let reserve = (limit / 20).max(2);
        if remaining > reserve {
            return;
        }
        let reset = header_number(headers, &["ratelimit-reset", "rate-limit-reset"]).map_or(
            Duration::from_secs(60) / limit.max(1) as u32 * (reserve - remaining + 1) as u32,
            Duration::from_secs,
        );
        if let Ok(mut pause) = self.pause_until.lock() {
            let until = Instant::now() + reset.min(Duration::from_secs(60));
            *pause = Some(pause.map_or(until, |p| p.max(until)));
        }
    }
}

/// One clock for every account's limiter: creating governor's default clock calibrates it,
/// which cost a measurable share of reading 1,000 accounts when done per account.
fn shared_clock() -> governor::clock::DefaultClock {
    static CLOCK: std::sync::OnceLock<governor::clock::DefaultClock> = std::sync::OnceLock::new();
    CLOCK
        .get_or_init(governor::clock::DefaultClock::default)
        .clone()
}

/// The first of `names` present as a number (header names are case-insensitive).
fn header_number(headers: &HeaderMap, names: &[&str]) -> Option<u64> {
    names
        .iter()
        .find_map(|name| headers.get(*name))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// `Retry-After` as a duration: delay-seconds, or an HTTP date (treated as "a minute" when it
/// cannot be compared without a clock dependency; Zendesk sends seconds).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    match value.parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && seconds >= 0.0 => {
            Some(Duration::from_secs_f64(seconds.min(3600.0)))
        }
        _ => Some(Duration::from_secs(60)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        map
    }

    #[test]
    fn reads_remaining_in_any_spelling_and_pauses_when_low() {
        let limiter = AccountLimiter::new(700);
        limiter.observe(&headers(&[
            ("X-Rate-Limit", "700"),
            ("X-Rate-Limit-Remaining", "650"),
        ]));
        assert!(limiter.pause_until.lock().unwrap().is_none());
        limiter.observe(&headers(&[
            ("ratelimit-limit", "700"),
            ("ratelimit-remaining", "3"),
            ("ratelimit-reset", "7"),
        ]));
        let pause = limiter.pause_until.lock().unwrap().unwrap();
        let left = pause.duration_since(Instant::now());
        assert!(
            left > Duration::from_secs(6) && left <= Duration::from_secs(7),
            "{left:?}"
        );
    }

    #[test]
    fn retry_after_seconds() {
        assert_eq!(
            retry_after(&headers(&[("Retry-After", "2")])),
            Some(Duration::from_secs(2))
        );
        assert_eq!(retry_after(&headers(&[])), None);
    }
}
