//! The request log and counters per account and endpoint, so tests can assert how many
//! requests a plan or an apply made (`GET /_sim/stats`, `GET /_sim/requests`).

use std::collections::{BTreeMap, VecDeque};

use serde::{Deserialize, Serialize};

/// How many requests the log keeps; counters keep counting past it.
const LOG_CAPACITY: usize = 10_000;

/// Counters for every account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    /// Counters by subdomain.
    pub accounts: BTreeMap<String, AccountStats>,
}

impl Stats {
    /// An account's counters (all zero if it had no requests).
    pub fn account(&self, subdomain: &str) -> AccountStats {
        self.accounts.get(subdomain).cloned().unwrap_or_default()
    }
}

/// Counters of one account.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountStats {
    /// Every request that reached the account, faulted and refused ones included.
    pub requests: u64,
    /// By endpoint, e.g. `"GET /api/v2/triggers"`, `"PUT /api/v2/triggers/{id}"` (a `.json`
    /// suffix counts as the same endpoint).
    pub by_endpoint: BTreeMap<String, u64>,
    /// By answer: `"200"`, `"429"`, …, and `"dropped"` for connections closed unanswered.
    pub by_status: BTreeMap<String, u64>,
}

impl AccountStats {
    /// Requests to one endpoint.
    pub fn endpoint(&self, key: &str) -> u64 {
        self.by_endpoint.get(key).copied().unwrap_or(0)
    }

    /// Answers with one status (`"dropped"` for dropped connections).
    pub fn status(&self, key: &str) -> u64 {
        self.by_status.get(key).copied().unwrap_or(0)
    }
}

/// One logged request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestRecord {
    /// Order of arrival, from 1.
    pub seq: u64,
    /// The account's subdomain.
    pub account: String,
    /// HTTP method.
    pub method: String,
    /// Path and query as sent, without the `/{subdomain}` prefix.
    pub path: String,
    /// The endpoint it counted under.
    pub endpoint: String,
    /// The status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
}

/// The log and the counters.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    stats: Stats,
    log: VecDeque<RequestRecord>,
    next_seq: u64,
}

impl Recorder {
    /// Records one request and its answer.
    pub(crate) fn record(
        &mut self,
        account: &str,
        method: &str,
        path: &str,
        endpoint: &str,
        status: Option<u16>,
    ) {
        let counters = self.stats.accounts.entry(account.to_owned()).or_default();
        counters.requests += 1;
        *counters.by_endpoint.entry(endpoint.to_owned()).or_default() += 1;
        let status_key = status.map_or_else(|| "dropped".to_owned(), |s| s.to_string());
        *counters.by_status.entry(status_key).or_default() += 1;
        self.next_seq += 1;
        if self.log.len() == LOG_CAPACITY {
            self.log.pop_front();
        }
        self.log.push_back(RequestRecord {
            seq: self.next_seq,
            account: account.to_owned(),
            method: method.to_owned(),
            path: path.to_owned(),
            endpoint: endpoint.to_owned(),
            status,
        });
    }

    /// The counters so far.
    pub(crate) fn stats(&self) -> Stats {
        self.stats.clone()
    }

    /// The logged requests, optionally of one account only.
    pub(crate) fn requests(&self, account: Option<&str>) -> Vec<RequestRecord> {
        self.log
            .iter()
            .filter(|r| account.is_none_or(|a| r.account == a))
            .cloned()
            .collect()
    }

    /// Clears counters and log.
    pub(crate) fn reset(&mut self) {
        self.stats = Stats::default();
        self.log.clear();
    }
}

/// The endpoint key of a request: its method and route, without the `/{subdomain}` prefix
/// and the optional `.json` suffix.
pub(crate) fn endpoint_key(method: &str, route: &str) -> String {
    let route = route.strip_prefix("/{subdomain}").unwrap_or(route);
    let route = route.strip_suffix(".json").unwrap_or(route);
    format!("{method} {route}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_endpoint_and_status() {
        let mut recorder = Recorder::default();
        let endpoint = endpoint_key("GET", "/{subdomain}/api/v2/triggers.json");
        assert_eq!(endpoint, "GET /api/v2/triggers");
        recorder.record("acme", "GET", "/api/v2/triggers.json", &endpoint, Some(200));
        recorder.record("acme", "GET", "/api/v2/triggers", &endpoint, None);
        let acme = recorder.stats().account("acme");
        assert_eq!(acme.requests, 2);
        assert_eq!(acme.endpoint("GET /api/v2/triggers"), 2);
        assert_eq!(acme.status("dropped"), 1);
        assert_eq!(recorder.requests(Some("acme")).len(), 2);
        recorder.reset();
        assert_eq!(recorder.stats(), Stats::default());
    }
}
