//! Executing one account's authorised changes through the write API: categories first, then
//! triggers, then positions (one request for all of the account's order changes), then
//! settings; stopping at the first failure, so the report says exactly what was done.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use super::error::WriteError;
use super::report::{AccountReport, ChangeReport, ErrorReport, Outcome};
use crate::live::LiveState;
use crate::plan::ownership::marker_key;
use crate::plan::{CategoryRef, Change, ChangeAction, Operation, TriggerRef, TriggerWrite};
use crate::policy::model::AccountName;
use crate::zendesk::api_warn::ApiWarning;
use crate::zendesk::client::error::ZendeskError;
use crate::zendesk::model::{
    AccountSettings, BatchCategoryItem, BatchJob, BatchJobItems, BatchTriggerItem,
    TriggerBulkUpdateItem,
};
use crate::zendesk::read::ReadApi;
use crate::zendesk::write::WriteApi;

/// How often a create whose outcome was unknown is checked and tried again.
const CREATE_ATTEMPTS: usize = 3;

/// What to do with a change, decided before any write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Apply it.
    Apply,
    /// Skip it: stale (the reason).
    Stale(String),
}

/// One change of an account and what to do with it. To apply, the change is the one planned
/// from the policy and a fresh read (never one read from a plan file); to skip, the reviewed
/// one, for the report.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    /// The change.
    pub change: &'a Change,
    /// What to do with it.
    pub decision: Decision,
}

/// Applies one account's steps in order (see [`in_order`]); `stop` is set by a signal.
pub async fn execute<A: ReadApi + WriteApi>(
    api: &A,
    account: &AccountName,
    steps: &[Step<'_>],
    live: &LiveState,
    stop: &AtomicBool,
) -> AccountReport {
    let mut categories: BTreeMap<String, String> = live
        .categories
        .iter()
        .map(|c| (c.name.clone(), c.id.clone()))
        .collect();
    let mut reports = Vec::new();
    let mut halted: Option<String> = None;
    // Changes that only flip `active` or move a category go out together in one update_many,
    // sent at the first of them: what it did is what happened to every one of them, even to
    // those after a later failure or an interruption.
    let mut bulk: Option<Result<(), Failed>> = None;
    // Likewise every order change of the account goes out in one request, at the first of
    // them; it needs the ids of the triggers created before it.
    let mut positions: Option<Result<(), Failed>> = None;
    let mut created: BTreeMap<String, u64> = BTreeMap::new();
    for step in steps {
        let change = step.change;
        let mut report = ChangeReport::new(change, Outcome::NotAttempted);
        let in_bulk = step.decision == Decision::Apply && bulk_eligible(change);
        if let (true, Some(result)) = (in_bulk, &bulk) {
            bulk_outcome(&mut report, result);
            reports.push(report);
            continue;
        }
        let in_positions = step.decision == Decision::Apply && sets_positions(change);
        if let (true, Some(result)) = (in_positions, &positions) {
            bulk_outcome(&mut report, result);
            reports.push(report);
            continue;
        }
        if change.action == ChangeAction::Manual {
            report.outcome = Outcome::PendingManual;
            reports.push(report);
            continue;
        }
        if let Decision::Stale(reason) = &step.decision {
            report.outcome = Outcome::SkippedStale;
            report.detail = Some(reason.clone());
            reports.push(report);
            continue;
        }
        if let Some(reason) = &halted {
            report.detail = Some(reason.clone());
            reports.push(report);
            continue;
        }
        if stop.load(Ordering::SeqCst) {
            halted = Some("not attempted: apply was interrupted before this change".into());
            report.detail = halted.clone();
            reports.push(report);
            continue;
        }
        let failed = if in_bulk {
            let items: Vec<TriggerBulkUpdateItem> = steps
                .iter()
                .filter(|s| s.decision == Decision::Apply && bulk_eligible(s.change))
                .filter_map(|s| bulk_item(s.change, &categories))
                .collect();
            let result = api
                .update_triggers_bulk(&items)
                .await
                .map_err(|e| Failed::from(&WriteError::from(e)));
            bulk_outcome(&mut report, &result);
            let failed = result.is_err();
            bulk = Some(result);
            failed
        } else if in_positions {
            let changes: Vec<&Change> = steps
                .iter()
                .filter(|s| s.decision == Decision::Apply && sets_positions(s.change))
                .map(|s| s.change)
                .collect();
            let result = send_positions(api, &changes, &categories, &created, live)
                .await
                .map_err(|e| Failed::from(&e));
            bulk_outcome(&mut report, &result);
            let failed = result.is_err();
            positions = Some(result);
            failed
        } else {
            match apply_one(api, change, &mut categories).await {
                Ok(id) => {
                    report.outcome = Outcome::Applied;
                    if let (Some(Operation::CreateTrigger { .. }), Some(new)) = (
                        change.operation.as_deref(),
                        id.as_deref().and_then(|i| i.parse().ok()),
                    ) {
                        created.insert(change.address.name.clone(), new);
                    }
                    report.created_id = id;
                    false
                }
                Err(err) => {
                    bulk_outcome(&mut report, &Err(Failed::from(&err)));
                    true
                }
            }
        };
        if failed {
            halted = Some(format!(
                "not attempted: {} failed before it",
                change.address
            ));
        }
        reports.push(report);
    }
    AccountReport {
        account: account.to_string(),
        changes: reports,
        error: None,
        diagnostics: Vec::new(),
    }
}

/// A failed write as every change it carried reports it: in words and as data.
#[derive(Debug, Clone)]
struct Failed {
    detail: String,
    error: ErrorReport,
}

impl From<&WriteError> for Failed {
    fn from(err: &WriteError) -> Self {
        Self {
            detail: err.detail(),
            error: err.report(),
        }
    }
}

fn bulk_outcome(report: &mut ChangeReport, result: &Result<(), Failed>) {
    match result {
        Ok(()) => report.outcome = Outcome::Applied,
        Err(failed) => {
            report.outcome = Outcome::Failed;
            report.detail = Some(failed.detail.clone());
            report.error = Some(failed.error.clone());
        }
    }
}

/// The steps in the order apply makes them: categories (which triggers may need), then
/// triggers, then settings, stricter Sunshine Conversations settings first (reopening off
/// before end sessions on, end sessions off before reopening on: Zendesk requires reopening
/// off while end users can end sessions); manual steps and skipped no-ops last. Stable: within
/// a rank, the plan's (address) order.
pub fn in_order(mut steps: Vec<Step<'_>>) -> Vec<Step<'_>> {
    steps.sort_by_key(|s| rank(s.change));
    steps
}

fn rank(change: &Change) -> u8 {
    match change.operation.as_deref() {
        Some(Operation::CreateCategory { .. }) => 0,
        Some(
            Operation::CreateTrigger { .. }
            | Operation::UpdateTrigger { .. }
            | Operation::DeleteTrigger { .. },
        ) => 1,
        Some(Operation::SetPositions { .. }) => 2,
        Some(Operation::UpdateAccountSettings { .. }) => 3,
        Some(Operation::UpdateSunshineApp { settings, .. }) => {
            let stricter = settings.disable_conversation_reopen == Some(true)
                || settings.end_session_enabled == Some(false);
            if stricter { 3 } else { 4 }
        }
        None => 5,
    }
}

/// Whether apply (or a person) has something to do for a change: an operation to send or a
/// manual step to list (not one recorded as done).
pub fn has_work(change: &Change) -> bool {
    change.operation.is_some() || change.action == ChangeAction::Manual && !change.is_confirmed()
}

/// Sends one change; returns the id of what it created.
async fn apply_one<A: ReadApi + WriteApi>(
    api: &A,
    change: &Change,
    categories: &mut BTreeMap<String, String>,
) -> Result<Option<String>, WriteError> {
    let Some(operation) = change.operation.as_deref() else {
        return Ok(None);
    };
    match operation {
        Operation::CreateCategory { name } => {
            // A category created by an earlier, interrupted apply is reused, not duplicated.
            if let Some(id) = categories.get(name) {
                return Ok(Some(id.clone()));
            }
            let id = create_once(
                || async { api.create_category(name).await.map(|c| c.id) },
                || async {
                    let categories = api.list_trigger_categories().await?;
                    Ok(categories
                        .into_iter()
                        .find(|c| c.name == *name)
                        .map(|c| c.id))
                },
            )
            .await?;
            categories.insert(name.clone(), id.clone());
            Ok(Some(id))
        }
        Operation::CreateTrigger { trigger } => {
            let body = trigger.request_body(category_id(trigger, categories).as_deref());
            let id = create_trigger(api, trigger, &body).await?;
            Ok(Some(id.to_string()))
        }
        Operation::UpdateTrigger { id, trigger } => {
            let body = trigger.request_body(category_id(trigger, categories).as_deref());
            api.update_trigger(*id, &body).await?;
            Ok(None)
        }
        Operation::DeleteTrigger { id } => {
            api.delete_trigger(*id).await?;
            Ok(None)
        }
        Operation::UpdateAccountSettings { settings } => {
            let warning = api.update_account_settings(settings).await?;
            ignored_keys(settings, warning.as_ref())?;
            Ok(None)
        }
        Operation::UpdateSunshineApp { app_id, settings } => {
            api.update_sunshine_app(app_id, settings).await?;
            Ok(None)
        }
        Operation::SetPositions { .. } => {
            // Sent together with the account's other order changes by `execute`.
            Ok(None)
        }
    }
}

fn sets_positions(change: &Change) -> bool {
    matches!(
        change.operation.as_deref(),
        Some(Operation::SetPositions { .. })
    )
}

/// Sends the positions of every order change of the account in one request: a category batch
/// job, or `update_many` for an account without trigger categories (the job is a categories
/// endpoint there).
async fn send_positions<A: WriteApi>(
    api: &A,
    changes: &[&Change],
    categories: &BTreeMap<String, String>,
    created: &BTreeMap<String, u64>,
    live: &LiveState,
) -> Result<(), WriteError> {
    let mut items = BatchJobItems::default();
    for change in changes {
        let Some(Operation::SetPositions {
            trigger_categories,
            triggers,
        }) = change.operation.as_deref()
        else {
            continue;
        };
        for item in trigger_categories {
            let id = category_ref_id(&item.category, categories)?;
            items.trigger_categories.push(BatchCategoryItem {
                id,
                position: item.position,
            });
        }
        for item in triggers {
            let id = match &item.trigger {
                TriggerRef::Existing { id } => *id,
                TriggerRef::Planned { key } => *created
                    .get(key)
                    .ok_or_else(|| WriteError::NotCreated(format!("trigger `{key}`")))?,
            };
            let category_id = match &item.category {
                Some(category) => Some(category_ref_id(category, categories)?),
                None => None,
            };
            items.triggers.push(BatchTriggerItem {
                id: id.to_string(),
                position: Some(item.position),
                active: None,
                category_id,
            });
        }
    }
    if !live.trigger_categories_enabled {
        let bulk: Vec<TriggerBulkUpdateItem> = items
            .triggers
            .iter()
            .filter_map(|t| {
                Some(TriggerBulkUpdateItem {
                    id: t.id.parse().ok()?,
                    position: t.position,
                    active: None,
                    category_id: None,
                })
            })
            .collect();
        api.update_triggers_bulk(&bulk).await?;
        return Ok(());
    }
    let job = BatchJob {
        action: "patch".to_owned(),
        items,
    };
    api.run_category_job(&job).await?;
    Ok(())
}

fn category_ref_id(
    category: &CategoryRef,
    categories: &BTreeMap<String, String>,
) -> Result<String, WriteError> {
    match category {
        CategoryRef::Existing { id, .. } => Ok(id.clone()),
        CategoryRef::Planned { name } => categories
            .get(name)
            .cloned()
            .ok_or_else(|| WriteError::NotCreated(format!("category \"{name}\""))),
    }
}

/// Fails a settings write whose keys Zendesk answered with success but ignored, as it says in
/// `X-Zendesk-API-Warn` (settings PUTs can drop keys silently: docs/zendesk-notes.md, "Ignored
/// keys").
fn ignored_keys(
    settings: &AccountSettings,
    warning: Option<&ApiWarning>,
) -> Result<(), WriteError> {
    let Some(warning) = warning else {
        return Ok(());
    };
    let sent = sent_keys(settings);
    let ignored: Vec<&str> = sent
        .iter()
        .map(String::as_str)
        .filter(|key| warning.ignores(&format!("settings.{key}")))
        .collect();
    if ignored.is_empty() {
        return Ok(());
    }
    Err(WriteError::Ignored {
        keys: ignored.join(", "),
        warning: warning.raw.clone(),
    })
}

/// The dotted keys a settings write sends, one level into each section
/// (`messaging_inactivity.timeout`).
fn sent_keys(settings: &AccountSettings) -> Vec<String> {
    let value = crate::plan::model::json(settings);
    let mut keys = Vec::new();
    for (section, inner) in value.as_object().into_iter().flatten() {
        match inner.as_object() {
            Some(inner) if !inner.is_empty() => {
                keys.extend(inner.keys().map(|key| format!("{section}.{key}")));
            }
            _ => keys.push(section.clone()),
        }
    }
    keys
}

/// Whether a change only flips a trigger's active state and/or moves its category: Zendesk's
/// `update_many` does those for many triggers in one request.
fn bulk_eligible(change: &Change) -> bool {
    matches!(
        change.operation.as_deref(),
        Some(Operation::UpdateTrigger { .. })
    ) && !change.fields.is_empty()
        && change
            .fields
            .iter()
            .all(|f| f.field == "active" || f.field == "category")
}

fn bulk_item(
    change: &Change,
    categories: &BTreeMap<String, String>,
) -> Option<TriggerBulkUpdateItem> {
    let Some(Operation::UpdateTrigger { id, trigger }) = change.operation.as_deref() else {
        return None;
    };
    let moves = change.fields.iter().any(|f| f.field == "category");
    Some(TriggerBulkUpdateItem {
        id: *id,
        position: None,
        active: trigger.active,
        category_id: if moves {
            category_id(trigger, categories)
        } else {
            None
        },
    })
}

fn category_id(trigger: &TriggerWrite, categories: &BTreeMap<String, String>) -> Option<String> {
    match trigger.category.as_ref()? {
        CategoryRef::Existing { id, .. } => Some(id.clone()),
        CategoryRef::Planned { name } => categories.get(name).cloned(),
    }
}

/// Creates a trigger, checked by its ownership marker (see [`create_once`]).
async fn create_trigger<A: ReadApi + WriteApi>(
    api: &A,
    trigger: &TriggerWrite,
    body: &serde_json::Value,
) -> Result<u64, ZendeskError> {
    let key = marker_key(trigger.description.as_deref()).map(str::to_owned);
    create_once(
        || async { api.create_trigger(body).await.map(|t| t.id) },
        || async {
            let Some(key) = &key else { return Ok(None) };
            let triggers = api.list_triggers().await?;
            Ok(triggers
                .iter()
                .find(|t| {
                    marker_key(t.description.as_ref().and_then(Option::as_deref))
                        == Some(key.as_str())
                })
                .map(|t| t.id))
        },
    )
    .await
}

/// Creates something exactly once. A POST whose outcome is unknown (the connection broke
/// after the request went out, or Zendesk answered 5xx) may have created it: `find` reads it
/// back first, and only if it is not there is the POST sent again.
async fn create_once<T, Create, CreateFut, Find, FindFut>(
    create: Create,
    find: Find,
) -> Result<T, ZendeskError>
where
    Create: Fn() -> CreateFut,
    CreateFut: std::future::Future<Output = Result<T, ZendeskError>>,
    Find: Fn() -> FindFut,
    FindFut: std::future::Future<Output = Result<Option<T>, ZendeskError>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        match create().await {
            Ok(created) => return Ok(created),
            Err(err) if err.outcome_unknown() && attempt < CREATE_ATTEMPTS => {
                if let Some(found) = find().await? {
                    return Ok(found);
                }
            }
            Err(err) => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use serde_json::{Value, json};

    use super::*;
    use crate::plan::plan_account;
    use crate::policy::load::load_texts;
    use crate::zendesk::model::{
        SunshineApp, SunshineAppSettings, Trigger, TriggerCategory, TriggerDefinitions,
    };

    /// A write API that records what it is sent; the category job fails when `job_fails`.
    struct Recorder {
        calls: Mutex<Vec<(String, Value)>>,
        job_fails: bool,
    }

    impl Recorder {
        fn record(&self, call: &str, body: Value) {
            if let Ok(mut calls) = self.calls.lock() {
                calls.push((call.to_owned(), body));
            }
        }

        fn calls(&self) -> Vec<(String, Value)> {
            self.calls.lock().map(|c| c.clone()).unwrap_or_default()
        }
    }

    fn rejected() -> ZendeskError {
        ZendeskError::Rejected {
            account: "acme".into(),
            object: "trigger order".into(),
            status: 400,
            code: Some("failed".into()),
            message: "category_id is not valid".into(),
        }
    }

    impl ReadApi for Recorder {
        fn account_name(&self) -> &str {
            "acme"
        }
        async fn list_triggers(&self) -> Result<Vec<Trigger>, ZendeskError> {
            Ok(Vec::new())
        }
        async fn list_trigger_categories(&self) -> Result<Vec<TriggerCategory>, ZendeskError> {
            Ok(Vec::new())
        }
        async fn trigger_categories(&self) -> Result<Option<Vec<TriggerCategory>>, ZendeskError> {
            Ok(Some(Vec::new()))
        }
        async fn trigger_definitions(&self) -> Result<TriggerDefinitions, ZendeskError> {
            Ok(TriggerDefinitions::default())
        }
        async fn account_settings(&self) -> Result<AccountSettings, ZendeskError> {
            Ok(AccountSettings::default())
        }
        async fn sunshine_app(&self) -> Result<Option<SunshineApp>, ZendeskError> {
            Ok(None)
        }
    }

    impl WriteApi for Recorder {
        async fn create_category(&self, name: &str) -> Result<TriggerCategory, ZendeskError> {
            self.record("create_category", json!(name));
            Err(rejected())
        }
        async fn create_trigger(&self, body: &Value) -> Result<Trigger, ZendeskError> {
            let id = 900 + self.calls().len() as u64;
            self.record("create_trigger", body.clone());
            let mut trigger = body["trigger"].clone();
            trigger["id"] = json!(id);
            trigger["position"] = json!(9999);
            serde_json::from_value(trigger).map_err(|_| rejected())
        }
        async fn update_trigger(&self, id: u64, body: &Value) -> Result<Trigger, ZendeskError> {
            self.record("update_trigger", json!([id, body]));
            Err(rejected())
        }
        async fn update_triggers_bulk(
            &self,
            items: &[TriggerBulkUpdateItem],
        ) -> Result<(), ZendeskError> {
            self.record("update_many", json!(items));
            Ok(())
        }
        async fn run_category_job(&self, job: &BatchJob) -> Result<(), ZendeskError> {
            self.record("job", json!(job));
            if self.job_fails {
                Err(rejected())
            } else {
                Ok(())
            }
        }
        async fn delete_trigger(&self, id: u64) -> Result<(), ZendeskError> {
            self.record("delete_trigger", json!(id));
            Ok(())
        }
        async fn update_account_settings(
            &self,
            settings: &AccountSettings,
        ) -> Result<Option<ApiWarning>, ZendeskError> {
            self.record("settings", json!(settings));
            Ok(None)
        }
        async fn update_sunshine_app(
            &self,
            app_id: &str,
            _: &SunshineAppSettings,
        ) -> Result<(), ZendeskError> {
            self.record("sunshine", json!(app_id));
            Ok(())
        }
    }

    fn live() -> LiveState {
        serde_json::from_value(json!({
            "triggers": [
                {"id": 101, "title": "Route VIP", "active": true, "position": 3, "category_id": "30",
                 "conditions": {"all": [], "any": []}, "actions": [{"field": "status", "value": "open"}]}
            ],
            "categories": [
                {"id": "10", "name": "Notifications", "position": 1},
                {"id": "30", "name": "Routing", "position": 5}
            ],
            "definitions": {"actions": [], "conditions_all": [], "conditions_any": []},
            "settings": {}, "sunshine": null
        }))
        .expect("live state")
    }

    const POLICY: &str = "version: 1
accounts:
  acme:
    subdomain: acme
    order: manage
    trigger_categories: [Routing]
    triggers:
      - { key: vip, title: VIP, category: Routing, placement: first, actions: [ { field: priority, value: high } ] }
";

    async fn run(job_fails: bool) -> (AccountReport, Vec<(String, Value)>) {
        let policy = load_texts(&[("p.yaml", POLICY)]);
        let live = live();
        let plan = plan_account(&policy.accounts[0], &live);
        let steps: Vec<Step<'_>> = plan
            .changes
            .iter()
            .filter(|c| has_work(c))
            .map(|change| Step {
                change,
                decision: Decision::Apply,
            })
            .collect();
        let api = Recorder {
            calls: Mutex::new(Vec::new()),
            job_fails,
        };
        let stop = AtomicBool::new(false);
        let report = execute(&api, &plan.account, &in_order(steps), &live, &stop).await;
        (report, api.calls())
    }

    #[tokio::test]
    async fn every_move_goes_in_one_job_after_the_create_with_its_new_id() {
        let (report, calls) = run(false).await;
        let names: Vec<&str> = calls.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["create_trigger", "job"]);
        assert_eq!(
            calls[1].1,
            json!({"action": "patch", "items": {
                "trigger_categories": [{"id": "30", "position": 1}, {"id": "10", "position": 2}],
                "triggers": [
                    {"id": "900", "position": 1, "category_id": "30"},
                    {"id": "101", "position": 2, "category_id": "30"}
                ]
            }})
        );
        let outcomes: Vec<(&str, Outcome)> = report
            .changes
            .iter()
            .map(|c| (c.address.as_str(), c.outcome))
            .collect();
        assert_eq!(
            outcomes,
            [
                ("acme.trigger.vip", Outcome::Applied),
                ("acme.category_order.trigger_categories", Outcome::Applied),
                ("acme.order.Routing", Outcome::Applied)
            ]
        );
    }

    #[tokio::test]
    async fn a_failed_job_fails_every_order_change_it_carried() {
        let (report, calls) = run(true).await;
        assert_eq!(calls.iter().filter(|(name, _)| name == "job").count(), 1);
        let failed: Vec<&str> = report
            .changes
            .iter()
            .filter(|c| c.outcome == Outcome::Failed)
            .map(|c| c.address.as_str())
            .collect();
        assert_eq!(
            failed,
            [
                "acme.category_order.trigger_categories",
                "acme.order.Routing"
            ]
        );
    }
}
