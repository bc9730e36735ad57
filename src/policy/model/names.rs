//! Identifiers in the policy: account and group names, trigger keys, Zendesk subdomains.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Serialize;

use crate::policy::decode::{Decode, Decoder};
use crate::policy::diagnostic::{Code, Diagnostic};
use crate::policy::yaml::Node;

/// Whether `s` is 1–63 characters of ASCII letters, digits, `-` and `_`, starting with a letter or digit.
fn is_name(s: &str, allow_upper: bool) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let ok = |c: char| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || (allow_upper && c.is_ascii_uppercase())
    };
    s.len() <= 63 && ok(first) && chars.all(|c| ok(c) || c == '-' || c == '_')
}

macro_rules! name_type {
    ($(#[$doc:meta])* $name:ident, $what:literal, $pattern:literal, $upper:expr, $description:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Validates and wraps a name.
            ///
            /// # Errors
            /// Returns a message saying which characters are allowed.
            pub fn parse(s: &str) -> Result<Self, String> {
                if is_name(s, $upper) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(format!(
                        concat!("`{}` is not a valid ", $what, ": use 1-63 ", $description),
                        s
                    ))
                }
            }

            /// The name as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Decode for $name {
            fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
                let s = String::decode(node, decoder)?;
                match Self::parse(&s) {
                    Ok(v) => Some(v),
                    Err(message) => {
                        decoder.report(Diagnostic::error(Code::InvalidName, node.span, message));
                        None
                    }
                }
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "type": "string",
                    "pattern": $pattern,
                    "maxLength": 63,
                    "description": concat!("A ", $what, ": 1-63 ", $description, ".")
                })
            }
        }
    };
}

name_type!(
    /// The name of an account in the policy (its address in plans and reports, e.g. `acme-prod`).
    AccountName, "account name", "^[A-Za-z0-9][A-Za-z0-9_-]*$", true,
    "ASCII letters, digits, `-` or `_`, starting with a letter or digit"
);
name_type!(
    /// The name of a group (a named layer of settings).
    GroupName, "group name", "^[A-Za-z0-9][A-Za-z0-9_-]*$", true,
    "ASCII letters, digits, `-` or `_`, starting with a letter or digit"
);
name_type!(
    /// The stable key of a managed trigger; zdpolicy recognises its triggers in Zendesk by it.
    TriggerKey, "trigger key", "^[a-z0-9][a-z0-9_-]*$", false,
    "lowercase letters, digits, `-` or `_`, starting with a letter or digit"
);

/// A Zendesk subdomain: the `acme` of `acme.zendesk.com`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Subdomain(String);

impl Subdomain {
    /// Validates a subdomain: 1-63 lowercase letters, digits and inner hyphens.
    ///
    /// # Errors
    /// Returns a message that says what is wrong and, where it can, what was probably meant.
    pub fn parse(s: &str) -> Result<Self, (String, Option<String>)> {
        let valid = !s.is_empty()
            && s.len() <= 63
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !s.starts_with('-')
            && !s.ends_with('-');
        if valid {
            return Ok(Self(s.to_owned()));
        }
        let message = format!(
            "`{s}` is not a valid Zendesk subdomain: use lowercase letters, digits and hyphens (not at either end)"
        );
        let bare = s
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .split('.')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let hint = (bare != s && Self::parse(&bare).is_ok())
            .then(|| format!("write only the subdomain: `{bare}`"));
        Err((message, hint))
    }

    /// The subdomain as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Subdomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Decode for Subdomain {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let s = String::decode(node, decoder)?;
        match Self::parse(&s) {
            Ok(v) => Some(v),
            Err((message, hint)) => {
                let mut d = Diagnostic::error(Code::InvalidSubdomain, node.span, message);
                if let Some(hint) = hint {
                    d = d.with_help(hint);
                }
                decoder.report(d);
                None
            }
        }
    }
}

impl JsonSchema for Subdomain {
    fn schema_name() -> Cow<'static, str> {
        "Subdomain".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": "^[a-z0-9]([a-z0-9-]*[a-z0-9])?$",
            "maxLength": 63,
            "description": "The Zendesk subdomain: `acme` for acme.zendesk.com. Lowercase letters, digits and inner hyphens."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subdomains() {
        assert!(Subdomain::parse("acme").is_ok());
        assert!(Subdomain::parse("acme-eu-2").is_ok());
        assert!(Subdomain::parse("-acme").is_err());
        assert!(Subdomain::parse("Acme").is_err());
        assert!(Subdomain::parse("").is_err());
        let (_, hint) = Subdomain::parse("https://acme.zendesk.com").unwrap_err();
        assert_eq!(hint.as_deref(), Some("write only the subdomain: `acme`"));
    }

    #[test]
    fn names() {
        assert!(AccountName::parse("Acme_prod-1").is_ok());
        assert!(AccountName::parse("acme.prod").is_err());
        assert!(TriggerKey::parse("vip-messaging").is_ok());
        assert!(TriggerKey::parse("VIP").is_err());
        assert!(GroupName::parse(&"x".repeat(64)).is_err());
    }
}
