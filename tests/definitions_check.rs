//! The definitions check, as users meet it: `plan` against the sandbox reports a field, an
//! operator and a value the account does not offer, each located in the policy with what
//! the account offers instead, and `apply` then writes nothing to that account.

use std::path::Path;

use assert_cmd::Command;

fn zdpolicy(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("zdpolicy").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("ZDPOLICY_API_URL");
    cmd
}

const POLICY: &str = "version: 1
accounts:
  acme:
    subdomain: acme
    triggers:
      - key: typo-field
        title: Typo in a field
        conditions: { all: [ { field: priorty, operator: is, value: high } ] }
        actions: [ { field: set_tags, value: typo } ]
      - key: bad-operator
        title: An operator via_id lacks
        conditions: { all: [ { field: via_id, operator: less_than, value: 4 } ] }
        actions: [ { field: set_tags, value: op } ]
      - key: bad-value
        title: A priority that does not exist
        conditions: { any: [ { field: status, operator: is, value: open } ] }
        actions: [ { field: priority, value: urgnet } ]
      - key: fine
        title: Fine on its own
        actions: [ { field: priority, value: urgent } ]
";

fn sandbox_triggers(dir: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join(".zdpolicy/sandbox.json")).unwrap();
    let state: serde_json::Value = serde_json::from_str(&text).unwrap();
    state["accounts"]["acme"]["triggers"].clone()
}

#[test]
fn mismatches_with_the_accounts_definitions_are_located_errors_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("zdpolicy.yaml"), POLICY).unwrap();
    let output = zdpolicy(dir.path())
        .args(["plan", "--sandbox", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    insta::with_settings!({filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]")]}, {
        insta::assert_snapshot!(text);
    });
    let before = sandbox_triggers(dir.path());

    let output = zdpolicy(dir.path())
        .args(["apply", "--sandbox", "--auto-approve", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        sandbox_triggers(dir.path()),
        before,
        "no trigger of the account was written, not even the fine one"
    );

    let json: serde_json::Value = serde_json::from_slice(
        &zdpolicy(dir.path())
            .args(["plan", "--sandbox", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let located: Vec<(String, String, u64, u64)> = json["accounts"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["file"].as_str().unwrap().to_owned(),
                d["line"].as_u64().unwrap(),
                d["column"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        located,
        [
            (
                "operator-not-offered".to_owned(),
                "zdpolicy.yaml".to_owned(),
                12,
                57
            ),
            (
                "value-not-offered".to_owned(),
                "zdpolicy.yaml".to_owned(),
                17,
                46
            ),
            (
                "field-not-offered".to_owned(),
                "zdpolicy.yaml".to_owned(),
                8,
                39
            ),
        ]
    );
}
