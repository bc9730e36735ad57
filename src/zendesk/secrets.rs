//! Resolving secret references (`env:`, `file:`, `cmd:`) into secrets, at the edge only.
//!
//! This is the one place a secret's text is produced. It goes straight into a
//! [`SecretString`], whose `Debug` prints `[REDACTED]`, and errors name the reference
//! (`env:ACME_TOKEN`), never the value.

use std::process::Command;

use secrecy::SecretString;
use thiserror::Error;

use crate::policy::secret::SecretRef;

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
        /// The I/O error's description.
        reason: String,
    },
    /// The command could not be started or failed.
    #[error("{reference}: the command failed: {reason}")]
    CommandFailed {
        /// The reference.
        reference: String,
        /// The exit status or start error (the command's output is not shown: it may be the secret).
        reason: String,
    },
    /// The reference resolved to nothing.
    #[error("{reference}: the secret is empty")]
    Empty {
        /// The reference.
        reference: String,
    },
}

/// Resolves a reference to its secret.
///
/// `file:` and `cmd:` values lose one trailing newline (as `$(cat file)` would); nothing else
/// is trimmed, since a secret may legitimately contain spaces.
///
/// # Errors
/// Fails when the variable is unset, the file unreadable, the command unsuccessful, or the
/// result empty.
pub fn resolve(reference: &SecretRef) -> Result<SecretString, SecretError> {
    let shown = reference.to_string();
    let text = match reference {
        SecretRef::Env(name) => std::env::var(name).map_err(|_| SecretError::EnvMissing {
            reference: shown.clone(),
        })?,
        SecretRef::File(path) => {
            std::fs::read_to_string(path).map_err(|err| SecretError::FileUnreadable {
                reference: shown.clone(),
                reason: err.kind().to_string(),
            })?
        }
        SecretRef::Cmd(command) => run(command, &shown)?,
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

fn run(command: &str, shown: &str) -> Result<String, SecretError> {
    let failed = |reason: String| SecretError::CommandFailed {
        reference: shown.to_owned(),
        reason,
    };
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|err| failed(err.kind().to_string()))?;
    if !output.status.success() {
        return Err(failed(output.status.to_string()));
    }
    String::from_utf8(output.stdout)
        .map_err(|_| failed("it printed something that is not UTF-8".into()))
}

#[cfg(test)]
mod tests {
    use secrecy::ExposeSecret;

    use super::*;

    #[test]
    fn file_and_command_references_resolve_without_the_trailing_newline() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "s3cret\n").unwrap();
        let secret = resolve(&SecretRef::File(path.display().to_string())).unwrap();
        assert_eq!(secret.expose_secret(), "s3cret");
        let secret = resolve(&SecretRef::Cmd("printf 'a b\\n'".into())).unwrap();
        assert_eq!(secret.expose_secret(), "a b");
    }

    #[test]
    fn errors_name_the_reference_not_the_value() {
        let err = resolve(&SecretRef::Env(
            "ZDPOLICY_TEST_SURELY_UNSET_VARIABLE".into(),
        ))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "env:ZDPOLICY_TEST_SURELY_UNSET_VARIABLE: the environment variable is not set"
        );
        let err = resolve(&SecretRef::Cmd("printf 'hun%s' ter2; exit 3".into())).unwrap_err();
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let err = resolve(&SecretRef::Cmd("true".into())).unwrap_err();
        assert!(matches!(err, SecretError::Empty { .. }));
    }

    #[test]
    fn debug_output_is_redacted() {
        let secret = resolve(&SecretRef::Cmd("echo hunter2".into())).unwrap();
        assert!(!format!("{secret:?}").contains("hunter2"));
    }
}
