//! References to secrets (`env:NAME`, `file:PATH`, `cmd:COMMAND`), never the secrets themselves.
//!
//! Policy files live in git, so a credential in one is a leak. The policy holds only a
//! reference; the Zendesk client resolves it at the edge, at the moment it needs it, and
//! `validate` and `render` never do.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Serialize, Serializer};

use super::decode::{Decode, Decoder};
use super::diagnostic::{Code, Diagnostic};
use super::yaml::Node;

/// Where a secret can be found. Printing it prints the reference, which is safe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRef {
    /// `env:NAME`: the environment variable `NAME`.
    Env(String),
    /// `file:PATH`: the contents of a file, trailing newline removed.
    File(String),
    /// `cmd:COMMAND`: what a command prints, e.g. `cmd:op read op://vault/zendesk/token`. The
    /// command is split with shell quoting rules and run without a shell ([`command_words`]).
    Cmd(String),
}

/// Why a string is not a secret reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRefError {
    /// No `env:`/`file:`/`cmd:` prefix: most likely the secret itself.
    Literal,
    /// A prefix that looks like a reference kind zdpolicy does not know.
    UnknownKind(String),
    /// A known prefix with nothing (or nothing valid) after it.
    Invalid(String),
}

impl SecretRef {
    /// Parses a reference.
    ///
    /// # Errors
    /// Says whether the text is a literal secret, an unknown kind or a malformed reference.
    /// The error never contains the text itself, which may be a secret.
    pub fn parse(text: &str) -> Result<Self, SecretRefError> {
        let Some((kind, rest)) = text.split_once(':') else {
            return Err(SecretRefError::Literal);
        };
        match kind {
            "env" => {
                let valid = rest
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if valid {
                    Ok(Self::Env(rest.to_owned()))
                } else {
                    Err(SecretRefError::Invalid(
                        "`env:` must be followed by an environment variable name (letters, digits, `_`)".into(),
                    ))
                }
            }
            "file" | "cmd" if rest.trim().is_empty() => Err(SecretRefError::Invalid(format!(
                "`{kind}:` must be followed by a {}",
                if kind == "file" { "path" } else { "command" }
            ))),
            "file" => Ok(Self::File(rest.to_owned())),
            "cmd" => {
                command_words(rest).map_err(SecretRefError::Invalid)?;
                Ok(Self::Cmd(rest.to_owned()))
            }
            // A short lowercase word before the colon reads as an intended reference kind
            // (`vault:...`); anything else is treated as a literal secret that contains a colon.
            _ if !kind.is_empty()
                && kind.len() <= 12
                && kind.chars().all(|c| c.is_ascii_lowercase()) =>
            {
                Err(SecretRefError::UnknownKind(kind.to_owned()))
            }
            _ => Err(SecretRefError::Literal),
        }
    }
}

/// Words that a shell would treat as operators; without a shell they would reach the program
/// as arguments, which is never what the policy's author meant.
const SHELL_OPERATORS: &[&str] = &["|", "||", "&", "&&", ";", "<", ">", ">>", "2>", "2>&1"];

/// Splits a `cmd:` reference's command into the program and its arguments, with POSIX shell
/// quoting (`'…'`, `"…"`, `\`) but no shell: no pipes, redirections, globs or `$VARIABLES`.
///
/// # Errors
/// Says what is wrong (an unclosed quote, no command, a shell operator), never quoting the text.
pub fn command_words(command: &str) -> Result<Vec<String>, String> {
    let words = shell_words::split(command).map_err(|_| {
        "`cmd:` has a quote that is not closed (quoting follows the shell's rules)".to_owned()
    })?;
    if words.is_empty() {
        return Err("`cmd:` must be followed by a command".to_owned());
    }
    if let Some(operator) = words.iter().find(|w| SHELL_OPERATORS.contains(&w.as_str())) {
        return Err(format!(
            "`cmd:` runs the command without a shell, so `{operator}` would be passed to it as an \
             argument; to use a shell, write `cmd:sh -c '…'`"
        ));
    }
    Ok(words)
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Env(name) => write!(f, "env:{name}"),
            Self::File(path) => write!(f, "file:{path}"),
            Self::Cmd(command) => write!(f, "cmd:{command}"),
        }
    }
}

impl Serialize for SecretRef {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl JsonSchema for SecretRef {
    fn schema_name() -> Cow<'static, str> {
        "SecretRef".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^(env:[A-Za-z_][A-Za-z0-9_]*|file:.*\\S.*|cmd:.*\\S.*)$",
            "description": "A reference to a secret, never the secret itself: `env:NAME` (environment variable), `file:PATH` (file contents) or `cmd:COMMAND` (what the command prints).",
            "examples": ["env:ACME_ZENDESK_OAUTH_TOKEN", "file:/run/secrets/zendesk", "cmd:op read op://ops/zendesk/token"]
        })
    }
}

impl Decode for SecretRef {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let text = String::decode(node, decoder)?;
        match Self::parse(&text) {
            Ok(reference) => Some(reference),
            Err(SecretRefError::Literal) => {
                decoder.report(
                    Diagnostic::error(
                        Code::LiteralSecret,
                        node.span,
                        "a literal secret is written in the policy file",
                    )
                    .with_label("this looks like the secret itself")
                    .with_help(
                        "remove it from the file (and rotate it if it was committed), then refer to it: \
                         `env:NAME` for an environment variable, `file:PATH` for a file, or `cmd:COMMAND` \
                         for a command that prints it",
                    ),
                );
                None
            }
            Err(SecretRefError::UnknownKind(kind)) => {
                decoder.report(
                    Diagnostic::error(
                        Code::InvalidSecretReference,
                        node.span,
                        format!("unknown secret reference kind `{kind}:`"),
                    )
                    .with_help("use `env:NAME`, `file:PATH` or `cmd:COMMAND`"),
                );
                None
            }
            Err(SecretRefError::Invalid(message)) => {
                decoder.report(Diagnostic::error(
                    Code::InvalidSecretReference,
                    node.span,
                    message,
                ));
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_references() {
        assert_eq!(
            SecretRef::parse("env:ACME_TOKEN"),
            Ok(SecretRef::Env("ACME_TOKEN".into()))
        );
        assert_eq!(
            SecretRef::parse("file:/run/x"),
            Ok(SecretRef::File("/run/x".into()))
        );
        assert_eq!(
            SecretRef::parse("cmd:op read op://x/y"),
            Ok(SecretRef::Cmd("op read op://x/y".into()))
        );
    }

    #[test]
    fn rejects_literals_and_unknown_kinds() {
        assert_eq!(
            SecretRef::parse("a1b2c3d4e5f6"),
            Err(SecretRefError::Literal)
        );
        assert_eq!(SecretRef::parse("AB12:zz"), Err(SecretRefError::Literal));
        assert_eq!(
            SecretRef::parse("vault:secret/zendesk"),
            Err(SecretRefError::UnknownKind("vault".into()))
        );
        assert!(matches!(
            SecretRef::parse("env:"),
            Err(SecretRefError::Invalid(_))
        ));
        assert!(matches!(
            SecretRef::parse("env:A-B"),
            Err(SecretRefError::Invalid(_))
        ));
        assert!(matches!(
            SecretRef::parse("file: "),
            Err(SecretRefError::Invalid(_))
        ));
    }

    #[test]
    fn commands_split_with_shell_quoting_and_refuse_shell_operators() {
        assert_eq!(
            command_words(r#"op read "op://ops/zendesk/api token" --no-newline"#).unwrap(),
            ["op", "read", "op://ops/zendesk/api token", "--no-newline"]
        );
        assert_eq!(
            command_words(r#"sh -c 'printf %s "$T" | tr -d x'"#).unwrap(),
            ["sh", "-c", r#"printf %s "$T" | tr -d x"#]
        );
        assert!(
            command_words("vault read 'unclosed")
                .unwrap_err()
                .contains("not closed")
        );
        let err = command_words("vault kv get x | tr -d '\\n'").unwrap_err();
        assert!(err.contains("`|`") && err.contains("cmd:sh -c"), "{err}");
        assert!(matches!(
            SecretRef::parse("cmd:get-token > /tmp/t"),
            Err(SecretRefError::Invalid(_))
        ));
    }

    #[test]
    fn errors_never_contain_the_text() {
        for text in ["supersecret123", "vault:supersecret123", "env:super secret"] {
            let err = SecretRef::parse(text).unwrap_err();
            assert!(!format!("{err:?}").contains("supersecret123"));
            assert!(!format!("{err:?}").contains("super secret"));
        }
    }
}
