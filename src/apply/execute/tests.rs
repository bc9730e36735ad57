//! Executing one account's changes against a write API that records what it is sent: the
//! order changes go out in one job after the creates whose ids they need, and fail together.

use std::sync::Mutex;

use serde_json::{Value, json};

use super::*;
use crate::plan::plan_account;
use crate::policy::load::load_texts;
use crate::zendesk::api_warn::ApiWarning;
use crate::zendesk::client::error::ZendeskError;
use crate::zendesk::model::{
    AccountSettings, BatchJob, SunshineApp, SunshineAppSettings, Trigger, TriggerCategory,
    TriggerDefinitions,
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

#[test]
fn a_trigger_naming_a_category_not_created_is_not_sent_without_one() {
    // Left out, the category would silently become Zendesk's first one: the write fails instead.
    let write = crate::plan::TriggerWrite {
        title: Some("T".into()),
        description: None,
        active: Some(true),
        category: Some(crate::plan::CategoryRef::Planned {
            name: "Escalations".into(),
        }),
        conditions: crate::zendesk::model::Conditions::default(),
        actions: Vec::new(),
    };
    let created = std::collections::BTreeMap::new();
    let err = super::send::category_id(&write, &created).expect_err("not created yet");
    assert!(
        matches!(&err, crate::apply::error::WriteError::NotCreated(what) if what.contains("Escalations")),
        "{err:?}"
    );
    let made = std::collections::BTreeMap::from([("Escalations".to_owned(), "42".to_owned())]);
    assert_eq!(
        super::send::category_id(&write, &made).expect("created"),
        Some("42".to_owned())
    );
}
