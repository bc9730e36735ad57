//! One Zendesk account in the policy: where it is, how to reach it, and its own settings.

use schemars::JsonSchema;
use serde::Serialize;

use super::identity::TriggerIds;
use super::layer::Layer;
use super::located::Located;
use super::names::{GroupName, Subdomain};
use crate::policy::decode::{Decode, DecodeEntry, Decoder, MapReader};
use crate::policy::diagnostic::{Code, Diagnostic};
use crate::policy::secret::SecretRef;
use crate::policy::yaml::Node;

/// An account: its Zendesk subdomain, the groups it takes settings from, its credentials
/// (references only) and any settings of its own, which override defaults and groups.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The Zendesk subdomain: `acme` for acme.zendesk.com.
    pub subdomain: Located<Subdomain>,
    /// Groups whose settings apply to this account, in order (later groups override earlier
    /// ones; the account's own settings override all groups).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Located<GroupName>>,
    /// How to authenticate, as references to secrets. Omit to use the sign-in of
    /// `zdpolicy login` (or, for a single-account policy without one, the environment
    /// variables `ZENDESK_OAUTH_TOKEN`, or `ZENDESK_EMAIL` and `ZENDESK_API_TOKEN`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Credentials>,
    /// The account's Sunshine Conversations app; needed only for `end_users_can_end_sessions`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sunshine_conversations: Option<SunshineConversations>,
    /// The Zendesk trigger each managed trigger is in this account, by trigger key
    /// (`{vip-messaging: 360012345678}`). A pinned trigger is adopted by its id, whatever its
    /// title; `export` pins every trigger it writes.
    #[serde(default, skip_serializing_if = "TriggerIds::is_empty")]
    pub trigger_ids: TriggerIds,
    /// The account's own settings.
    #[serde(flatten)]
    pub settings: Layer,
}

impl DecodeEntry for Account {
    fn decode_entry(name: &str, node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader = MapReader::new(node, format!("account `{name}`"), decoder)?;
        let subdomain = reader.required("subdomain", decoder);
        let groups = reader.optional("groups", decoder).unwrap_or_default();
        let credentials = reader.optional("credentials", decoder);
        let sunshine_conversations = reader.optional("sunshine_conversations", decoder);
        let trigger_ids = reader.optional("trigger_ids", decoder).unwrap_or_default();
        let settings = Layer::read(&mut reader, decoder);
        reader.finish(decoder);
        Some(Self {
            subdomain: subdomain?,
            groups,
            credentials,
            sunshine_conversations,
            trigger_ids,
            settings,
        })
    }
}

/// How zdpolicy authenticates to one Zendesk account. OAuth is preferred: Zendesk stops
/// accepting API tokens on 2027-04-30.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
pub enum Credentials {
    /// An OAuth access token (`Authorization: Bearer`).
    OauthToken {
        /// Reference to the OAuth access token.
        oauth_token: Located<SecretRef>,
    },
    /// An OAuth client of the account, using the client-credentials grant: zdpolicy asks
    /// `/oauth/tokens` for short-lived tokens and renews them.
    OauthClient {
        /// The OAuth client's unique identifier (not a secret).
        #[schemars(length(min = 1))]
        client_id: String,
        /// Reference to the OAuth client's secret.
        client_secret: Located<SecretRef>,
    },
    /// An admin's email address and an API token (`email/token:API_TOKEN`). Zendesk retires
    /// API tokens on 2027-04-30; prefer OAuth.
    ApiToken {
        /// The admin's email address.
        #[schemars(email)]
        email: String,
        /// Reference to the API token.
        api_token: Located<SecretRef>,
    },
    /// The person's own sign-in from `zdpolicy login` (kept in the OS keyring or a private
    /// file, never in the policy), refreshed as it expires. Only the sign-in: the
    /// environment variables are not consulted.
    Login {
        /// Always `true`.
        #[schemars(extend("const" = true))]
        login: bool,
    },
}

impl Credentials {
    /// The reference that holds this credential's secret, for messages; `None` for a
    /// sign-in, whose tokens are not in the policy.
    pub fn secret(&self) -> Option<&Located<SecretRef>> {
        match self {
            Self::OauthToken { oauth_token } => Some(oauth_token),
            Self::OauthClient { client_secret, .. } => Some(client_secret),
            Self::ApiToken { api_token, .. } => Some(api_token),
            Self::Login { .. } => None,
        }
    }
}

const CREDENTIAL_SHAPES: &str = "use one of: `login: true` (the sign-in of `zdpolicy login`); `oauth_token: env:NAME`; \
                                 `client_id: ID` with `client_secret: env:NAME`; or `email: ADDRESS` with `api_token: env:NAME`";

impl Decode for Credentials {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader = MapReader::new(node, "credentials", decoder)?.keys_named("credential key");
        let oauth_token: Option<Option<Located<SecretRef>>> = reader
            .take("oauth_token")
            .map(|n| Located::<SecretRef>::decode(n, decoder));
        let client_id: Option<Option<String>> =
            reader.take("client_id").map(|n| String::decode(n, decoder));
        let client_secret: Option<Option<Located<SecretRef>>> = reader
            .take("client_secret")
            .map(|n| Located::<SecretRef>::decode(n, decoder));
        let email: Option<(Option<String>, &Node)> = reader
            .take("email")
            .map(|n| (String::decode(n, decoder), n));
        let api_token: Option<Option<Located<SecretRef>>> = reader
            .take("api_token")
            .map(|n| Located::<SecretRef>::decode(n, decoder));
        let login: Option<(Option<bool>, &Node)> =
            reader.take("login").map(|n| (bool::decode(n, decoder), n));
        let span = reader.span();
        // A misspelt key explains a wrong shape better than the shape does.
        let unknown_keys = reader.has_unknown_keys();
        reader.finish(decoder);

        let shape = (
            oauth_token.is_some(),
            client_id.is_some() || client_secret.is_some(),
            email.is_some() || api_token.is_some(),
        );
        if let Some((login, node)) = login {
            if shape != (false, false, false) {
                decoder.report(
                    Diagnostic::error(
                        Code::InvalidCredentials,
                        span,
                        "credentials mix `login` with keys of another kind",
                    )
                    .with_help(CREDENTIAL_SHAPES),
                );
                return None;
            }
            return match login? {
                true => Some(Self::Login { login: true }),
                false => {
                    decoder.report(
                        Diagnostic::error(
                            Code::InvalidValue,
                            node.span,
                            "`login: false` names no way to authenticate",
                        )
                        .with_help("write `login: true` to use the sign-in of `zdpolicy login`, or give another kind of credentials"),
                    );
                    None
                }
            };
        }
        match shape {
            (true, false, false) => Some(Self::OauthToken {
                oauth_token: oauth_token??,
            }),
            (false, true, false) if client_id.is_some() && client_secret.is_some() => {
                Some(Self::OauthClient {
                    client_id: client_id??,
                    client_secret: client_secret??,
                })
            }
            (false, false, true) if email.is_some() && api_token.is_some() => {
                let (email, email_node) = email?;
                let email = email?;
                if !email.contains('@') {
                    // The value is not quoted: whatever was written here may be the secret.
                    decoder.report(Diagnostic::error(
                        Code::InvalidValue,
                        email_node.span,
                        "`email` is not an email address",
                    ));
                    return None;
                }
                Some(Self::ApiToken {
                    email,
                    api_token: api_token??,
                })
            }
            _ if unknown_keys => None,
            _ => {
                let message = match shape {
                    (false, false, false) => "credentials name no way to authenticate".to_owned(),
                    (_, true, false) => {
                        "OAuth client credentials need both `client_id` and `client_secret`"
                            .to_owned()
                    }
                    (false, false, true) => {
                        "API-token credentials need both `email` and `api_token`".to_owned()
                    }
                    _ => "credentials mix keys of different kinds".to_owned(),
                };
                decoder.report(
                    Diagnostic::error(Code::InvalidCredentials, span, message)
                        .with_help(CREDENTIAL_SHAPES),
                );
                None
            }
        }
    }
}

/// The account's Sunshine Conversations app, reached with its own API key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SunshineConversations {
    /// The app id (not a secret): letters, digits, `-` and `_`.
    #[schemars(length(min = 1), regex(pattern = r"^[A-Za-z0-9_-]+$"))]
    pub app_id: Located<String>,
    /// Reference to the API key id.
    pub key_id: Located<SecretRef>,
    /// Reference to the API key secret.
    pub key_secret: Located<SecretRef>,
}

/// Whether an app id is one Sunshine Conversations could have issued (a path-safe token).
pub fn valid_app_id(app_id: &str) -> bool {
    !app_id.is_empty()
        && app_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Decode for SunshineConversations {
    fn decode(node: &Node, decoder: &mut Decoder) -> Option<Self> {
        let mut reader = MapReader::new(node, "sunshine_conversations", decoder)?
            .keys_named("sunshine_conversations key");
        let app_id: Option<Located<String>> = reader.required("app_id", decoder);
        let key_id = reader.required("key_id", decoder);
        let key_secret = reader.required("key_secret", decoder);
        reader.finish(decoder);
        if let Some(app_id) = &app_id {
            if app_id.value.trim().is_empty() {
                decoder.report(Diagnostic::error(
                    Code::InvalidValue,
                    app_id.span,
                    "app_id must not be empty",
                ));
            } else if !valid_app_id(&app_id.value) {
                // The id becomes a path segment of the app's URL: `/` or `..` would send the
                // Sunshine Conversations key to another endpoint.
                decoder.report(
                    Diagnostic::error(
                        Code::InvalidValue,
                        app_id.span,
                        format!("`{}` is not a Sunshine Conversations app id", app_id.value),
                    )
                    .with_help(
                        "an app id is letters, digits, `-` and `_`, e.g. 5f0c0a1b2c3d4e5f6a7b8c9d",
                    ),
                );
            }
        }
        Some(Self {
            app_id: app_id?,
            key_id: key_id?,
            key_secret: key_secret?,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::load::load_texts;

    fn messages(text: &str) -> Vec<(&'static str, String)> {
        load_texts(&[("a.yaml", text)])
            .diagnostics
            .into_iter()
            .map(|d| (d.code.name(), d.message))
            .collect()
    }

    /// Regression (#11): a misspelt credential key was one unknown key among others, plus a
    /// second error about the credentials' shape.
    #[test]
    fn a_misspelt_credential_key_is_one_error_with_a_suggestion() {
        let text = "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials:\n      oauth_tokn: s3cr3t\n";
        assert_eq!(
            messages(text),
            [(
                "unknown-key",
                "unknown credential key `oauth_tokn`, did you mean `oauth_token`?".to_owned()
            )]
        );
    }

    #[test]
    fn an_unknown_sunshine_key_is_named_as_such() {
        let text = "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    sunshine_conversations: { app_id: a, key_id: env:A, key_secret: env:B, colour: blue }\n";
        assert_eq!(
            messages(text),
            [(
                "unknown-key",
                "unknown sunshine_conversations key `colour`".to_owned()
            )]
        );
    }

    #[test]
    fn an_email_without_at_is_not_quoted_back() {
        let text = "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: { email: s3cr3t-token, api_token: env:A }\n";
        let messages = messages(text);
        assert_eq!(messages.len(), 1);
        assert!(!messages[0].1.contains("s3cr3t"), "{messages:?}");
    }
}
