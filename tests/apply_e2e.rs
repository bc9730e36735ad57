//! Apply end to end against the simulator over HTTP: the sandbox quick start, stale plans,
//! unmanaged objects left byte for byte, faults that a re-run converges through, and a policy
//! changed since its plan.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{Value, json};
use zdpolicy::apply::report::Outcome;
use zdpolicy::apply::{ApplyOptions, apply};
use zdpolicy::live::LiveState;
use zdpolicy::plan::ownership::marker_key;
use zdpolicy::plan::{LiveObject, fingerprint_of, has_changes};
use zdpolicy::policy::resolve::ResolvedAccount;
use zdpolicy::policy::{load_sources, source::SourceMap};
use zdpolicy::read_plan::read_and_plan;
use zdpolicy::simulator::{AccountSeed, FaultConfig, RunningSimulator, Simulator, SimulatorConfig};
use zdpolicy::zendesk::client::base_url::BaseUrlTemplate;
use zdpolicy::zendesk::client::{Client, ClientConfig};

mod support;

fn zdpolicy(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("zdpolicy").unwrap();
    cmd.current_dir(dir)
        .env_remove("ZDPOLICY_API_URL")
        .env("CI", "true");
    cmd
}

fn example(dir: &Path, name: &str) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name);
    let to = dir.join(name);
    copy_dir(&from, &to);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn sandbox_quick_start_converges_for_every_example() {
    for name in ["multi-account", "single-account", "gitops/policy"] {
        let dir = tempfile::tempdir().unwrap();
        example(dir.path(), name);
        zdpolicy(dir.path())
            .args(["plan", "--sandbox", "--detailed-exitcode", name])
            .assert()
            .code(2);
        zdpolicy(dir.path())
            .args(["apply", "--sandbox", name])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("--auto-approve"));
        zdpolicy(dir.path())
            .args([
                "apply",
                "--sandbox",
                "--auto-approve",
                "--report",
                "report.json",
                name,
            ])
            .assert()
            .success()
            .stderr(predicate::str::contains("Apply complete."));
        let report: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
                .unwrap();
        assert_eq!(report["refused"], false);
        zdpolicy(dir.path())
            .args(["plan", "--sandbox", "--detailed-exitcode", name])
            .assert()
            .code(0);
    }
}

const TOKEN: &str = "apply-test-token";
const SECRET: &str = "apply-test-client-secret";

fn seed(subdomain: &str) -> AccountSeed {
    support::with_oauth_client(support::admin_seed(subdomain, TOKEN), SECRET)
}

async fn simulator(accounts: Vec<AccountSeed>, window: Duration) -> RunningSimulator {
    Simulator::start(SimulatorConfig {
        rate_limit_window: window,
        accounts,
        ..SimulatorConfig::ephemeral()
    })
    .await
    .unwrap()
}

/// GETs an account's triggers straight from the simulator, as Zendesk sent them.
async fn raw_triggers(sim: &RunningSimulator, subdomain: &str) -> Vec<Value> {
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
    body["triggers"].as_array().unwrap().clone()
}

fn cli_with_sim(dir: &Path, sim: &RunningSimulator) -> Command {
    let mut cmd = zdpolicy(dir);
    cmd.env("ZDPOLICY_API_URL", sim.url_template())
        .env("ACME_ZENDESK_OAUTH_TOKEN", TOKEN)
        .env("ACME_EU_ZENDESK_CLIENT_SECRET", SECRET)
        .env("ACME_SUNCO_KEY_ID", "k")
        .env("ACME_SUNCO_KEY_SECRET", "s");
    cmd
}

/// The multi-account example without its Sunshine app (the simulator seeds none here).
fn multi_account_policy(dir: &Path) {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/multi-account/zdpolicy.yaml"),
    )
    .unwrap();
    let start = text.find("    sunshine_conversations:").unwrap();
    let end = text
        .find("    messaging:\n      end_users_can_end_sessions: false\n")
        .unwrap();
    let text = format!(
        "{}{}",
        &text[..start],
        &text[end..].replacen(
            "    messaging:\n      end_users_can_end_sessions: false\n",
            "",
            1
        )
    );
    std::fs::write(dir.join("zdpolicy.yaml"), text).unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stale_plan_is_refused_with_what_changed_and_skip_stale_applies_the_rest() {
    let sim = simulator(vec![seed("acme"), seed("acme-eu")], Duration::from_secs(60)).await;
    let dir = tempfile::tempdir().unwrap();
    multi_account_policy(dir.path());
    cli_with_sim(dir.path(), &sim)
        .args(["plan", "--out", "plan.json"])
        .assert()
        .success();

    // Someone edits the CSAT trigger (which the plan updates) in Zendesk.
    let csat = raw_triggers(&sim, "acme")
        .await
        .into_iter()
        .find(|t| t["title"] == "Request customer satisfaction rating (messaging)")
        .unwrap();
    let id = csat["id"].as_u64().unwrap();
    let mut actions = csat["actions"].clone();
    actions
        .as_array_mut()
        .unwrap()
        .push(json!({"field": "set_tags", "value": "edited_by_hand"}));
    let put = reqwest::Client::new()
        .put(format!("{}/api/v2/triggers/{id}", sim.account_url("acme")))
        .bearer_auth(TOKEN)
        .json(&json!({"trigger": {"conditions": csat["conditions"], "actions": actions}}))
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success());
    let before_refusal = raw_triggers(&sim, "acme").await;

    let output = cli_with_sim(dir.path(), &sim)
        .args(["apply", "plan.json", "--report", "r.json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("acme-prod.csat.survey_on_session_end was edited in Zendesk at"),
        "{stderr}"
    );
    assert!(
        stderr.contains(" since the plan: actions changed\n"),
        "exactly the field edited is named: {stderr}"
    );
    assert!(stderr.contains("Apply refused"), "{stderr}");
    assert_eq!(
        raw_triggers(&sim, "acme").await,
        before_refusal,
        "nothing was written"
    );

    let output = cli_with_sim(dir.path(), &sim)
        .args(["apply", "plan.json", "--skip-stale", "--report", "r.json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "a skipped change is not a full success"
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("r.json")).unwrap()).unwrap();
    let outcomes: BTreeMap<String, String> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["changes"].as_array().unwrap().clone())
        .map(|c| {
            (
                c["address"].as_str().unwrap().to_owned(),
                c["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        outcomes["acme-prod.csat.survey_on_session_end"],
        "skipped-stale"
    );
    assert_eq!(outcomes["acme-prod.trigger.vip-messaging"], "applied");
    assert_eq!(outcomes["acme-eu.trigger.vip-messaging"], "applied");
    // The edit's time, the version and the ids of what the two accounts (applied concurrently)
    // create change from run to run.
    insta::with_settings!({filters => vec![
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[time]"),
        (r#""tool_version": "[^"]+""#, r#""tool_version": "[version]""#),
        (r#""created_id": "\d+""#, r#""created_id": "[id]""#),
    ]}, {
        insta::assert_snapshot!("skip_stale_summary", String::from_utf8_lossy(&output.stderr));
        insta::assert_json_snapshot!("skip_stale_report", report);
    });
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn unmanaged_triggers_and_unmanaged_fields_are_left_byte_for_byte() {
    let sim = simulator(vec![seed("acme"), seed("acme-eu")], Duration::from_secs(60)).await;
    let dir = tempfile::tempdir().unwrap();
    multi_account_policy(dir.path());
    let before = raw_triggers(&sim, "acme").await;
    cli_with_sim(dir.path(), &sim)
        .args(["apply", "--auto-approve"])
        .assert()
        .success();
    let after = raw_triggers(&sim, "acme").await;
    for old in &before {
        let new = after
            .iter()
            .find(|t| t["id"] == old["id"])
            .expect("nothing was deleted");
        if old["title"] == "Request customer satisfaction rating (messaging)" {
            // Only the conditions it manages changed; everything else is as it was.
            for key in old.as_object().unwrap().keys() {
                if key != "conditions" && key != "updated_at" {
                    assert_eq!(old[key], new[key], "CSAT trigger field {key} changed");
                }
            }
            assert_ne!(old["conditions"], new["conditions"]);
        } else {
            assert_eq!(old, new, "unmanaged trigger {} changed", old["title"]);
        }
    }
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_policy_changed_since_the_plan_is_refused() {
    let sim = simulator(vec![seed("acme"), seed("acme-eu")], Duration::from_secs(60)).await;
    let dir = tempfile::tempdir().unwrap();
    multi_account_policy(dir.path());
    cli_with_sim(dir.path(), &sim)
        .args(["plan", "--out", "plan.json"])
        .assert()
        .success();
    let text = std::fs::read_to_string(dir.path().join("zdpolicy.yaml")).unwrap();
    std::fs::write(
        dir.path().join("zdpolicy.yaml"),
        text.replace("value: urgent", "value: high"),
    )
    .unwrap();
    cli_with_sim(dir.path(), &sim)
        .args(["apply", "plan.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("made from a different policy"));
    sim.shutdown().await.unwrap();
}

fn chaos_policy(dir: &Path, accounts: usize) -> Vec<ResolvedAccount> {
    let token = dir.join("token");
    std::fs::write(&token, TOKEN).unwrap();
    let mut text = String::from(
        "version: 1\ndefaults:\n  messaging: { end_session_after_inactivity: true }\n  csat: { survey_on_session_end: true }\n  safety: { max_changed_percent: 100 }\n  triggers:\n    - key: vip\n      title: Escalate VIP tickets\n      category: Routing\n      conditions: { all: [ { field: current_tags, operator: includes, value: vip } ] }\n      actions: [ { field: priority, value: urgent } ]\n    - key: spam\n      title: Close spam\n      conditions: { all: [ { field: current_tags, operator: includes, value: spam } ] }\n      actions: [ { field: status, value: closed } ]\naccounts:\n",
    );
    for i in 0..accounts {
        text.push_str(&format!(
            "  chaos{i:02}:\n    subdomain: chaos{i:02}\n    credentials: {{ oauth_token: \"file:{}\" }}\n",
            token.display()
        ));
    }
    let mut sources = SourceMap::new();
    sources.add("chaos.yaml", text);
    let policy = load_sources("chaos".into(), sources);
    assert!(!policy.has_errors(), "{:?}", policy.diagnostics);
    policy.accounts
}

#[tokio::test(flavor = "multi_thread")]
async fn under_faults_repeated_applies_converge_without_duplicates() {
    const ACCOUNTS: usize = 50;
    let names: Vec<String> = (0..ACCOUNTS).map(|i| format!("chaos{i:02}")).collect();
    let sim = simulator(
        names.iter().map(|n| seed(n)).collect(),
        Duration::from_secs(1),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let accounts = chaos_policy(dir.path(), ACCOUNTS);
    let mut unmanaged_before = BTreeMap::new();
    for name in &names {
        unmanaged_before.insert(name.clone(), raw_triggers(&sim, name).await);
        // Bursts over a small per-second limit give 429s with Retry-After.
        sim.handle().set_rate_limit(name, Some(8)).unwrap();
    }
    // 20% of answers are 5xx (the simulator splits them evenly between 503 with Retry-After
    // and 500, which is harsher: a 500 on a create leaves its outcome unknown), 5% of
    // connections drop, and a small per-second limit gives 429 bursts.
    sim.handle().set_faults(FaultConfig {
        error_rate: 0.2,
        drop_rate: 0.05,
        seed: 20_261_126,
        retry_after_secs: 0,
        ..FaultConfig::default()
    });
    let client = Client::new(ClientConfig {
        // The credentials are `file:`/`cmd:` references, which the test (not a policy author) allows.
        allow_credential_commands: true,
        base_url: BaseUrlTemplate::parse(&sim.url_template()).unwrap(),
        parallelism: 16,
        request_timeout: Duration::from_secs(5),
        retry_budget: Duration::from_secs(8),
        ..ClientConfig::default()
    })
    .unwrap();
    let stop = AtomicBool::new(false);
    let mut runs = 0;
    loop {
        let planned = read_and_plan(&client, &accounts, &|_| {}).await;
        if !planned.has_errors() && !has_changes(&planned) {
            break;
        }
        let errors: Vec<String> = planned
            .accounts
            .iter()
            .flat_map(|a| {
                a.diagnostics
                    .iter()
                    .filter(|d| d.is_error())
                    .map(|d| d.message.clone())
            })
            .collect();
        runs += 1;
        assert!(
            runs <= 3,
            "did not converge within 3 applies; plan errors: {errors:#?}"
        );
        let report = apply(&client, &planned, &accounts, ApplyOptions::default(), &stop)
            .await
            .expect("the plan was just made");
        eprintln!(
            "run {runs}: {} plan errors; {}",
            errors.len(),
            report.summary().lines().last().unwrap_or_default()
        );
        for line in report
            .summary()
            .lines()
            .filter(|l| l.starts_with("failed") || l.starts_with("error"))
            .take(5)
        {
            eprintln!("  {line}");
        }
        assert!(!report.refused, "nobody else writes: nothing is stale");
    }
    sim.handle().set_faults(FaultConfig::default());
    for name in &names {
        sim.handle().set_rate_limit(name, None).unwrap();
        let after = raw_triggers(&sim, name).await;
        for key in ["vip", "spam"] {
            let count = after
                .iter()
                .filter(|t| marker_key(t["description"].as_str()) == Some(key))
                .count();
            assert_eq!(count, 1, "{name}: {count} triggers with key {key}");
        }
        for old in &unmanaged_before[name] {
            if old["title"] == "Request customer satisfaction rating (messaging)" {
                continue;
            }
            let new = after
                .iter()
                .find(|t| t["id"] == old["id"])
                .expect("unmanaged trigger kept");
            assert_eq!(old, new, "{name}: unmanaged trigger touched");
        }
    }
    let stats = sim.handle().stats();
    let faulted: u64 = names
        .iter()
        .map(|n| {
            let s = stats.account(n);
            ["500", "503", "429", "dropped"]
                .iter()
                .filter_map(|k| s.by_status.get(*k))
                .sum::<u64>()
        })
        .sum();
    assert!(faulted > 50, "the faults were exercised ({faulted})");
    sim.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn active_flags_change_in_one_update_many_request() {
    let sim = simulator(vec![seed("acme")], Duration::from_secs(60)).await;
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, TOKEN).unwrap();
    let policy = |active: bool| {
        let mut text = format!(
            "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: {{ oauth_token: \"file:{}\" }}\n    safety: {{ max_changed_percent: 100 }}\n    triggers:\n",
            token.display()
        );
        for i in 0..3 {
            text.push_str(&format!(
                "      - {{ key: t{i}, title: T{i}, active: {active}, actions: [ {{ field: priority, value: high }} ] }}\n"
            ));
        }
        let mut sources = SourceMap::new();
        sources.add("p.yaml", text);
        load_sources("p".into(), sources).accounts
    };
    let client = Client::new(ClientConfig {
        // The credentials are `file:`/`cmd:` references, which the test (not a policy author) allows.
        allow_credential_commands: true,
        base_url: BaseUrlTemplate::parse(&sim.url_template()).unwrap(),
        ..ClientConfig::default()
    })
    .unwrap();
    let stop = AtomicBool::new(false);
    for active in [true, false] {
        let accounts = policy(active);
        sim.handle().reset_stats();
        let planned = read_and_plan(&client, &accounts, &|_| {}).await;
        let report = apply(&client, &planned, &accounts, ApplyOptions::default(), &stop)
            .await
            .expect("the plan was just made");
        assert!(report.succeeded(), "{}", report.summary());
    }
    let stats = sim.handle().stats().account("acme");
    assert_eq!(
        stats.endpoint("PUT /api/v2/triggers/update_many"),
        1,
        "{stats:?}"
    );
    assert_eq!(stats.endpoint("PUT /api/v2/triggers/{id}"), 0, "{stats:?}");
    let inactive = raw_triggers(&sim, "acme")
        .await
        .into_iter()
        .filter(|t| {
            t["title"]
                .as_str()
                .is_some_and(|title| title.starts_with('T'))
                && t["active"] == false
        })
        .count();
    assert_eq!(inactive, 3);
    sim.shutdown().await.unwrap();
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn ctrl_c_finishes_requests_in_flight_then_stops_with_a_report() {
    interrupt_an_apply("INT", 130).await;
}

// Regression: SIGTERM (what CI sends to cancel a job) killed apply at once, with no report.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn sigterm_stops_like_ctrl_c_with_a_report() {
    interrupt_an_apply("TERM", 143).await;
}

/// Sends `signal` to an apply that is creating triggers one by one, and checks that it stops
/// as documented: in-flight requests finish, the rest is not attempted, the report is written
/// and says so, and the exit code is `code`.
#[cfg(unix)]
async fn interrupt_an_apply(signal: &str, code: i32) {
    let sim = simulator(vec![seed("acme")], Duration::from_secs(60)).await;
    sim.handle().set_faults(FaultConfig {
        latency_ms: 150,
        ..FaultConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: { oauth_token: env:ACME_ZENDESK_OAUTH_TOKEN }\n    triggers:\n",
    );
    for i in 0..20 {
        text.push_str(&format!("      - {{ key: t{i}, title: T{i}, actions: [ {{ field: priority, value: high }} ] }}\n"));
    }
    std::fs::write(dir.path().join("zdpolicy.yaml"), text).unwrap();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("zdpolicy"))
        .current_dir(dir.path())
        .env("ZDPOLICY_API_URL", sim.url_template())
        .env("ACME_ZENDESK_OAUTH_TOKEN", TOKEN)
        .args(["apply", "--auto-approve", "--report", "report.json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until creates are going out (one by one, 150 ms each), then send the signal.
    let started = std::time::Instant::now();
    while sim
        .handle()
        .stats()
        .account("acme")
        .endpoint("POST /api/v2/triggers")
        < 2
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "apply never started writing"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = std::process::Command::new("kill")
        .args([&format!("-{signal}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(code), "{stderr}");
    assert!(
        stderr.contains("finishing the requests in flight"),
        "{stderr}"
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    assert_eq!(report["interrupted"], true);
    let outcomes: Vec<&str> = report["accounts"][0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["outcome"].as_str().unwrap())
        .collect();
    assert!(
        outcomes.contains(&"applied") && outcomes.contains(&"not-attempted"),
        "{outcomes:?}"
    );
    // What the report calls applied is exactly what Zendesk has.
    let applied = outcomes.iter().filter(|o| **o == "applied").count();
    let created = raw_triggers(&sim, "acme")
        .await
        .iter()
        .filter(|t| t["title"].as_str().is_some_and(|t| t.starts_with('T')))
        .count();
    assert_eq!(applied, created);
    sim.shutdown().await.unwrap();
}

/// The requests since the last reset that could have changed something in Zendesk (an OAuth
/// token request changes nothing).
fn writes(sim: &RunningSimulator) -> Vec<String> {
    sim.handle()
        .requests(None)
        .into_iter()
        .filter(|r| r.method != "GET" && r.endpoint != "POST /oauth/tokens")
        .map(|r| format!("{} {} {}", r.account, r.method, r.path))
        .collect()
}

/// The change at `address` in a saved plan's JSON.
fn change_mut<'a>(plan: &'a mut Value, address: &str) -> &'a mut Value {
    plan["accounts"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .flat_map(|a| a["changes"].as_array_mut().unwrap())
        .find(|c| c["address"] == address)
        .unwrap_or_else(|| panic!("no change {address}"))
}

/// The changes of the account `name` in a saved plan's JSON.
fn changes_mut<'a>(plan: &'a mut Value, name: &str) -> &'a mut Vec<Value> {
    plan["accounts"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|a| a["account"] == name)
        .unwrap()["changes"]
        .as_array_mut()
        .unwrap()
}

/// Inserts `change` into its account's changes where its address sorts.
fn insert_sorted(plan: &mut Value, change: Value) {
    let address = change["address"].as_str().unwrap().to_owned();
    let changes = changes_mut(plan, address.split('.').next().unwrap());
    let at = changes
        .iter()
        .position(|c| c["address"].as_str().unwrap() > address.as_str())
        .unwrap_or(changes.len());
    changes.insert(at, change);
}

/// `seen` for a live trigger as the planner records it: what someone forging a plan with
/// read access to the account could write.
fn seen_of(raw: &Value) -> Value {
    let live: LiveState = serde_json::from_value(json!({
        "triggers": [raw], "categories": [], "definitions": {}, "settings": {}, "sunshine": null
    }))
    .unwrap();
    let object = LiveObject::Trigger {
        id: raw["id"].as_u64().unwrap(),
    };
    json!({"object": object, "fingerprint": fingerprint_of(&live, &object).unwrap()})
}

type Edit = Box<dyn Fn(&mut Value)>;

/// How a tampered plan is caught: by reading it (its parts contradict each other), or by
/// comparing it with the plan the policy and a fresh read give.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caught {
    Reading,
    Replanning,
}

// Regression (#11): `apply plan.json` executed the file's operations as written, and `show`
// rendered `after`, so a reviewer could read one thing and apply do another. Now a file whose
// parts disagree is refused by both, and apply re-plans from the policy and a fresh read and
// refuses any plan that is not what that gives; each names the first difference, and nothing
// is written.
#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_plan_is_refused_naming_the_first_difference_and_nothing_is_written() {
    let sim = simulator(vec![seed("acme"), seed("acme-eu")], Duration::from_secs(60)).await;
    let dir = tempfile::tempdir().unwrap();
    multi_account_policy(dir.path());
    cli_with_sim(dir.path(), &sim)
        .args(["plan", "--out", "plan.json"])
        .assert()
        .success();
    let plan: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("plan.json")).unwrap())
            .unwrap();
    let standard = raw_triggers(&sim, "acme")
        .await
        .into_iter()
        .find(|t| t["title"] == "Notify requester and CCs of received request")
        .unwrap();
    let (standard_id, standard_seen) = (standard["id"].clone(), seen_of(&standard));
    let delete_standard = move |seen: Option<Value>| {
        let mut change = json!({
            "address": "acme-prod.trigger.notify-requester",
            "actions": ["delete"],
            "before": {"title": "Notify requester and CCs of received request"},
            "after": null,
            "operation": {"request": "delete_trigger", "id": standard_id.clone()}
        });
        if let Some(seen) = seen {
            change["seen"] = seen;
        }
        change
    };
    let delete_unseen = delete_standard.clone();
    let (csat_to_standard, csat_to_standard_seen) =
        (standard["id"].clone(), standard["id"].clone());
    let standard_seen_for_csat = standard_seen.clone();

    let cases: Vec<(&str, Caught, Edit)> = vec![
        (
            "an edited operation",
            Caught::Reading,
            Box::new(|plan| {
                change_mut(plan, "acme-prod.trigger.vip-messaging")["operation"]["trigger"]["actions"]
                    [0]["value"] = json!("low");
            }),
        ),
        (
            "an edited operation and after",
            Caught::Replanning,
            Box::new(|plan| {
                let change = change_mut(plan, "acme-prod.trigger.vip-messaging");
                change["operation"]["trigger"]["actions"][0]["value"] = json!("low");
                change["after"]["actions"][0]["value"] = json!("low");
            }),
        ),
        (
            "an extra create",
            Caught::Replanning,
            Box::new(|plan| {
                let mut extra = change_mut(plan, "acme-prod.trigger.vip-messaging").clone();
                let description =
                    json!("Managed by zdpolicy (key: backdoor). Edits in Zendesk are overwritten.");
                extra["address"] = json!("acme-prod.trigger.backdoor");
                for view in ["/after", "/operation/trigger"] {
                    let view = extra.pointer_mut(view).unwrap();
                    view["title"] = json!("Backdoor");
                    view["description"] = description.clone();
                }
                insert_sorted(plan, extra);
            }),
        ),
        (
            "a delete of a Zendesk standard trigger",
            Caught::Reading,
            Box::new(move |plan| insert_sorted(plan, delete_unseen(None))),
        ),
        (
            "a delete of a Zendesk standard trigger, fingerprinted",
            Caught::Replanning,
            Box::new(move |plan| insert_sorted(plan, delete_standard(Some(standard_seen.clone())))),
        ),
        (
            "a CSAT edit pointed at another trigger",
            Caught::Reading,
            Box::new(move |plan| {
                change_mut(plan, "acme-prod.csat.survey_on_session_end")["operation"]["id"] =
                    csat_to_standard.clone();
            }),
        ),
        (
            "a CSAT edit pointed at another trigger, fingerprinted",
            Caught::Replanning,
            Box::new(move |plan| {
                let change = change_mut(plan, "acme-prod.csat.survey_on_session_end");
                change["operation"]["id"] = csat_to_standard_seen.clone();
                change["seen"] = standard_seen_for_csat.clone();
            }),
        ),
        (
            "a no-op turned into an update of the account settings",
            Caught::Reading,
            Box::new(|plan| {
                let change = change_mut(plan, "acme-prod.setting.agents_can_end_sessions");
                change["actions"] = json!(["update"]);
                change["operation"] = json!({
                    "request": "update_account_settings",
                    "settings": {"messaging_inactivity": {"enabled": false}}
                });
            }),
        ),
        (
            "a change whose fingerprint was removed",
            Caught::Reading,
            Box::new(|plan| {
                change_mut(plan, "acme-prod.csat.survey_on_session_end")
                    .as_object_mut()
                    .unwrap()
                    .remove("seen");
            }),
        ),
        (
            "a missing change",
            Caught::Replanning,
            Box::new(|plan| {
                changes_mut(plan, "acme-prod")
                    .retain(|c| c["address"] != "acme-prod.trigger.vip-messaging");
            }),
        ),
        (
            "reordered changes",
            Caught::Replanning,
            Box::new(|plan| {
                let changes = changes_mut(plan, "acme-prod");
                let csat = changes
                    .iter()
                    .position(|c| c["address"] == "acme-prod.csat.survey_on_session_end")
                    .unwrap();
                changes.swap(csat, csat + 1);
            }),
        ),
    ];
    let mut refusals = String::new();
    for (case, caught, edit) in &cases {
        let mut tampered = plan.clone();
        edit(&mut tampered);
        std::fs::write(
            dir.path().join("tampered.json"),
            serde_json::to_string_pretty(&tampered).unwrap(),
        )
        .unwrap();
        let expected = match caught {
            Caught::Reading => "the saved plan contradicts itself",
            Caught::Replanning => "the plan does not match what the policy and Zendesk give now",
        };
        let show = zdpolicy(dir.path())
            .args(["show", "tampered.json"])
            .output()
            .unwrap();
        assert_eq!(
            show.status.success(),
            *caught == Caught::Replanning,
            "{case}: show refuses only what it can tell from the file"
        );
        for skip_stale in [false, true] {
            sim.handle().reset_stats();
            let mut cmd = cli_with_sim(dir.path(), &sim);
            cmd.args(["apply", "tampered.json", "--color", "never"]);
            if skip_stale {
                cmd.arg("--skip-stale");
            }
            let output = cmd.output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
            assert_eq!(output.status.code(), Some(1), "{case}: {stderr}");
            assert_eq!(
                writes(&sim),
                Vec::<String>::new(),
                "{case}: nothing is written"
            );
            assert!(stderr.contains(expected), "{case}: {stderr}");
            if !skip_stale {
                refusals.push_str(&format!("## {case}\n{stderr}\n"));
            }
        }
    }
    insta::assert_snapshot!("tampered_plan_refusals", refusals);
    // The plan as saved applies.
    cli_with_sim(dir.path(), &sim)
        .args(["apply", "plan.json"])
        .assert()
        .success();
    sim.shutdown().await.unwrap();
}

/// The sandbox's OAuth token (the sandbox is local; its token is no secret).
const SANDBOX_TOKEN: &str = "zdpolicy-sandbox";

/// Plays someone editing the description of the trigger titled `title` in Zendesk, in the
/// sandbox kept at `state`: a simulator started on the same state file, stopped again.
async fn edit_description_in_sandbox(state: &Path, subdomain: &str, title: &str) {
    let sim = Simulator::start(SimulatorConfig {
        state_file: Some(state.to_owned()),
        ..SimulatorConfig::ephemeral()
    })
    .await
    .unwrap();
    let trigger = raw_triggers_with(&sim, subdomain, SANDBOX_TOKEN)
        .await
        .into_iter()
        .find(|t| t["title"] == title)
        .unwrap();
    let put = reqwest::Client::new()
        .put(format!(
            "{}/api/v2/triggers/{}",
            sim.account_url(subdomain),
            trigger["id"]
        ))
        .bearer_auth(SANDBOX_TOKEN)
        .json(&json!({"trigger": {"description": "Edited by hand in Admin Center"}}))
        .send()
        .await
        .unwrap();
    assert!(put.status().is_success(), "{}", put.status());
    sim.shutdown().await.unwrap();
}

async fn raw_triggers_with(sim: &RunningSimulator, subdomain: &str, token: &str) -> Vec<Value> {
    let url = format!(
        "{}/api/v2/triggers?page[size]=100",
        sim.account_url(subdomain)
    );
    let body: Value = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["triggers"].as_array().unwrap().clone()
}

// Regression (#12): a trigger's fingerprint held its `url`, which carries the sandbox's
// port, so a plan saved in one sandbox run was stale in every later one; and a stale message
// named fields of another shape ("survey_on_session_end, title, description, active,
// category, actions differ") when only the description had changed.
#[tokio::test(flavor = "multi_thread")]
async fn a_saved_plan_applies_in_a_restarted_sandbox_and_a_stale_one_names_the_field() {
    let dir = tempfile::tempdir().unwrap();
    example(dir.path(), "single-account");
    let plan = |dir: &Path| {
        zdpolicy(dir)
            .args(["plan", "--sandbox", "--out", "plan.json", "single-account"])
            .assert()
            .success();
    };
    let apply = |dir: &Path| {
        zdpolicy(dir)
            .args([
                "apply",
                "--sandbox",
                "plan.json",
                "--policy",
                "single-account",
                "--color",
                "never",
            ])
            .output()
            .unwrap()
    };

    // Each command runs its own sandbox, on a new port.
    plan(dir.path());
    let output = apply(dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Apply complete."), "{stderr}");

    // A fresh account, planned; then the CSAT trigger's description is edited in Zendesk.
    zdpolicy(dir.path())
        .args(["sandbox", "reset"])
        .assert()
        .success();
    plan(dir.path());
    let plan_text = std::fs::read_to_string(dir.path().join("plan.json")).unwrap();
    let subdomain = serde_json::from_str::<Value>(&plan_text).unwrap()["accounts"][0]["subdomain"]
        .as_str()
        .unwrap()
        .to_owned();
    edit_description_in_sandbox(
        &dir.path().join(".zdpolicy/sandbox.json"),
        &subdomain,
        "Request customer satisfaction rating (messaging)",
    )
    .await;
    let output = apply(dir.path());
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    insta::with_settings!({filters => vec![
        (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "[time]"),
    ]}, {
        insta::assert_snapshot!("stale_description_edit", stderr);
    });
}

// Regression (#12): the first change fit for `update_many` sends every such change of the
// account in one request, but when a later change failed, the changes already sent with it
// were reported `not-attempted`.
#[tokio::test(flavor = "multi_thread")]
async fn changes_sent_in_one_update_many_are_reported_applied_after_a_later_failure() {
    let sim = simulator(vec![seed("acme")], Duration::from_secs(60)).await;
    let dir = tempfile::tempdir().unwrap();
    let token = dir.path().join("token");
    std::fs::write(&token, TOKEN).unwrap();
    // t1 tests the "Messaging session ended reason" condition, which Zendesk refuses (422)
    // in a write while agents cannot end sessions.
    let policy = |active: bool, t1_title: &str| {
        let text = format!(
            "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: {{ oauth_token: \"file:{}\" }}\n    safety: {{ max_changed_percent: 100 }}\n    triggers:\n      - {{ key: t0, title: T0, active: {active}, actions: [ {{ field: priority, value: high }} ] }}\n      - {{ key: t1, title: {t1_title}, conditions: {{ all: [ {{ field: zdpolicy_sim_messaging_session_ended_reason, operator: value, value: zdpolicy_sim_ended_by_agent }} ] }}, actions: [ {{ field: priority, value: high }} ] }}\n      - {{ key: t2, title: T2, active: {active}, actions: [ {{ field: priority, value: high }} ] }}\n",
            token.display()
        );
        let mut sources = SourceMap::new();
        sources.add("p.yaml", text);
        let policy = load_sources("p".into(), sources);
        assert!(!policy.has_errors(), "{:?}", policy.diagnostics);
        policy.accounts
    };
    let client = Client::new(ClientConfig {
        // The credentials are `file:`/`cmd:` references, which the test (not a policy author) allows.
        allow_credential_commands: true,
        base_url: BaseUrlTemplate::parse(&sim.url_template()).unwrap(),
        ..ClientConfig::default()
    })
    .unwrap();
    let stop = AtomicBool::new(false);
    let apply_now = |accounts: Vec<ResolvedAccount>| {
        let (client, stop) = (&client, &stop);
        async move {
            let planned = read_and_plan(client, &accounts, &|_| {}).await;
            assert!(!planned.has_errors(), "{planned:?}");
            apply(client, &planned, &accounts, ApplyOptions::default(), stop)
                .await
                .expect("the plan was just made")
        }
    };
    assert!(apply_now(policy(true, "T1")).await.succeeded());

    let mut admin = sim.handle().admin_settings("acme").unwrap();
    admin.agents_can_end_sessions = false;
    sim.handle().set_admin_settings("acme", admin).unwrap();
    let report = apply_now(policy(false, "T1 renamed")).await;
    let outcomes: Vec<(String, &str)> = report.accounts[0]
        .changes
        .iter()
        .map(|c| {
            let outcome = match c.outcome {
                Outcome::Applied => "applied",
                Outcome::Failed => "failed",
                other => panic!("{}: {other:?}", c.address),
            };
            (c.address.clone(), outcome)
        })
        .collect();
    assert_eq!(
        outcomes,
        [
            ("acme.trigger.t0".to_owned(), "applied"),
            ("acme.trigger.t1".to_owned(), "failed"),
            ("acme.trigger.t2".to_owned(), "applied"),
        ],
        "{}",
        report.summary()
    );
    let inactive: Vec<Value> = raw_triggers(&sim, "acme")
        .await
        .into_iter()
        .filter(|t| t["active"] == false && (t["title"] == "T0" || t["title"] == "T2"))
        .collect();
    assert_eq!(inactive.len(), 2, "the report says what Zendesk has");

    // Once Zendesk accepts the condition again, a re-run converges.
    admin.agents_can_end_sessions = true;
    sim.handle().set_admin_settings("acme", admin).unwrap();
    let report = apply_now(policy(false, "T1 renamed")).await;
    assert!(report.succeeded(), "{}", report.summary());
    assert_eq!(report.tally().applied, 1);
    let planned = read_and_plan(&client, &policy(false, "T1 renamed"), &|_| {}).await;
    assert!(!has_changes(&planned));
    sim.shutdown().await.unwrap();
}

// Before apply starts writing (here: while it plans), a signal ends zdpolicy at once: there is
// nothing to finish and nothing to report.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_signal_while_planning_ends_apply_at_once_with_nothing_written() {
    let sim = simulator(vec![seed("acme")], Duration::from_secs(60)).await;
    sim.handle().set_faults(FaultConfig {
        latency_ms: 1_000,
        ..FaultConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("zdpolicy.yaml"),
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    credentials: { client_id: zdpolicy, client_secret: env:ACME_EU_ZENDESK_CLIENT_SECRET }\n    triggers:\n      - { key: t0, title: T0, actions: [ { field: priority, value: high } ] }\n",
    )
    .unwrap();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("zdpolicy"))
        .current_dir(dir.path())
        .env("ZDPOLICY_API_URL", sim.url_template())
        .env("ACME_EU_ZENDESK_CLIENT_SECRET", SECRET)
        .args(["apply", "--auto-approve", "--report", "report.json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The token request is answered after a second; the reads it unlocks take another one, so
    // the signal comes while apply is still planning.
    let started = std::time::Instant::now();
    while sim.handle().stats().account("acme").requests == 0 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "apply never asked for a token"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(143), "{stderr}");
    assert!(
        stderr.contains("SIGTERM: stopped; nothing was applied"),
        "{stderr}"
    );
    assert!(!dir.path().join("report.json").exists());
    assert_eq!(writes(&sim), Vec::<String>::new());
    sim.shutdown().await.unwrap();
}
