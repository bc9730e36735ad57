//! In-process control of a running simulator, for tests: add accounts, play "an admin clicked
//! it in Admin Center", inject faults, change limits, move the clock, read the counters. The
//! `/_sim/…` routes offer the same over HTTP.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::error::SimulatorError;
use super::faults::FaultConfig;
use super::seed::{AccountSeed, AdminSettings};
use super::shared::{Shared, lock};
use super::stats::{RequestRecord, Stats};
use crate::directory::ListKind;

/// A cheap, cloneable handle on a running simulator's state.
#[derive(Debug, Clone)]
pub struct SimulatorHandle {
    shared: Arc<Shared>,
}

impl SimulatorHandle {
    pub(crate) fn new(shared: Arc<Shared>) -> Self {
        Self { shared }
    }

    /// Adds an account, as if it had been in the seed file.
    ///
    /// # Errors
    /// [`SimulatorError::InvalidAccount`] when the subdomain is invalid or taken, or a seeded
    /// trigger is invalid.
    pub fn add_account(&self, seed: AccountSeed) -> Result<(), SimulatorError> {
        let now = self.shared.now();
        self.shared
            .write_state(|state| state.add_account(&seed, now))
            .map_err(|message| SimulatorError::InvalidAccount {
                subdomain: seed.subdomain.clone(),
                message,
            })
    }

    /// The subdomains served, in order.
    pub fn accounts(&self) -> Vec<String> {
        lock(&self.shared.state).accounts.keys().cloned().collect()
    }

    /// An account's Admin-Center-only settings.
    pub fn admin_settings(&self, subdomain: &str) -> Option<AdminSettings> {
        self.shared.read_account(subdomain, |account| account.admin)
    }

    /// Replaces an account's Admin-Center-only settings ("an admin clicked it").
    ///
    /// # Errors
    /// [`SimulatorError::UnknownAccount`].
    pub fn set_admin_settings(
        &self,
        subdomain: &str,
        settings: AdminSettings,
    ) -> Result<(), SimulatorError> {
        self.shared
            .write_account(subdomain, |account, _| account.admin = settings)
            .ok_or_else(|| unknown(subdomain))
    }

    /// Renames an account's object of `kind` named `from` ("an admin renamed it in Admin
    /// Center"): a group's or schedule's `name`, a ticket field's `title`, a custom status's
    /// `agent_label`. Returns whether one had that name (only the first is renamed).
    ///
    /// # Errors
    /// [`SimulatorError::UnknownAccount`].
    pub fn rename_object(
        &self,
        subdomain: &str,
        kind: ListKind,
        from: &str,
        to: &str,
    ) -> Result<bool, SimulatorError> {
        let key = match kind {
            ListKind::TicketFields => "title",
            ListKind::CustomStatuses => "agent_label",
            _ => "name",
        };
        self.shared
            .write_account(subdomain, |account, _| {
                let objects = account.objects.get_mut(&kind).into_iter().flatten();
                match objects
                    .into_iter()
                    .find(|o| o.get(key) == Some(&json!(from)))
                {
                    Some(object) => {
                        object[key] = json!(to);
                        true
                    }
                    None => false,
                }
            })
            .ok_or_else(|| unknown(subdomain))
    }

    /// Sets the settings keys (`SECTION.KEY`) an account's settings PUT ignores and names
    /// in `X-Zendesk-API-Warn`.
    ///
    /// # Errors
    /// [`SimulatorError::UnknownAccount`].
    pub fn set_ignored_settings(
        &self,
        subdomain: &str,
        keys: Vec<String>,
    ) -> Result<(), SimulatorError> {
        self.shared
            .write_account(subdomain, |account, _| account.ignored_settings = keys)
            .ok_or_else(|| unknown(subdomain))
    }

    /// Revokes every token that came from a browser sign-in ("an admin revoked zdpolicy's
    /// access in Admin Center"): their access and refresh tokens stop working. Returns how
    /// many token pairs were revoked.
    ///
    /// # Errors
    /// [`SimulatorError::UnknownAccount`].
    pub fn revoke_sign_ins(&self, subdomain: &str) -> Result<usize, SimulatorError> {
        self.shared
            .write_account(subdomain, |account, _| {
                let before = account.issued_tokens.len();
                account.issued_tokens.retain(|t| t.refresh.is_none());
                before - account.issued_tokens.len()
            })
            .ok_or_else(|| unknown(subdomain))
    }

    /// How many browser sign-ins of an account hold a refresh token that still works.
    pub fn live_sign_ins(&self, subdomain: &str) -> usize {
        let now = self.shared.now();
        self.shared
            .read_account(subdomain, |account| {
                account
                    .issued_tokens
                    .iter()
                    .filter(|t| t.refresh.as_ref().is_some_and(|r| r.expires_at > now))
                    .count()
            })
            .unwrap_or(0)
    }

    /// Sets the faults of every account without faults of its own; sequences restart.
    pub fn set_faults(&self, config: FaultConfig) {
        lock(&self.shared.faults).set_global(config);
    }

    /// Sets an account's own faults, or with `None` returns it to the simulator-wide ones.
    pub fn set_account_faults(&self, subdomain: &str, config: Option<FaultConfig>) {
        lock(&self.shared.faults).set_account(subdomain, config);
    }

    /// Sets an account's requests per minute, or with `None` returns it to its plan's limit.
    /// Its current window restarts.
    ///
    /// # Errors
    /// [`SimulatorError::UnknownAccount`].
    pub fn set_rate_limit(
        &self,
        subdomain: &str,
        per_minute: Option<u32>,
    ) -> Result<(), SimulatorError> {
        self.shared
            .write_account(subdomain, |account, _| {
                account.rate_limit_per_minute = per_minute;
            })
            .ok_or_else(|| unknown(subdomain))?;
        lock(&self.shared.limits).reset(subdomain);
        Ok(())
    }

    /// The request counters so far.
    pub fn stats(&self) -> Stats {
        lock(&self.shared.recorder).stats()
    }

    /// The logged requests (the most recent 10,000), optionally of one account.
    pub fn requests(&self, subdomain: Option<&str>) -> Vec<RequestRecord> {
        lock(&self.shared.recorder).requests(subdomain)
    }

    /// Clears the counters and the log.
    pub fn reset_stats(&self) {
        lock(&self.shared.recorder).reset();
    }

    /// Moves the simulator's clock forward: tokens expire, rate-limit windows end, and new
    /// timestamps are later, without waiting.
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock.advance(by);
    }
}

fn unknown(subdomain: &str) -> SimulatorError {
    SimulatorError::UnknownAccount {
        subdomain: subdomain.to_owned(),
    }
}
