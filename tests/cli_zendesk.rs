//! The commands that talk to Zendesk, run as users run them against the built-in sandbox:
//! export → plan round trips, plan formats and exit codes, saved plans, selectors, and the
//! sandbox's admin switches.

use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

mod support;

fn zdpolicy(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("zdpolicy").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("ZDPOLICY_API_URL")
        .env_remove("ZENDESK_OAUTH_TOKEN")
        .env_remove("ZENDESK_API_TOKEN")
        .env_remove("ZENDESK_EMAIL");
    cmd
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/multi-account/zdpolicy.yaml");
    std::fs::create_dir(dir.path().join("policy")).unwrap();
    std::fs::copy(from, dir.path().join("policy/zdpolicy.yaml")).unwrap();
    dir
}

/// Fails unless `document` validates against the plan document's schema
/// (`schemas/plan.schema.json`), naming every violation.
fn assert_valid_plan_document(document: &serde_json::Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/plan.schema.json");
    let schema = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(document)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

#[test]
fn export_then_plan_finds_no_changes() {
    let dir = tempfile::tempdir().unwrap();
    zdpolicy(dir.path())
        .args([
            "export",
            "--sandbox",
            "--subdomain",
            "acme",
            "--triggers",
            "--output",
            "out/",
        ])
        .assert()
        .success();
    zdpolicy(dir.path())
        .args(["validate", "out/"])
        .assert()
        .success();
    zdpolicy(dir.path())
        .args(["plan", "--sandbox", "--detailed-exitcode", "out/"])
        .assert()
        .code(0)
        .stdout("No changes. Live state matches the policy.\n");
}

/// Regression: the README said export skips Zendesk's standard triggers, while it exported all
/// seven "Notify …" triggers of a new account. Real accounts send them with `default: false`,
/// as the sandbox does, so they are exported, pinned by id, and the header does not claim that
/// standard triggers were left out.
#[test]
fn export_keeps_the_standard_triggers_that_zendesk_sends_as_default_false() {
    let dir = tempfile::tempdir().unwrap();
    let text = stdout(zdpolicy(dir.path()).args([
        "export",
        "--sandbox",
        "--subdomain",
        "acme",
        "--triggers",
    ]));
    let policy: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let account = &policy["accounts"]["acme"];
    let titles: Vec<&str> = account["triggers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["title"].as_str())
        .collect();
    for title in [
        "Notify requester and CCs of received request",
        "Notify assignee of assignment",
        "Notify all agents of received request",
    ] {
        assert!(titles.contains(&title), "{title} missing from {titles:?}");
    }
    let notify = titles.iter().filter(|t| t.starts_with("Notify ")).count();
    assert_eq!(notify, 7, "{titles:?}");
    let pins = account["trigger_ids"].as_object().unwrap();
    assert_eq!(pins.len(), titles.len(), "every exported trigger is pinned");
    assert!(!text.contains("standard triggers"), "{text}");
}

#[test]
fn exported_yaml_validates_against_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let text = stdout(zdpolicy(dir.path()).args([
        "export",
        "--sandbox",
        "--subdomain",
        "globex",
        "--triggers",
    ]));
    let value: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let schema = zdpolicy::policy::schema::policy_schema();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}\n{text}");
}

#[test]
fn plan_of_the_multi_account_example() {
    let dir = workspace();
    let output = zdpolicy(dir.path())
        .args([
            "plan",
            "--sandbox",
            "--detailed-exitcode",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "changes present");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.ends_with("Plan: 4 to add, 3 to change, 0 to destroy, 2 manual steps.\n"),
        "{text}"
    );
    // Headers name the sandbox's address: `acme-prod (127.0.0.1:PORT/acme)`, never Zendesk's.
    assert!(text.contains("acme-prod (127.0.0.1:"), "{text}");
    assert!(!text.contains("zendesk.com)"), "{text}");
    insta::assert_snapshot!("plan_multi_account_human", support::without_port(&text));

    let markdown = stdout(zdpolicy(dir.path()).args(["plan", "--sandbox", "--format", "markdown"]));
    assert!(markdown.starts_with("**Plan: 4 to add"), "{markdown}");
    assert!(markdown.contains("<!-- zdpolicy-plan -->"));
    insta::assert_snapshot!(
        "plan_multi_account_markdown",
        support::without_port(&markdown)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(zdpolicy(dir.path()).args([
        "plan",
        "--sandbox",
        "--format",
        "json",
    ])))
    .unwrap();
    assert_eq!(json["format_version"], "2.0");
    assert_valid_plan_document(&json);
    let addresses: Vec<&str> = json["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["changes"].as_array().unwrap())
        .map(|c| c["address"].as_str().unwrap())
        .collect();
    assert!(
        addresses.contains(&"acme-prod.trigger.vip-messaging"),
        "{addresses:?}"
    );
    // Versions, live timestamps and the hashes over them change from run to run.
    let filters = vec![
        (
            r#""tool_version": "[^"]+""#,
            r#""tool_version": "[version]""#,
        ),
        (r#""(created_at|updated_at)": "[^"]+""#, r#""$1": "[time]""#),
        (r#""sha256": "[0-9a-f]{64}""#, r#""sha256": "[sha256]""#),
        (r#"": "[0-9a-f]{16}""#, r#"": "[field hash]""#),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
    ];
    insta::with_settings!({filters => filters}, {
        insta::assert_json_snapshot!("plan_multi_account_json", json);
    });
}

/// A saved plan is the plan document too: one made against the sandbox, with a create, the
/// CSAT update and the unmanaged triggers reported, validates against the schema.
#[test]
fn a_saved_plan_validates_against_the_plan_schema() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("zdpolicy.yaml"),
        "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    unmanaged_triggers: report\n    csat: { survey_on_session_end: true }\n    triggers:\n      - key: vip\n        title: VIP\n        actions: [ { field: priority, value: high } ]\n",
    )
    .unwrap();
    zdpolicy(dir.path())
        .args(["plan", "--sandbox", "--out", "plan.json"])
        .assert()
        .success();
    let saved = std::fs::read_to_string(dir.path().join("plan.json")).unwrap();
    let document: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert!(
        !document["accounts"][0]["unmanaged_triggers"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert_valid_plan_document(&document);
}

#[test]
fn a_same_title_trigger_is_a_conflict_until_adopted() {
    let dir = tempfile::tempdir().unwrap();
    let policy = |adopt: &str| {
        format!(
            "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    triggers:\n      - key: all-agents\n        title: Notify all agents of received request\n{adopt}        actions: [ {{ field: priority, value: high }} ]\n"
        )
    };
    std::fs::write(dir.path().join("zdpolicy.yaml"), policy("")).unwrap();
    let output = zdpolicy(dir.path())
        .args(["plan", "--sandbox", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("is not managed by zdpolicy"), "{text}");
    assert!(text.contains("adopt: true"), "{text}");
    assert!(
        !text.contains("will be created"),
        "no second trigger with the title: {text}"
    );
    std::fs::write(
        dir.path().join("zdpolicy.yaml"),
        policy("        adopt: true\n"),
    )
    .unwrap();
    let text = stdout(zdpolicy(dir.path()).args(["plan", "--sandbox", "--color", "never"]));
    assert!(text.contains("adopts trigger"), "{text}");
}

#[test]
fn saved_plans_show_as_they_were_planned() {
    let dir = workspace();
    zdpolicy(dir.path())
        .args([
            "plan",
            "--sandbox",
            "--out",
            "plan.json",
            "--format",
            "json",
        ])
        .assert()
        .success();
    let saved = std::fs::read_to_string(dir.path().join("plan.json")).unwrap();
    assert!(saved.contains("\"policy_hash\""));
    let planned = stdout(zdpolicy(dir.path()).args(["plan", "--sandbox", "--color", "never"]));
    let shown = stdout(zdpolicy(dir.path()).args(["show", "plan.json", "--color", "never"]));
    // The saved plan names where it was read; this `plan` ran against a new sandbox port.
    assert_eq!(
        support::without_port(&planned),
        support::without_port(&shown)
    );
    std::fs::write(dir.path().join("bad.json"), "{\"format_version\": \"9.0\"}").unwrap();
    zdpolicy(dir.path())
        .args(["show", "bad.json"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("bad.json"));
}

#[test]
fn selectors_narrow_the_accounts() {
    let dir = workspace();
    let text = stdout(zdpolicy(dir.path()).args([
        "plan",
        "--sandbox",
        "--account",
        "acme-e*",
        "--color",
        "never",
    ]));
    assert!(text.contains("acme-eu (127.0.0.1:"), "{text}");
    assert!(!text.contains("acme-prod"));
    let one = stdout(zdpolicy(dir.path()).args([
        "plan",
        "--sandbox",
        "--shard",
        "1/2",
        "--color",
        "never",
    ]));
    let two = stdout(zdpolicy(dir.path()).args([
        "plan",
        "--sandbox",
        "--shard",
        "2/2",
        "--color",
        "never",
    ]));
    let has = |text: &str, name: &str| text.contains(&format!("{name} ("));
    for name in ["acme-eu", "acme-prod"] {
        assert!(
            has(&one, name) ^ has(&two, name),
            "{name} is in exactly one shard"
        );
    }
    zdpolicy(dir.path())
        .args(["plan", "--sandbox", "--shard", "3/2"])
        .assert()
        .code(1);
}

#[test]
fn an_admin_turning_agent_ending_off_shows_the_manual_step() {
    let dir = workspace();
    zdpolicy(dir.path())
        .args(["plan", "--sandbox"])
        .assert()
        .success();
    zdpolicy(dir.path())
        .args([
            "sandbox",
            "set",
            "acme-prod",
            "agents-can-end-sessions",
            "off",
        ])
        .assert()
        .success();
    let output = zdpolicy(dir.path())
        .args([
            "plan",
            "--sandbox",
            "--account",
            "acme-prod",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains(
            "Ending sessions > \"Agents can end messaging sessions at any time\" > Save settings"
        ),
        "{text}"
    );
    // The CSAT edit needs the condition Zendesk only offers while agents can end sessions.
    assert_eq!(output.status.code(), Some(1));
    zdpolicy(dir.path())
        .args(["sandbox", "reset"])
        .assert()
        .success();
    assert!(!dir.path().join(".zdpolicy/sandbox.json").exists());
}

#[test]
fn plain_http_to_a_remote_host_is_refused() {
    let dir = workspace();
    zdpolicy(dir.path())
        .args([
            "plan",
            "--api-url",
            "http://{subdomain}.zendesk.com",
            "--color",
            "never",
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("plain http://"));
}

#[test]
fn missing_credentials_fail_per_account_and_name_the_variable() {
    let dir = workspace();
    zdpolicy(dir.path())
        .args([
            "plan",
            "--api-url",
            "http://127.0.0.1:9/{subdomain}",
            "--color",
            "never",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("env:ACME_ZENDESK_OAUTH_TOKEN"));
}

#[test]
fn verbose_prints_one_line_per_request() {
    let dir = workspace();
    zdpolicy(dir.path())
        .args(["-v", "plan", "--sandbox", "--account", "acme-eu"])
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "acme-eu: GET /api/v2/triggers?page[size]=100 -> 200 (",
        ));
}

/// Regression (#19): `apply -q` printed the plan, the manual-step checklist and the summary.
#[test]
fn quiet_apply_prints_only_errors() {
    let dir = workspace();
    let output = zdpolicy(dir.path())
        .args([
            "-q",
            "apply",
            "--sandbox",
            "--auto-approve",
            "--color",
            "never",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8(output.stdout).unwrap(), "");
    assert_eq!(String::from_utf8(output.stderr).unwrap(), "");
    // It did apply: the next plan has nothing left to create.
    let text = stdout(zdpolicy(dir.path()).args(["plan", "--sandbox", "--color", "never"]));
    assert!(text.contains("Plan: 0 to add, 0 to change"), "{text}");
}
