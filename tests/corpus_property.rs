//! Property, over HTTP against the simulator: for accounts generated from the corpus's quirk
//! classes, `export` validates with no diagnostic and plans to no change; changing one field
//! of one trigger in the exported policy applies as exactly that trigger's PUT, whose body is
//! the trigger as read except that field (and zdpolicy's marker line, on its first write);
//! every other trigger stays byte-identical, and the next plan is empty.

mod corpus;

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Map, Value, json};
use zdpolicy::apply::{ApplyOptions, apply};
use zdpolicy::export::{ExportOptions, ExportedAccount, export_account, to_yaml};
use zdpolicy::live::LiveState;
use zdpolicy::plan::ownership::managed_description;
use zdpolicy::plan::{CategoryRef, ChangeAction, Operation, Plan, has_changes};
use zdpolicy::policy::model::TriggerKey;
use zdpolicy::policy::resolve::ResolvedAccount;
use zdpolicy::policy::{load_sources, source::SourceMap};
use zdpolicy::read_plan::read_accounts;
use zdpolicy::read_plan::read_and_plan;
use zdpolicy::simulator::{RunningSimulator, Simulator, SimulatorConfig};
use zdpolicy::zendesk::client::base_url::BaseUrlTemplate;
use zdpolicy::zendesk::client::{Client, ClientConfig};
use zdpolicy::zendesk::model::Trigger;

/// One field of one trigger, changed in the exported policy.
#[derive(Debug, Clone, Copy)]
enum Edit {
    Active,
    Title,
    Description,
    AddAction,
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        Just(Edit::Active),
        Just(Edit::Title),
        Just(Edit::Description),
        Just(Edit::AddAction),
    ]
}

fn load(text: &str) -> Vec<ResolvedAccount> {
    let mut sources = SourceMap::new();
    sources.add("exported.yaml", text.to_owned());
    let policy = load_sources("exported".into(), sources);
    assert!(
        policy.diagnostics.is_empty(),
        "not even a warning: {:#?}\n{text}",
        policy.diagnostics
    );
    policy.accounts
}

async fn live(client: &Client, accounts: &[ResolvedAccount]) -> LiveState {
    let mut reads = read_accounts(client, accounts, &|_| {}).await;
    reads.remove(0).result.expect("the account reads")
}

fn assert_empty(plan: &Plan, text: &str) {
    let pending: Vec<String> = plan.accounts[0]
        .changes
        .iter()
        .filter(|c| c.is_pending())
        .map(|c| format!("{} {:?} {:#?}", c.address, c.action, c.fields))
        .collect();
    assert!(
        !has_changes(plan) && !plan.has_errors() && plan.accounts[0].diagnostics.is_empty(),
        "{pending:#?}\n{:#?}\n{text}",
        plan.accounts[0].diagnostics
    );
}

fn writes(sim: &RunningSimulator) -> Vec<String> {
    sim.handle()
        .requests(Some("acme"))
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

/// Applies `edit` to the exported trigger and to what its PUT body should be.
fn apply_edit(edit: Edit, spec: &mut Value, body: &mut Map<String, Value>) {
    match edit {
        Edit::Active => {
            let active = !spec["active"].as_bool().unwrap_or(true);
            spec["active"] = json!(active);
            body.insert("active".into(), json!(active));
        }
        Edit::Title => {
            let title = format!("{} (edited) ", spec["title"].as_str().unwrap_or_default());
            spec["title"] = json!(title);
            body.insert("title".into(), json!(title));
        }
        Edit::Description => {
            spec["description"] = json!("Edited  text\t");
        }
        Edit::AddAction => {
            let action = json!({"field": "set_tags", "value": "corpus-edited"});
            spec["actions"].as_array_mut().unwrap().push(action.clone());
            body["actions"].as_array_mut().unwrap().push(action);
        }
    }
}

/// The PUT body of `trigger` as read: every attribute zdpolicy sends, as Zendesk holds it
/// (the description is added once the edit is known).
fn body_as_read(trigger: &Trigger) -> Map<String, Value> {
    let mut body = Map::new();
    body.insert("title".into(), json!(trigger.title));
    body.insert("active".into(), json!(trigger.active));
    if let Some(Some(category_id)) = &trigger.category_id {
        body.insert("category_id".into(), json!(category_id));
    }
    body.insert("conditions".into(), json!(trigger.conditions));
    body.insert("actions".into(), json!(trigger.actions));
    body
}

async fn run(shapes: Vec<corpus::Shape>, pick: prop::sample::Index, edit: Edit) {
    let sim = Simulator::start(SimulatorConfig {
        accounts: vec![corpus::account("acme", 7_340_000_000_000, &shapes)],
        ..SimulatorConfig::ephemeral()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, corpus::TOKEN).unwrap();
    let client = Client::new(ClientConfig {
        // The credentials are `file:`/`cmd:` references, which the test (not a policy author) allows.
        allow_credential_commands: true,
        base_url: BaseUrlTemplate::parse(&sim.url_template()).unwrap(),
        request_timeout: Duration::from_secs(5),
        ..ClientConfig::default()
    })
    .unwrap();
    let start = load(&format!(
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: {{ oauth_token: \"file:{}\" }}\n    safety: {{ max_changed_percent: 100 }}\n",
        token.display()
    ));
    let read = live(&client, &start).await;
    let exported = export_account(
        &start[0],
        &read,
        ExportOptions {
            triggers: true,
            names: true,
        },
    );
    let text = to_yaml(std::slice::from_ref(&exported), None);
    let accounts = load(&text);
    assert_empty(&read_and_plan(&client, &accounts, &|_| {}).await, &text);

    // Change one field of one trigger.
    let mut entry = exported.entry.clone();
    let specs = entry["triggers"].as_array().unwrap().len();
    let index = pick.index(specs);
    let key = entry["triggers"][index]["key"].as_str().unwrap().to_owned();
    let id = entry["trigger_ids"][&key].as_u64().unwrap();
    let trigger = read.triggers.iter().find(|t| t.id == id).unwrap().clone();
    let mut expected = body_as_read(&trigger);
    apply_edit(edit, &mut entry["triggers"][index], &mut expected);
    let description = entry["triggers"][index]["description"].as_str();
    let key_name = TriggerKey::parse(&key).unwrap();
    expected.insert(
        "description".into(),
        json!(managed_description(&key_name, description)),
    );
    let edited = ExportedAccount {
        entry: entry.clone(),
        ..exported
    };
    let text = to_yaml(&[edited], None);
    let accounts = load(&text);
    let plan = read_and_plan(&client, &accounts, &|_| {}).await;
    let changed: Vec<_> = plan.accounts[0]
        .changes
        .iter()
        .filter(|c| c.action != ChangeAction::NoOp)
        .collect();
    assert_eq!(changed.len(), 1, "{edit:?} of {key}: {changed:#?}");
    let Some(Operation::UpdateTrigger {
        id: put,
        trigger: write,
    }) = changed[0].operation.as_deref()
    else {
        panic!("an update: {:#?}", changed[0])
    };
    assert_eq!(*put, id);
    let category = match &write.category {
        Some(CategoryRef::Existing { id, .. }) => Some(id.as_str()),
        _ => None,
    };
    let body = write.request_body(category);
    assert_eq!(
        body["trigger"],
        Value::Object(expected),
        "{edit:?} of {key}: the PUT body is the trigger as read but the edit"
    );

    let before: BTreeMap<u64, Trigger> = read.triggers.iter().map(|t| (t.id, t.clone())).collect();
    sim.handle().reset_stats();
    let report = apply(
        &client,
        &plan,
        &accounts,
        ApplyOptions::default(),
        &AtomicBool::new(false),
    )
    .await
    .expect("the plan was just made");
    assert!(report.succeeded(), "{}", report.summary());
    // One write: the trigger's PUT, or `update_many` when only its active state changes
    // (apply sends those together; a one-item list here).
    let written = writes(&sim);
    assert!(
        written == [format!("PUT /api/v2/triggers/{id}")]
            || written == ["PUT /api/v2/triggers/update_many"] && matches!(edit, Edit::Active),
        "{edit:?} of {key}: {written:?}"
    );
    let after = live(&client, &accounts).await;
    assert_eq!(after.triggers.len(), before.len());
    for trigger in &after.triggers {
        if trigger.id != id {
            assert_eq!(Some(trigger), before.get(&trigger.id), "untouched");
            continue;
        }
        // The edited trigger holds what was sent and everything else as it was; only the
        // stamps Zendesk sets on a write (`updated_at`, `raw_title` from the title) move.
        let mut wanted = json!(before[&id]);
        for (name, value) in body["trigger"].as_object().unwrap() {
            wanted[name] = value.clone();
        }
        let mut got = json!(trigger);
        for stamp in ["updated_at", "raw_title", "url"] {
            got.as_object_mut().unwrap().remove(stamp);
            wanted.as_object_mut().unwrap().remove(stamp);
        }
        if written == ["PUT /api/v2/triggers/update_many"] {
            // update_many sends only the active state; the description (already marked,
            // or the change would not be active-only) is as read.
            wanted["description"] = json!(before[&id].description);
        }
        assert_eq!(got, wanted, "{edit:?} of {key}");
    }
    assert_empty(&read_and_plan(&client, &accounts, &|_| {}).await, &text);
    sim.shutdown().await.unwrap();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn export_plans_empty_and_one_edit_writes_only_that_trigger(
        shapes in prop::collection::vec(corpus::shape(), 1..14),
        pick in any::<prop::sample::Index>(),
        edit in edit(),
    ) {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(run(shapes, pick, edit));
    }
}
