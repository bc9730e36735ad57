//! Resolving secret references (`env:`, `file:`, `cmd:`) into secrets, at the edge only.
//!
//! This is the one place a secret's text is produced. It goes straight into a
//! [`SecretString`], whose `Debug` prints `[REDACTED]`, and errors name the reference
//! (`env:ACME_TOKEN`), never the value. Each distinct reference is resolved once per run
//! however many accounts share it, and reading a file or running a command is bounded in time
//! and size and kept off the async threads.

mod command;
mod stderr;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use secrecy::SecretString;
use thiserror::Error;
use tokio::sync::OnceCell;

use crate::policy::read::{describe_io, read_at_most};
use crate::policy::secret::SecretRef;

/// How long a `cmd:` command (or the read of a `file:`) may take unless told otherwise.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The most a `file:` may hold or a `cmd:` may print: far more than any credential.
pub const MAX_SECRET_BYTES: u64 = 64 * 1024;

/// Why a secret reference could not be resolved. Never contains the secret.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum SecretError {
    /// The environment variable is not set (or not valid Unicode).
    #[error("{reference}: the environment variable is not set")]
    EnvMissing {
        /// The reference, e.g. `env:ACME_TOKEN`.
        reference: String,
    },
    /// The file could not be read.
    #[error("{reference}: cannot read the file: {reason}")]
    FileUnreadable {
        /// The reference.
        reference: String,
        /// Why, in plain words ("no such file or directory", "permission denied").
        reason: String,
    },
    /// The command cannot be split into words (the loader refuses such references, so only a
    /// reference built by other means can get here).
    #[error("{reference}: {reason}")]
    InvalidCommand {
        /// The reference.
        reference: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The command could not be started.
    #[error("{reference}: cannot run `{program}`: {reason}")]
    CommandNotStarted {
        /// The reference.
        reference: String,
        /// The program, as the reference names it.
        program: String,
        /// Why, in plain words.
        reason: String,
    },
    /// The command ended unsuccessfully.
    #[error(
        "{reference}: the command failed ({status}){}",
        stderr.as_deref().map(|line| format!("; its last line of error output: {line}")).unwrap_or_default()
    )]
    CommandFailed {
        /// The reference.
        reference: String,
        /// The exit status, e.g. `exit status: 3`.
        status: String,
        /// The last line it wrote to standard error, secret-looking words masked.
        stderr: Option<String>,
    },
    /// The command printed something unusable (too much, or not UTF-8).
    #[error("{reference}: the command {reason}")]
    CommandOutput {
        /// The reference.
        reference: String,
        /// What was wrong with it.
        reason: String,
    },
    /// Reading the file or running the command took longer than allowed (a command is
    /// killed then).
    #[error(
        "{reference}: {} within {} s{}; if it needs longer, raise --credential-timeout",
        if reference.starts_with("cmd:") { "the command did not finish" } else { "the file could not be read" },
        timeout.as_secs_f64(),
        if reference.starts_with("cmd:") { " and was stopped" } else { "" },
    )]
    TimedOut {
        /// The reference.
        reference: String,
        /// The time allowed.
        timeout: Duration,
    },
    /// A `file:` or `cmd:` reference in a run that was not allowed them (the CLI refuses
    /// such a policy before connecting, with its location; this is the last line of defence).
    #[error(
        "{reference}: `file:` and `cmd:` references are resolved only when allowed with {flag} or {env}=1",
        flag = crate::policy::trust::ALLOW_FLAG,
        env = crate::policy::trust::ALLOW_ENV,
    )]
    NotAllowed {
        /// The reference.
        reference: String,
    },
    /// The reference resolved to nothing.
    #[error("{reference}: the secret is empty")]
    Empty {
        /// The reference.
        reference: String,
    },
}

/// Resolves references for one run: each distinct reference once (concurrent requests for it
/// wait for the first), within a time limit for files and commands.
pub struct SecretResolver {
    timeout: Duration,
    allow_files_and_commands: bool,
    resolved: Mutex<HashMap<String, Arc<OnceCell<Resolved>>>>,
}

type Resolved = Result<SecretString, SecretError>;

impl SecretResolver {
    /// A resolver that gives each `file:` read and `cmd:` run at most `timeout`, and refuses
    /// both unless `allow_files_and_commands` (see [`crate::policy::trust`]).
    pub fn new(timeout: Duration, allow_files_and_commands: bool) -> Self {
        Self {
            timeout,
            allow_files_and_commands,
            resolved: Mutex::new(HashMap::new()),
        }
    }

    /// The secret a reference stands for, resolved the first time it is asked for and
    /// remembered (failures too: a failing command is not run again for every account).
    ///
    /// `file:` and `cmd:` values lose one trailing newline (as `$(cat file)` would); nothing
    /// else is trimmed, since a secret may legitimately contain spaces.
    ///
    /// # Errors
    /// Fails when the variable is unset, the file unreadable, the command unsuccessful or too
    /// slow, or the result empty, and for a `file:` or `cmd:` reference when they are not
    /// allowed.
    pub async fn resolve(&self, reference: &SecretRef) -> Resolved {
        if !self.allow_files_and_commands && !matches!(reference, SecretRef::Env(_)) {
            return Err(SecretError::NotAllowed {
                reference: reference.to_string(),
            });
        }
        let cell = {
            // A panic elsewhere while holding the lock leaves the map itself intact.
            let mut resolved = self.resolved.lock().unwrap_or_else(PoisonError::into_inner);
            Arc::clone(resolved.entry(reference.to_string()).or_default())
        };
        cell.get_or_init(|| resolve_now(reference, self.timeout))
            .await
            .clone()
    }
}

impl Default for SecretResolver {
    /// `env:` only, as zdpolicy runs unless told otherwise.
    fn default() -> Self {
        Self::new(DEFAULT_TIMEOUT, false)
    }
}

impl fmt::Debug for SecretResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretResolver")
            .field("timeout", &self.timeout)
            .field("allow_files_and_commands", &self.allow_files_and_commands)
            .finish_non_exhaustive()
    }
}

async fn resolve_now(reference: &SecretRef, timeout: Duration) -> Resolved {
    let shown = reference.to_string();
    let text = match reference {
        SecretRef::Env(name) => std::env::var(name).map_err(|_| SecretError::EnvMissing {
            reference: shown.clone(),
        })?,
        SecretRef::File(path) => read_file(path, &shown, timeout).await?,
        SecretRef::Cmd(command) => command::run(command, &shown, timeout).await?,
    };
    let text = text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(&text);
    if text.is_empty() {
        return Err(SecretError::Empty { reference: shown });
    }
    Ok(SecretString::from(text.to_owned()))
}

/// Reads a `file:` on a thread of its own: a FIFO (`file:/dev/stdin`) can block forever, and
/// neither an async thread nor tokio's blocking pool (which the runtime waits for when it shuts
/// down) may be the one left waiting.
async fn read_file(path: &str, shown: &str, timeout: Duration) -> Result<String, SecretError> {
    let unreadable = |reason: String| SecretError::FileUnreadable {
        reference: shown.to_owned(),
        reason,
    };
    let (send, receive) = tokio::sync::oneshot::channel();
    let owned = path.to_owned();
    std::thread::Builder::new()
        .name("zdpolicy-secret-file".into())
        .spawn(move || {
            let read = std::fs::File::open(&owned)
                .and_then(|file| read_at_most(file, MAX_SECRET_BYTES))
                .map_err(|err| describe_io(&err));
            let _ = send.send(read);
        })
        .map_err(|err| unreadable(describe_io(&err)))?;
    let bytes = match tokio::time::timeout(timeout, receive).await {
        Err(_) => {
            return Err(SecretError::TimedOut {
                reference: shown.to_owned(),
                timeout,
            });
        }
        Ok(Err(_)) => return Err(unreadable("the reading thread stopped".into())),
        Ok(Ok(read)) => read.map_err(unreadable)?,
    };
    let bytes = bytes.ok_or_else(|| {
        unreadable(format!(
            "it holds more than {} KiB, which is no credential",
            MAX_SECRET_BYTES / 1024
        ))
    })?;
    String::from_utf8(bytes).map_err(|_| unreadable("it is not UTF-8 text".into()))
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    async fn resolve(reference: &SecretRef) -> Resolved {
        SecretResolver::new(DEFAULT_TIMEOUT, true)
            .resolve(reference)
            .await
    }

    /// The policy can be written by anyone who opens a pull request: without the allowance a
    /// command is never run and a file never read.
    #[tokio::test]
    async fn files_and_commands_are_refused_unless_allowed() {
        let dir = tempfile::tempdir().unwrap();
        let ran = dir.path().join("ran");
        let command = SecretRef::Cmd(format!("touch {}", ran.display()));
        let resolver = SecretResolver::default();
        let err = resolver.resolve(&command).await.unwrap_err();
        assert!(matches!(err, SecretError::NotAllowed { .. }), "{err}");
        assert!(!ran.exists(), "the command ran");
        let err = resolver
            .resolve(&SecretRef::File("/etc/hostname".into()))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "file:/etc/hostname: `file:` and `cmd:` references are resolved only when allowed \
             with --allow-credential-commands or ZDPOLICY_ALLOW_CREDENTIAL_COMMANDS=1"
        );
    }

    #[tokio::test]
    async fn file_and_command_references_resolve_without_the_trailing_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "s3cret\n").unwrap();
        let secret = resolve(&SecretRef::File(path.display().to_string()))
            .await
            .unwrap();
        assert_eq!(secret.expose_secret(), "s3cret");
        let secret = resolve(&SecretRef::Cmd("printf 'a b\\n'".into()))
            .await
            .unwrap();
        assert_eq!(secret.expose_secret(), "a b");
    }

    #[tokio::test]
    async fn errors_name_the_reference_not_the_value() {
        let err = resolve(&SecretRef::Env(
            "ZDPOLICY_TEST_SURELY_UNSET_VARIABLE".into(),
        ))
        .await
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "env:ZDPOLICY_TEST_SURELY_UNSET_VARIABLE: the environment variable is not set"
        );
        let err = resolve(&SecretRef::Cmd(
            "sh -c \"printf 'hun%s' ter2; exit 3\"".into(),
        ))
        .await
        .unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let err = resolve(&SecretRef::Cmd("true".into())).await.unwrap_err();
        assert!(matches!(err, SecretError::Empty { .. }));
    }

    /// Regression (#12): a missing file said "entity not found", Rust's name for the error.
    #[tokio::test]
    async fn a_missing_or_forbidden_file_is_said_in_plain_words() {
        let err = resolve(&SecretRef::File("/definitely/not/here".into()))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "file:/definitely/not/here: cannot read the file: no such file or directory"
        );
        let dir = tempfile::tempdir().unwrap();
        let err = resolve(&SecretRef::File(dir.path().display().to_string()))
            .await
            .unwrap_err();
        assert!(err.to_string().ends_with(": it is a directory"), "{err}");
    }

    #[tokio::test]
    async fn a_file_larger_than_any_credential_is_refused() {
        let err = resolve(&SecretRef::File("/dev/zero".into()))
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "file:/dev/zero: cannot read the file: it holds more than 64 KiB, which is no credential"
        );
    }

    #[tokio::test]
    async fn each_reference_is_resolved_once() {
        let dir = tempfile::tempdir().unwrap();
        let counter = dir.path().join("runs");
        let command = SecretRef::Cmd(format!(
            "sh -c 'echo run >> \"$0\"; echo token' {}",
            counter.display()
        ));
        let resolver = SecretResolver::new(DEFAULT_TIMEOUT, true);
        let (a, b, c) = tokio::join!(
            resolver.resolve(&command),
            resolver.resolve(&command),
            resolver.resolve(&command)
        );
        for secret in [a, b, c] {
            assert_eq!(secret.unwrap().expose_secret(), "token");
        }
        assert_eq!(std::fs::read_to_string(&counter).unwrap(), "run\n");
    }

    #[tokio::test]
    async fn debug_output_is_redacted() {
        let secret = resolve(&SecretRef::Cmd("echo hunter2".into()))
            .await
            .unwrap();
        assert!(!format!("{secret:?}").contains("hunter2"));
    }
}
