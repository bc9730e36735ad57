//! A stand-in for Zendesk in memory, for unit tests of the glue (read-then-plan, apply's
//! orchestration) without a server: each account serves the live state it is given and logs
//! what it is asked, writes included, answering every write as a success. It does not model
//! what Zendesk would store (the simulator does), so a test sees exactly which calls the glue
//! made, in which order.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::directory::{Directory, ListKind};
use crate::live::LiveState;
use crate::policy::model::Subdomain;
use crate::policy::resolve::ResolvedAccount;
use crate::zendesk::api_warn::ApiWarning;
use crate::zendesk::client::error::ZendeskError;
use crate::zendesk::model::{
    AccountSettings, BatchJob, SunshineApp, SunshineAppSettings, Trigger, TriggerBulkUpdateItem,
    TriggerCategory, TriggerDefinitions,
};
use crate::zendesk::read::{ReadAccounts, ReadApi};
use crate::zendesk::write::{WriteAccess, WriteAccounts, WriteApi};

/// What the accounts were asked, shared by the fake and its accounts.
#[derive(Debug, Default)]
struct Shared {
    /// One line per call: `acme: open`, `acme: update_account_settings {…}`.
    log: Mutex<Vec<String>>,
    /// Accounts reading their triggers now, and the most at once.
    reading: AtomicUsize,
    most_reading: AtomicUsize,
}

impl Shared {
    fn log(&self, line: String) {
        if let Ok(mut log) = self.log.lock() {
            log.push(line);
        }
    }
}

/// Accounts by name in the policy, each serving its live state; an account without one fails
/// to open, as one whose credentials cannot be resolved does.
#[derive(Debug)]
pub(crate) struct FakeZendesk {
    live: Mutex<BTreeMap<String, LiveState>>,
    parallelism: usize,
    shared: Arc<Shared>,
}

impl FakeZendesk {
    /// No accounts yet; at most `parallelism` read at once.
    pub(crate) fn new(parallelism: usize) -> Self {
        Self {
            live: Mutex::new(BTreeMap::new()),
            parallelism,
            shared: Arc::default(),
        }
    }

    /// Serves `live` for the account `name` from now on.
    pub(crate) fn set(&self, name: &str, live: LiveState) {
        if let Ok(mut accounts) = self.live.lock() {
            accounts.insert(name.to_owned(), live);
        }
    }

    /// Every call so far, in order.
    pub(crate) fn log(&self) -> Vec<String> {
        self.shared
            .log
            .lock()
            .map(|l| l.clone())
            .unwrap_or_default()
    }

    /// The writes so far (the calls of [`WriteApi`]), in order.
    pub(crate) fn writes(&self) -> Vec<String> {
        let reads = [": open", ": read", ": writer"];
        self.log()
            .into_iter()
            .filter(|line| !reads.iter().any(|r| line.contains(r)))
            .collect()
    }

    /// The most accounts that were reading their triggers at once.
    pub(crate) fn most_reading(&self) -> usize {
        self.shared.most_reading.load(Ordering::SeqCst)
    }
}

impl ReadAccounts for FakeZendesk {
    type Reader = FakeAccount;

    fn parallelism(&self) -> usize {
        self.parallelism
    }

    fn host(&self, subdomain: &Subdomain) -> String {
        format!("{}.fake.example", subdomain.as_str())
    }

    async fn open(&self, account: &ResolvedAccount) -> Result<FakeAccount, ZendeskError> {
        let name = account.name.value.to_string();
        self.shared.log(format!("{name}: open"));
        let live = self.live.lock().ok().and_then(|a| a.get(&name).cloned());
        let live = live.ok_or_else(|| ZendeskError::Setup("no credentials".to_owned()))?;
        Ok(FakeAccount {
            name,
            live,
            shared: Arc::clone(&self.shared),
        })
    }
}

impl WriteAccounts for FakeZendesk {
    type Writer = FakeAccount;

    fn writer(&self, reader: FakeAccount, access: WriteAccess) -> FakeAccount {
        let _ = access;
        self.shared.log(format!("{}: writer", reader.name));
        reader
    }
}

/// One account of a [`FakeZendesk`].
#[derive(Debug)]
pub(crate) struct FakeAccount {
    name: String,
    live: LiveState,
    shared: Arc<Shared>,
}

impl FakeAccount {
    fn wrote(&self, call: &str, body: Value) {
        self.shared.log(format!("{}: {call} {body}", self.name));
    }
}

impl ReadApi for FakeAccount {
    fn account_name(&self) -> &str {
        &self.name
    }

    async fn list_triggers(&self) -> Result<Vec<Trigger>, ZendeskError> {
        self.shared.log(format!("{}: read triggers", self.name));
        let now = self.shared.reading.fetch_add(1, Ordering::SeqCst) + 1;
        self.shared.most_reading.fetch_max(now, Ordering::SeqCst);
        // Lets the other accounts' reads run meanwhile, as a request in flight would.
        tokio::task::yield_now().await;
        self.shared.reading.fetch_sub(1, Ordering::SeqCst);
        Ok(self.live.triggers.clone())
    }

    async fn list_trigger_categories(&self) -> Result<Vec<TriggerCategory>, ZendeskError> {
        Ok(self.live.categories.clone())
    }

    async fn trigger_categories(&self) -> Result<Option<Vec<TriggerCategory>>, ZendeskError> {
        Ok(Some(self.live.categories.clone()).filter(|_| self.live.trigger_categories_enabled))
    }

    async fn trigger_definitions(&self) -> Result<TriggerDefinitions, ZendeskError> {
        Ok(self.live.definitions.clone())
    }

    async fn account_settings(&self) -> Result<AccountSettings, ZendeskError> {
        Ok(self.live.settings.clone())
    }

    async fn sunshine_app(&self) -> Result<Option<SunshineApp>, ZendeskError> {
        Ok(self.live.sunshine.clone())
    }

    async fn directory(
        &self,
        kinds: &std::collections::BTreeSet<ListKind>,
    ) -> Result<Directory, ZendeskError> {
        let _ = kinds;
        Ok(self.live.directory.clone())
    }
}

/// An answer built from what was sent, or the error of a body that does not parse as one.
fn answer<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, ZendeskError> {
    serde_json::from_value(value).map_err(|e| ZendeskError::Setup(e.to_string()))
}

impl WriteApi for FakeAccount {
    async fn create_category(&self, name: &str) -> Result<TriggerCategory, ZendeskError> {
        self.wrote("create_category", json!(name));
        answer(json!({"id": "9001", "name": name, "position": 99}))
    }

    async fn create_trigger(&self, body: &Value) -> Result<Trigger, ZendeskError> {
        self.wrote("create_trigger", body.clone());
        let mut trigger = body["trigger"].clone();
        trigger["id"] = json!(9002);
        trigger["position"] = json!(99);
        answer(trigger)
    }

    async fn update_trigger(&self, id: u64, body: &Value) -> Result<Trigger, ZendeskError> {
        self.wrote("update_trigger", json!([id, body]));
        let mut trigger = body["trigger"].clone();
        trigger["id"] = json!(id);
        answer(trigger)
    }

    async fn update_triggers_bulk(
        &self,
        items: &[TriggerBulkUpdateItem],
    ) -> Result<(), ZendeskError> {
        self.wrote("update_many", json!(items));
        Ok(())
    }

    async fn run_category_job(&self, job: &BatchJob) -> Result<(), ZendeskError> {
        self.wrote("category_job", json!(job));
        Ok(())
    }

    async fn delete_trigger(&self, id: u64) -> Result<(), ZendeskError> {
        self.wrote("delete_trigger", json!(id));
        Ok(())
    }

    async fn update_account_settings(
        &self,
        settings: &AccountSettings,
    ) -> Result<Option<ApiWarning>, ZendeskError> {
        self.wrote("update_account_settings", json!(settings));
        Ok(None)
    }

    async fn update_sunshine_app(
        &self,
        app_id: &str,
        settings: &SunshineAppSettings,
    ) -> Result<(), ZendeskError> {
        self.wrote("update_sunshine_app", json!([app_id, settings]));
        Ok(())
    }
}
