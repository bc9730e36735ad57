//! Portable triggers end to end against the simulator over HTTP: one `defaults` trigger naming
//! a group, a custom dropdown field with its option and a schedule is planned and applied on
//! accounts whose ids all differ, converges, costs one request per referenced list, leaves
//! out only the account where a name is missing (applied once the name is fixed), refuses a
//! reviewed plan whose referenced object was renamed since, and an export of one account
//! plans "No changes" on another with the same names.

use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use serde_json::{Map, Value, json};
use zdpolicy::directory::ListKind;
use zdpolicy::simulator::{AccountSeed, RunningSimulator, Simulator, SimulatorConfig};

mod support;

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
    let mut seed = support::admin_seed(subdomain, TOKEN);
    seed.default_triggers = false;
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
    support::zdpolicy_against(dir, sim, "ZD_TOKEN", TOKEN)
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The id of the object named `name` in a list, as served.
async fn id_of(sim: &RunningSimulator, subdomain: &str, kind: ListKind, name: &str) -> String {
    let path = format!("{}?page[size]=100", kind.path());
    let body = support::get_json(sim, subdomain, &path, TOKEN).await;
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
        support::assert_requests(
            account,
            &stats,
            &[
                ("GET /api/v2/groups", 1),
                ("GET /api/v2/ticket_fields", 1),
                ("GET /api/v2/business_hours/schedules", 1),
                ("GET /api/v2/brands", 0),
                ("GET /api/v2/webhooks", 0),
                ("GET /api/v2/ticket_forms", 0),
                ("GET /api/v2/custom_statuses", 0),
            ],
        );
        // The four reads of an account that names nothing, and one per referenced list.
        assert_eq!(stats.requests, 4 + 3, "{account}: {stats:?}");
    }
    let acme_group = id_of(&sim, "acme", ListKind::Groups, "Tier 2").await;
    assert!(
        text.contains(&format!("group \"Tier 2\" ({acme_group})")),
        "{text}"
    );

    // Accounts are applied each on its own: initech, where a name is missing, is not
    // written and is reported failed with its located error; acme and globex are applied.
    let applied = zdpolicy(dir.path(), &sim)
        .args([
            "apply",
            "policy.yaml",
            "--auto-approve",
            "--color",
            "never",
            "--report",
            "report.json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&applied.stderr).into_owned();
    assert_eq!(applied.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "note: nothing will be written to initech (the plan has errors there); the other \
             accounts are applied"
        ),
        "{stderr}"
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    let filters = vec![
        (
            r#""tool_version": "[^"]+""#,
            r#""tool_version": "[version]""#,
        ),
        (r#""created_id": "\d+""#, r#""created_id": "[id]""#),
    ];
    insta::with_settings!({filters => filters}, {
        insta::assert_snapshot!("apply_with_a_missing_name_summary", stderr);
        insta::assert_json_snapshot!("apply_with_a_missing_name_report", report);
    });

    let mut seen = Vec::new();
    for account in ["acme", "globex"] {
        let written = support::triggers_titled(&sim, account, TOKEN, title).await;
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
        // The option is written as its tag, which Zendesk made from its name in both.
        assert_eq!(condition["value"], json!("enterprise"), "{account}");
        seen.push((field, group, schedule));
    }
    assert!(
        seen[0].0 != seen[1].0 && seen[0].1 != seen[1].1 && seen[0].2 != seen[1].2,
        "every id differs between the accounts: {seen:?}"
    );
    assert!(
        support::triggers_titled(&sim, "initech", TOKEN, title)
            .await
            .is_empty(),
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

    // Fixed in Zendesk, the next apply writes initech alone (the others have nothing left to
    // do), and then every account plans "No changes".
    assert!(
        sim.handle()
            .rename_object("initech", ListKind::Schedules, "EU Hours", "EU hours")
            .unwrap()
    );
    let fixed = zdpolicy(dir.path(), &sim)
        .args(["apply", "policy.yaml", "--auto-approve", "--color", "never"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&fixed.stderr);
    assert_eq!(fixed.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("Apply complete. 1 applied, 0 failed"),
        "{stderr}"
    );
    assert_eq!(
        support::triggers_titled(&sim, "initech", TOKEN, title)
            .await
            .len(),
        1
    );
    let converged = zdpolicy(dir.path(), &sim)
        .args(["plan", "policy.yaml", "--detailed-exitcode"])
        .output()
        .unwrap();
    assert_eq!(converged.status.code(), Some(0), "{}", stdout(&converged));
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

/// A reviewed plan whose referenced group was renamed in Zendesk since is refused as stale,
/// naming the rename, and nothing is written; `--skip-stale` applies the other account.
#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_is_stale_once_a_referenced_object_is_renamed() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().unwrap();
    let two = POLICY.replace(
        "  initech: { subdomain: initech, credentials: { oauth_token: env:ZD_TOKEN } }\n",
        "",
    );
    std::fs::write(dir.path().join("policy.yaml"), &two).unwrap();
    let title = "Route enterprise tickets to tier 2";
    let saved = zdpolicy(dir.path(), &sim)
        .args(["plan", "policy.yaml", "--out", "plan.json"])
        .output()
        .unwrap();
    assert_eq!(saved.status.code(), Some(0), "{}", stdout(&saved));
    let group = id_of(&sim, "acme", ListKind::Groups, "Tier 2").await;
    assert!(
        sim.handle()
            .rename_object("acme", ListKind::Groups, "Tier 2", "Tier II")
            .unwrap()
    );

    let apply = |extra: &[&str]| {
        let mut args = vec!["apply", "plan.json", "--policy", "policy.yaml"];
        args.extend_from_slice(extra);
        zdpolicy(dir.path(), &sim).args(args).output().unwrap()
    };
    let refused = apply(&[]);
    let stderr = String::from_utf8_lossy(&refused.stderr).into_owned();
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "stale: acme.trigger.route-enterprise: group \"Tier 2\" ({group}) was renamed to \
             \"Tier II\" in Zendesk since the plan"
        )),
        "{stderr}"
    );
    assert!(stderr.contains("Apply refused"), "{stderr}");
    for account in ["acme", "globex"] {
        assert!(
            support::triggers_titled(&sim, account, TOKEN, title)
                .await
                .is_empty(),
            "{account}"
        );
    }

    let skipped = apply(&["--skip-stale"]);
    let stderr = String::from_utf8_lossy(&skipped.stderr).into_owned();
    assert_eq!(skipped.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("1 applied, 0 failed, 1 skipped (stale)"),
        "{stderr}"
    );
    assert!(
        support::triggers_titled(&sim, "acme", TOKEN, title)
            .await
            .is_empty()
    );
    assert_eq!(
        support::triggers_titled(&sim, "globex", TOKEN, title)
            .await
            .len(),
        1
    );
    sim.shutdown().await.unwrap();
}

/// A run where the only account with something to do has an error writes nothing, still
/// reports that account with its located error, and exits 1.
#[tokio::test(flavor = "multi_thread")]
async fn an_apply_whose_only_account_has_errors_reports_it_and_writes_nothing() {
    let sim = simulator().await;
    let dir = tempfile::tempdir().unwrap();
    let only = POLICY
        .replace(
            "  acme: { subdomain: acme, credentials: { oauth_token: env:ZD_TOKEN } }\n",
            "",
        )
        .replace(
            "  globex: { subdomain: globex, credentials: { oauth_token: env:ZD_TOKEN } }\n",
            "",
        );
    std::fs::write(dir.path().join("policy.yaml"), only).unwrap();
    sim.handle().reset_stats();
    let applied = zdpolicy(dir.path(), &sim)
        .args([
            "apply",
            "policy.yaml",
            "--auto-approve",
            "--report",
            "r.json",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&applied.stderr).into_owned();
    assert_eq!(applied.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[plan-has-errors]"), "{stderr}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(report["accounts"][0]["account"], "initech");
    assert_eq!(report["accounts"][0]["error"]["kind"], "plan-has-errors");
    assert_eq!(
        report["accounts"][0]["diagnostics"][0]["code"],
        "reference-not-found"
    );
    let writes: Vec<String> = sim
        .handle()
        .requests(Some("initech"))
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .filter(|r| !r.starts_with("GET "))
        .collect();
    assert!(writes.is_empty(), "{writes:?}");
    sim.shutdown().await.unwrap();
}
