//! The simulator's clock: real time plus an offset tests can advance, and the stamps of writes.
//!
//! One clock drives token expiry, rate-limit windows and `created_at`/`updated_at`, so a test
//! can "wait" ten minutes without sleeping.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub(crate) use crate::zendesk::model::timestamp::{format_rfc3339, parse_rfc3339};

/// Real time shifted by an offset that only grows.
#[derive(Debug)]
pub(crate) struct Clock {
    started: Instant,
    started_unix: Duration,
    offset: Mutex<Duration>,
}

impl Clock {
    /// A clock reading real time.
    pub(crate) fn new() -> Self {
        Self {
            started: Instant::now(),
            started_unix: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default(),
            offset: Mutex::new(Duration::ZERO),
        }
    }

    /// Moves the clock forward.
    pub(crate) fn advance(&self, by: Duration) {
        let mut offset = self
            .offset
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *offset = offset.saturating_add(by);
    }

    /// Monotonic time since the simulator started, offset included.
    pub(crate) fn elapsed(&self) -> Duration {
        let offset = *self
            .offset
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        self.started.elapsed().saturating_add(offset)
    }

    /// Seconds since the Unix epoch, offset included.
    pub(crate) fn unix_seconds(&self) -> i64 {
        let now = self.started_unix.saturating_add(self.elapsed());
        i64::try_from(now.as_secs()).unwrap_or(i64::MAX)
    }
}

/// The stamp for a write to an object last written at `previous`: now, but always later than
/// `previous`, so `updated_at` changes on every write even within one second (Zendesk's stamps
/// have whole-second resolution; the simulator guarantees a change so clients can rely on
/// comparing it, at the cost of running up to a few seconds ahead under bursts of writes).
pub(crate) fn stamp_after(now: i64, previous: Option<&str>) -> String {
    let floor = previous
        .and_then(parse_rfc3339)
        .map_or(i64::MIN, |p| p.saturating_add(1));
    format_rfc3339(now.max(floor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_always_move_forward() {
        let first = stamp_after(100, None);
        let second = stamp_after(100, Some(&first));
        assert_eq!(first, format_rfc3339(100));
        assert_eq!(second, format_rfc3339(101));
        assert_eq!(stamp_after(500, Some(&second)), format_rfc3339(500));
    }

    #[test]
    fn advancing_moves_unix_time() {
        let clock = Clock::new();
        let before = clock.unix_seconds();
        clock.advance(Duration::from_secs(600));
        assert!(clock.unix_seconds() >= before + 600);
    }
}
