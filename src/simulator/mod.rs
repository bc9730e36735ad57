//! A Zendesk-compatible HTTP server for tests, the sandbox and users' CI.
//!
//! It serves many accounts at once, each under `/{subdomain}/…` (for example
//! `http://127.0.0.1:7357/acme/api/v2/triggers`), so a client configured with the base-URL
//! template `http://127.0.0.1:7357/{subdomain}` talks to it exactly as to
//! `https://{subdomain}.zendesk.com`. It models triggers, trigger categories, definitions,
//! account settings, Sunshine Conversations app settings, authentication, pagination, error
//! bodies, rate limits and injected faults; docs/simulator.md lists what is modelled and
//! which behaviours are simulated by choice because Zendesk does not document them.
//!
//! ```no_run
//! # async fn demo() -> Result<(), zdpolicy::simulator::SimulatorError> {
//! use zdpolicy::simulator::{AccountSeed, Simulator, SimulatorConfig};
//! let sim = Simulator::start(SimulatorConfig::ephemeral()).await?;
//! sim.handle().add_account(AccountSeed::new("acme"))?;
//! let triggers_url = format!("{}/acme/api/v2/triggers", sim.base_url());
//! # let _ = triggers_url;
//! sim.shutdown().await?;
//! # Ok(()) }
//! ```

mod api_error;
mod args;
mod auth;
mod category_ops;
mod clock;
mod defaults;
mod definitions;
mod error;
mod faults;
mod gate;
mod handle;
mod limits;
mod objects;
mod pagination;
mod persist;
mod query;
mod routes;
pub mod sandbox;
mod seed;
mod server;
mod settings_ops;
mod shared;
mod state;
mod stats;
mod trigger_input;
mod trigger_ops;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

pub use args::SimulatorArgs;
pub use error::SimulatorError;
pub use faults::FaultConfig;
pub use handle::SimulatorHandle;
pub use seed::{
    AccountSeed, AccountSnapshot, AdminSettings, ApiTokenSeed, CategorySeed, CredentialsSeed,
    Features, OAuthClientSeed, OAuthTokenSeed, Plan, Role, RouteAs, SEED_KIND, SeedFile,
    SignInSeed, SignInUserSeed, SunshineSeed, TriggerSeed, load_seed_file,
};
pub use stats::{AccountStats, RequestRecord, Stats};

use clock::Clock;
pub(crate) use clock::format_rfc3339;
use faults::Faults;
use limits::RateLimits;
use persist::Saver;
use shared::Shared;
use state::SimState;
use stats::Recorder;

/// How to run the simulator.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatorConfig {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Seed file with the accounts to serve.
    pub seed: Option<PathBuf>,
    /// State file: loaded at start if it exists, saved after every change (see
    /// `save_on_change`) and at shutdown. Accounts in it win over the seed's accounts of the
    /// same subdomain.
    pub state_file: Option<PathBuf>,
    /// Save the state file after every change; when off, only at shutdown (the sandbox: one
    /// write per command instead of one per request).
    pub save_on_change: bool,
    /// Serve the `/_sim` admin routes. Off for the sandbox, whose client must not be able to
    /// reach them, and which changes admin settings through the handle instead.
    pub admin_routes: bool,
    /// Accounts to serve besides the seed file's (for tests).
    pub accounts: Vec<AccountSeed>,
    /// Faults for every account.
    pub faults: FaultConfig,
    /// Requests per window for every account, instead of their plans' and seeds' limits.
    pub rate_limit_per_minute: Option<u32>,
    /// Length of a rate-limit window: one minute, or shorter in tests (the limit then applies
    /// per shorter window).
    pub rate_limit_window: Duration,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 7357)),
            seed: None,
            state_file: None,
            save_on_change: true,
            admin_routes: true,
            accounts: Vec::new(),
            faults: FaultConfig::default(),
            rate_limit_per_minute: None,
            rate_limit_window: Duration::from_secs(60),
        }
    }
}

impl SimulatorConfig {
    /// A configuration listening on a free loopback port, for tests.
    pub fn ephemeral() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            ..Self::default()
        }
    }
}

/// The simulator.
#[derive(Debug)]
pub struct Simulator;

impl Simulator {
    /// Loads the state and seed files, binds the listener and starts serving in the background.
    ///
    /// # Errors
    /// [`SimulatorError::Bind`] when the address cannot be bound; seed-file, state-file and
    /// account errors as their variants say.
    pub async fn start(config: SimulatorConfig) -> Result<RunningSimulator, SimulatorError> {
        let clock = Clock::new();
        let state = initial_state(&config, clock.unix_seconds())?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| SimulatorError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let local_addr = listener
            .local_addr()
            .map_err(|source| SimulatorError::Bind {
                addr: config.listen,
                source,
            })?;
        let changed = Arc::new(Notify::new());
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            clock,
            limits: Mutex::new(RateLimits::new(config.rate_limit_window)),
            faults: Mutex::new(Faults::new(config.faults)),
            recorder: Mutex::new(Recorder::default()),
            rate_limit_override: Mutex::new(config.rate_limit_per_minute),
            token_rng: Mutex::new(fastrand::Rng::new()),
            changed: changed.clone(),
        });
        let saver = config.state_file.map(|path| {
            let changed = config.save_on_change.then(|| {
                // Write the seeded state out at once, so the file exists from the start.
                changed.notify_one();
                changed
            });
            Saver::spawn(path, shared.clone(), changed)
        });
        let (stop, stopped) = watch::channel(false);
        let server = tokio::spawn(server::run(
            listener,
            routes::router(shared.clone(), config.admin_routes),
            stopped,
        ));
        Ok(RunningSimulator {
            local_addr,
            handle: SimulatorHandle::new(shared),
            stop,
            server,
            saver,
        })
    }
}

/// State file first, then the seed file's and the configuration's accounts not in it.
fn initial_state(config: &SimulatorConfig, now: i64) -> Result<SimState, SimulatorError> {
    let mut state = match &config.state_file {
        Some(path) => persist::load(path)?.unwrap_or_default(),
        None => SimState::default(),
    };
    let mut seeds = match &config.seed {
        Some(path) => load_seed_file(path)?.accounts,
        None => Vec::new(),
    };
    seeds.extend(config.accounts.iter().cloned());
    for seed in seeds {
        if state.accounts.contains_key(&seed.subdomain) {
            continue;
        }
        state
            .add_account(&seed, now)
            .map_err(|message| SimulatorError::InvalidAccount {
                subdomain: seed.subdomain.clone(),
                message,
            })?;
    }
    Ok(state)
}

/// A simulator serving in the background. Dropping it stops the server without saving;
/// call [`RunningSimulator::shutdown`] to stop cleanly.
#[derive(Debug)]
pub struct RunningSimulator {
    local_addr: SocketAddr,
    handle: SimulatorHandle,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
    saver: Option<Saver>,
}

impl RunningSimulator {
    /// The address actually bound (the real port when port 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// The server's root URL, e.g. `http://127.0.0.1:7357`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.local_addr)
    }

    /// The API base-URL template for clients, e.g. `http://127.0.0.1:7357/{subdomain}`
    /// (Zendesk's is `https://{subdomain}.zendesk.com`).
    pub fn url_template(&self) -> String {
        format!("{}/{{subdomain}}", self.base_url())
    }

    /// The API base URL of one account, e.g. `http://127.0.0.1:7357/acme`.
    pub fn account_url(&self, subdomain: &str) -> String {
        format!("{}/{subdomain}", self.base_url())
    }

    /// In-process control: add accounts, change admin-only settings, inject faults, read stats.
    pub fn handle(&self) -> SimulatorHandle {
        self.handle.clone()
    }

    /// Stops accepting connections, lets requests in flight finish (up to five seconds), then
    /// saves the state file one last time.
    ///
    /// # Errors
    /// [`SimulatorError::StateIo`] when the last save fails.
    pub async fn shutdown(self) -> Result<(), SimulatorError> {
        let _ = self.stop.send(true);
        let _ = self.server.await;
        match self.saver {
            Some(saver) => saver.finish().await,
            None => Ok(()),
        }
    }
}

/// Runs the simulator until Ctrl-C, for `zdpolicy simulator`. Prints one line to stderr once
/// listening, e.g. `zdpolicy simulator listening on http://127.0.0.1:7357 (accounts: acme, globex)`.
///
/// # Errors
/// As [`Simulator::start`] and [`RunningSimulator::shutdown`], and
/// [`SimulatorError::Signal`] when Ctrl-C cannot be caught.
pub async fn serve_until_ctrl_c(config: SimulatorConfig) -> Result<(), SimulatorError> {
    let running = Simulator::start(config).await?;
    let accounts = running.handle().accounts();
    let accounts = if accounts.is_empty() {
        "none".to_owned()
    } else {
        accounts.join(", ")
    };
    eprintln!(
        "zdpolicy simulator listening on {} (accounts: {accounts})",
        running.base_url()
    );
    let signal = tokio::signal::ctrl_c()
        .await
        .map_err(SimulatorError::Signal);
    let stopped = running.shutdown().await;
    signal.and(stopped)
}
