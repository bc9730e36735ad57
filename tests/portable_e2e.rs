//! Portable triggers end to end against the simulator over HTTP: one `defaults` trigger naming
//! a group, a custom dropdown field with its option and a schedule is planned and applied on
//! accounts whose ids all differ, converges, costs one request per referenced list, stops
//! only the account where a name is missing, and an export of one account plans "No
//! changes" on another with the same names.

use std::collections::BTreeMap;
use std::path::Path;

use std::sync::atomic::AtomicBool;

use assert_cmd::Command;
use serde_json::{Map, Value, json};
use zdpolicy::apply::report::ApplyReport;
use zdpolicy::apply::{ApplyOptions, apply};
use zdpolicy::directory::ListKind;
use zdpolicy::policy::{load_sources, source::SourceMap};
use zdpolicy::read_plan::read_and_plan;
use zdpolicy::simulator::{
    AccountSeed, OAuthTokenSeed, Role, RunningSimulator, Simulator, SimulatorConfig,
};
use zdpolicy::zendesk::client::base_url::BaseUrlTemplate;
use zdpolicy::zendesk::client::{Client, ClientConfig};

const TOKEN: &str = "portable-test-token";

const POLICY: &str = r#"version: 1
defaults:
  triggers:
    - key: route-enterprise
      title: Route enterprise tickets to tier 2
      conditions:
        all:
          - { field: { ticket_field: Product }, operator: is, value: { option: Enterprise } }
      actions:
        - { field: group_id, value: { group: Tier 2 } }
        - { field: set_schedule, value: { schedule: EU hours } }
accounts:
  acme: { subdomain: acme, credentials: { oauth_token: env:ZD_TOKEN } }
  globex: { subdomain: globex, credentials: { oauth_token: env:ZD_TOKEN } }
  initech: { subdomain: initech, credentials: { oauth_token: env:ZD_TOKEN } }
"#;

/// An account with these groups and schedules, and the custom field "Product".
fn seed(subdomain: &str, groups: &[&str], schedules: &[&str]) -> AccountSeed {
    let mut seed = AccountSeed::new(subdomain);
    seed.default_triggers = false;
    seed.credentials.oauth_tokens.push(OAuthTokenSeed {
        token: TOKEN.into(),
        role: Role::Admin,
        scopes: vec!["read".into(), "write".into()],
    });
    let named = |key: &str, names: &[&str]| -> Vec<Map<String, Value>> {
        names
            .iter()
            .map(|n| json!({ key: n }).as_object().cloned().unwrap())
            .collect()
    };
    let fields = json!([
        {"title": "Region"},
        {"title": "Product", "custom_field_options": [{"name": "Basic"}, {"name": "Enterprise"}]}
    ]);
    seed.objects = BTreeMap::from([
        (ListKind::Groups, named("name", groups)),
        (ListKind::Schedules, named("name", schedules)),
        (
            ListKind::TicketFields,
            serde_json::from_value(fields).unwrap(),
        ),
    ]);
    seed
}

async fn simulator() -> RunningSimulator {
    Simulator::start(SimulatorConfig {
        accounts: vec![
            seed("acme", &["Support", "Tier 2"], &["EU hours"]),
            // Other objects first, so every id differs from acme's.
            seed(
                "globex",
                &["Billing", "Sales", "Tier 2"],
                &["US hours", "EU hours"],
            ),
            // "EU Hours" is not "EU hours": names match exactly.
            seed("initech", &["Tier 2"], &["EU Hours"]),
        ],
        ..SimulatorConfig::ephemeral()
    })
    .await
    .unwrap()
}

fn zdpolicy(dir: &Path, sim: &RunningSimulator) -> Command {
    let mut cmd = Command::cargo_bin("zdpolicy").unwrap();
    cmd.current_dir(dir)
        .env("CI", "true")
        .env("ZDPOLICY_API_URL", sim.url_template())
        .env("ZD_TOKEN", TOKEN);
    cmd
}

/// Plans and applies `policy` with the library's apply engine, every account at once.
async fn apply_engine(sim: &RunningSimulator, dir: &Path, policy: &str) -> ApplyReport {
    let token = dir.join("token");
    std::fs::write(&token, TOKEN).unwrap();
    let policy = policy.replace("env:ZD_TOKEN", &format!("\"file:{}\"", token.display()));
    let mut sources = SourceMap::new();
    sources.add("policy.yaml", policy);
    let loaded = load_sources("policy".into(), sources);
    assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    let client = Client::new(ClientConfig {
        // The credentials are `file:` references, which the test (not a policy author) allows.
        allow_credential_commands: true,
        base_url: BaseUrlTemplate::parse(&sim.url_template()).unwrap(),
        ..ClientConfig::default()
    })
    .unwrap();
    let planned = read_and_plan(&client, &loaded.accounts, &|_| {}).await;
    let stop = AtomicBool::new(false);
    apply(
        &client,
        &planned,
        &loaded.accounts,
        ApplyOptions::default(),
        &stop,
    )
    .await
    .expect("the plan was just made")
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The account's triggers with this title, as Zendesk sent them.
async fn triggers_titled(sim: &RunningSimulator, subdomain: &str, title: &str) -> Vec<Value> {
    let url = format!(
        "{}/api/v2/triggers?page[size]=100",
        sim.account_url(subdomain)
    );
    let body: Value = reqwest::Client::new()
        .get(url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["title"] == title)
        .cloned()
        .collect()
}

/// The id of the object named `name` in a list, as served.
async fn id_of(sim: &RunningSimulator, subdomain: &str, kind: ListKind, name: &str) -> String {
    let url = format!(
        "{}{}?page[size]=100",
        sim.account_url(subdomain),
        kind.path()
    );
    let body: Value = reqwest::Client::new()
        .get(url)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = if kind == ListKind::TicketFields {
        "title"
    } else {
        "name"
    };
    let found = body[kind.root()]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o[key] == name)
        .unwrap_or_else(|| panic!("{subdomain}: no {name} in {body}"));
    found["id"].to_string().trim_matches('"').to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn one_trigger_with_names_is_applied_with_each_accounts_ids_and_converges() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("policy.yaml"), POLICY).unwrap();
    let title = "Route enterprise tickets to tier 2";

    sim.handle().reset_stats();
    let plan = zdpolicy(dir.path(), &sim)
        .args(["plan", "policy.yaml", "--color", "never"])
        .output()
        .unwrap();
    let text = stdout(&plan);
    // Located, for that account only, with the candidates.
    assert!(
        text.contains(
            "x error[reference-not-found] initech.trigger.route-enterprise: this account has no \
             schedule named \"EU hours\""
        ),
        "{text}"
    );
    assert!(text.contains("--> policy.yaml:11:41"), "{text}");
    assert!(text.contains("did you mean \"EU Hours\"?"), "{text}");
    // One request per referenced list and account, none for the lists nobody names.
    let stats = sim.handle().stats();
    for account in ["acme", "globex", "initech"] {
        let stats = stats.account(account);
        for (endpoint, count) in [
            ("GET /api/v2/groups", 1),
            ("GET /api/v2/ticket_fields", 1),
            ("GET /api/v2/business_hours/schedules", 1),
            ("GET /api/v2/brands", 0),
            ("GET /api/v2/webhooks", 0),
            ("GET /api/v2/ticket_forms", 0),
            ("GET /api/v2/custom_statuses", 0),
        ] {
            assert_eq!(
                stats.endpoint(endpoint),
                count,
                "{account} {endpoint}: {stats:?}"
            );
        }
        // The four reads of an account that names nothing, and one per referenced list.
        assert_eq!(stats.requests, 4 + 3, "{account}: {stats:?}");
    }
    let acme_group = id_of(&sim, "acme", ListKind::Groups, "Tier 2").await;
    assert!(
        text.contains(&format!("group \"Tier 2\" ({acme_group})")),
        "{text}"
    );

    // `zdpolicy apply` starts only on a plan without errors; the apply engine itself applies
    // each account on its own, so the account with the missing name is the only one left out.
    let refused = zdpolicy(dir.path(), &sim)
        .args(["apply", "policy.yaml", "--auto-approve", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1), "{}", stdout(&refused));
    assert!(triggers_titled(&sim, "acme", title).await.is_empty());
    let report = apply_engine(&sim, dir.path(), POLICY).await;
    assert!(
        report.succeeded()
            || report
                .accounts
                .iter()
                .all(|a| a.account != "initech" || a.changes.is_empty())
    );
    let applied: Vec<(&str, Option<&str>)> = report
        .accounts
        .iter()
        .map(|a| (a.account.as_str(), a.error.as_deref()))
        .collect();
    // initech has nothing it could apply: it is reported with no change, or not at all.
    assert_eq!(
        &applied[..2],
        [("acme", None), ("globex", None)],
        "{}",
        report.summary()
    );

    let mut seen = Vec::new();
    for account in ["acme", "globex"] {
        let written = triggers_titled(&sim, account, title).await;
        assert_eq!(written.len(), 1, "{account}: {written:?}");
        let field = id_of(&sim, account, ListKind::TicketFields, "Product").await;
        let group = id_of(&sim, account, ListKind::Groups, "Tier 2").await;
        let schedule = id_of(&sim, account, ListKind::Schedules, "EU hours").await;
        let condition = &written[0]["conditions"]["all"][0];
        assert_eq!(condition["field"], json!(format!("custom_fields_{field}")));
        let actions = &written[0]["actions"];
        assert_eq!(actions[0], json!({"field": "group_id", "value": group}));
        assert_eq!(
            actions[1],
            json!({"field": "set_schedule", "value": schedule})
        );
        seen.push((field, group, schedule, condition["value"].clone()));
    }
    assert!(
        seen[0].0 != seen[1].0
            && seen[0].1 != seen[1].1
            && seen[0].2 != seen[1].2
            && seen[0].3 != seen[1].3,
        "every id differs between the accounts: {seen:?}"
    );
    assert!(
        triggers_titled(&sim, "initech", title).await.is_empty(),
        "nothing is written where a name is missing"
    );

    let again = zdpolicy(dir.path(), &sim)
        .args(["plan", "policy.yaml", "--format", "json"])
        .output()
        .unwrap();
    let plan: Value = serde_json::from_slice(&again.stdout).unwrap();
    for account in plan["accounts"].as_array().unwrap() {
        let name = account["account"].as_str().unwrap();
        let pending: Vec<&Value> = account["changes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["actions"] != json!(["no-op"]))
            .collect();
        match name {
            "acme" | "globex" => {
                assert!(pending.is_empty(), "{name}: {pending:?}");
                assert_eq!(account["diagnostics"], json!([]), "{name}");
                // The JSON view keeps the reference with the id it resolved to.
                let references = &account["changes"][0]["references"];
                assert_eq!(references.as_array().map(Vec::len), Some(4), "{references}");
                assert_eq!(references[2]["kind"], "group");
                assert_eq!(references[2]["name"], "Tier 2");
            }
            _ => assert_eq!(account["diagnostics"][0]["code"], "reference-not-found"),
        }
    }
    sim.shutdown().await.unwrap();
}

/// An exported account's triggers name the objects, and plan "No changes" on another account
/// whose objects have the same names.
#[tokio::test(flavor = "multi_thread")]
async fn an_export_with_names_fits_another_account() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().unwrap();
    let two = POLICY.replace(
        "  initech: { subdomain: initech, credentials: { oauth_token: env:ZD_TOKEN } }\n",
        "",
    );
    std::fs::write(dir.path().join("policy.yaml"), &two).unwrap();
    let apply = zdpolicy(dir.path(), &sim)
        .args(["apply", "policy.yaml", "--auto-approve"])
        .output()
        .unwrap();
    assert_eq!(apply.status.code(), Some(0), "{}", stdout(&apply));

    let export = zdpolicy(dir.path(), &sim)
        .args(["export", "policy.yaml", "--account", "acme", "--triggers"])
        .output()
        .unwrap();
    assert_eq!(export.status.code(), Some(0));
    let exported = stdout(&export);
    for name in [
        "ticket_field: Product",
        "option: Enterprise",
        "group: Tier 2",
        "schedule: EU hours",
    ] {
        assert!(exported.contains(name), "{name}: {exported}");
    }
    let ids = id_of(&sim, "acme", ListKind::Groups, "Tier 2").await;
    assert!(!exported.contains(&format!("\"{ids}\"")), "{exported}");

    // The same triggers as globex's: its own account entry, no pins of acme's ids.
    let mut layered = String::new();
    let mut skipping = false;
    for line in exported.lines() {
        if line.starts_with("    trigger_ids:") {
            skipping = true;
            continue;
        }
        if skipping && line.starts_with("      ") {
            continue;
        }
        skipping = false;
        layered.push_str(&line.replace("acme", "globex"));
        layered.push('\n');
    }
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("globex.yaml"), &layered).unwrap();
    let plan = zdpolicy(other.path(), &sim)
        .args(["plan", "globex.yaml", "--color", "never"])
        .output()
        .unwrap();
    let text = stdout(&plan);
    assert!(text.contains("No changes"), "{layered}\n{text}");
    sim.shutdown().await.unwrap();
}
