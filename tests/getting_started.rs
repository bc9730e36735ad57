//! The README's "Your own account" section, walked against the simulator over HTTP as a new
//! admin would (#19): mint a read-only token with the client-credentials grant, export →
//! validate → plan (no changes, and nothing but reads), see apply refused without `write`,
//! apply with it, then stop managing a trigger without deleting it.
//!
//! Each command run here is checked to appear in that section word for word, so the section
//! and this walk cannot drift apart.

mod support;

use std::path::Path;

use serde_json::{Value, json};
use zdpolicy::simulator::{RunningSimulator, Simulator, SimulatorConfig, load_seed_file};

const CLIENT_ID: &str = "zdpolicy-read";
const CLIENT_SECRET: &str = "own-client-secret";

/// A new account, as Zendesk makes it, plus one trigger of the admin's own and the OAuth
/// client of step 1.
const SEED: &str = r#"kind: simulator-seed
accounts:
  - subdomain: acme
    credentials:
      oauth_clients:
        - {client_id: zdpolicy-read, client_secret: own-client-secret, role: admin}
    triggers:
      - title: Route VIP tickets
        conditions: {all: [{field: current_tags, operator: includes, value: vip}], any: []}
        actions: [{field: priority, value: high}]
"#;

/// The README section this test walks.
fn section() -> String {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let start = readme
        .find("## Your own account")
        .expect("the README has the getting-started section");
    let rest = &readme[start..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_owned()
}

/// Fails unless the section shows `text` exactly.
fn documented(text: &str) {
    assert!(
        section().contains(text),
        "the getting-started section no longer shows `{text}`"
    );
}

async fn simulator(dir: &Path) -> RunningSimulator {
    let path = dir.join("seed.yaml");
    std::fs::write(&path, SEED).unwrap();
    let seed = load_seed_file(&path).unwrap();
    Simulator::start(SimulatorConfig {
        accounts: seed.accounts,
        ..SimulatorConfig::ephemeral()
    })
    .await
    .unwrap()
}

/// Step 2: the token request of the README, sent to the simulator.
async fn mint(sim: &RunningSimulator, scope: &str) -> String {
    for field in [
        r#""grant_type": "client_credentials""#,
        &format!(r#""client_id": "{CLIENT_ID}""#),
        &format!(r#""scope": "{scope}""#),
    ] {
        documented(field);
    }
    documented("https://acme.zendesk.com/oauth/tokens");
    let answer: Value = reqwest::Client::new()
        .post(format!("{}/acme/oauth/tokens", sim.base_url()))
        .json(&json!({
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scope": scope,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["access_token"].as_str().expect("a token").to_owned()
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs a command line of the section, as written there, with the token of step 2 and the
/// simulator's address in the environment (`ZDPOLICY_API_URL` stands in for Zendesk).
fn zdpolicy(dir: &Path, sim: &RunningSimulator, token: &str, line: &str) -> Run {
    documented(line);
    let args: Vec<&str> = line
        .strip_prefix("zdpolicy ")
        .expect("a zdpolicy command")
        .split(' ')
        .collect();
    let output = support::zdpolicy(dir)
        .env("ZENDESK_OAUTH_TOKEN", token)
        .env("ZDPOLICY_API_URL", sim.url_template())
        .env("NO_COLOR", "1")
        .args(&args)
        .output()
        .unwrap();
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// The exported policy file, read as data (JSON is YAML, so it is written back as JSON).
fn policy(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("policy/acme.yaml")).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

fn write_policy(dir: &Path, policy: &Value) {
    std::fs::write(dir.join("policy/acme.yaml"), policy.to_string()).unwrap();
}

fn key_of(policy: &Value, title: &str) -> String {
    policy["accounts"]["acme"]["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["title"] == title)
        .and_then(|t| t["key"].as_str())
        .expect("the trigger was exported")
        .to_owned()
}

async fn live_trigger(sim: &RunningSimulator, token: &str, title: &str) -> Value {
    let found = support::triggers_titled(sim, "acme", token, title).await;
    found.into_iter().next().expect("the trigger exists")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_getting_started_section_walks_from_nothing_to_a_reviewed_plan() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    let sim = simulator(dir).await;
    let read = mint(&sim, "read").await;

    // Step 3: export, validate, plan, with the read-only token.
    let export = "zdpolicy export --subdomain acme --triggers --output policy/";
    let out = zdpolicy(dir, &sim, &read, export);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = zdpolicy(dir, &sim, &read, "zdpolicy validate policy/");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stdout, "policy/: valid: 1 account, 0 warnings\n");
    let out = zdpolicy(dir, &sim, &read, "zdpolicy plan policy/");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    documented("No changes. Live state matches the policy.");
    assert_eq!(out.stdout, "No changes. Live state matches the policy.\n");
    // Read-only indeed: the only request that was not a GET is the token request.
    let writes: Vec<String> = sim
        .handle()
        .requests(Some("acme"))
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert_eq!(writes, ["POST /oauth/tokens"]);

    // Step 4: a change, saved and reviewed; `read` cannot apply it, `read write` can.
    let mut edited = policy(dir);
    let key = key_of(&edited, "Route VIP tickets");
    for trigger in edited["accounts"]["acme"]["triggers"]
        .as_array_mut()
        .unwrap()
    {
        if trigger["key"] == key.as_str() {
            trigger["active"] = json!(false);
        }
    }
    write_policy(dir, &edited);
    let save = "zdpolicy plan --out plan.json policy/";
    let out = zdpolicy(dir, &sim, &read, save);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = zdpolicy(dir, &sim, &read, "zdpolicy apply plan.json");
    assert_eq!(
        out.code,
        Some(1),
        "a read-only token cannot apply: {}",
        out.stderr
    );
    assert!(out.stderr.contains("403"), "{}", out.stderr);
    let write = mint(&sim, "read write").await;
    let out = zdpolicy(dir, &sim, &write, "zdpolicy apply plan.json");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(
        out.stderr.contains("Apply complete. 1 applied"),
        "{}",
        out.stderr
    );
    let out = zdpolicy(dir, &sim, &read, "zdpolicy plan policy/");
    assert_eq!(out.stdout, "No changes. Live state matches the policy.\n");
    let marked = live_trigger(&sim, &read, "Route VIP tickets").await;
    documented("Managed by zdpolicy (key: KEY). Edits in Zendesk are");
    assert!(
        marked["description"]
            .as_str()
            .is_some_and(|d| d.ends_with(&format!(
                "Managed by zdpolicy (key: {key}). Edits in Zendesk are overwritten."
            ))),
        "zdpolicy's first write adds the marker: {marked}"
    );

    // Stop managing it without deleting it: release the key, drop the pin.
    documented("released_triggers: [KEY]");
    let mut released = policy(dir);
    let account = &mut released["accounts"]["acme"];
    account["triggers"]
        .as_array_mut()
        .unwrap()
        .retain(|t| t["key"] != key.as_str());
    account["trigger_ids"].as_object_mut().unwrap().remove(&key);
    account["released_triggers"] = json!([key]);
    write_policy(dir, &released);
    let out = zdpolicy(dir, &sim, &read, save);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert!(out.stdout.contains("0 to destroy"), "{}", out.stdout);
    let out = zdpolicy(dir, &sim, &write, "zdpolicy apply plan.json");
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    let out = zdpolicy(dir, &sim, &read, "zdpolicy plan policy/");
    assert_eq!(out.stdout, "No changes. Live state matches the policy.\n");
    let kept = live_trigger(&sim, &read, "Route VIP tickets").await;
    assert_eq!(kept["id"], marked["id"], "the same trigger, not deleted");
    assert_eq!(kept["active"], json!(false), "everything else is kept");
    assert!(
        !kept["description"]
            .as_str()
            .unwrap_or_default()
            .contains("Managed by zdpolicy"),
        "the marker is gone: {kept}"
    );
    sim.shutdown().await.unwrap();
}
