//! Per-account rate limits: a fixed window per account, `X-Rate-Limit` headers on every
//! answer, and 429 with `Retry-After` past the limit (docs/zendesk-notes.md,
//! "Rate limits").
//!
//! Zendesk's exact algorithm is not documented; a fixed window is the simulator's choice. The
//! window is one minute unless configured shorter for tests; the limit applies per window.

use std::collections::HashMap;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;

use super::api_error::text_response;

/// The verdict on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// The limit per window.
    pub limit: u32,
    /// Requests left in this window after this one.
    pub remaining: u32,
    /// Whole seconds until the window resets (at least 1).
    pub reset_secs: u64,
    /// Whether the request is over the limit.
    pub limited: bool,
}

/// Fixed windows per account.
#[derive(Debug)]
pub(crate) struct RateLimits {
    window: Duration,
    windows: HashMap<String, (Duration, u32)>,
}

impl RateLimits {
    /// Limits with windows of this length.
    pub(crate) fn new(window: Duration) -> Self {
        Self {
            window: window.max(Duration::from_millis(1)),
            windows: HashMap::new(),
        }
    }

    /// Counts one request of `account` at `now` (the simulator clock's elapsed time).
    pub(crate) fn check(&mut self, account: &str, limit: u32, now: Duration) -> Verdict {
        let window = self.window;
        let (started, used) = self.windows.entry(account.to_owned()).or_insert((now, 0));
        if now.saturating_sub(*started) >= window {
            *started = now;
            *used = 0;
        }
        let left = window.saturating_sub(now.saturating_sub(*started));
        let reset_secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        let limited = *used >= limit;
        if !limited {
            *used += 1;
        }
        Verdict {
            limit,
            remaining: limit.saturating_sub(*used),
            reset_secs: reset_secs.max(1),
            limited,
        }
    }

    /// Forgets an account's window (after its limit changed).
    pub(crate) fn reset(&mut self, account: &str) {
        self.windows.remove(account);
    }
}

/// Adds the rate-limit headers real responses carry: `X-Rate-Limit`, `X-Rate-Limit-Remaining`
/// and the `rate-limit`, `rate-limit-remaining`, `rate-limit-reset` spellings seen alongside
/// them in 2023 recordings [SEEN].
pub(crate) fn add_headers(headers: &mut HeaderMap, verdict: &Verdict) {
    let pairs = [
        ("x-rate-limit", verdict.limit.to_string()),
        ("x-rate-limit-remaining", verdict.remaining.to_string()),
        ("rate-limit", verdict.limit.to_string()),
        ("rate-limit-remaining", verdict.remaining.to_string()),
        ("rate-limit-reset", verdict.reset_secs.to_string()),
    ];
    for (name, value) in pairs {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), value);
        }
    }
}

/// The 429 answer: plain text, as Zendesk sends it [SEEN community post], with `Retry-After`.
pub(crate) fn too_many_requests(verdict: &Verdict) -> Response {
    let mut response = text_response(
        StatusCode::TOO_MANY_REQUESTS,
        "Number of allowed API requests per minute exceeded",
    );
    add_headers(response.headers_mut(), verdict);
    if let Ok(value) = HeaderValue::from_str(&verdict.reset_secs.to_string()) {
        response
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_within_a_window_and_resets_after_it() {
        let mut limits = RateLimits::new(Duration::from_secs(60));
        let t0 = Duration::from_secs(10);
        let first = limits.check("acme", 2, t0);
        assert_eq!((first.remaining, first.limited), (1, false));
        assert!(!limits.check("acme", 2, t0).limited);
        let third = limits.check("acme", 2, t0 + Duration::from_millis(1500));
        assert!(third.limited);
        assert_eq!(third.reset_secs, 59);
        assert!(
            !limits.check("globex", 2, t0).limited,
            "accounts are independent"
        );
        assert!(
            !limits
                .check("acme", 2, t0 + Duration::from_secs(60))
                .limited
        );
    }
}
