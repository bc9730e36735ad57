//! The state every request handler shares: accounts, clock, limits, faults, counters, and
//! the signal that tells the state file to be saved.

use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

use super::clock::Clock;
use super::faults::Faults;
use super::limits::RateLimits;
use super::state::{Account, SimState};
use super::stats::Recorder;

/// Shared by all handlers.
#[derive(Debug)]
pub(crate) struct Shared {
    /// The accounts; persisted.
    pub state: Mutex<SimState>,
    /// The simulator's clock.
    pub clock: Clock,
    /// Rate-limit windows.
    pub limits: Mutex<RateLimits>,
    /// Fault configuration and generators.
    pub faults: Mutex<Faults>,
    /// Counters and request log.
    pub recorder: Mutex<Recorder>,
    /// A limit that beats every account's (`--rate-limit-per-minute`).
    pub rate_limit_override: Mutex<Option<u32>>,
    /// Generates OAuth tokens.
    pub token_rng: Mutex<fastrand::Rng>,
    /// Notified after every change to `state`.
    pub changed: Arc<Notify>,
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it: every critical
/// section leaves the data consistent, so a poisoned lock is safe to reuse.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    /// Unix seconds on the simulator clock.
    pub(crate) fn now(&self) -> i64 {
        self.clock.unix_seconds()
    }

    /// Reads an account, if it exists.
    pub(crate) fn read_account<R>(
        &self,
        subdomain: &str,
        f: impl FnOnce(&Account) -> R,
    ) -> Option<R> {
        lock(&self.state).accounts.get(subdomain).map(f)
    }

    /// Changes an account (and the id sequence), then asks for the state to be saved.
    pub(crate) fn write_account<R>(
        &self,
        subdomain: &str,
        f: impl FnOnce(&mut Account, &mut u64) -> R,
    ) -> Option<R> {
        let result = {
            let mut state = lock(&self.state);
            let SimState {
                accounts, next_id, ..
            } = &mut *state;
            accounts
                .get_mut(subdomain)
                .map(|account| f(account, next_id))
        };
        self.changed.notify_one();
        result
    }

    /// Changes the whole state, then asks for it to be saved.
    pub(crate) fn write_state<R>(&self, f: impl FnOnce(&mut SimState) -> R) -> R {
        let result = f(&mut lock(&self.state));
        self.changed.notify_one();
        result
    }

    /// The rate limit of an account: the simulator-wide override, else the account's own,
    /// else its plan's.
    pub(crate) fn rate_limit(&self, account: &Account) -> u32 {
        lock(&self.rate_limit_override).unwrap_or_else(|| account.plan_rate_limit())
    }
}
