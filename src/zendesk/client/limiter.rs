//! Staying inside an account's Zendesk rate limit, before Zendesk has to say 429.
//!
//! Each account gets its own GCRA limiter (governor) sized by the policy's `rate_limit_per_minute`,
//! or by the lowest Zendesk plan limit (Team: 200 requests a minute) when the policy does not say.
//! Zendesk also reports what is left of the minute in headers, spelt several ways in real answers
//! (`X-Rate-Limit-Remaining`, `ratelimit-remaining`, `rate-limit-remaining`; docs/zendesk-notes.md,
//! "Rate limits"): when little is left, requests pause until the window resets, so other
//! integrations on the account keep working too.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use reqwest::header::HeaderMap;

/// The lowest per-minute limit of any Zendesk plan (Team), used when nothing else is known.
pub const DEFAULT_PER_MINUTE: u32 = 200;

/// The longest pause the headers can cause: Zendesk's limits are per minute.
pub const MAX_PAUSE: Duration = Duration::from_secs(60);

/// The highest per-minute limit believed from a header. Zendesk's highest plan limit is 2,500
/// (the High Volume API add-on); anything above a million is not a rate limit.
const MAX_LIMIT: u64 = 1_000_000;

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
    /// account's minute is nearly used up. Values out of any sane range are clamped (at most a
    /// pause of [`MAX_PAUSE`]), and what is not a number is ignored: a broken or hostile server
    /// can neither crash the limiter nor stall it.
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
            .filter(|limit| *limit > 0)
            .unwrap_or(u64::from(DEFAULT_PER_MINUTE))
            .min(MAX_LIMIT);
        // Keep a reserve of 5% of the limit (at least 2 requests) for everything else.
        let reserve = (limit / 20).max(2);
        if remaining > reserve {
            return;
        }
        let pause = match header_number(headers, &["ratelimit-reset", "rate-limit-reset"]) {
            Some(reset) => Duration::from_secs(reset.min(MAX_PAUSE.as_secs())),
            // The requests still to hold back, at the limit's pace; small numbers after the
            // clamps above (at most 50,001 × 60 s in nanoseconds), so no overflow.
            None => Duration::from_nanos(
                (reserve - remaining + 1) * MAX_PAUSE.as_nanos() as u64 / limit,
            ),
        };
        if let Ok(mut paused) = self.pause_until.lock() {
            let until = Instant::now() + pause.min(MAX_PAUSE);
            *paused = Some(paused.map_or(until, |p| p.max(until)));
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

    /// How long requests are paused from now, if at all.
    fn paused_for(limiter: &AccountLimiter) -> Duration {
        limiter
            .pause_until
            .lock()
            .unwrap()
            .map_or(Duration::ZERO, |until| {
                until.saturating_duration_since(Instant::now())
            })
    }

    #[test]
    fn absurd_rate_limit_headers_neither_panic_nor_stall() {
        // Regression (issue #12): a limit of 2^32 truncated to 0 and divided by it.
        for limit in [
            "4294967296",
            "18446744073709551615",
            "0",
            "-1",
            "",
            "abc",
            "1e9",
        ] {
            for remaining in ["0", "1", "4294967296", "-3", "", "x"] {
                for reset in [
                    None,
                    Some("0"),
                    Some("18446744073709551615"),
                    Some("-1"),
                    Some(""),
                ] {
                    let limiter = AccountLimiter::new(200);
                    let mut pairs = vec![
                        ("x-rate-limit", limit),
                        ("x-rate-limit-remaining", remaining),
                    ];
                    pairs.extend(reset.map(|r| ("ratelimit-reset", r)));
                    limiter.observe(&headers(&pairs));
                    let paused = paused_for(&limiter);
                    assert!(paused <= MAX_PAUSE, "{pairs:?}: {paused:?}");
                }
            }
        }
    }

    #[test]
    fn nothing_left_of_a_huge_limit_pauses_at_most_a_minute() {
        let limiter = AccountLimiter::new(200);
        limiter.observe(&headers(&[
            ("X-Rate-Limit", "4294967296"),
            ("X-Rate-Limit-Remaining", "0"),
        ]));
        assert!(paused_for(&limiter) <= MAX_PAUSE);
        let limiter = AccountLimiter::new(200);
        limiter.observe(&headers(&[
            ("X-Rate-Limit", "700"),
            ("X-Rate-Limit-Remaining", "0"),
            ("ratelimit-reset", "31536000"),
        ]));
        let paused = paused_for(&limiter);
        assert!(
            paused > Duration::from_secs(59) && paused <= MAX_PAUSE,
            "{paused:?}"
        );
    }

    /// Header text: anything printable, any integer, and multiples of 2^32 (which truncate to 0).
    fn header_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            "[ -~]{0,24}",
            any::<u64>().prop_map(|n| n.to_string()),
            any::<i64>().prop_map(|n| n.to_string()),
            (1u64..1024, 0u64..4).prop_map(|(k, n)| ((k << 32) + n).to_string()),
            (0u64..100).prop_map(|n| n.to_string()),
        ]
    }

    proptest::proptest! {
        #[test]
        fn any_header_text_is_survived(
            limit in header_text(),
            remaining in header_text(),
            reset in header_text(),
        ) {
            let limiter = AccountLimiter::new(200);
            limiter.observe(&headers(&[
                ("ratelimit-limit", limit.as_str()),
                ("ratelimit-remaining", remaining.as_str()),
                ("ratelimit-reset", reset.as_str()),
            ]));
            proptest::prop_assert!(paused_for(&limiter) <= MAX_PAUSE);
        }
    }
}
