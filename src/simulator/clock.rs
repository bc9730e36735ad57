//! The simulator's clock: real time plus an offset tests can advance.
//!
//! One clock drives token expiry, rate-limit windows and `created_at`/`updated_at`, so a test
//! can "wait" ten minutes without sleeping; how a write stamps them is the pure model's
//! (`zendesk::model::semantics::stamp_after`).

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub(crate) use crate::zendesk::model::timestamp::format_rfc3339;

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_unix_time() {
        let clock = Clock::new();
        let before = clock.unix_seconds();
        clock.advance(Duration::from_secs(600));
        assert!(clock.unix_seconds() >= before + 600);
    }
}
