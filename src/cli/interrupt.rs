//! Ctrl-C (SIGINT) and SIGTERM (what CI sends to cancel a job) during `apply`.
//!
//! Once apply has started, the first signal lets the requests in flight finish, marks the
//! rest not attempted and still writes the report; a second one ends the process at once.
//! Before apply starts (loading, planning, the confirmation prompt) nothing has been written,
//! so a signal ends the process at once. Either way the exit code is 128 + the signal's
//! number, as a shell reports a process the signal killed: 130 for SIGINT, 143 for SIGTERM.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};

/// A signal that stops apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// SIGINT: Ctrl-C.
    Interrupt,
    /// SIGTERM.
    Terminate,
}

impl Signal {
    /// The exit code after this signal: 128 + its number.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Interrupt => super::EXIT_SIGINT,
            Self::Terminate => super::EXIT_SIGTERM,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Interrupt => "Ctrl-C",
            Self::Terminate => "SIGTERM",
        }
    }

    fn code(self) -> u8 {
        match self {
            Self::Interrupt => 1,
            Self::Terminate => 2,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        match code {
            1 => Some(Self::Interrupt),
            2 => Some(Self::Terminate),
            _ => None,
        }
    }
}

/// Listens for SIGINT and SIGTERM for the rest of the command.
#[derive(Debug, Clone)]
pub struct Interrupts {
    stop: Arc<AtomicBool>,
    applying: Arc<AtomicBool>,
    received: Arc<AtomicU8>,
}

impl Interrupts {
    /// Starts listening. Must be called inside the async runtime.
    pub fn listen() -> Self {
        let interrupts = Self {
            stop: Arc::new(AtomicBool::new(false)),
            applying: Arc::new(AtomicBool::new(false)),
            received: Arc::new(AtomicU8::new(0)),
        };
        let listener = interrupts.clone();
        let signals = Signals::new();
        tokio::spawn(async move { listener.watch(signals).await });
        interrupts
    }

    /// The flag apply checks before each change.
    pub fn stop_flag(&self) -> &AtomicBool {
        &self.stop
    }

    /// From now on, a first signal stops apply gracefully instead of ending the process.
    pub fn applying(&self) {
        self.applying.store(true, Ordering::SeqCst);
    }

    /// The signal that stopped apply, if one did.
    pub fn received(&self) -> Option<Signal> {
        Signal::from_code(self.received.load(Ordering::SeqCst))
    }

    async fn watch(&self, mut signals: Signals) {
        while let Some(signal) = signals.next().await {
            if !self.applying.load(Ordering::SeqCst) {
                eprintln!("{}: stopped; nothing was applied", signal.name());
                std::process::exit(i32::from(signal.exit_code()));
            }
            if let Some(first) = self.received() {
                eprintln!(
                    "{}: stopping now, without waiting for the requests in flight or writing the \
                     report; run `zdpolicy plan` to see what was applied",
                    signal.name()
                );
                std::process::exit(i32::from(first.exit_code()));
            }
            self.received.store(signal.code(), Ordering::SeqCst);
            self.stop.store(true, Ordering::SeqCst);
            eprintln!(
                "{}: finishing the requests in flight, then stopping (send it again to stop at once)",
                signal.name()
            );
        }
    }
}

/// The stream of SIGINT and SIGTERM (only Ctrl-C where there is no SIGTERM). The handlers
/// are installed when it is made, so a signal is never missed between that and the first wait.
struct Signals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    #[cfg(unix)]
    fn new() -> Self {
        use tokio::signal::unix::{SignalKind, signal};
        Self {
            interrupt: signal(SignalKind::interrupt()).ok(),
            terminate: signal(SignalKind::terminate()).ok(),
        }
    }

    #[cfg(not(unix))]
    fn new() -> Self {
        Self {}
    }

    /// The next signal; `None` when no more can be received.
    #[cfg(unix)]
    async fn next(&mut self) -> Option<Signal> {
        /// Waits on a handler that may not exist (then forever).
        async fn recv(handler: &mut Option<tokio::signal::unix::Signal>) -> Option<()> {
            match handler {
                Some(handler) => handler.recv().await,
                None => std::future::pending().await,
            }
        }
        if self.interrupt.is_none() && self.terminate.is_none() {
            return None;
        }
        tokio::select! {
            received = recv(&mut self.interrupt) => received.map(|()| Signal::Interrupt),
            received = recv(&mut self.terminate) => received.map(|()| Signal::Terminate),
        }
    }

    /// The next signal; `None` when no more can be received.
    #[cfg(not(unix))]
    async fn next(&mut self) -> Option<Signal> {
        tokio::signal::ctrl_c()
            .await
            .ok()
            .map(|()| Signal::Interrupt)
    }
}
