//! Fault injection: latency with jitter, 500/503 answers, dropped connections and slow
//! bodies, drawn from a seeded generator per account so a sequence of requests meets the same
//! faults on every run.

use std::collections::HashMap;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use futures_util::stream;
use serde::{Deserialize, Serialize};

use super::api_error::text_response;

/// Which faults to inject. The default injects none.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FaultConfig {
    /// Fixed latency added to every request, in milliseconds.
    pub latency_ms: u64,
    /// Up to this many more milliseconds, drawn per request.
    pub jitter_ms: u64,
    /// Share of requests answered 500 or 503 instead (0.0–1.0), half each.
    pub error_rate: f64,
    /// Share of requests whose connection is closed without an answer (0.0–1.0).
    pub drop_rate: f64,
    /// Time over which each answer's body is trickled out, in milliseconds.
    pub slow_body_ms: u64,
    /// Seed of the generator; the same seed gives the same faults for the same requests.
    pub seed: u64,
    /// `Retry-After` seconds on injected 503 answers.
    pub retry_after_secs: u64,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            latency_ms: 0,
            jitter_ms: 0,
            error_rate: 0.0,
            drop_rate: 0.0,
            slow_body_ms: 0,
            seed: 0,
            retry_after_secs: 1,
        }
    }
}

/// What happens to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Served normally.
    Serve,
    /// Answered 500.
    InternalError,
    /// Answered 503 with `Retry-After`.
    Unavailable,
    /// The connection is closed without an answer.
    Drop,
}

/// The faults drawn for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Decision {
    /// Wait this long before doing anything.
    pub delay: Duration,
    /// What to do then.
    pub outcome: Outcome,
    /// Trickle the body out over this long.
    pub slow_body: Duration,
    /// `Retry-After` for a 503.
    pub retry_after_secs: u64,
}

/// The simulator-wide faults, per-account overrides, and one generator per account.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    global: FaultConfig,
    per_account: HashMap<String, FaultConfig>,
    generators: HashMap<String, fastrand::Rng>,
}

impl Faults {
    /// Faults applying to every account.
    pub(crate) fn new(global: FaultConfig) -> Self {
        Self {
            global,
            ..Self::default()
        }
    }

    /// Replaces the simulator-wide faults; every account's sequence restarts.
    pub(crate) fn set_global(&mut self, config: FaultConfig) {
        self.global = config;
        self.generators.clear();
    }

    /// Sets (or with `None` removes) an account's own faults; its sequence restarts.
    pub(crate) fn set_account(&mut self, account: &str, config: Option<FaultConfig>) {
        match config {
            Some(config) => self.per_account.insert(account.to_owned(), config),
            None => self.per_account.remove(account),
        };
        self.generators.remove(account);
    }

    /// Draws the faults of the next request of `account`. Four numbers are drawn per request
    /// whatever the configuration, so sequences depend only on the seed and request order.
    pub(crate) fn decide(&mut self, account: &str) -> Decision {
        let config = self
            .per_account
            .get(account)
            .copied()
            .unwrap_or(self.global);
        let rng = self
            .generators
            .entry(account.to_owned())
            .or_insert_with(|| fastrand::Rng::with_seed(config.seed ^ fnv1a(account)));
        let jitter = rng.u64(..=config.jitter_ms);
        let drop_draw = rng.f64();
        let error_draw = rng.f64();
        let unavailable = rng.bool();
        let outcome = if drop_draw < config.drop_rate {
            Outcome::Drop
        } else if error_draw < config.error_rate {
            if unavailable {
                Outcome::Unavailable
            } else {
                Outcome::InternalError
            }
        } else {
            Outcome::Serve
        };
        Decision {
            delay: Duration::from_millis(config.latency_ms.saturating_add(jitter)),
            outcome,
            slow_body: Duration::from_millis(config.slow_body_ms),
            retry_after_secs: config.retry_after_secs,
        }
    }
}

/// The injected error answers. Zendesk's 5xx bodies are [NOT FOUND] (they often come from a
/// load balancer); plain text keeps clients from relying on them.
pub(crate) fn error_response(decision: &Decision) -> Option<Response> {
    match decision.outcome {
        Outcome::InternalError => Some(text_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
        )),
        Outcome::Unavailable => {
            let mut response =
                text_response(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable");
            if let Ok(value) = HeaderValue::from_str(&decision.retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            Some(response)
        }
        Outcome::Serve | Outcome::Drop => None,
    }
}

/// Sends the body of `response` in up to eight pieces spread over `over`.
pub(crate) async fn slow_body(response: Response, over: Duration) -> Response {
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    let pieces = bytes.len().clamp(1, 8);
    let step = bytes.len().div_ceil(pieces).max(1);
    let pause = over / u32::try_from(pieces).unwrap_or(1);
    let chunks: Vec<axum::body::Bytes> = (0..pieces)
        .map(|i| bytes.slice((i * step).min(bytes.len())..((i + 1) * step).min(bytes.len())))
        .collect();
    let stream = stream::unfold(chunks.into_iter(), move |mut rest| async move {
        let chunk = rest.next()?;
        tokio::time::sleep(pause).await;
        Some((Ok::<_, std::io::Error>(chunk), rest))
    });
    Response::from_parts(parts, Body::from_stream(stream))
}

/// FNV-1a, to give each account its own stream from one seed.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcomes(seed: u64) -> Vec<Outcome> {
        let mut faults = Faults::new(FaultConfig {
            error_rate: 0.3,
            drop_rate: 0.1,
            seed,
            ..FaultConfig::default()
        });
        (0..50).map(|_| faults.decide("acme").outcome).collect()
    }

    #[test]
    fn same_seed_same_faults() {
        assert_eq!(outcomes(7), outcomes(7));
        assert_ne!(outcomes(7), outcomes(8));
        let all = outcomes(7);
        assert!(all.contains(&Outcome::Serve));
        assert!(
            all.iter()
                .any(|o| matches!(o, Outcome::InternalError | Outcome::Unavailable))
        );
    }

    #[test]
    fn no_faults_by_default() {
        let mut faults = Faults::default();
        let decision = faults.decide("acme");
        assert_eq!(decision.outcome, Outcome::Serve);
        assert_eq!(decision.delay, Duration::ZERO);
    }
}
