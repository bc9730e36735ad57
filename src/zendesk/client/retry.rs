//! When to try a request again: `Retry-After` as Zendesk (or anything in between) may send it,
//! and the rule that no wait may end after the request's retry budget. No I/O.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// `Retry-After` as a wait from `now` (RFC 9110 §10.2.3): delay-seconds (decimals accepted, as
/// some proxies send them), or an HTTP-date, whose wait is counted from `now`; a date in the
/// past means "now". `None` when absent or unreadable (a negative number, any other text):
/// the backoff decides then.
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        // Longer than u64 seconds is still "longer than any budget", never a panic.
        return (seconds >= 0.0)
            .then(|| Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// What follows a failed attempt that may be retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// Sleep this long, then try again; the sleep ends within the budget.
    Sleep(Duration),
    /// The server asked for a longer wait than is left of the budget.
    TooLong {
        /// What the server asked.
        asked: Duration,
        /// What was left of the budget.
        left: Duration,
    },
    /// The budget (or the number of retries) is used up.
    Spent,
}

/// Decides the wait after a failed attempt: the server's `asked` wait if it gave one, else the
/// backoff's next delay (`None` once the backoff has no more). No wait may end after the
/// budget, so one longer than what is left fails now rather than sleeping past it.
pub fn next_wait(
    asked: Option<Duration>,
    backoff: Option<Duration>,
    elapsed: Duration,
    budget: Duration,
) -> Wait {
    let Some(left) = budget.checked_sub(elapsed).filter(|left| !left.is_zero()) else {
        return Wait::Spent;
    };
    let Some(backoff) = backoff else {
        return Wait::Spent;
    };
    match asked {
        Some(asked) if asked > left => Wait::TooLong { asked, left },
        Some(asked) => Wait::Sleep(asked),
        None if backoff > left => Wait::Spent,
        None => Wait::Sleep(backoff),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    const SECOND: Duration = Duration::from_secs(1);

    fn after(value: &str, now: SystemTime) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        retry_after(&headers, now)
    }

    /// 1994-11-06 08:49:37 UTC, the example date of RFC 9110.
    fn rfc_example() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777)
    }

    #[test]
    fn delay_seconds() {
        let now = SystemTime::now();
        assert_eq!(after("2", now), Some(2 * SECOND));
        assert_eq!(after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(after("1.5", now), Some(Duration::from_millis(1500)));
        assert_eq!(after("999999", now), Some(999_999 * SECOND));
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn absurd_delays_are_long_not_a_panic() {
        let now = SystemTime::now();
        assert_eq!(after("1e300", now), Some(Duration::MAX));
        assert_eq!(after("99999999999999999999999", now), Some(Duration::MAX));
        assert_eq!(after("-5", now), None);
        assert_eq!(after("NaN", now), None);
        assert_eq!(after("soon", now), None);
        assert_eq!(after("", now), None);
    }

    #[test]
    fn an_http_date_is_a_wait_from_now() {
        let now = rfc_example() - 90 * SECOND;
        assert_eq!(
            after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(90 * SECOND)
        );
        // The obsolete forms RFC 9110 still asks recipients to accept.
        assert_eq!(
            after("Sunday, 06-Nov-94 08:49:37 GMT", now),
            Some(90 * SECOND)
        );
        assert_eq!(after("Sun Nov  6 08:49:37 1994", now), Some(90 * SECOND));
    }

    #[test]
    fn a_date_in_the_past_means_now() {
        let now = rfc_example() + 3600 * SECOND;
        assert_eq!(
            after("Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn a_malformed_date_is_ignored() {
        let now = rfc_example();
        assert_eq!(after("Sun, 32 Nov 1994 08:49:37 GMT", now), None);
        assert_eq!(after("06 Nov 1994", now), None);
    }

    #[test]
    fn waits_never_end_after_the_budget() {
        let budget = 10 * SECOND;
        assert_eq!(
            next_wait(Some(3 * SECOND), Some(SECOND), 2 * SECOND, budget),
            Wait::Sleep(3 * SECOND)
        );
        assert_eq!(
            next_wait(Some(999_999 * SECOND), Some(SECOND), 2 * SECOND, budget),
            Wait::TooLong {
                asked: 999_999 * SECOND,
                left: 8 * SECOND
            }
        );
        assert_eq!(
            next_wait(None, Some(SECOND), 2 * SECOND, budget),
            Wait::Sleep(SECOND)
        );
        assert_eq!(
            next_wait(None, Some(9 * SECOND), 2 * SECOND, budget),
            Wait::Spent
        );
        assert_eq!(
            next_wait(Some(Duration::ZERO), Some(SECOND), budget, budget),
            Wait::Spent
        );
        assert_eq!(
            next_wait(Some(SECOND), None, 2 * SECOND, budget),
            Wait::Spent
        );
    }
}
