//! Snapshots of what apply and export print and write, run as users run them against the
//! built-in sandbox (a simulator over HTTP): apply's manual-step checklist and summary, the
//! `--report` JSON of a complete and of a partly failed apply, and the exported policy YAML.

mod support;

use std::path::Path;

use support::{multi_account_workspace, zdpolicy};

/// What changes from run to run: the sandbox's port, the tool's version, and the ids of what
/// apply creates (accounts are applied concurrently, so which one the sandbox numbers first
/// varies).
fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
        (
            r#""tool_version": "[^"]+""#,
            r#""tool_version": "[version]""#,
        ),
        (r#""created_id": "\d+""#, r#""created_id": "[id]""#),
    ]
}

/// Runs `args` in `dir`, returning the exit code, stdout and stderr.
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = zdpolicy(dir).args(args).output().unwrap();
    (
        output.status.code(),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn report(dir: &Path, file: &str) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap()
}

#[test]
fn apply_of_the_multi_account_example_prints_the_checklist_and_summary_and_reports() {
    let dir = multi_account_workspace();
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "apply",
            "--sandbox",
            "--auto-approve",
            "--color",
            "never",
            "--report",
            "report.json",
        ],
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    // The plan shown first is the one `plan` prints, pinned by cli_zendesk's plan snapshots.
    assert!(
        stdout.ends_with("Plan: 4 to add, 3 to change, 0 to destroy, 2 manual steps.\n"),
        "{stdout}"
    );
    let report = report(dir.path(), "report.json");
    let mut created: Vec<&str> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["changes"].as_array().unwrap())
        .filter_map(|c| c["created_id"].as_str())
        .collect();
    created.sort_unstable();
    created.dedup();
    assert_eq!(created.len(), 4, "one new id per create: {created:?}");
    insta::with_settings!({filters => filters()}, {
        insta::assert_snapshot!("apply_checklist_and_summary", stderr);
        insta::assert_json_snapshot!("apply_report", report);
    });
}

/// A write Zendesk refuses: the sandbox stops offering the "Messaging session ended reason"
/// condition once agents cannot end sessions, and the update of the trigger that tests it is
/// refused (422) while the other two changes of the account are applied.
#[test]
fn a_partly_failed_apply_names_the_failure_in_its_summary_and_report() {
    let dir = tempfile::tempdir().unwrap();
    let policy = |active: bool, t1_title: &str| {
        let text = format!(
            "version: 1\naccounts:\n  acme:\n    subdomain: acme\n    safety: {{ max_changed_percent: 100 }}\n    triggers:\n      - {{ key: t0, title: T0, active: {active}, actions: [ {{ field: priority, value: high }} ] }}\n      - {{ key: t1, title: {t1_title}, conditions: {{ all: [ {{ field: zdpolicy_sim_messaging_session_ended_reason, operator: value, value: zdpolicy_sim_ended_by_agent }} ] }}, actions: [ {{ field: priority, value: high }} ] }}\n      - {{ key: t2, title: T2, active: {active}, actions: [ {{ field: priority, value: high }} ] }}\n"
        );
        std::fs::write(dir.path().join("zdpolicy.yaml"), text).unwrap();
    };
    policy(true, "T1");
    let (code, _, stderr) = run(dir.path(), &["apply", "--sandbox", "--auto-approve"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, _, stderr) = run(
        dir.path(),
        &["sandbox", "set", "acme", "agents-can-end-sessions", "off"],
    );
    assert_eq!(code, Some(0), "{stderr}");

    policy(false, "T1 renamed");
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "apply",
            "--sandbox",
            "--auto-approve",
            "--color",
            "never",
            "--report",
            "report.json",
        ],
    );
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    insta::with_settings!({filters => filters()}, {
        insta::assert_snapshot!("apply_partly_failed_summary", stderr);
        insta::assert_json_snapshot!("apply_partly_failed_report", report(dir.path(), "report.json"));
    });
}

#[test]
fn export_of_a_sandbox_account_with_its_triggers() {
    let dir = tempfile::tempdir().unwrap();
    let (code, yaml, stderr) = run(
        dir.path(),
        &["export", "--sandbox", "--subdomain", "acme", "--triggers"],
    );
    assert_eq!(code, Some(0), "{stderr}");
    insta::with_settings!({filters => filters()}, {
        insta::assert_snapshot!("export_yaml", yaml);
    });
}

/// A second apply of the multi-account example has nothing to write, only the two manual
/// steps whose live value cannot be read: it still prints the checklist and summary and writes
/// the report with both steps pending, so a CI job that reads the report always finds one.
#[test]
fn an_apply_with_only_manual_steps_left_still_reports_them() {
    let dir = multi_account_workspace();
    let first = ["apply", "--sandbox", "--auto-approve", "--color", "never"];
    let (code, stdout, stderr) = run(dir.path(), &first);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let mut again = first.to_vec();
    again.extend(["--report", "again.json"]);
    let (code, stdout, stderr) = run(dir.path(), &again);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let report = report(dir.path(), "again.json");
    let outcomes: Vec<&str> = report["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["changes"].as_array().unwrap())
        .filter_map(|c| c["outcome"].as_str())
        .collect();
    assert_eq!(outcomes, ["pending-manual", "pending-manual"], "{report:#}");
    insta::with_settings!({filters => filters()}, {
        insta::assert_snapshot!("apply_only_manual_steps_summary", stderr);
    });
}
