//! What the simulator remembers: accounts with their triggers, categories, settings,
//! credentials and issued tokens. This is what `--state FILE` persists.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::defaults;
use super::objects::{self, Objects};
use super::seed::{
    AccountSeed, AccountSnapshot, AdminSettings, CredentialsSeed, Features, Plan, Role,
    SignInUserSeed, TriggerSeed, valid_subdomain,
};
use super::trigger_input;
use crate::zendesk::model::{SunshineApp, Trigger, TriggerCategory, TriggerDefinitions};

/// Version of the state file format; a file with another version is refused.
pub(crate) const STATE_FORMAT: u32 = 1;

/// First id handed out: 13 digits like real trigger ids, above 2^32 so clients that store ids
/// in 32 bits fail here rather than in production.
const FIRST_ID: u64 = 7_100_000_000_001;

/// Everything the simulator serves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SimState {
    /// [`STATE_FORMAT`].
    pub format_version: u32,
    /// The next id for a trigger or category (one sequence for both, as Zendesk ids are unique).
    pub next_id: u64,
    /// Accounts by subdomain.
    pub accounts: BTreeMap<String, Account>,
}

impl Default for SimState {
    fn default() -> Self {
        Self {
            format_version: STATE_FORMAT,
            next_id: FIRST_ID,
            accounts: BTreeMap::new(),
        }
    }
}

impl SimState {
    /// Adds an account built from a seed.
    ///
    /// # Errors
    /// A message when the subdomain is invalid or taken, or a seeded trigger is invalid.
    pub(crate) fn add_account(&mut self, seed: &AccountSeed, now: i64) -> Result<(), String> {
        if !valid_subdomain(&seed.subdomain) {
            return Err("a subdomain is lowercase letters, digits and inner hyphens".to_owned());
        }
        if self.accounts.contains_key(&seed.subdomain) {
            return Err("an account with this subdomain already exists".to_owned());
        }
        let account = Account::from_seed(seed, &mut self.next_id, now)?;
        self.accounts.insert(seed.subdomain.clone(), account);
        Ok(())
    }
}

/// Takes the next id from a sequence.
pub(crate) fn take_id(next_id: &mut u64) -> u64 {
    let id = *next_id;
    *next_id = next_id.saturating_add(1);
    id
}

/// One simulated Zendesk account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Account {
    /// Its subdomain.
    pub subdomain: String,
    /// Its plan.
    pub plan: Plan,
    /// Its features.
    pub features: Features,
    /// Settings only Admin Center can change.
    pub admin: AdminSettings,
    /// A rate limit instead of the plan's.
    pub rate_limit_per_minute: Option<u32>,
    /// Credentials it accepts.
    pub credentials: CredentialsSeed,
    /// Tokens issued by `POST /oauth/tokens`.
    pub issued_tokens: Vec<IssuedToken>,
    /// Authorization codes handed out by the authorization page and not yet exchanged.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending_codes: Vec<PendingCode>,
    /// `GET /api/v2/account/settings` (the `settings` object).
    pub settings: Map<String, Value>,
    /// Settings keys (`SECTION.KEY`) a PUT ignores and names in `X-Zendesk-API-Warn`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignored_settings: Vec<String>,
    /// Trigger categories (stored without `url`, which depends on the address served).
    pub categories: Vec<TriggerCategory>,
    /// Triggers (stored without `url`).
    pub triggers: Vec<Trigger>,
    /// Its Sunshine Conversations app.
    pub sunshine: Option<SunshineState>,
    /// Trigger definitions copied from a real account (a snapshot seed), served instead of
    /// the ones generated from the account's features.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definitions: Option<TriggerDefinitions>,
    /// Groups, ticket fields, forms, brands, schedules, custom statuses and webhooks, by
    /// kind, in Zendesk's shapes (only the kinds the seed lists).
    #[serde(default, skip_serializing_if = "Objects::is_empty")]
    pub objects: Objects,
}

/// An OAuth access token issued by `POST /oauth/tokens`, with its refresh token when the
/// grant gives one (authorization code and refresh token grants do, client credentials not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct IssuedToken {
    /// The token's id (what `DELETE /api/v2/oauth/tokens/{id}` takes).
    #[serde(default)]
    pub id: u64,
    /// The bearer token.
    pub token: String,
    /// The client it was issued to.
    pub client_id: String,
    /// The role of the user the client acts for.
    pub role: Role,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// Unix seconds after which it is refused.
    pub expires_at: i64,
    /// The refresh token that replaces this pair, and when it stops working.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh: Option<RefreshToken>,
    /// The person it acts for (sign-in grants only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<SignInUserSeed>,
}

/// A refresh token: single use, since each refresh deletes the pair it came with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RefreshToken {
    /// The token.
    pub token: String,
    /// Unix seconds after which it is refused.
    pub expires_at: i64,
}

/// An authorization code waiting to be exchanged at `/oauth/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PendingCode {
    /// The code.
    pub code: String,
    /// The client it was issued to.
    pub client_id: String,
    /// The redirect URL of the authorization request; the exchange must send the same.
    pub redirect_uri: String,
    /// `BASE64URL(SHA-256(code_verifier))`, as the authorization request gave it.
    pub code_challenge: String,
    /// The scopes granted.
    pub scopes: Vec<String>,
    /// The person who approved.
    pub user: SignInUserSeed,
    /// Unix seconds after which the code is refused.
    pub expires_at: i64,
}

/// A Sunshine Conversations app and its key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct SunshineState {
    /// Basic-auth user name.
    pub key_id: String,
    /// Basic-auth password.
    pub secret: String,
    /// The app as served.
    pub app: SunshineApp,
}

impl Account {
    /// Builds an account as Zendesk would create it, or as its snapshot shows it, then
    /// applies the seed.
    fn from_seed(seed: &AccountSeed, next_id: &mut u64, now: i64) -> Result<Self, String> {
        if let Some(snapshot) = &seed.snapshot {
            return Self::from_snapshot(seed, snapshot, next_id, now);
        }
        let mut account = Self {
            subdomain: seed.subdomain.clone(),
            plan: seed.plan,
            features: seed.features,
            admin: seed.admin,
            rate_limit_per_minute: seed.rate_limit_per_minute,
            credentials: seed.credentials.clone(),
            issued_tokens: Vec::new(),
            pending_codes: Vec::new(),
            settings: defaults::account_settings(seed),
            ignored_settings: seed.ignored_settings.clone(),
            categories: Vec::new(),
            triggers: Vec::new(),
            sunshine: seed
                .sunshine_conversations
                .as_ref()
                .map(defaults::sunshine_state)
                .transpose()?,
            definitions: None,
            objects: objects::seeded(&seed.objects, next_id)?,
        };
        if seed.features.trigger_categories {
            account.add_category(defaults::DEFAULT_CATEGORY_NAME, Some(0), next_id, now);
            for category in &seed.trigger_categories {
                account.add_category(&category.name, category.position, next_id, now);
            }
        }
        let mut triggers = if seed.default_triggers {
            defaults::default_triggers(&seed.features)
        } else {
            Vec::new()
        };
        triggers.extend(seed.triggers.iter().cloned());
        account.create_seeded(&triggers, next_id, now)?;
        Ok(account)
    }

    /// An account exactly as a snapshot shows it: its triggers (ids, positions, timestamps
    /// and unknown keys as read), categories, definitions and settings, then the seed's
    /// settings merged over them and its triggers created. Ids handed out later follow the
    /// largest id the snapshot holds.
    fn from_snapshot(
        seed: &AccountSeed,
        snapshot: &AccountSnapshot,
        next_id: &mut u64,
        now: i64,
    ) -> Result<Self, String> {
        let mut settings = snapshot.settings.clone();
        crate::zendesk::model::merge::deep_merge(&mut settings, &seed.settings);
        let sunshine = match (&seed.sunshine_conversations, &snapshot.sunshine_app) {
            (Some(key), Some(app)) if key.app_id == app.id => Some(SunshineState {
                key_id: key.key_id.clone(),
                secret: key.secret.clone(),
                app: app.clone(),
            }),
            (Some(key), _) => Some(defaults::sunshine_state(key)?),
            (None, _) => None,
        };
        let strip_url = |mut trigger: Trigger| {
            trigger.url = None;
            trigger
        };
        let mut account = Self {
            subdomain: seed.subdomain.clone(),
            plan: seed.plan,
            features: seed.features,
            admin: seed.admin,
            rate_limit_per_minute: seed.rate_limit_per_minute,
            credentials: seed.credentials.clone(),
            issued_tokens: Vec::new(),
            pending_codes: Vec::new(),
            ignored_settings: seed.ignored_settings.clone(),
            settings,
            categories: snapshot
                .trigger_categories
                .iter()
                .cloned()
                .map(|mut c| {
                    c.url = None;
                    c
                })
                .collect(),
            triggers: snapshot.triggers.iter().cloned().map(strip_url).collect(),
            sunshine,
            definitions: Some(snapshot.definitions.clone()),
            objects: objects::seeded(&seed.objects, next_id)?,
        };
        let largest = account
            .triggers
            .iter()
            .map(|t| t.id)
            .chain(account.categories.iter().filter_map(|c| c.id.parse().ok()))
            .max()
            .unwrap_or(0);
        *next_id = (*next_id).max(largest.saturating_add(1));
        for (i, trigger) in account.triggers.iter().enumerate() {
            if account.triggers[..i].iter().any(|t| t.id == trigger.id) {
                return Err(format!("the snapshot holds trigger {} twice", trigger.id));
            }
        }
        account.create_seeded(&seed.triggers, next_id, now)?;
        Ok(account)
    }

    /// Creates seeded triggers as `POST /api/v2/triggers` would.
    fn create_seeded(
        &mut self,
        triggers: &[TriggerSeed],
        next_id: &mut u64,
        now: i64,
    ) -> Result<(), String> {
        for (index, trigger) in triggers.iter().enumerate() {
            let fail =
                |why: String| format!("trigger {} ({index}): {why}", title_of(&trigger.trigger));
            let mut input = trigger_input::parse_object(&trigger.trigger)
                .map_err(|e| fail(e.body().to_string()))?;
            if let Some(name) = &trigger.category {
                let category = self.categories.iter().find(|c| &c.name == name);
                let id = category
                    .map(|c| c.id.clone())
                    .ok_or_else(|| fail(format!("no category named {name:?}")))?;
                input.category_id = Some(Some(id));
            }
            self.create_trigger(input, next_id, now)
                .map_err(|e| fail(e.body().to_string()))?;
        }
        Ok(())
    }

    /// Adds a category at `position` (default: after the others) and returns its id.
    pub(crate) fn add_category(
        &mut self,
        name: &str,
        position: Option<i64>,
        next_id: &mut u64,
        now: i64,
    ) -> String {
        let position = position.unwrap_or_else(|| {
            self.categories
                .iter()
                .map(|c| c.position + 1)
                .max()
                .unwrap_or(0)
        });
        let id = take_id(next_id).to_string();
        let stamp = super::clock::format_rfc3339(now);
        self.categories
            .push(TriggerCategory::created(id.clone(), name, position, stamp));
        id
    }

    /// The effective requests-per-minute limit, before any simulator-wide override.
    pub(crate) fn plan_rate_limit(&self) -> u32 {
        self.rate_limit_per_minute
            .unwrap_or_else(|| self.plan.rate_limit_per_minute())
    }
}

fn title_of(trigger: &Map<String, Value>) -> String {
    trigger
        .get("title")
        .and_then(Value::as_str)
        .map(|t| format!("{t:?}"))
        .unwrap_or_default()
}
