//! Trigger order end to end: the real binary plans and applies `order: manage` against the
//! simulator over HTTP. Two managed triggers go `first` in an existing category whose stored
//! positions are duplicated and gapped, and three categories are reordered: the moves read the
//! same in the three views, apply sends one category job for the account, and the next plan is
//! empty.

use std::path::Path;

use assert_cmd::Command;
use serde_json::{Value, json};
use zdpolicy::simulator::{
    AccountSeed, CategorySeed, Features, OAuthTokenSeed, Role, RunningSimulator, Simulator,
    SimulatorConfig, TriggerSeed,
};

mod support;

const TOKEN: &str = "order-test-oauth-token";

fn trigger(category: &str, title: &str, position: i64) -> TriggerSeed {
    let trigger = json!({
        "title": title,
        "position": position,
        "conditions": {"all": [{"field": "update_type", "operator": "is", "value": "Create"}], "any": []},
        "actions": [{"field": "priority", "value": "normal"}]
    });
    TriggerSeed {
        category: Some(category.to_owned()),
        trigger: trigger.as_object().cloned().unwrap_or_default(),
    }
}

/// acme: the default Notifications category, then Escalations and Routing; Routing holds three
/// triggers nobody manages, at positions 3, 3 and 10.
fn seed() -> AccountSeed {
    let mut seed = AccountSeed::new("acme");
    seed.credentials.oauth_tokens.push(OAuthTokenSeed {
        token: TOKEN.into(),
        role: Role::Admin,
        scopes: vec!["read".into(), "write".into()],
    });
    for (name, position) in [("Escalations", 10), ("Routing", 20)] {
        seed.trigger_categories.push(CategorySeed {
            name: name.into(),
            position: Some(position),
        });
    }
    seed.triggers = vec![
        trigger("Routing", "Route VIP", 3),
        trigger("Routing", "assign by skill", 3),
        trigger("Routing", "Notify assignee of assignment", 10),
    ];
    seed
}

const POLICY: &str = "version: 1
accounts:
  acme:
    subdomain: acme
    order: manage
    safety: { max_changed_percent: 100 }
    trigger_categories: [Routing, Escalations, Notifications]
    triggers:
      - key: vip-messaging
        title: VIP messaging
        category: Routing
        placement: first
        actions: [ { field: priority, value: urgent } ]
      - key: vip-email
        title: VIP email
        category: Routing
        placement: first
        actions: [ { field: priority, value: high } ]
";

async fn simulator() -> RunningSimulator {
    Simulator::start(SimulatorConfig {
        accounts: vec![seed()],
        ..SimulatorConfig::ephemeral()
    })
    .await
    .unwrap()
}

fn cli(dir: &Path, sim: &RunningSimulator) -> Command {
    support::zdpolicy_against(dir, sim, "ZENDESK_OAUTH_TOKEN", TOKEN)
}

fn run(cmd: &mut Command) -> (Option<i32>, String) {
    let output = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    (
        output.status.code(),
        format!("{}{stderr}", String::from_utf8_lossy(&output.stdout)),
    )
}

/// The order changes of a JSON plan, without their fingerprints (timestamps and hashes).
fn order_changes(plan: &Value) -> Value {
    let changes = plan["accounts"][0]["changes"].as_array().unwrap();
    let orders: Vec<Value> = changes
        .iter()
        .filter(|c| {
            let address = c["address"].as_str().unwrap_or_default();
            address.contains(".order.") || address.contains(".category_order.")
        })
        .map(|c| {
            let mut c = c.clone();
            let seen = c.as_object_mut().and_then(|m| m.remove("seen"));
            assert_eq!(
                seen.map(|s| s["object"].clone()),
                Some(json!({"kind": "positions"}))
            );
            c
        })
        .collect();
    Value::Array(orders)
}

#[tokio::test(flavor = "multi_thread")]
async fn moves_read_alike_in_every_view_apply_in_one_job_and_converge() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("zdpolicy.yaml"), POLICY).unwrap();
    let port = [(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]")];

    let (code, text) = run(cli(dir.path(), &sim).args(["plan", "--detailed-exitcode"]));
    assert_eq!(code, Some(2), "{text}");
    let (_, markdown) = run(cli(dir.path(), &sim).args(["plan", "--format", "markdown"]));
    let (_, json) = run(cli(dir.path(), &sim).args(["plan", "--format", "json"]));
    let json: Value = serde_json::from_str(&json).expect(&json);
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/plan.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(schema).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&json)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the plan schema covers order changes: {errors:#?}"
    );
    insta::with_settings!({filters => port.to_vec()}, {
        insta::assert_snapshot!("order_plan_text", text);
        insta::assert_snapshot!("order_plan_markdown", markdown);
    });
    insta::assert_json_snapshot!("order_plan_json", order_changes(&json));

    sim.handle().reset_stats();
    let (code, applied) = run(cli(dir.path(), &sim).args(["apply", "--auto-approve"]));
    assert_eq!(code, Some(0), "{applied}");
    // One job for every move of the account.
    support::assert_requests(
        "acme",
        &sim.handle().stats().account("acme"),
        &[
            ("POST /api/v2/trigger_categories/jobs", 1),
            ("POST /api/v2/triggers", 2),
            ("PUT /api/v2/triggers/reorder", 0),
        ],
    );

    let (code, again) = run(cli(dir.path(), &sim).args(["plan", "--detailed-exitcode"]));
    assert_eq!(code, Some(0), "the next plan is empty: {again}");

    // The account runs as the policy says; the unmanaged triggers keep their order.
    let list = support::triggers(&sim, "acme", TOKEN).await;
    let titles: Vec<&str> = list
        .iter()
        .filter_map(|t| t["title"].as_str())
        .take(5)
        .collect();
    assert_eq!(
        titles,
        [
            "VIP messaging",
            "VIP email",
            "assign by skill",
            "Route VIP",
            "Notify assignee of assignment"
        ]
    );
    sim.shutdown().await.unwrap();
}

/// A trigger moved by hand between plan and apply makes the order changes stale: the saved
/// plan is refused, naming the trigger that moved, and nothing is written.
#[tokio::test(flavor = "multi_thread")]
async fn a_hand_move_since_the_plan_makes_the_order_stale() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("zdpolicy.yaml"),
        POLICY.replace(
            "    triggers:\n",
            "    triggers:\n      - { key: route-vip, title: Route VIP, adopt: true, category: Routing, placement: last, actions: [ { field: priority, value: normal } ], conditions: { all: [ { field: update_type, operator: is, value: Create } ] } }\n",
        ),
    )
    .unwrap();
    let (code, planned) = run(cli(dir.path(), &sim).args(["plan", "--out", "plan.json"]));
    assert_eq!(code, Some(0), "{planned}");
    let url = sim.account_url("acme");
    let skill = support::triggers_titled(&sim, "acme", TOKEN, "assign by skill").await[0]["id"]
        .as_u64()
        .unwrap();
    let moved = reqwest::Client::new()
        .put(format!("{url}/api/v2/triggers/update_many"))
        .bearer_auth(TOKEN)
        .json(&json!({"triggers": [{"id": skill, "position": 99}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 200);
    sim.handle().reset_stats();
    let (code, refused) = run(cli(dir.path(), &sim).args(["apply", "--auto-approve", "plan.json"]));
    assert_ne!(code, Some(0), "{refused}");
    assert!(refused.contains("acme.order.Routing"), "{refused}");
    assert!(refused.contains(&format!("triggers.{skill}")), "{refused}");
    support::assert_requests(
        "acme",
        &sim.handle().stats().account("acme"),
        &[
            ("POST /api/v2/trigger_categories/jobs", 0),
            ("POST /api/v2/triggers", 0),
        ],
    );
    sim.shutdown().await.unwrap();
}

/// An account without trigger categories orders by positions alone: the moves go out in one
/// `update_many` (the category job is a categories endpoint, refused there), from a saved plan,
/// and the next plan is empty.
#[tokio::test(flavor = "multi_thread")]
async fn an_account_without_categories_orders_through_one_update_many() {
    let mut plain = seed();
    plain.features = Features {
        trigger_categories: false,
        ..Features::default()
    };
    plain.trigger_categories.clear();
    plain.triggers = vec![
        trigger("", "Route VIP", 3),
        trigger("", "assign by skill", 3),
    ];
    for seeded in &mut plain.triggers {
        seeded.category = None;
    }
    let sim = Simulator::start(SimulatorConfig {
        accounts: vec![plain],
        ..SimulatorConfig::ephemeral()
    })
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let policy = POLICY
        .replace(
            "    trigger_categories: [Routing, Escalations, Notifications]\n",
            "",
        )
        .replace("        category: Routing\n", "");
    std::fs::write(dir.path().join("zdpolicy.yaml"), policy).unwrap();
    let (code, planned) = run(cli(dir.path(), &sim).args(["plan", "--out", "plan.json"]));
    assert_eq!(code, Some(0), "{planned}");
    assert!(
        planned.contains("~ acme.order.triggers: put vip-messaging 1st (before \"VIP email\")"),
        "{planned}"
    );
    sim.handle().reset_stats();
    let (code, applied) = run(cli(dir.path(), &sim).args(["apply", "--auto-approve", "plan.json"]));
    assert_eq!(code, Some(0), "{applied}");
    support::assert_requests(
        "acme",
        &sim.handle().stats().account("acme"),
        &[
            ("PUT /api/v2/triggers/update_many", 1),
            ("POST /api/v2/trigger_categories/jobs", 0),
        ],
    );
    let (code, again) = run(cli(dir.path(), &sim).args(["plan", "--detailed-exitcode"]));
    assert_eq!(code, Some(0), "the next plan is empty: {again}");
    sim.shutdown().await.unwrap();
}
