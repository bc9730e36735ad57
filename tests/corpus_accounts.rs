//! The production-shaped corpus through the real binary, over HTTP: an exported account
//! validates with no warnings and plans to "No changes"; changing one field of one of its
//! same-title triggers applies as exactly one write, leaving every other trigger as it was;
//! and a `snapshot` of it rehearses in the sandbox (`--sandbox-seed`) to the same empty plan.

mod corpus;
mod support;

use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use zdpolicy::simulator::{RunningSimulator, Simulator, SimulatorConfig};

const ACCOUNT: &str = "prod-like";

fn zdpolicy(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("zdpolicy").unwrap();
    cmd.current_dir(dir)
        .env("ZENDESK_OAUTH_TOKEN", corpus::TOKEN)
        .env_remove("ZENDESK_API_TOKEN")
        .env_remove("ZENDESK_EMAIL")
        .env_remove("ZDPOLICY_API_URL")
        .env_remove("NO_COLOR");
    cmd
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

async fn corpus_simulator() -> RunningSimulator {
    let shapes = corpus::shapes(7, 104);
    Simulator::start(SimulatorConfig {
        accounts: vec![corpus::account(ACCOUNT, 36_000_001_000_000, &shapes)],
        ..SimulatorConfig::ephemeral()
    })
    .await
    .unwrap()
}

/// Every trigger the simulator holds, as served.
async fn triggers(sim: &RunningSimulator) -> Vec<Value> {
    support::triggers(sim, ACCOUNT, corpus::TOKEN).await
}

fn writes(sim: &RunningSimulator) -> Vec<String> {
    sim.handle()
        .requests(Some(ACCOUNT))
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn export(dir: &Path, api: &str) {
    let output = zdpolicy(dir)
        .args([
            "export",
            "--api-url",
            api,
            "--subdomain",
            ACCOUNT,
            "--triggers",
            "--output",
            "out/",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
}

fn plan_is_empty(dir: &Path, args: &[&str]) {
    let output = zdpolicy(dir)
        .args(["plan", "--detailed-exitcode", "--color", "never"])
        .args(args)
        .arg("out/")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "No changes. Live state matches the policy.\n"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exported_corpus_account_plans_to_no_change_and_applies_one_field_as_one_write() {
    let sim = corpus_simulator().await;
    let api = sim.url_template();
    let dir = tempfile::tempdir().unwrap();
    export(dir.path(), &api);
    let file = dir.path().join(format!("out/{ACCOUNT}.yaml"));
    let exported = std::fs::read_to_string(&file).unwrap();
    let policy: Value = serde_saphyr::from_str(&exported).unwrap();
    let entry = &policy["accounts"][ACCOUNT];
    assert!(
        entry["triggers"].as_array().unwrap().len() >= 100,
        "{exported}"
    );
    assert!(
        exported.contains("2 of Zendesk's standard triggers (`default: true`) were left out"),
        "the header says what was left out: {exported}"
    );

    let output = zdpolicy(dir.path())
        .args(["validate", "out/"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "out/: valid: 1 account, 0 warnings\n"
    );

    sim.handle().reset_stats();
    plan_is_empty(dir.path(), &["--api-url", &api]);
    assert_eq!(writes(&sim), Vec::<String>::new(), "plan only reads");

    // Change one field of one of the triggers that share a title.
    let mut policy = policy;
    let triggers = policy["accounts"][ACCOUNT]["triggers"]
        .as_array_mut()
        .unwrap();
    let target = triggers
        .iter_mut()
        .find(|t| t["title"] == corpus::SHARED_TITLES[0])
        .expect("a shared title");
    let key = target["key"].as_str().unwrap().to_owned();
    let active = target["active"].as_bool().unwrap();
    target["active"] = Value::Bool(!active);
    let id = policy["accounts"][ACCOUNT]["trigger_ids"][&key]
        .as_u64()
        .unwrap();
    std::fs::write(&file, zdpolicy::output::yaml::to_yaml(&policy, &|_| None)).unwrap();

    let before = triggers_by_id(&sim).await;
    sim.handle().reset_stats();
    let output = zdpolicy(dir.path())
        .args([
            "apply",
            "--auto-approve",
            "--api-url",
            &api,
            "--color",
            "never",
            "out/",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert_eq!(writes(&sim), [format!("PUT /api/v2/triggers/{id}")]);
    let after = triggers_by_id(&sim).await;
    assert_eq!(before.len(), after.len());
    for (trigger_id, old) in &before {
        let new = &after[trigger_id];
        if *trigger_id == id {
            assert_eq!(new["active"], Value::Bool(!active));
            assert_eq!(new["title"], old["title"]);
            assert_eq!(new["conditions"], old["conditions"]);
            assert_eq!(new["actions"], old["actions"]);
        } else {
            assert_eq!(new, old, "trigger {trigger_id} is untouched");
        }
    }
    plan_is_empty(dir.path(), &["--api-url", &api]);
    sim.shutdown().await.unwrap();
}

async fn triggers_by_id(sim: &RunningSimulator) -> std::collections::BTreeMap<u64, Value> {
    triggers(sim)
        .await
        .into_iter()
        .map(|t| (t["id"].as_u64().unwrap(), t))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_snapshot_rehearses_in_the_sandbox_like_the_account_itself() {
    let sim = corpus_simulator().await;
    let api = sim.url_template();
    let dir = tempfile::tempdir().unwrap();
    let output = zdpolicy(dir.path())
        .args([
            "snapshot",
            "--api-url",
            &api,
            "--subdomain",
            ACCOUNT,
            "--output",
            "snapshot.yaml",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    export(dir.path(), &api);
    sim.shutdown().await.unwrap();

    // Zendesk is gone; the sandbox starts from the snapshot, with the same ids and bytes.
    plan_is_empty(
        dir.path(),
        &["--sandbox", "--sandbox-seed", "snapshot.yaml"],
    );
    let file = dir.path().join(format!("out/{ACCOUNT}.yaml"));
    let edited = std::fs::read_to_string(&file).unwrap().replacen(
        "        active: true\n",
        "        active: false\n",
        1,
    );
    std::fs::write(&file, edited).unwrap();
    let output = zdpolicy(dir.path())
        .args([
            "apply",
            "--sandbox",
            "--sandbox-seed",
            "snapshot.yaml",
            "--auto-approve",
            "out/",
        ])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("1 applied"), "{}", text(&output));
    // The sandbox keeps what was applied: the seed only starts accounts it does not have.
    plan_is_empty(
        dir.path(),
        &["--sandbox", "--sandbox-seed", "snapshot.yaml"],
    );
}
