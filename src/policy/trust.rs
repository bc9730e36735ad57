//! Which credential references a run may resolve: `env:` always, `file:` and `cmd:` only when
//! allowed from outside the policy.
//!
//! A pull request that edits the policy decides what `plan` does in CI. A `cmd:` reference
//! runs a program with the job's environment (and so its secrets), and a `file:` reference
//! reads any file the job can read. Whoever runs zdpolicy, not whoever wrote the policy,
//! must say that this is wanted: `--allow-credential-commands` or
//! `ZDPOLICY_ALLOW_CREDENTIAL_COMMANDS=1`. `env:` only reads a variable the job chose to
//! set, so it is always allowed.

use std::fmt;

use super::model::Located;
use super::resolve::ResolvedAccount;
use super::secret::SecretRef;
use super::source::Location;

/// The environment variable that allows `file:` and `cmd:` references, as the flag does.
pub const ALLOW_ENV: &str = "ZDPOLICY_ALLOW_CREDENTIAL_COMMANDS";

/// The flag that allows `file:` and `cmd:` references.
pub const ALLOW_FLAG: &str = "--allow-credential-commands";

/// A `file:` or `cmd:` reference that was not allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedReference {
    /// The account whose credentials hold it.
    pub account: String,
    /// Where the reference is written (absent only for a policy built without files).
    pub location: Option<Location>,
    /// The reference (a reference is never the secret, so it may be shown).
    pub reference: String,
    /// Whether it would run a command (`cmd:`) rather than read a file (`file:`).
    pub runs_command: bool,
}

impl fmt::Display for RefusedReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = &self.location {
            write!(f, "{location}: ")?;
        }
        write!(
            f,
            "account `{}`: `{}` would {}, which only the one running zdpolicy can allow",
            self.account,
            self.reference,
            if self.runs_command {
                "run a command"
            } else {
                "read a file"
            }
        )
    }
}

/// Every `file:` and `cmd:` reference among these accounts' credentials (Zendesk and Sunshine
/// Conversations), in account order then as written: what a run that was not allowed them
/// must refuse before resolving anything.
pub fn refused_references(accounts: &[ResolvedAccount]) -> Vec<RefusedReference> {
    let mut refused = Vec::new();
    for account in accounts {
        let mut references: Vec<&Located<SecretRef>> = Vec::new();
        if let Some(credentials) = &account.credentials {
            references.extend(credentials.secret());
        }
        if let Some(app) = &account.sunshine_conversations {
            references.push(&app.key_id);
            references.push(&app.key_secret);
        }
        for reference in references {
            let runs_command = match &reference.value {
                SecretRef::Env(_) => continue,
                SecretRef::File(_) => false,
                SecretRef::Cmd(_) => true,
            };
            refused.push(RefusedReference {
                account: account.name.value.to_string(),
                location: account.locator.locate(reference.span),
                reference: reference.value.to_string(),
                runs_command,
            });
        }
    }
    refused
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::load::load_texts;

    fn refused(text: &str) -> Vec<String> {
        let policy = load_texts(&[("zdpolicy.yaml", text)]);
        assert!(
            policy.diagnostics.iter().all(|d| !d.is_error()),
            "{:?}",
            policy.diagnostics
        );
        refused_references(&policy.accounts)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn env_references_are_always_allowed() {
        assert!(
            refused(
                "version: 1\naccounts:\n  a:\n    subdomain: a\n    credentials: { oauth_token: env:A }\n    sunshine_conversations: { app_id: x, key_id: env:K, key_secret: env:S }\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn file_and_cmd_references_are_located_and_name_the_account() {
        assert_eq!(
            refused(
                "version: 1\naccounts:\n  a:\n    subdomain: a\n    credentials: { oauth_token: 'cmd:op read x' }\n  b:\n    subdomain: b\n    credentials: { email: b@b.example, api_token: file:/run/t }\n    sunshine_conversations: { app_id: x, key_id: env:K, key_secret: cmd:pass sc }\n"
            ),
            [
                "zdpolicy.yaml:5:33: account `a`: `cmd:op read x` would run a command, which only the one running zdpolicy can allow",
                "zdpolicy.yaml:8:51: account `b`: `file:/run/t` would read a file, which only the one running zdpolicy can allow",
                "zdpolicy.yaml:9:69: account `b`: `cmd:pass sc` would run a command, which only the one running zdpolicy can allow",
            ]
        );
    }
}
