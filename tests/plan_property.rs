//! Property: apply a plan (simulated the way Zendesk answers) and plan again: nothing is left
//! to do. Also: a live trigger that already matches, with values spelt the way Zendesk spells
//! them, plans as a no-op.

mod plan_support;

use plan_support::{ENDED_BY_AGENT, ENDED_SUBJECT, account, csat_trigger, definitions};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use zdpolicy::live::LiveState;
use zdpolicy::plan::ownership::managed_description;
use zdpolicy::plan::{
    self, AccountInput, ChangeAction, LiveValue, Targets, has_changes, load_saved, simulate,
    to_saved,
};
use zdpolicy::policy::model::TriggerKey;

const FIELDS: &[&str] = &[
    "status",
    "priority",
    "via_id",
    "current_tags",
    "assignee_id",
    "custom_fields_360001",
];
const OPERATORS: &[&str] = &[
    "is",
    "is_not",
    "less_than",
    "value",
    "includes",
    "changed",
    "not_present",
];
const TERMINAL: &[&str] = &["changed", "not_changed", "present", "not_present"];
const ACTION_FIELDS: &[&str] = &["priority", "set_tags", "group_id", "notification_user"];
/// "Notifications" and "Billing" exist in the live state; "VIP" does not.
const CATEGORIES: &[&str] = &["Notifications", "Billing", "VIP"];
const WORDS: &[&str] = &["Escalate", "Route", "Tag ", "Notify"];

#[derive(Debug, Clone)]
struct GenCondition {
    field: &'static str,
    operator: Option<&'static str>,
    value: Option<Value>,
}

#[derive(Debug, Clone)]
struct GenAction {
    field: &'static str,
    value: Option<Value>,
}

/// What Zendesk holds for a policy trigger before the first plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LiveForm {
    /// Nothing: it will be created.
    Absent,
    /// zdpolicy's trigger, matching, with values respelt (`75` as `"75"`, …) by this seed.
    Alike(u8),
    /// zdpolicy's trigger, edited in Zendesk (which field depends on the seed).
    Drifted(u8),
    /// Someone else's trigger with the same title, adopted with `adopt: true`.
    Unmarked,
}

#[derive(Debug, Clone)]
struct GenTrigger {
    title: String,
    description: Option<String>,
    category: Option<&'static str>,
    active: Option<bool>,
    all: Vec<GenCondition>,
    any: Vec<GenCondition>,
    actions: Vec<GenAction>,
    live: LiveForm,
}

#[derive(Debug, Clone)]
struct Scenario {
    triggers: Vec<GenTrigger>,
    stale: usize,
    unmanaged: usize,
    agents: Option<bool>,
    agents_live: bool,
    route: Option<&'static str>,
    inactivity: Option<bool>,
    inactivity_live: Option<bool>,
    end_users: Option<bool>,
    end_users_live: Option<bool>,
    survey: Option<bool>,
    survey_live: bool,
    report_unmanaged: bool,
}

fn value() -> impl Strategy<Value = Option<Value>> {
    prop_oneof![
        Just(None),
        Just(Some(Value::Null)),
        Just(Some(json!(""))),
        "[a-z]{1,6}".prop_map(|s| Some(json!(s))),
        (0u32..400).prop_map(|n| Some(json!(n))),
        (0u32..400).prop_map(|n| Some(json!(n.to_string()))),
        "[a-z]{1,4}".prop_map(|s| Some(json!([s]))),
        prop::collection::vec("[a-z0-9]{1,3}", 2..4).prop_map(|v| Some(json!(v))),
        any::<bool>().prop_map(|b| Some(json!(b))),
        "[a-z {}\n]{0,16}".prop_map(|s| Some(json!(s))),
    ]
}

fn condition() -> impl Strategy<Value = GenCondition> {
    (
        prop::sample::select(FIELDS),
        prop::option::weighted(0.9, prop::sample::select(OPERATORS)),
        value(),
    )
        .prop_map(|(field, operator, value)| GenCondition {
            field,
            operator,
            value,
        })
}

fn action() -> impl Strategy<Value = GenAction> {
    (prop::sample::select(ACTION_FIELDS), value())
        .prop_map(|(field, value)| GenAction { field, value })
}

fn live_form() -> impl Strategy<Value = LiveForm> {
    prop_oneof![
        Just(LiveForm::Absent),
        any::<u8>().prop_map(LiveForm::Alike),
        any::<u8>().prop_map(LiveForm::Drifted),
        Just(LiveForm::Unmarked),
    ]
}

fn trigger() -> impl Strategy<Value = GenTrigger> {
    (
        prop::sample::select(WORDS),
        prop::option::of("[A-Za-z .]{1,12}(\n[a-z ]{0,8}){0,2}\n?"),
        prop::option::of(prop::sample::select(CATEGORIES)),
        prop::option::of(any::<bool>()),
        prop::collection::vec(condition(), 0..4),
        prop::collection::vec(condition(), 0..3),
        prop::collection::vec(action(), 1..3),
        live_form(),
    )
        .prop_map(
            |(word, description, category, active, all, any, actions, live)| GenTrigger {
                title: word.to_owned(),
                description,
                category,
                active,
                all,
                any,
                actions,
                live,
            },
        )
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec(trigger(), 0..6),
        0usize..3,
        0usize..3,
        (prop::option::of(any::<bool>()), any::<bool>()),
        prop::option::of(prop::sample::select(&["email", "messaging"][..])),
        (
            prop::option::of(any::<bool>()),
            prop::option::of(any::<bool>()),
        ),
        (
            prop::option::of(any::<bool>()),
            prop::option::of(any::<bool>()),
        ),
        (prop::option::of(any::<bool>()), any::<bool>()),
        any::<bool>(),
    )
        .prop_map(
            |(
                triggers,
                stale,
                unmanaged,
                (agents, agents_live),
                route,
                (inactivity, inactivity_live),
                (end_users, end_users_live),
                (survey, survey_live),
                report_unmanaged,
            )| Scenario {
                // Titles are made unique by their index: `Escalate 0`, `Tag  1`, …
                triggers: triggers
                    .into_iter()
                    .enumerate()
                    .map(|(i, mut t)| {
                        t.title = format!("{} {i}", t.title);
                        t
                    })
                    .collect(),
                stale,
                unmanaged,
                // The live toggle follows the policy when it sets one: a manual step of known
                // need cannot be done by apply, so it would (rightly) remain.
                agents_live: agents.unwrap_or(agents_live),
                agents,
                route,
                inactivity,
                inactivity_live,
                end_users,
                end_users_live,
                survey,
                survey_live,
                report_unmanaged,
            },
        )
}

fn key(i: usize) -> String {
    format!("t{i}")
}

fn condition_json(c: &GenCondition, value: Option<Value>) -> Value {
    let mut map = Map::new();
    map.insert("field".into(), json!(c.field));
    if let Some(op) = c.operator {
        map.insert("operator".into(), json!(op));
    }
    if let Some(value) = value {
        map.insert("value".into(), value);
    }
    Value::Object(map)
}

fn action_json(a: &GenAction, value: Option<Value>) -> Value {
    let mut map = Map::new();
    map.insert("field".into(), json!(a.field));
    if let Some(value) = value {
        map.insert("value".into(), value);
    }
    Value::Object(map)
}

/// Whether the policy gives the session-ended condition (needed when the account does not
/// offer it and the policy speaks of the survey).
fn needs_override(s: &Scenario) -> bool {
    s.survey.is_some() && !s.agents_live
}

/// The policy, written as JSON (which YAML reads as flow style).
fn policy(s: &Scenario) -> String {
    let triggers: Vec<Value> = s
        .triggers
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let mut map = Map::new();
            map.insert("key".into(), json!(key(i)));
            map.insert("title".into(), json!(t.title));
            if let Some(d) = &t.description {
                map.insert("description".into(), json!(d));
            }
            if let Some(c) = t.category {
                map.insert("category".into(), json!(c));
            }
            if let Some(a) = t.active {
                map.insert("active".into(), json!(a));
            }
            if t.live == LiveForm::Unmarked {
                map.insert("adopt".into(), json!(true));
            }
            map.insert(
                "conditions".into(),
                json!({
                    "all": t.all.iter().map(|c| condition_json(c, c.value.clone())).collect::<Vec<_>>(),
                    "any": t.any.iter().map(|c| condition_json(c, c.value.clone())).collect::<Vec<_>>(),
                }),
            );
            map.insert(
                "actions".into(),
                t.actions.iter().map(|a| action_json(a, a.value.clone())).collect(),
            );
            Value::Object(map)
        })
        .collect();
    let mut messaging = Map::new();
    for (name, value) in [
        ("agents_can_end_sessions", s.agents.map(Value::from)),
        ("agent_ended_sessions_route_as", s.route.map(Value::from)),
        (
            "end_session_after_inactivity",
            s.inactivity.map(Value::from),
        ),
        ("end_users_can_end_sessions", s.end_users.map(Value::from)),
    ] {
        if let Some(value) = value {
            messaging.insert(name.into(), value);
        }
    }
    let mut csat = Map::new();
    if let Some(survey) = s.survey {
        csat.insert("survey_on_session_end".into(), json!(survey));
    }
    if needs_override(s) {
        csat.insert(
            "session_ended_condition".into(),
            json!({"field": "custom_session_reason", "value": "agent"}),
        );
    }
    let document = json!({
        "version": 1,
        "accounts": {
            "acme-prod": {
                "subdomain": "acme",
                "sunshine_conversations": {"app_id": "app1", "key_id": "env:K", "key_secret": "env:S"},
                "unmanaged_triggers": if s.report_unmanaged { "report" } else { "ignore" },
                "messaging": messaging,
                "csat": csat,
                "triggers": triggers,
            }
        }
    });
    document.to_string()
}

/// A value as Zendesk may spell what the policy says: ids as text, single values as
/// one-item lists (or the reverse), "no value" as absent, `null` or `""`.
fn respelt(value: Option<&Value>, operator: Option<&str>, seed: u8) -> Option<Value> {
    if operator.is_some_and(|op| TERMINAL.contains(&op)) {
        return [None, Some(Value::Null), Some(json!(""))][usize::from(seed % 3)].clone();
    }
    match value {
        None | Some(Value::Null) => [None, Some(Value::Null)][usize::from(seed % 2)].clone(),
        Some(Value::Number(n)) => Some(json!(n.to_string())),
        Some(Value::Bool(b)) => Some(json!(b.to_string())),
        Some(Value::String(s)) if seed.is_multiple_of(2) => Some(json!([s])),
        Some(Value::Array(items)) if items.len() == 1 => respelt(items.first(), None, seed / 2),
        Some(other) => Some(other.clone()),
    }
}

fn category_id(name: &str) -> Option<&'static str> {
    match name {
        "Notifications" => Some("100"),
        "Billing" => Some("200"),
        _ => None,
    }
}

/// The live trigger for a policy trigger that already exists in Zendesk.
fn live_trigger(i: usize, t: &GenTrigger) -> Option<Value> {
    let (seed, marked) = match t.live {
        LiveForm::Absent => return None,
        LiveForm::Alike(seed) | LiveForm::Drifted(seed) => (seed, true),
        LiveForm::Unmarked => (0, false),
    };
    let respell = |list: &[GenCondition]| -> Vec<Value> {
        list.iter()
            .map(|c| condition_json(c, respelt(c.value.as_ref(), c.operator, seed)))
            .collect()
    };
    let key = TriggerKey::parse(&key(i)).ok()?;
    let description = marked.then(|| managed_description(&key, t.description.as_deref()));
    let mut trigger = json!({
        "id": 5000 + i as u64,
        "title": t.title,
        "raw_title": t.title,
        "active": t.active.unwrap_or(true),
        "position": i,
        "description": description,
        "category_id": t.category.and_then(category_id).unwrap_or("200"),
        "conditions": {"all": respell(&t.all), "any": respell(&t.any)},
        "actions": t.actions.iter().map(|a| action_json(a, respelt(a.value.as_ref(), None, seed))).collect::<Vec<_>>(),
        "updated_at": "2025-05-05T05:05:05Z",
        "brand_id": 1
    });
    if let LiveForm::Drifted(seed) = t.live {
        match seed % 5 {
            0 => trigger["title"] = json!(format!("{} (edited)", t.title)),
            1 => trigger["active"] = json!(!t.active.unwrap_or(true)),
            2 => {
                trigger["conditions"]["all"] =
                    json!([{"field": "status", "operator": "is", "value": "open"}]);
            }
            3 => trigger["actions"] = json!([{"field": "status", "value": "pending"}]),
            // A person edited the text but kept the marker line.
            _ => {
                trigger["description"] = json!(format!(
                    "Edited by hand\n{}",
                    managed_description(&key, None)
                ));
            }
        }
    }
    Some(trigger)
}

/// The CSAT trigger, with the session-end edit made or not.
fn csat(s: &Scenario) -> Value {
    let mut trigger = csat_trigger(1);
    if s.survey_live {
        let ended = if needs_override(s) {
            json!({"field": "custom_session_reason", "operator": "value", "value": "agent"})
        } else if s.agents_live {
            json!({"field": ENDED_SUBJECT, "operator": "value", "value": ENDED_BY_AGENT})
        } else {
            // The condition cannot be in a trigger of an account that does not offer it.
            return trigger;
        };
        trigger["conditions"] = json!({
            "all": [
                {"field": "via_id", "operator": "is", "value": "75"},
                {"field": "csat_survey_sent", "operator": "is", "value": "false"}
            ],
            "any": [{"field": "status", "operator": "value", "value": "solved"}, ended]
        });
    }
    trigger
}

fn live_state(s: &Scenario) -> LiveState {
    let mut triggers = vec![csat(s)];
    triggers.extend(
        s.triggers
            .iter()
            .enumerate()
            .filter_map(|(i, t)| live_trigger(i, t)),
    );
    for n in 0..s.stale {
        let key = TriggerKey::parse(&format!("old{n}")).expect("key");
        triggers.push(json!({
            "id": 7000 + n as u64, "title": format!("Old {n}"), "active": true, "position": 0,
            "description": managed_description(&key, None), "category_id": "100",
            "conditions": {"all": [], "any": []}, "actions": [{"field": "status", "value": "open"}]
        }));
    }
    for n in 0..s.unmanaged {
        triggers.push(json!({
            "id": 8000 + n as u64, "title": format!("Unmanaged {n}"), "active": n % 2 == 0,
            "position": n, "conditions": {"all": [], "any": []},
            "actions": [{"field": "status", "value": "open"}]
        }));
    }
    let mut settings = json!({"routing": {"enabled": true}});
    if let Some(end_session) = s.inactivity_live {
        settings["messaging_inactivity"] = json!({"enabled": true, "end_session": end_session});
    }
    let mut app_settings = json!({"multiConvoEnabled": true, "disableConversationReopen": true});
    if let Some(enabled) = s.end_users_live {
        app_settings["endSessionEnabled"] = json!(enabled);
    }
    serde_json::from_value(json!({
        "triggers": triggers,
        "categories": [
            {"id": "100", "name": "Notifications", "position": 0},
            {"id": "200", "name": "Billing", "position": 1}
        ],
        "definitions": definitions(s.agents_live),
        "settings": settings,
        "sunshine": {"id": "app1", "settings": app_settings}
    }))
    .expect("live state")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn after_apply_the_next_plan_is_empty(s in scenario()) {
        let desired = account(&policy(&s));
        let live = live_state(&s);
        let whole = plan::plan(vec![AccountInput { desired: desired.clone(), live: Ok(live.clone()) }]);
        let first = &whole.accounts[0];
        prop_assert!(first.diagnostics.is_empty(), "{:#?}", first.diagnostics);

        // Every change is well formed and addresses are unique and sorted.
        let addresses: Vec<String> = first.changes.iter().map(|c| c.address.to_string()).collect();
        let mut sorted = addresses.clone();
        sorted.sort();
        sorted.dedup();
        prop_assert_eq!(&addresses, &sorted);
        for change in &first.changes {
            let writes = matches!(change.action, ChangeAction::Create | ChangeAction::Update | ChangeAction::Delete);
            prop_assert_eq!(change.operation.is_some(), writes, "{}", change.address);
            if change.action == ChangeAction::Update {
                prop_assert!(!change.fields.is_empty(), "{}", change.address);
            }
        }

        // Triggers Zendesk already holds as the policy says (values respelt) are no-ops.
        for (i, t) in s.triggers.iter().enumerate() {
            let category_exists = t.category.is_none_or(|c| category_id(c).is_some());
            if matches!(t.live, LiveForm::Alike(_)) && category_exists {
                let address = format!("acme-prod.trigger.{}", key(i));
                let change = first.changes.iter().find(|c| c.address.to_string() == address);
                prop_assert_eq!(change.map(|c| c.action), Some(ChangeAction::NoOp), "{}", address);
            }
        }

        // The saved plan reads back as the same plan.
        prop_assert_eq!(&load_saved(&to_saved(&whole)).expect("loads"), &whole);

        let applied = simulate::apply(first, &live).expect("applies");
        let second = plan::plan(vec![AccountInput { desired, live: Ok(applied) }]);
        let again = &second.accounts[0];
        prop_assert!(again.diagnostics.is_empty(), "{:#?}", again.diagnostics);
        for change in &again.changes {
            let settled = change.action == ChangeAction::NoOp
                || (change.action == ChangeAction::Manual
                    && change.manual.as_ref().map(|m| m.live_value) == Some(LiveValue::Unknown));
            prop_assert!(settled, "{} is still {:?}: {:#?}", change.address, change.action, change);
        }
        prop_assert!(!has_changes(&second));
    }

    /// `--target`: a plan narrowed to any set of its addresses keeps those changes and only
    /// changes of the plan, narrowing again changes nothing, the saved file reads back, and
    /// once it is applied the same targets find nothing left to do.
    #[test]
    fn a_targeted_plan_keeps_its_targets_and_settles_them(s in scenario(), pick in any::<u64>()) {
        let desired = account(&policy(&s));
        let live = live_state(&s);
        let whole = plan::plan(vec![AccountInput { desired: desired.clone(), live: Ok(live.clone()) }]);
        let addresses: Vec<String> = whole.accounts[0].changes.iter().map(|c| c.address.to_string()).collect();
        let picked: Vec<String> = addresses
            .iter()
            .enumerate()
            .filter(|(i, _)| pick >> (i % 64) & 1 == 1)
            .map(|(_, a)| a.clone())
            .collect();
        prop_assume!(!picked.is_empty());
        let targets = Targets::parse(&picked).expect("addresses are targets");
        let mut narrowed = targets.narrow(whole.clone());
        narrowed.targets = targets.texts();
        let kept: Vec<String> = narrowed.accounts[0].changes.iter().map(|c| c.address.to_string()).collect();
        for address in &picked {
            prop_assert!(kept.contains(address), "{} was dropped", address);
        }
        for address in &kept {
            prop_assert!(addresses.contains(address), "{} is not in the plan", address);
        }
        prop_assert_eq!(&targets.narrow(narrowed.clone()), &narrowed);
        prop_assert_eq!(&load_saved(&to_saved(&narrowed)).expect("loads"), &narrowed);

        let applied = simulate::apply(&narrowed.accounts[0], &live).expect("applies");
        let second = targets.narrow(plan::plan(vec![AccountInput { desired, live: Ok(applied) }]));
        for change in &second.accounts[0].changes {
            let settled = change.action == ChangeAction::NoOp
                || (change.action == ChangeAction::Manual
                    && change.manual.as_ref().map(|m| m.live_value) == Some(LiveValue::Unknown));
            prop_assert!(settled, "{} is still {:?}", change.address, change.action);
        }
    }
}
