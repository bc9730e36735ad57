//! The seed format: which accounts the simulator serves, with their plan, features,
//! credentials, admin-only settings and triggers; and reading it from a YAML or JSON file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::SimulatorError;
use crate::directory::ListKind;
use crate::zendesk::model::{SunshineApp, Trigger, TriggerCategory, TriggerDefinitions};

/// The `kind` a seed file declares, so policy loaders skip it when it sits in a policy
/// directory (such as `examples/`).
pub const SEED_KIND: &str = "simulator-seed";

/// A seed file: `kind: simulator-seed` (optional) and `accounts: [...]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedFile {
    /// The document kind; when present it must be `simulator-seed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The accounts to serve.
    pub accounts: Vec<AccountSeed>,
}

/// One simulated Zendesk account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSeed {
    /// The subdomain: the account is served under `/{subdomain}/…`.
    pub subdomain: String,
    /// The Zendesk plan; it sets the default rate limit.
    #[serde(default)]
    pub plan: Plan,
    /// Which features the account has.
    #[serde(default)]
    pub features: Features,
    /// Settings that only Admin Center can change (no public API).
    #[serde(default)]
    pub admin: AdminSettings,
    /// Account settings merged over the defaults of `GET /api/v2/account/settings`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub settings: Map<String, Value>,
    /// Settings keys (`SECTION.KEY`, e.g. `messaging_inactivity.timeout`) that
    /// `PUT /api/v2/account/settings` ignores and names in `X-Zendesk-API-Warn`, as Zendesk
    /// does with keys an account cannot set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_settings: Vec<String>,
    /// Requests per minute, instead of the plan's limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_minute: Option<u32>,
    /// Credentials the account accepts.
    #[serde(default, skip_serializing_if = "CredentialsSeed::is_empty")]
    pub credentials: CredentialsSeed,
    /// The account's Sunshine Conversations app, if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sunshine_conversations: Option<SunshineSeed>,
    /// Whether the account starts with the triggers a new Zendesk account has.
    #[serde(default = "yes")]
    pub default_triggers: bool,
    /// Trigger categories besides the default one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trigger_categories: Vec<CategorySeed>,
    /// Triggers added after the default ones.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<TriggerSeed>,
    /// What a real account held, as `zdpolicy snapshot` read it: served exactly, instead of
    /// what a new account has (no default triggers, categories or generated definitions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<AccountSnapshot>,
    /// Objects triggers name by id, by kind (`groups`, `ticket_fields`, `ticket_forms`,
    /// `brands`, `schedules`, `custom_statuses`, `webhooks`), each in Zendesk's shape; the
    /// simulator adds ids and defaults. A kind listed here is checked on trigger writes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub objects: BTreeMap<ListKind, Vec<Map<String, Value>>>,
}

/// A copy of a real account's readable state, every object exactly as Zendesk answered:
/// triggers with their ids, positions, timestamps and keys the wire types do not name,
/// categories, the trigger definitions (its custom fields and so on), account settings and
/// the Sunshine Conversations app (never its key). Admin-Center-only settings cannot be read
/// and are not in it: the seed's `admin` (defaults unless set) stands for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSnapshot {
    /// The `settings` object of `GET /api/v2/account/settings`; the seed's `settings` are
    /// merged over it.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub settings: Map<String, Value>,
    /// The trigger categories, as listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trigger_categories: Vec<TriggerCategory>,
    /// The triggers, as listed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<Trigger>,
    /// The `definitions` object of `GET /api/v2/triggers/definitions`, served as it is.
    pub definitions: TriggerDefinitions,
    /// The Sunshine Conversations app (`id`, `displayName`, `settings`, …). Served when the
    /// seed's `sunshine_conversations` gives a key for the same app id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sunshine_app: Option<SunshineApp>,
}

impl AccountSeed {
    /// A seed with defaults: professional plan, every feature on, no credentials.
    pub fn new(subdomain: impl Into<String>) -> Self {
        Self {
            subdomain: subdomain.into(),
            plan: Plan::default(),
            features: Features::default(),
            admin: AdminSettings::default(),
            settings: Map::new(),
            ignored_settings: Vec::new(),
            rate_limit_per_minute: None,
            credentials: CredentialsSeed::default(),
            sunshine_conversations: None,
            default_triggers: true,
            trigger_categories: Vec::new(),
            triggers: Vec::new(),
            snapshot: None,
            objects: BTreeMap::new(),
        }
    }
}

/// A Zendesk plan tier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Plan {
    /// Team: 200 requests a minute.
    Team,
    /// Growth: 400 requests a minute.
    Growth,
    /// Professional: 400 requests a minute.
    #[default]
    Professional,
    /// Enterprise: 700 requests a minute.
    Enterprise,
    /// Enterprise Plus (High Volume API included): 2,500 requests a minute.
    EnterprisePlus,
}

impl Plan {
    /// The plan's Support API limit per minute (Zendesk publishes one limit per plan).
    pub fn rate_limit_per_minute(self) -> u32 {
        match self {
            Self::Team => 200,
            Self::Growth | Self::Professional => 400,
            Self::Enterprise => 700,
            Self::EnterprisePlus => 2500,
        }
    }
}

/// Features an account has. The simulator does not derive them from the plan: say what you
/// want to test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Features {
    /// Messaging (the default messaging CSAT trigger and messaging conditions exist).
    #[serde(default = "yes")]
    pub messaging: bool,
    /// Customizable CSAT (Suite Growth+/Support Professional+ in Zendesk).
    #[serde(default = "yes")]
    pub customizable_csat: bool,
    /// Ticket trigger categories (off: category endpoints answer 403).
    #[serde(default = "yes")]
    pub trigger_categories: bool,
    /// Omnichannel routing (`settings.routing.enabled`).
    #[serde(default = "yes")]
    pub omnichannel_routing: bool,
}

impl Default for Features {
    fn default() -> Self {
        Self {
            messaging: true,
            customizable_csat: true,
            trigger_categories: true,
            omnichannel_routing: true,
        }
    }
}

/// Messaging settings Zendesk offers only in Admin Center (no public API: docs/zendesk-notes.md,
/// "Settings only Admin Center changes"). Tests change them through
/// `/_sim/accounts/{subdomain}/admin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminSettings {
    /// "Agents can end messaging sessions at any time". Zendesk's default is on for new
    /// accounts. While on, `/api/v2/triggers/definitions` offers "Messaging session ended reason".
    #[serde(default = "yes")]
    pub agents_can_end_sessions: bool,
    /// How omnichannel routing treats tickets of agent-ended sessions.
    #[serde(default)]
    pub agent_ended_sessions_route_as: RouteAs,
}

impl Default for AdminSettings {
    fn default() -> Self {
        Self {
            agents_can_end_sessions: true,
            agent_ended_sessions_route_as: RouteAs::default(),
        }
    }
}

/// The channel used for tickets of agent-ended sessions. Zendesk's default is not documented;
/// the simulator starts with `messaging` by choice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteAs {
    /// Keep routing them as messaging.
    #[default]
    Messaging,
    /// Route them as email.
    Email,
}

/// What a user may do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// May read and write.
    #[default]
    Admin,
    /// May read; writes answer 403.
    Agent,
}

/// Credentials an account accepts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialsSeed {
    /// API tokens: `Authorization: Basic base64("{email}/token:{token}")`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_tokens: Vec<ApiTokenSeed>,
    /// Ready-made OAuth access tokens: `Authorization: Bearer {token}`. They do not expire.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub oauth_tokens: Vec<OAuthTokenSeed>,
    /// OAuth clients that may get expiring tokens from `POST /oauth/tokens`
    /// (`grant_type: client_credentials`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub oauth_clients: Vec<OAuthClientSeed>,
    /// People signing in through a browser (`zdpolicy login`): the public OAuth client, and
    /// the person whose authorization page approves at once. Absent: the authorization
    /// endpoint knows no client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in: Option<SignInSeed>,
}

impl CredentialsSeed {
    /// Whether no credential is given (an account nobody can sign in to yet).
    pub fn is_empty(&self) -> bool {
        self.api_tokens.is_empty()
            && self.oauth_tokens.is_empty()
            && self.oauth_clients.is_empty()
            && self.sign_in.is_none()
    }
}

/// Browser sign-in with the authorization-code grant and PKCE: a public OAuth client (no
/// secret; Zendesk requires PKCE of public clients [SEEN help article 4408845965210]) and the
/// person who approves it. The authorization page approves at once, as if that person were
/// signed in to Zendesk and clicked "Allow".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInSeed {
    /// The OAuth client's unique identifier (default `zdpolicy`).
    #[serde(default = "default_sign_in_client")]
    pub client_id: String,
    /// Redirect URLs registered for the client (default `http://127.0.0.1/callback`). For
    /// loopback URLs the port is not compared, so a client may listen on any free port
    /// (RFC 8252 §7.3) [simulated by choice: Zendesk's rule for loopback ports not found].
    #[serde(default = "default_redirect_uris")]
    pub redirect_uris: Vec<String>,
    /// The person who signs in.
    #[serde(default)]
    pub user: SignInUserSeed,
    /// The scopes the person grants; absent: whatever the client asks for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// Whether the person clicks "Allow" (false: "Deny", and the client is redirected with
    /// `error=access_denied`).
    #[serde(default = "yes")]
    pub approve: bool,
    /// Access-token lifetime in seconds when the token request asks for none
    /// (default 1,800: Zendesk's default for new clients is 30 minutes \[3P\]).
    #[serde(default = "default_access_lifetime")]
    pub access_token_lifetime: u64,
    /// Refresh-token lifetime in seconds when the token request asks for none
    /// (default 2,592,000, 30 days [SEEN OAS]).
    #[serde(default = "default_refresh_lifetime")]
    pub refresh_token_lifetime: u64,
}

impl Default for SignInSeed {
    fn default() -> Self {
        Self {
            client_id: default_sign_in_client(),
            redirect_uris: default_redirect_uris(),
            user: SignInUserSeed::default(),
            scopes: None,
            approve: true,
            access_token_lifetime: default_access_lifetime(),
            refresh_token_lifetime: default_refresh_lifetime(),
        }
    }
}

/// The person who signs in, as `GET /api/v2/users/me` shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInUserSeed {
    /// The user id (default 10,000,000,001).
    #[serde(default = "default_user_id")]
    pub id: u64,
    /// The user's name (default `Admin`).
    #[serde(default = "default_user_name")]
    pub name: String,
    /// The user's email address (default `admin@example.com`).
    #[serde(default = "default_user_email")]
    pub email: String,
    /// The user's role.
    #[serde(default)]
    pub role: Role,
}

impl Default for SignInUserSeed {
    fn default() -> Self {
        Self {
            id: default_user_id(),
            name: default_user_name(),
            email: default_user_email(),
            role: Role::Admin,
        }
    }
}

fn default_sign_in_client() -> String {
    "zdpolicy".to_owned()
}

fn default_redirect_uris() -> Vec<String> {
    vec!["http://127.0.0.1/callback".to_owned()]
}

fn default_access_lifetime() -> u64 {
    1800
}

fn default_refresh_lifetime() -> u64 {
    2_592_000
}

fn default_user_id() -> u64 {
    10_000_000_001
}

fn default_user_name() -> String {
    "Admin".to_owned()
}

fn default_user_email() -> String {
    "admin@example.com".to_owned()
}

/// An API token of one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiTokenSeed {
    /// The user's email address.
    pub email: String,
    /// The API token.
    pub token: String,
    /// The user's role.
    #[serde(default)]
    pub role: Role,
}

/// An OAuth access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthTokenSeed {
    /// The bearer token.
    pub token: String,
    /// The role of the user it acts for.
    #[serde(default)]
    pub role: Role,
    /// Its scopes (default `read write`).
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
}

/// An OAuth client using the client-credentials grant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OAuthClientSeed {
    /// The client's unique identifier.
    pub client_id: String,
    /// The client's secret.
    pub client_secret: String,
    /// The role of the user the client acts for.
    #[serde(default)]
    pub role: Role,
}

/// A Sunshine Conversations app with its own API key (basic auth `key_id:secret`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SunshineSeed {
    /// The app id, served at `/{subdomain}/sc/v2/apps/{app_id}`.
    pub app_id: String,
    /// The API key id (basic-auth user name).
    pub key_id: String,
    /// The API key secret (basic-auth password).
    pub secret: String,
    /// The app's display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// App settings in Sunshine Conversations' camelCase, merged over the defaults
    /// (`endSessionEnabled: false`, `disableConversationReopen: false`, `multiConvoEnabled: true`).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub settings: Map<String, Value>,
}

/// A trigger category to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategorySeed {
    /// Its name.
    pub name: String,
    /// Its position (default: after the others).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
}

/// A trigger to create: the object of a `POST /api/v2/triggers` body, plus the name of its
/// category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerSeed {
    /// The category's name (default: the account's first category).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The trigger as in a create request: `title`, `conditions`, `actions`, `active`, ….
    #[serde(flatten)]
    pub trigger: Map<String, Value>,
}

fn yes() -> bool {
    true
}

fn default_scopes() -> Vec<String> {
    vec!["read".to_owned(), "write".to_owned()]
}

/// Reads a seed file: JSON when its name ends in `.json`, YAML otherwise (YAML 1.2 booleans,
/// so `no` stays a string).
///
/// # Errors
/// [`SimulatorError::SeedRead`] when the file cannot be read, [`SimulatorError::SeedInvalid`]
/// when it does not parse into a [`SeedFile`] or names an account twice.
pub fn load_seed_file(path: &Path) -> Result<SeedFile, SimulatorError> {
    let text = std::fs::read_to_string(path).map_err(|source| SimulatorError::SeedRead {
        path: path.to_owned(),
        source,
    })?;
    let invalid = |message: String| SimulatorError::SeedInvalid {
        path: path.to_owned(),
        message,
    };
    let is_json = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
    let seed: SeedFile = if is_json {
        serde_json::from_str(&text).map_err(|e| invalid(e.to_string()))?
    } else {
        let mut options = serde_saphyr::Options::default();
        options.strict_booleans = true;
        options.with_snippet = false;
        serde_saphyr::from_str_with_options(&text, options).map_err(|e| invalid(e.to_string()))?
    };
    if let Some(kind) = seed.kind.as_deref().filter(|k| *k != SEED_KIND) {
        return Err(invalid(format!(
            "kind {kind:?} is not a simulator seed (expected {SEED_KIND:?})"
        )));
    }
    let mut seen = std::collections::BTreeSet::new();
    for account in &seed.accounts {
        if !seen.insert(account.subdomain.as_str()) {
            return Err(invalid(format!(
                "account {:?} is listed twice",
                account.subdomain
            )));
        }
    }
    Ok(seed)
}

/// Whether a subdomain is one Zendesk could have: lowercase letters, digits and inner hyphens.
pub(crate) fn valid_subdomain(subdomain: &str) -> bool {
    let bytes = subdomain.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes.first() != Some(&b'-')
        && bytes.last() != Some(&b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_seed_parses_with_defaults() {
        let yaml = "accounts:\n  - subdomain: acme\n    plan: enterprise_plus\n    features: {messaging: false}\n";
        let seed: SeedFile = serde_saphyr::from_str(yaml).expect("seed parses");
        let acme = &seed.accounts[0];
        assert_eq!(acme.plan.rate_limit_per_minute(), 2500);
        assert!(!acme.features.messaging);
        assert!(acme.features.customizable_csat);
        assert!(acme.admin.agents_can_end_sessions);
        assert!(acme.default_triggers);
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let yaml = "accounts:\n  - subdomain: acme\n    plna: team\n";
        let err = serde_saphyr::from_str::<SeedFile>(yaml).expect_err("typo is an error");
        assert!(err.to_string().contains("plna"), "{err}");
    }

    #[test]
    fn subdomains_are_checked() {
        assert!(valid_subdomain("acme-eu1"));
        assert!(!valid_subdomain("Acme"));
        assert!(!valid_subdomain("-acme"));
        assert!(!valid_subdomain("_sim"));
        assert!(!valid_subdomain(""));
    }
}
